/*
 * vec.c: growth policy of VEC (doubling, overflow-checked).
 */
#include "core/vec.h"

#include <stdint.h>

#include "core/alloc.h"
#include "whosaid.h"

int vec_reserve(void **items, size_t *cap, size_t len, size_t more, size_t size) {
  if (more > SIZE_MAX / size - len) return WHOSAID_ENOMEM;
  size_t need = len + more;
  if (need <= *cap) return 0;
  size_t grown = *cap < 8 ? 8 : *cap;
  while (grown < need) {
    grown = grown > SIZE_MAX / 2 / size ? need : grown * 2;
  }
  void *bigger = ws_realloc(*items, grown * size);
  if (bigger == NULL) return WHOSAID_ENOMEM;
  *items = bigger;
  *cap = grown;
  return 0;
}
