/*
 * test_quote_pairs.c: pairing quotation marks into spans.
 */
#include "quote_fixture.h"
#include "test.h"

/* Expect exactly one span, with text EXPECTED. */
#define ASSERT_ONE_SPAN(f, expected)                        \
  do {                                                      \
    ASSERT_EQ((f)->spans.len, 1);                           \
    ASSERT_STR_EQ(fixture_span_text((f), 0), (expected));   \
  } while (0)

TEST(pairs_curly_double_quotes) {
  fixture f;
  fixture_run(&f, "He said \xe2\x80\x9cwe will win\xe2\x80\x9d today.", true);
  ASSERT_ONE_SPAN(&f, "\xe2\x80\x9cwe will win\xe2\x80\x9d");
  ASSERT_EQ(f.spans.items[0].start, 8);
  ASSERT_EQ(f.spans.items[0].flags & WHOSAID_QUOTE_UNBALANCED, 0);
  ASSERT_EQ(f.spans.items[0].parent, -1);
  fixture_free(&f);
}

TEST(pairs_straight_double_quotes) {
  fixture f;
  fixture_run(&f, "He said \"we will win\" and \"we will stay\" today.", true);
  ASSERT_EQ(f.spans.len, 2);
  ASSERT_STR_EQ(fixture_span_text(&f, 0), "\"we will win\"");
  ASSERT_STR_EQ(fixture_span_text(&f, 1), "\"we will stay\"");
  fixture_free(&f);
}

TEST(keeps_apostrophes_inside_a_quote) {
  fixture f;
  fixture_run(&f, "\xe2\x80\x9cWe can\xe2\x80\x99t do it, it\xe2\x80\x99s Germany\xe2\x80\x99s call"
                  ",\xe2\x80\x9d he said.", true);
  ASSERT_EQ(f.spans.len, 1);
  ASSERT_EQ(f.spans.items[0].start, 0);
  ASSERT_EQ(f.spans.items[0].end, strlen(f.text) - strlen(" he said."));
  fixture_free(&f);
}

TEST(plural_possessive_is_not_a_closing_quote) {
  fixture f;
  fixture_run(&f, "\xe2\x80\x9cThe Smiths\xe2\x80\x99 house is big,\xe2\x80\x9d he said.", true);
  ASSERT_EQ(f.spans.len, 1);
  ASSERT_EQ(f.spans.items[0].flags & WHOSAID_QUOTE_SINGLE_MARKS, 0);
  fixture_free(&f);
}

TEST(nests_single_quotes_inside_double) {
  fixture f;
  fixture_run(&f, "\xe2\x80\x9cHe called it \xe2\x80\x98" "a disaster\xe2\x80\x99 on Monday,"
                  "\xe2\x80\x9d she said.", true);
  ASSERT_EQ(f.spans.len, 2);
  ASSERT_EQ(f.spans.items[0].parent, -1);
  ASSERT_EQ(f.spans.items[1].parent, 0);
  ASSERT_STR_EQ(fixture_span_text(&f, 1), "\xe2\x80\x98" "a disaster\xe2\x80\x99");
  ASSERT(f.spans.items[1].flags & WHOSAID_QUOTE_SINGLE_MARKS);
  fixture_free(&f);
}

TEST(nests_straight_single_quotes) {
  fixture f;
  fixture_run(&f, "\"He said 'no way' twice,\" she said.", true);
  ASSERT_EQ(f.spans.len, 2);
  ASSERT_STR_EQ(fixture_span_text(&f, 0), "\"He said 'no way' twice,\"");
  ASSERT_STR_EQ(fixture_span_text(&f, 1), "'no way'");
  ASSERT_EQ(f.spans.items[1].parent, 0);
  fixture_free(&f);
}

TEST(double_mark_closes_across_an_apostrophe) {
  fixture f;
  fixture_run(&f, "\"It was 'good enough,\" she said.", true);
  ASSERT_ONE_SPAN(&f, "\"It was 'good enough,\"");
  fixture_free(&f);
}

TEST(split_quote_gives_two_spans) {
  fixture f;
  fixture_run(&f, "\xe2\x80\x9c" "A is true,\xe2\x80\x9d he said, \xe2\x80\x9c" "B is too.\xe2\x80\x9d",
              true);
  ASSERT_EQ(f.spans.len, 2);
  ASSERT_STR_EQ(fixture_span_text(&f, 1), "\xe2\x80\x9c" "B is too.\xe2\x80\x9d");
  fixture_free(&f);
}

TEST(continues_a_quote_over_paragraphs) {
  fixture f;
  const char *text =
      "He began:\n\n"
      "\xe2\x80\x9cThe first part goes on.\n\n"
      "\xe2\x80\x9cThe second part too.\n\n"
      "\xe2\x80\x9c" "And the end,\xe2\x80\x9d he said.\n\n"
      "Then he left.";
  fixture_run(&f, text, true);
  ASSERT_EQ(f.spans.len, 1);
  ASSERT_EQ(f.spans.items[0].start, strlen("He began:\n\n"));
  ASSERT_EQ(f.spans.items[0].end, strstr(text, " he said.") - text);
  ASSERT(f.spans.items[0].flags & WHOSAID_QUOTE_MULTI_PARAGRAPH);
  ASSERT_EQ(f.spans.items[0].flags & WHOSAID_QUOTE_UNBALANCED, 0);
  fixture_free(&f);
}

