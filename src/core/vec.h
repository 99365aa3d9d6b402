/*
 * vec.h: one growable array type for the whole library.
 *
 *   VEC(text_token) tokens = VEC_INIT;
 *   if (VEC_PUSH(&tokens, token) != 0) return WHOSAID_ENOMEM;
 *   ...
 *   VEC_FREE(&tokens);
 *
 * VEC_PUSH and VEC_RESERVE return 0 or WHOSAID_ENOMEM and leave the vector
 * unchanged when they fail.
 */
#ifndef WHOSAID_CORE_VEC_H
#define WHOSAID_CORE_VEC_H

#include <stddef.h>

#include "core/alloc.h"

#define VEC(T)    \
  struct {        \
    T *items;     \
    size_t len;   \
    size_t cap;   \
  }

#define VEC_INIT {NULL, 0, 0}

/* Make room for at least N more items. */
#define VEC_RESERVE(v, n) \
  vec_reserve((void **)&(v)->items, &(v)->cap, (v)->len, (n), sizeof(*(v)->items))

#define VEC_PUSH(v, item) \
  (VEC_RESERVE((v), 1) != 0 ? WHOSAID_ENOMEM : ((v)->items[(v)->len++] = (item), 0))

#define VEC_LAST(v) (&(v)->items[(v)->len - 1])

#define VEC_FREE(v)          \
  do {                       \
    ws_free((v)->items);     \
    (v)->items = NULL;       \
    (v)->len = (v)->cap = 0; \
  } while (0)

/* Grow *ITEMS (capacity *CAP, LEN used) to hold LEN + MORE items of SIZE. */
int vec_reserve(void **items, size_t *cap, size_t len, size_t more, size_t size);

#endif
