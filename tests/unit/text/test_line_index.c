/*
 * test_line_index.c: byte offsets to (line, column) points and back.
 */
#include <stdlib.h>

#include "core/alloc.h"
#include "test.h"
#include "text/text.h"

#define POINT_IS(index, offset, want_line, want_column)          \
  do {                                                           \
    whosaid_point p_ = text_line_index_point((index), (offset)); \
    ASSERT_EQ(p_.line, (want_line));                             \
    ASSERT_EQ(p_.column, (want_column));                         \
  } while (0)

#define OFFSET_IS(index, want_line, want_column, want_offset)                                     \
  do {                                                                                            \
    uint32_t o_ = 0xFFFFFFFF;                                                                     \
    ASSERT_OK(text_line_index_offset((index), (whosaid_point){(want_line), (want_column)}, &o_)); \
    ASSERT_EQ(o_, (want_offset));                                                                 \
  } while (0)

TEST(empty_text_has_one_line) {
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, NULL, 0));
  ASSERT_EQ(index.starts.len, 1);
  POINT_IS(&index, 0, 0, 0);
  POINT_IS(&index, 7, 0, 0); /* clamped to the end */
  OFFSET_IS(&index, 0, 0, 0);
  OFFSET_IS(&index, 0, 9, 0);
  uint32_t offset = 0;
  ASSERT_EQ(text_line_index_offset(&index, (whosaid_point){1, 0}, &offset), WHOSAID_ERANGE);
  text_line_index_destroy(&index);
}

TEST(text_without_newline) {
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, "abc", 3));
  ASSERT_EQ(index.starts.len, 1);
  POINT_IS(&index, 2, 0, 2);
  POINT_IS(&index, 3, 0, 3);
  OFFSET_IS(&index, 0, 3, 3);
  OFFSET_IS(&index, 0, 4, 3);
  text_line_index_destroy(&index);
}

TEST(lines_start_after_each_newline) {
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, "ab\ncd\n", 6));
  ASSERT_EQ(index.starts.len, 3);
  ASSERT_EQ(index.starts.items[0], 0);
  ASSERT_EQ(index.starts.items[1], 3);
  ASSERT_EQ(index.starts.items[2], 6);
  POINT_IS(&index, 0, 0, 0);
  POINT_IS(&index, 2, 0, 2); /* the '\n' ends its own line */
  POINT_IS(&index, 3, 1, 0);
  POINT_IS(&index, 5, 1, 2);
  POINT_IS(&index, 6, 2, 0);
  POINT_IS(&index, 100, 2, 0);
  text_line_index_destroy(&index);
}

TEST(offsets_clamp_columns_to_the_line_end) {
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, "ab\ncd\n", 6));
  OFFSET_IS(&index, 0, 1, 1);
  OFFSET_IS(&index, 0, 2, 2);
  OFFSET_IS(&index, 0, 99, 2); /* at the '\n', not past it */
  OFFSET_IS(&index, 1, 0, 3);
  OFFSET_IS(&index, 1, 0xFFFFFFFF, 5);
  OFFSET_IS(&index, 2, 0, 6);
  OFFSET_IS(&index, 2, 5, 6);
  uint32_t offset = 0;
  ASSERT_EQ(text_line_index_offset(&index, (whosaid_point){3, 0}, &offset), WHOSAID_ERANGE);
  ASSERT_EQ(text_line_index_offset(&index, (whosaid_point){0xFFFFFFFF, 0}, &offset),
            WHOSAID_ERANGE);
  text_line_index_destroy(&index);
}

TEST(carriage_return_belongs_to_its_line) {
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, "a\r\nb", 4));
  ASSERT_EQ(index.starts.len, 2);
  POINT_IS(&index, 1, 0, 1);
  POINT_IS(&index, 2, 0, 2);
  POINT_IS(&index, 3, 1, 0);
  OFFSET_IS(&index, 0, 99, 2);
  text_line_index_destroy(&index);
}

TEST(consecutive_newlines_are_empty_lines) {
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, "\n\n\n", 3));
  ASSERT_EQ(index.starts.len, 4);
  POINT_IS(&index, 1, 1, 0);
  POINT_IS(&index, 3, 3, 0);
  OFFSET_IS(&index, 1, 5, 1);
  text_line_index_destroy(&index);
}

TEST(columns_count_bytes_and_nul_is_ordinary) {
  const char text[] = "\xC3\xA9\0x\nz";
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, text, sizeof text - 1));
  ASSERT_EQ(index.starts.len, 2);
  POINT_IS(&index, 3, 0, 3);
  POINT_IS(&index, 5, 1, 0);
  text_line_index_destroy(&index);
}

/* On many lines of varied lengths, point and offset undo each other. */
TEST(round_trips_on_many_lines) {
  size_t length = 0, capacity = 1 << 20;
  char *text = malloc(capacity);
  ASSERT_NOT_NULL(text);
  for (size_t line = 0; length + 64 < capacity; line++) {
    size_t width = (line * 7919) % 50;
    for (size_t i = 0; i < width; i++) text[length++] = 'x';
    text[length++] = '\n';
  }
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, text, length));
  size_t line = 0;
  for (uint32_t offset = 0; offset <= length; offset++) {
    whosaid_point point = text_line_index_point(&index, offset);
    uint32_t back = 0;
    ASSERT_EQ(point.line, line);
    ASSERT_OK(text_line_index_offset(&index, point, &back));
    ASSERT_EQ(back, offset);
    if (offset < length && text[offset] == '\n') line++;
  }
  ASSERT_EQ(index.starts.len, line + 1);
  text_line_index_destroy(&index);
  free(text);
}

TEST(destroy_leaves_an_empty_index) {
  text_line_index index;
  ASSERT_OK(text_line_index_build(&index, "a\nb", 3));
  text_line_index_destroy(&index);
  ASSERT(index.starts.items == NULL);
  ASSERT_EQ(index.starts.len, 0);
  text_line_index_destroy(&index); /* twice is harmless */
}

int main(void) {
  RUN(empty_text_has_one_line);
  RUN(text_without_newline);
  RUN(lines_start_after_each_newline);
  RUN(offsets_clamp_columns_to_the_line_end);
  RUN(carriage_return_belongs_to_its_line);
  RUN(consecutive_newlines_are_empty_lines);
  RUN(columns_count_bytes_and_nul_is_ordinary);
  RUN(round_trips_on_many_lines);
  RUN(destroy_leaves_an_empty_index);
  return test_report();
}
