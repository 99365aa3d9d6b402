/*
 * line_index.c: the offsets at which lines start, for converting between
 * byte offsets and (line, column) points the way Neovim counts them.
 */
#include <string.h>

#include "core/alloc.h"
#include "text/text.h"

static size_t count_newlines(const char *text, size_t length) {
  size_t count = 0;
  const char *end = text + length;
  for (const char *p = text; p < end; p++) {
    p = memchr(p, '\n', (size_t)(end - p));
    if (p == NULL) break;
    count++;
  }
  return count;
}

int text_line_index_build(text_line_index *index, const char *text, size_t length) {
  *index = (text_line_index){VEC_INIT, (uint32_t)length};
  /* Counting first makes the index a single allocation of the exact size. */
  size_t lines = 1 + (length == 0 ? 0 : count_newlines(text, length));
  if (VEC_RESERVE(&index->starts, lines) != 0) return WHOSAID_ENOMEM;
  index->starts.items[index->starts.len++] = 0;
  if (length == 0) return 0; /* TEXT may then be NULL */
  const char *end = text + length;
  for (const char *p = text; p < end; p++) {
    p = memchr(p, '\n', (size_t)(end - p));
    if (p == NULL) break;
    index->starts.items[index->starts.len++] = (uint32_t)(p - text) + 1;
  }
  return 0;
}

void text_line_index_destroy(text_line_index *index) {
  VEC_FREE(&index->starts);
}

whosaid_point text_line_index_point(const text_line_index *index, uint32_t offset) {
  if (offset > index->length) offset = index->length;
  /* The last line starting at or before OFFSET: starts[low] <= offset always
   * holds (starts[0] == 0), and starts[high] > offset once high < len. */
  const uint32_t *starts = index->starts.items;
  size_t low = 0, high = index->starts.len;
  while (high - low > 1) {
    size_t middle = low + (high - low) / 2;
    if (starts[middle] <= offset) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return (whosaid_point){(uint32_t)low, offset - starts[low]};
}

int text_line_index_offset(const text_line_index *index, whosaid_point point, uint32_t *offset) {
  if (point.line >= index->starts.len) return WHOSAID_ERANGE;
  uint32_t start = index->starts.items[point.line];
  /* The line's end is its '\n' (excluded) or the end of the text. */
  uint32_t end =
      point.line + 1 < index->starts.len ? index->starts.items[point.line + 1] - 1 : index->length;
  uint32_t width = end - start;
  *offset = start + (point.column < width ? point.column : width);
  return 0;
}
