/*
 * alloc.c: the pluggable allocator (whosaid_set_allocator) and helpers.
 */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "whosaid.h"

static whosaid_allocator current = {malloc, realloc, free};

void whosaid_set_allocator(const whosaid_allocator *allocator) {
  if (allocator == NULL) {
    current = (whosaid_allocator){malloc, realloc, free};
  } else {
    current = *allocator;
  }
}

void *ws_malloc(size_t size) {
  return current.malloc(size == 0 ? 1 : size);
}

void *ws_calloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return NULL;
  void *p = ws_malloc(count * size);
  if (p != NULL) memset(p, 0, count * size);
  return p;
}

void *ws_realloc(void *ptr, size_t size) {
  return current.realloc(ptr, size == 0 ? 1 : size);
}

void ws_free(void *ptr) {
  if (ptr != NULL) current.free(ptr);
}

char *ws_strndup(const char *s, size_t length) {
  char *copy = ws_malloc(length + 1);
  if (copy == NULL) return NULL;
  memcpy(copy, s, length);
  copy[length] = '\0';
  return copy;
}

void whosaid_free(void *memory) {
  ws_free(memory);
}
