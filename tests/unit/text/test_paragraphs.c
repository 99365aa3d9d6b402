/*
 * test_paragraphs.c: blank-line paragraphs, one paragraph per line, and
 * what counts as blank.
 */
#include <stdbool.h>

#include "core/alloc.h"
#include "test.h"
#include "text/text.h"

/* Compare the paragraphs of TEXT (LENGTH bytes), joined by "|", with
 * EXPECTED. */
static bool paragraphs_are(const char *text, size_t length, const char *expected) {
  text_paragraph_vec paragraphs = VEC_INIT;
  char actual[1024] = "";
  size_t used = 0;
  if (text_find_paragraphs(text, length, &paragraphs) != 0) return false;
  for (size_t i = 0; i < paragraphs.len && used < sizeof actual; i++) {
    const text_paragraph *p = &paragraphs.items[i];
    used += (size_t)snprintf(actual + used, sizeof actual - used, "%s%.*s", i == 0 ? "" : "|",
                             (int)(p->end - p->start), text + p->start);
  }
  VEC_FREE(&paragraphs);
  if (strcmp(actual, expected) == 0) return true;
  fprintf(stderr, "  expected: \"%s\"\n  actual:   \"%s\"\n", expected, actual);
  return false;
}

#define PARAGRAPHS_ARE(text, expected) paragraphs_are((text), strlen(text), (expected))

TEST(empty_and_blank_texts_have_none) {
  text_paragraph_vec paragraphs = VEC_INIT;
  ASSERT_OK(text_find_paragraphs(NULL, 0, &paragraphs));
  ASSERT_EQ(paragraphs.len, 0);
  ASSERT_OK(text_find_paragraphs("   ", 3, &paragraphs));
  ASSERT_EQ(paragraphs.len, 0);
  ASSERT_OK(text_find_paragraphs(" \n\t\n\r\n \xC2\xA0\n", 10, &paragraphs));
  ASSERT_EQ(paragraphs.len, 0);
  VEC_FREE(&paragraphs);
}

TEST(one_line_is_one_paragraph) {
  ASSERT(PARAGRAPHS_ARE("Hello world.", "Hello world."));
  ASSERT(PARAGRAPHS_ARE("  Hello world.  \n", "Hello world."));
}

TEST(span_runs_from_first_to_last_non_blank_byte) {
  text_paragraph_vec paragraphs = VEC_INIT;
  const char *text = "\n  \tTwo words \xE3\x80\x80\n";
  ASSERT_OK(text_find_paragraphs(text, strlen(text), &paragraphs));
  ASSERT_EQ(paragraphs.len, 1);
  ASSERT_EQ(paragraphs.items[0].start, 4);
  ASSERT_EQ(paragraphs.items[0].end, 13);
  VEC_FREE(&paragraphs);
}

TEST(blank_lines_separate_paragraphs) {
  ASSERT(PARAGRAPHS_ARE("A b.\n\nC d.\nE f.\n\n\n\nG.", "A b.|C d.\nE f.|G."));
  ASSERT(PARAGRAPHS_ARE("Headline\nBody one.\n\nBody two.", "Headline\nBody one.|Body two."));
}

TEST(white_space_lines_are_blank) {
  ASSERT(PARAGRAPHS_ARE("A\n \t \nB", "A|B"));
  ASSERT(PARAGRAPHS_ARE("A\n\xC2\xA0\xE2\x80\x83\nB\nC", "A|B\nC")); /* NBSP, em space */
  ASSERT(PARAGRAPHS_ARE("A\n\xE2\x80\x8B\nB\nC", "A|B\nC"));         /* zero width space */
  const char with_nul[] = "A\n\0\0\nB\nC";
  ASSERT(paragraphs_are(with_nul, sizeof with_nul - 1, "A|B\nC"));
}

TEST(without_blank_lines_each_line_is_a_paragraph) {
  ASSERT(PARAGRAPHS_ARE("Line one.\nLine two.\nLine three.", "Line one.|Line two.|Line three."));
  ASSERT(PARAGRAPHS_ARE("  One\n\tTwo  \n", "One|Two"));
}

TEST(leading_and_trailing_blank_lines_separate_nothing) {
  ASSERT(PARAGRAPHS_ARE("\n\n  \nA\nB\n\n \n", "A|B"));
}

TEST(crlf_line_endings) {
  ASSERT(PARAGRAPHS_ARE("One.\r\n\r\nTwo\r\nthree.\r\n", "One.|Two\r\nthree."));
  ASSERT(PARAGRAPHS_ARE("One.\r\nTwo.\r\n", "One.|Two."));
}

TEST(invalid_bytes_are_not_blank) {
  ASSERT(PARAGRAPHS_ARE("\xFF", "\xFF"));
  ASSERT(PARAGRAPHS_ARE("a\n\n \x80 \n", "a|\x80"));
}

TEST(a_lone_carriage_return_does_not_end_a_line) {
  ASSERT(PARAGRAPHS_ARE("One.\rTwo.\r\r", "One.\rTwo."));
}

TEST(token_and_sentence_fields_start_at_zero) {
  text_paragraph_vec paragraphs = VEC_INIT;
  ASSERT_OK(text_find_paragraphs("a\n\nb", 4, &paragraphs));
  ASSERT_EQ(paragraphs.len, 2);
  ASSERT_EQ(paragraphs.items[1].first_token, 0);
  ASSERT_EQ(paragraphs.items[1].token_count, 0);
  ASSERT_EQ(paragraphs.items[1].first_sentence, 0);
  ASSERT_EQ(paragraphs.items[1].sentence_count, 0);
  VEC_FREE(&paragraphs);
}

TEST(reused_vector_is_emptied_first) {
  text_paragraph_vec paragraphs = VEC_INIT;
  ASSERT_OK(text_find_paragraphs("a\nb\nc", 5, &paragraphs));
  ASSERT_EQ(paragraphs.len, 3);
  ASSERT_OK(text_find_paragraphs("z", 1, &paragraphs));
  ASSERT_EQ(paragraphs.len, 1);
  ASSERT_EQ(paragraphs.items[0].start, 0);
  VEC_FREE(&paragraphs);
}

TEST(many_paragraphs) {
  char text[3000];
  size_t length = 0;
  for (int i = 0; i < 500; i++) {
    memcpy(text + length, "Hi.\n\n", 5);
    length += 5;
  }
  text_paragraph_vec paragraphs = VEC_INIT;
  ASSERT_OK(text_find_paragraphs(text, length, &paragraphs));
  ASSERT_EQ(paragraphs.len, 500);
  ASSERT_EQ(paragraphs.items[499].start, 499 * 5);
  ASSERT_EQ(paragraphs.items[499].end, 499 * 5 + 3);
  VEC_FREE(&paragraphs);
}

int main(void) {
  RUN(empty_and_blank_texts_have_none);
  RUN(one_line_is_one_paragraph);
  RUN(span_runs_from_first_to_last_non_blank_byte);
  RUN(blank_lines_separate_paragraphs);
  RUN(white_space_lines_are_blank);
  RUN(without_blank_lines_each_line_is_a_paragraph);
  RUN(leading_and_trailing_blank_lines_separate_nothing);
  RUN(crlf_line_endings);
  RUN(invalid_bytes_are_not_blank);
  RUN(a_lone_carriage_return_does_not_end_a_line);
  RUN(token_and_sentence_fields_start_at_zero);
  RUN(reused_vector_is_emptied_first);
  RUN(many_paragraphs);
  return test_report();
}