TEST(unclosed_quote_ends_at_its_paragraph) {
  fixture f;
  const char *text =
      "\xe2\x80\x9cThis quote is never closed by the writer.\n\n"
      "The next paragraph is plain text.\n\n"
      "Later \xe2\x80\x9c" "a real quote here\xe2\x80\x9d is found.";
  fixture_run(&f, text, true);
  ASSERT_EQ(f.spans.len, 2);
  ASSERT_EQ(f.spans.items[0].start, 0);
  ASSERT_EQ(f.spans.items[0].end, strlen("\xe2\x80\x9cThis quote is never closed by the writer."));
  ASSERT(f.spans.items[0].flags & WHOSAID_QUOTE_UNBALANCED);
  ASSERT_EQ(f.spans.items[0].close_token, QUOTE_NO_TOKEN);
  ASSERT_STR_EQ(fixture_span_text(&f, 1), "\xe2\x80\x9c" "a real quote here\xe2\x80\x9d");
  ASSERT_EQ(f.spans.items[1].flags & WHOSAID_QUOTE_UNBALANCED, 0);
  fixture_free(&f);
}

TEST(unclosed_quote_in_the_last_paragraph) {
  fixture f;
  fixture_run(&f, "First.\n\nHe said \"and then nothing", true);
  ASSERT_ONE_SPAN(&f, "\"and then nothing");
  ASSERT(f.spans.items[0].flags & WHOSAID_QUOTE_UNBALANCED);
  fixture_free(&f);
}

TEST(ignores_a_stray_closing_mark) {
  fixture f;
  fixture_run(&f, "He said\xe2\x80\x9d nothing at all.", true);
  ASSERT_EQ(f.spans.len, 0);
  fixture_free(&f);
}

TEST(drops_unclosed_single_marks) {
  fixture f;
  fixture_run(&f, "Rock \xe2\x80\x98n roll never dies.\n\nNothing here.", true);
  ASSERT_EQ(f.spans.len, 0);
  fixture_free(&f);
}

TEST(finds_top_level_single_quotes) {
  fixture f;
  fixture_run(&f, "The headline read 'in their heads' today.", true);
  ASSERT_ONE_SPAN(&f, "'in their heads'");
  ASSERT(f.spans.items[0].flags & WHOSAID_QUOTE_SINGLE_MARKS);
  fixture_free(&f);
}

TEST(no_spans_in_empty_text) {
  fixture f;
  fixture_run(&f, "", true);
  ASSERT_EQ(f.spans.len, 0);
  fixture_free(&f);
}

TEST(quote_marks_do_not_pair_across_paragraphs_without_reopening) {
  fixture f;
  fixture_run(&f, "He said \"one\n\nand\" two three four.", true);
  /* The first mark is unbalanced in its paragraph; the second has nothing to close. */
  ASSERT_ONE_SPAN(&f, "\"one");
  fixture_free(&f);
}

TEST(closing_glyph_typed_as_an_opening_mark_opens) {
  fixture f;
  fixture_run(&f, "He wrote: \xe2\x80\x9dWe will win this.\xe2\x80\x9d Then he left.", true);
  ASSERT_ONE_SPAN(&f, "\xe2\x80\x9dWe will win this.\xe2\x80\x9d");
  fixture_free(&f);
}

TEST(transcript_turns_are_separate_quotes) {
  fixture f;
  const char *text =
      "\"WALLACE: Will she attend the debate?\n\n"
      "\"PENCE: She will not attend.\n\n"
      "\"WALLACE: Thank you.\"";
  fixture_run(&f, text, true);
  ASSERT_EQ(f.spans.len, 3);
  ASSERT_STR_EQ(fixture_span_text(&f, 0), "\"WALLACE: Will she attend the debate?");
  ASSERT_STR_EQ(fixture_span_text(&f, 1), "\"PENCE: She will not attend.");
  ASSERT_STR_EQ(fixture_span_text(&f, 2), "\"WALLACE: Thank you.\"");
  fixture_free(&f);
}

int main(void) {
  RUN(pairs_curly_double_quotes);
  RUN(pairs_straight_double_quotes);
  RUN(keeps_apostrophes_inside_a_quote);
  RUN(plural_possessive_is_not_a_closing_quote);
  RUN(nests_single_quotes_inside_double);
  RUN(nests_straight_single_quotes);
  RUN(double_mark_closes_across_an_apostrophe);
  RUN(split_quote_gives_two_spans);
  RUN(continues_a_quote_over_paragraphs);
  RUN(unclosed_quote_ends_at_its_paragraph);
  RUN(unclosed_quote_in_the_last_paragraph);
  RUN(ignores_a_stray_closing_mark);
  RUN(drops_unclosed_single_marks);
  RUN(finds_top_level_single_quotes);
  RUN(no_spans_in_empty_text);
  RUN(quote_marks_do_not_pair_across_paragraphs_without_reopening);
  RUN(closing_glyph_typed_as_an_opening_mark_opens);
  RUN(transcript_turns_are_separate_quotes);
  return test_report();
}
