/*
 * test_alloc.h: an allocator for out-of-memory tests. It counts the blocks
 * alive, and fails the allocation numbered failing_allocation (1-based; 0
 * fails none). Install it with whosaid_set_allocator(&counting).
 */
#ifndef WHOSAID_TEST_ALLOC_H
#define WHOSAID_TEST_ALLOC_H

#include <stdbool.h>
#include <stdlib.h>

#include "whosaid.h"

static size_t allocation_count;   /* allocations so far */
static size_t failing_allocation; /* the one to fail (1-based); 0 for none */
static long live_blocks;

static bool must_fail(void) {
  return ++allocation_count == failing_allocation;
}

static void *counting_malloc(size_t size) {
  if (must_fail()) return NULL;
  void *block = malloc(size);
  if (block != NULL) live_blocks++;
  return block;
}

static void *counting_realloc(void *pointer, size_t size) {
  if (must_fail()) return NULL;
  void *block = realloc(pointer, size);
  if (block != NULL && pointer == NULL) live_blocks++;
  return block;
}

static void counting_free(void *pointer) {
  if (pointer != NULL) live_blocks--;
  free(pointer);
}

static const whosaid_allocator counting = {counting_malloc, counting_realloc, counting_free};

#endif
