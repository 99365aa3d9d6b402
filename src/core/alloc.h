/*
 * alloc.h: the allocator every part of the library goes through, so that
 * whosaid_set_allocator() (and the tests that fail the Nth allocation) see
 * every allocation.
 */
#ifndef WHOSAID_CORE_ALLOC_H
#define WHOSAID_CORE_ALLOC_H

#include <stddef.h>

void *ws_malloc(size_t size);
void *ws_calloc(size_t count, size_t size); /* NULL also when count * size overflows */
void *ws_realloc(void *ptr, size_t size);
void ws_free(void *ptr);

/* A copy of LENGTH bytes at S with a NUL added, or NULL when out of memory. */
char *ws_strndup(const char *s, size_t length);

#endif
