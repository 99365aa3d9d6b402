/*
 * test_quote_classify.c: direct quotes versus scare quotes, terms and
 * titles, and the reason given for each decision.
 */
#include "quote_fixture.h"
#include "test.h"

/* Classify TEXT and expect the span QUOTED to have REASON (and to be direct
 * exactly when DIRECT). */
#define ASSERT_REASON(text, with_cues, quoted, expected_reason, direct)                  \
  do {                                                                          \
    fixture f_;                                                                 \
    fixture_run(&f_, (text), (with_cues));                                      \
    long i_ = fixture_find(&f_, (quoted));                                      \
    if (i_ < 0) {                                                               \
      fixture_free(&f_);                                                        \
      TEST_FAIL_("span %s not found", (quoted));                                \
    }                                                                           \
    uint32_t reason_ = f_.spans.items[i_].reason;                               \
    bool direct_ = (f_.spans.items[i_].flags & WHOSAID_QUOTE_DIRECT) != 0;      \
    fixture_free(&f_);                                                          \
    ASSERT_STR_EQ(whosaid_quote_reason_name_for_test(reason_),                  \
                  whosaid_quote_reason_name_for_test(expected_reason));                  \
    ASSERT_EQ(direct_, (direct));                                               \
  } while (0)

static const char *whosaid_quote_reason_name_for_test(uint32_t reason) {
  static const char *const names[] = {
#define WHOSAID_XX(name, text) #name,
      WHOSAID_QUOTE_REASON_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  };
  return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "?";
}

TEST(three_words_inside_a_paraphrase_are_a_quote) {
  ASSERT_REASON("Officials said the plan was \"a total and complete disaster\" for the city.",
                true, "\"a total and complete disaster\"", WHOSAID_QUOTE_LONG, true);
}

TEST(trailing_cue_makes_a_cue_quote) {
  ASSERT_REASON("\xe2\x80\x9cWe will win this,\xe2\x80\x9d Pompeo said.", true,
                "\xe2\x80\x9cWe will win this,\xe2\x80\x9d", WHOSAID_QUOTE_CUE, true);
}

TEST(cue_after_the_verb_first_order) {
  ASSERT_REASON("\"We hope for the best,\" said spokesman Geng Shuang, according to Reuters.",
                true, "\"We hope for the best,\"", WHOSAID_QUOTE_CUE, true);
}

TEST(leading_cue_with_a_colon) {
  ASSERT_REASON("Pompeo told the news conference further: \xe2\x80\x9cThere is a risk.\xe2\x80\x9d",
                true, "\xe2\x80\x9cThere is a risk.\xe2\x80\x9d", WHOSAID_QUOTE_CUE, true);
}

TEST(one_word_answer_with_a_cue) {
  ASSERT_REASON("\"No,\" he said.", true, "\"No,\"", WHOSAID_QUOTE_CUE, true);
}

TEST(one_word_answer_without_a_lexicon_opens_a_sentence) {
  ASSERT_REASON("\"No,\" he said.", false, "\"No,\"", WHOSAID_QUOTE_UTTERANCE, true);
}

TEST(question_is_an_utterance) {
  ASSERT_REASON("The crowd shouted back \"Why not?\" and left.", false, "\"Why not?\"",
                WHOSAID_QUOTE_UTTERANCE, true);
}

TEST(short_quote_after_a_colon) {
  ASSERT_REASON("His answer was short: \"Never.\"", false, "\"Never.\"",
                WHOSAID_QUOTE_UTTERANCE, true);
}

TEST(short_sentence_after_a_comma) {
  ASSERT_REASON("Then she added, \"We lost.\"", false, "\"We lost.\"",
                WHOSAID_QUOTE_UTTERANCE, true);
}

TEST(scare_quote_is_a_short_term) {
  ASSERT_REASON("China uses its networks as \"back door\" for eavesdropping.", true,
                "\"back door\"", WHOSAID_QUOTE_SHORT_TERM, false);
}

TEST(capitalized_term_is_a_short_term) {
  ASSERT_REASON("It was Merkel's disastrous \"Open Door\" policies which allowed it.", true,
                "\"Open Door\"", WHOSAID_QUOTE_SHORT_TERM, false);
}

TEST(term_ending_a_sentence_is_not_an_utterance) {
  ASSERT_REASON("She called the plan \"naive.\" Others agreed.", true, "\"naive.\"",
                WHOSAID_QUOTE_SHORT_TERM, false);
}

TEST(named_work_is_a_title) {
  ASSERT_REASON("A film called \"The Long Road Home to Nowhere\" opened on Friday.", true,
                "\"The Long Road Home to Nowhere\"", WHOSAID_QUOTE_TITLE, false);
}

TEST(naming_word_in_a_headline_does_not_make_a_title) {
  ASSERT_REASON("The Film\n\n\xe2\x80\x9cWe will win this,\xe2\x80\x9d the lawyer said.", true,
                "\xe2\x80\x9cWe will win this,\xe2\x80\x9d", WHOSAID_QUOTE_CUE, true);
}

TEST(known_as_gives_a_title) {
  ASSERT_REASON("He is known as \"the man from the north\" in town.", true,
                "\"the man from the north\"", WHOSAID_QUOTE_TITLE, false);
}

TEST(title_case_without_a_cue_is_a_title) {
  ASSERT_REASON("He appeared on \"Face the Nation\" on Sunday.", true, "\"Face the Nation\"",
                WHOSAID_QUOTE_TITLE, false);
}

TEST(title_case_introduced_by_a_cue_is_a_quote) {
  ASSERT_REASON("He said: \"We Will Win Big.\"", true, "\"We Will Win Big.\"",
                WHOSAID_QUOTE_CUE, true);
}

TEST(title_with_the_sentence_comma_inside) {
  ASSERT_REASON("He appeared on \"Fox News Sunday,\" he said.", true, "\"Fox News Sunday,\"",
                WHOSAID_QUOTE_TITLE, false);
}

TEST(characterization_of_three_words_is_a_quote) {
  ASSERT_REASON("It imposed sanctions on what it called \"a clear threat to peace.\"", true,
                "\"a clear threat to peace.\"", WHOSAID_QUOTE_LONG, true);
}

TEST(name_after_called_is_a_title) {
  ASSERT_REASON("He joined a group called \"Citizens United Forever\" last year.", true,
                "\"Citizens United Forever\"", WHOSAID_QUOTE_TITLE, false);
}

TEST(short_term_followed_by_a_cue_is_still_a_term) {
  ASSERT_REASON("It is a \"phony system,\" Trump said.", true, "\"phony system,\"",
                WHOSAID_QUOTE_SHORT_TERM, false);
}

TEST(single_marks_in_a_text_with_double_quotes) {
  ASSERT_REASON("The headline said 'it is all over now' today. \"We will fight on and on,\" "
                "she said.",
                true, "'it is all over now'", WHOSAID_QUOTE_SINGLE_QUOTES, false);
}

TEST(single_marks_in_a_text_that_quotes_with_them) {
  ASSERT_REASON("'We will fight on,' she said.", true, "'We will fight on,'",
                WHOSAID_QUOTE_CUE, true);
}

TEST(nested_quote_is_not_a_quote_of_its_own) {
  ASSERT_REASON("\xe2\x80\x9cHe called it \xe2\x80\x98" "a complete and utter disaster\xe2\x80\x99 "
                "on Monday,\xe2\x80\x9d she said.",
                true, "\xe2\x80\x98" "a complete and utter disaster\xe2\x80\x99",
                WHOSAID_QUOTE_NESTED, false);
}

TEST(empty_quote) {
  ASSERT_REASON("He said \"\" twice.", true, "\"\"", WHOSAID_QUOTE_EMPTY, false);
}

TEST(unbalanced_long_quote_is_still_a_quote) {
  ASSERT_REASON("Protesters carried signs reading \"we will never give up on this\n\nNext.", true,
                "\"we will never give up on this", WHOSAID_QUOTE_LONG, true);
}

int main(void) {
  RUN(three_words_inside_a_paraphrase_are_a_quote);
  RUN(trailing_cue_makes_a_cue_quote);
  RUN(cue_after_the_verb_first_order);
  RUN(leading_cue_with_a_colon);
  RUN(one_word_answer_with_a_cue);
  RUN(one_word_answer_without_a_lexicon_opens_a_sentence);
  RUN(question_is_an_utterance);
  RUN(short_quote_after_a_colon);
  RUN(short_sentence_after_a_comma);
  RUN(scare_quote_is_a_short_term);
  RUN(capitalized_term_is_a_short_term);
  RUN(term_ending_a_sentence_is_not_an_utterance);
  RUN(named_work_is_a_title);
  RUN(naming_word_in_a_headline_does_not_make_a_title);
  RUN(known_as_gives_a_title);
  RUN(title_case_without_a_cue_is_a_title);
  RUN(title_case_introduced_by_a_cue_is_a_quote);
  RUN(title_with_the_sentence_comma_inside);
  RUN(characterization_of_three_words_is_a_quote);
  RUN(name_after_called_is_a_title);
  RUN(short_term_followed_by_a_cue_is_still_a_term);
  RUN(single_marks_in_a_text_with_double_quotes);
  RUN(single_marks_in_a_text_that_quotes_with_them);
  RUN(nested_quote_is_not_a_quote_of_its_own);
  RUN(empty_quote);
  RUN(unbalanced_long_quote_is_still_a_quote);
  return test_report();
}
