/*
 * test_sentences.c: sentence splitting inside paragraphs, run through the
 * whole text pipeline (paragraphs, tokens, sentences) as whosaid_analyze
 * runs it.
 *
 * Tests describe the result as "[sentence] [sentence] / [sentence]": each
 * sentence's text in brackets, paragraphs separated by " / ".
 */
#include <stdbool.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "test.h"
#include "text/text.h"

typedef struct {
  text_token_vec tokens;
  text_paragraph_vec paragraphs;
  text_sentence_vec sentences;
} analysis;

static int analyze(const char *text, size_t length, analysis *a) {
  *a = (analysis){VEC_INIT, VEC_INIT, VEC_INIT};
  int status = text_find_paragraphs(text, length, &a->paragraphs);
  if (status == 0) status = text_tokenize(text, length, &a->tokens);
  if (status == 0) {
    status = text_split_sentences(text, length, a->tokens.items, a->tokens.len, a->paragraphs.items,
                                  a->paragraphs.len, &a->sentences);
  }
  return status;
}

static void release(analysis *a) {
  VEC_FREE(&a->tokens);
  VEC_FREE(&a->paragraphs);
  VEC_FREE(&a->sentences);
}

static void describe(const char *text, const analysis *a, char *buffer, size_t size) {
  size_t used = 0;
  buffer[0] = '\0';
  for (size_t i = 0; i < a->paragraphs.len && used < size; i++) {
    const text_paragraph *p = &a->paragraphs.items[i];
    if (i > 0) used += (size_t)snprintf(buffer + used, size - used, " /");
    for (uint32_t j = 0; j < p->sentence_count && used < size; j++) {
      const text_sentence *s = &a->sentences.items[p->first_sentence + j];
      used += (size_t)snprintf(buffer + used, size - used, "%s[%.*s]", used == 0 ? "" : " ",
                               (int)(s->end - s->start), text + s->start);
    }
  }
}

static bool sentences_are(const char *text, const char *expected) {
  analysis a;
  char actual[4096];
  if (analyze(text, strlen(text), &a) != 0) {
    release(&a);
    return false;
  }
  describe(text, &a, actual, sizeof actual);
  release(&a);
  if (strcmp(actual, expected) == 0) return true;
  fprintf(stderr, "  text:     %s\n  expected: %s\n  actual:   %s\n", text, expected, actual);
  return false;
}

/* Final punctuation ******************************************************/

TEST(empty_and_blank_texts_have_no_sentences) {
  analysis a;
  ASSERT_OK(analyze("", 0, &a));
  ASSERT_EQ(a.sentences.len, 0);
  ASSERT_EQ(a.paragraphs.len, 0);
  release(&a);
  ASSERT_OK(analyze("  \n\t\n ", 6, &a));
  ASSERT_EQ(a.sentences.len, 0);
  release(&a);
}

TEST(periods_questions_and_exclamations_end_sentences) {
  ASSERT(sentences_are("It rained. Was it cold? Yes! Fine.",
                       "[It rained.] [Was it cold?] [Yes!] [Fine.]"));
  ASSERT(sentences_are("Really?! Wow.", "[Really?!] [Wow.]"));
}

TEST(text_without_final_punctuation_is_one_sentence) {
  ASSERT(sentences_are("hello world", "[hello world]"));
}

TEST(lower_case_word_continues_the_sentence) {
  ASSERT(sentences_are("He said no. and left", "[He said no. and left]"));
  ASSERT(sentences_are("He (who?) left.", "[He (who?) left.]"));
}

TEST(sentence_may_start_with_a_number_or_symbol) {
  ASSERT(sentences_are("Prices fell. 2019 was worse.", "[Prices fell.] [2019 was worse.]"));
  ASSERT(sentences_are("Prices fell. $5 was the low.", "[Prices fell.] [$5 was the low.]"));
}

/* Quotation marks and brackets **********************************************/

TEST(closing_quote_after_the_period_belongs_to_the_sentence) {
  ASSERT(sentences_are("He said: \"No.\" Then he left.", "[He said: \"No.\"] [Then he left.]"));
  ASSERT(sentences_are("He said “I left.” Then we ate.", "[He said “I left.”] [Then we ate.]"));
  ASSERT(sentences_are("“He said, ‘Go.’” Then they went.", "[“He said, ‘Go.’”] [Then they went.]"));
}

TEST(quote_then_reporting_clause_is_one_sentence) {
  ASSERT(
      sentences_are("“We will go,” he said. They went.", "[“We will go,” he said.] [They went.]"));
  ASSERT(sentences_are("“Are you going?” she asked.", "[“Are you going?” she asked.]"));
  ASSERT(sentences_are("\"Why?\" he asked.", "[\"Why?\" he asked.]"));
  ASSERT(sentences_are("“Why?”, he asked.", "[“Why?”, he asked.]"));
  ASSERT(sentences_are("“Never!” — that was all.", "[“Never!” — that was all.]"));
}

TEST(exclamation_in_quotes_before_capital_ends) {
  ASSERT(sentences_are("“Go!” He left.", "[“Go!”] [He left.]"));
}

TEST(opening_quote_of_next_sentence_is_not_attached) {
  ASSERT(
      sentences_are("He left. “Then we ate,” she said.", "[He left.] [“Then we ate,” she said.]"));
  ASSERT(sentences_are("He left. \"Then we ate.\"", "[He left.] [\"Then we ate.\"]"));
}

TEST(brackets) {
  ASSERT(sentences_are("(He left.) Then", "[(He left.)] [Then]"));
  ASSERT(sentences_are("It fell (again). Sad.", "[It fell (again).] [Sad.]"));
}

/* Ellipses ***************************************************************/

TEST(ellipsis_ends_only_before_a_capital) {
  ASSERT(sentences_are("He paused... Then he spoke.", "[He paused...] [Then he spoke.]"));
  ASSERT(sentences_are("He paused… Then he spoke.", "[He paused…] [Then he spoke.]"));
  ASSERT(sentences_are("He paused... and spoke.", "[He paused... and spoke.]"));
  ASSERT(sentences_are("It was... 5 or 6.", "[It was... 5 or 6.]"));
  ASSERT(sentences_are("Why...? Because.", "[Why...?] [Because.]"));
}

/* Abbreviations and initials ********************************************/

TEST(titles_never_end_sentences) {
  ASSERT(sentences_are("Mr. Smith said.", "[Mr. Smith said.]"));
  ASSERT(sentences_are("Gen. Sen. Dr. The Prof. He", "[Gen. Sen. Dr. The Prof. He]"));
}

TEST(initials_never_end_sentences) {
  ASSERT(sentences_are("Richard A. Grenell told reporters. He left.",
                       "[Richard A. Grenell told reporters.] [He left.]"));
  ASSERT(sentences_are("George H. W. Bush spoke.", "[George H. W. Bush spoke.]"));
  /* "X. He": He opens a sentence, so X. was no initial */
  ASSERT(sentences_are("He met Malcolm X. He left.", "[He met Malcolm X.] [He left.]"));
}

TEST(other_abbreviations_end_before_a_sentence_opener) {
  ASSERT(sentences_are("He works at Apple Inc. The company grew.",
                       "[He works at Apple Inc.] [The company grew.]"));
  ASSERT(sentences_are("He joined Apple Inc. in May.", "[He joined Apple Inc. in May.]"));
  ASSERT(sentences_are("He met the Apple Inc. Board.", "[He met the Apple Inc. Board.]"));
  ASSERT(sentences_are("It happened on Jan. 5 in Calif. But why?",
                       "[It happened on Jan. 5 in Calif.] [But why?]"));
  ASSERT(sentences_are("He works for “Apple Inc.” The firm grew.",
                       "[He works for “Apple Inc.”] [The firm grew.]"));
}

TEST(letter_sequences) {
  ASSERT(sentences_are("They met in the U.S. and the U.K.", "[They met in the U.S. and the U.K.]"));
  ASSERT(sentences_are("U.S. officials said so. The U.S. Army left.",
                       "[U.S. officials said so.] [The U.S. Army left.]"));
  ASSERT(sentences_are("He flew to the U.S. It was late.", "[He flew to the U.S.] [It was late.]"));
  ASSERT(sentences_are("Meet at 5 p.m. We will wait.", "[Meet at 5 p.m.] [We will wait.]"));
}

TEST(party_and_state_after_a_name) {
  ASSERT(sentences_are("Mitch McConnell, R-Ky. The vote passed.",
                       "[Mitch McConnell, R-Ky.] [The vote passed.]"));
  ASSERT(sentences_are("Lindsey Graham, R-S.C., said so. It passed.",
                       "[Lindsey Graham, R-S.C., said so.] [It passed.]"));
}

TEST(abbreviation_at_paragraph_end_ends_the_sentence) {
  ASSERT(sentences_are("He moved to Washington, D.C.\n\nThen he left.",
                       "[He moved to Washington, D.C.] / [Then he left.]"));
  ASSERT(sentences_are("He met Dr.", "[He met Dr.]"));
}

TEST(explicit_period_after_abbreviation_ends) {
  ASSERT(sentences_are("He joined Apple Inc.. Then", "[He joined Apple Inc..] [Then]"));
}

TEST(url_at_sentence_end) {
  ASSERT(sentences_are("See https://example.com/a?b=1. Then go.",
                       "[See https://example.com/a?b=1.] [Then go.]"));
}

/* Paragraphs bound sentences ********************************************/

TEST(headline_line_is_its_own_sentence) {
  ASSERT(sentences_are("Markets Rally As Fed Holds Rates\n\nStocks rose on Tuesday. Bonds fell.",
                       "[Markets Rally As Fed Holds Rates] / [Stocks rose on Tuesday.] "
                       "[Bonds fell.]"));
}

TEST(one_paragraph_per_line) {
  ASSERT(sentences_are("Headline Here\nFirst one. Second one.\nThird",
                       "[Headline Here] / [First one.] [Second one.] / [Third]"));
}

TEST(sentences_never_cross_paragraphs) {
  ASSERT(sentences_are("He said\n\nthat it was fine.", "[He said] / [that it was fine.]"));
  ASSERT(sentences_are("“It is\n\nover,” he said.", "[“It is] / [over,” he said.]"));
}

TEST(crlf_text) {
  ASSERT(sentences_are("One. Two.\r\n\r\nThree.\r\n", "[One.] [Two.] / [Three.]"));
}

/* Ranges ****************************************************************/

TEST(token_and_sentence_ranges_are_filled) {
  const char *text = "Hi. Go!\n\nMr. X said it.";
  analysis a;
  ASSERT_OK(analyze(text, strlen(text), &a));
  ASSERT_EQ(a.tokens.len, 9);
  ASSERT_EQ(a.paragraphs.len, 2);
  ASSERT_EQ(a.sentences.len, 3);
  const text_paragraph *first = &a.paragraphs.items[0], *second = &a.paragraphs.items[1];
  ASSERT_EQ(first->first_token, 0);
  ASSERT_EQ(first->token_count, 4);
  ASSERT_EQ(first->first_sentence, 0);
  ASSERT_EQ(first->sentence_count, 2);
  ASSERT_EQ(second->first_token, 4);
  ASSERT_EQ(second->token_count, 5);
  ASSERT_EQ(second->first_sentence, 2);
  ASSERT_EQ(second->sentence_count, 1);
  const text_sentence *s = a.sentences.items;
  ASSERT_EQ(s[0].start, 0);
  ASSERT_EQ(s[0].end, 3);
  ASSERT_EQ(s[0].first_token, 0);
  ASSERT_EQ(s[0].token_count, 2);
  ASSERT_EQ(s[1].start, 4);
  ASSERT_EQ(s[1].end, 7);
  ASSERT_EQ(s[1].first_token, 2);
  ASSERT_EQ(s[2].start, 9);
  ASSERT_EQ(s[2].end, 23);
  ASSERT_EQ(s[2].first_token, 4);
  ASSERT_EQ(s[2].token_count, 5);
  release(&a);
}

TEST(every_token_is_in_exactly_one_sentence) {
  const char *text =
      "“Well…” he said. Mr. A. B. Smith (of Acme Inc.) left!\n\n"
      "Then: “No.” U.S. troops? Yes... fine\nok";
  analysis a;
  ASSERT_OK(analyze(text, strlen(text), &a));
  uint32_t next = 0;
  for (size_t i = 0; i < a.sentences.len; i++) {
    ASSERT_EQ(a.sentences.items[i].first_token, next);
    ASSERT(a.sentences.items[i].token_count > 0);
    next += a.sentences.items[i].token_count;
  }
  ASSERT_EQ(next, a.tokens.len);
  release(&a);
}

TEST(paragraphs_without_tokens_get_empty_ranges) {
  /* Paragraphs given by hand, the second holding no token. */
  const char *text = "One. Two";
  text_token_vec tokens = VEC_INIT;
  ASSERT_OK(text_tokenize(text, strlen(text), &tokens));
  text_paragraph paragraphs[2] = {{.start = 0, .end = 8}, {.start = 8, .end = 8}};
  text_sentence_vec sentences = VEC_INIT;
  ASSERT_OK(text_split_sentences(text, strlen(text), tokens.items, tokens.len, paragraphs, 2,
                                 &sentences));
  ASSERT_EQ(sentences.len, 2);
  ASSERT_EQ(paragraphs[1].token_count, 0);
  ASSERT_EQ(paragraphs[1].first_sentence, 2);
  ASSERT_EQ(paragraphs[1].sentence_count, 0);
  VEC_FREE(&tokens);
  VEC_FREE(&sentences);
}

/* Random texts **********************************************************/

/* A small deterministic generator (xorshift), so that failures repeat. */
static uint32_t random_state = 2463534242u;

static uint32_t next_random(void) {
  random_state ^= random_state << 13;
  random_state ^= random_state >> 17;
  random_state ^= random_state << 5;
  return random_state;
}

/* Fragments that exercise every scanner, and bytes that break UTF-8. */
static const char *const fragments[] = {
    "Mr.",       "U.S.",     "A.",
    "Inc.",      "e.g.",     "No.",
    "R-S.C.",    "word",     "Word",
    "WORD",      "can't",    "’s",
    "’",         "‘",        "'",
    "\"",        "“",        "”",
    "«",         "``",       "''",
    ".",         "...",      "…",
    "?",         "!",        ",",
    "-",         "--",       "—",
    "(",         ")",        "1",
    "3.5",       "1,000",    "’90s",
    "$",         "%",        "http://x.io/a",
    "www.a.com", "a@b.co",   "@h",
    "#t",        "é",        "\xE2\x80\x8B",
    "\xFF",      "\xE2\x80", "\x01",
    "The",       "he",       " ",
    " ",         " ",        "\n",
    "\n\n",      "\r\n",     "\t",
};

/* Fill TEXT with up to 60 random fragments (and sometimes a NUL byte). */
static size_t random_text(char *text) {
  size_t length = 0, count = next_random() % 60;
  size_t fragment_count = sizeof fragments / sizeof fragments[0];
  for (size_t i = 0; i < count; i++) {
    uint32_t choice = next_random() % (fragment_count + 1);
    if (choice == fragment_count) {
      text[length++] = '\0';
      continue;
    }
    size_t size = strlen(fragments[choice]);
    memcpy(text + length, fragments[choice], size);
    length += size;
  }
  return length;
}

/* Bytes between tokens are white space or format characters only. */
static bool gaps_are_separators(const char *text, size_t from, size_t to) {
  for (size_t pos = from; pos < to;) {
    text_char c = text_utf8_decode(text, to, pos);
    if (!text_is_space(c.codepoint) && !text_is_format(c.codepoint)) return false;
    pos += c.length;
  }
  return true;
}

static bool tokens_are_sound(const char *text, size_t length, const analysis *a) {
  size_t pos = 0;
  for (size_t i = 0; i < a->tokens.len; i++) {
    const text_token *token = &a->tokens.items[i];
    if (token->start < pos || token->end <= token->start || token->end > length) return false;
    if (!gaps_are_separators(text, pos, token->start)) return false;
    if (token->kind > WHOSAID_TOKEN_INVALID || token->flags > 0xFF) return false;
    pos = token->end;
  }
  return gaps_are_separators(text, pos, length);
}

/* Paragraphs cover all tokens in order, sentences all of each paragraph's. */
static bool ranges_are_sound(const analysis *a) {
  uint32_t next_token = 0, next_sentence = 0;
  for (size_t i = 0; i < a->paragraphs.len; i++) {
    const text_paragraph *p = &a->paragraphs.items[i];
    if (p->first_token != next_token || p->first_sentence != next_sentence) return false;
    if (p->token_count == 0 || p->sentence_count == 0) return false;
    for (uint32_t j = 0; j < p->sentence_count; j++) {
      const text_sentence *s = &a->sentences.items[p->first_sentence + j];
      const text_token *first = &a->tokens.items[s->first_token];
      if (s->first_token != next_token || s->token_count == 0 || s->start != first->start) {
        return false;
      }
      next_token += s->token_count;
      if (s->end != a->tokens.items[next_token - 1].end) return false;
    }
    if (next_token != p->first_token + p->token_count) return false;
    next_sentence += p->sentence_count;
  }
  return next_token == a->tokens.len && next_sentence == a->sentences.len;
}

TEST(random_texts_keep_every_invariant) {
  char buffer[60 * 16];
  for (int round = 0; round < 20000; round++) {
    size_t length = random_text(buffer);
    /* An exact-size heap copy lets AddressSanitizer catch any overread. */
    char *text = malloc(length == 0 ? 1 : length);
    ASSERT_NOT_NULL(text);
    memcpy(text, buffer, length);
    analysis a;
    int status = analyze(text, length, &a);
    bool sound = status == 0 && tokens_are_sound(text, length, &a) && ranges_are_sound(&a);
    release(&a);
    free(text);
    if (!sound) TEST_FAIL_("round %d: status %d, or unsound ranges", round, status);
  }
}

int main(void) {
  RUN(empty_and_blank_texts_have_no_sentences);
  RUN(periods_questions_and_exclamations_end_sentences);
  RUN(text_without_final_punctuation_is_one_sentence);
  RUN(lower_case_word_continues_the_sentence);
  RUN(sentence_may_start_with_a_number_or_symbol);
  RUN(closing_quote_after_the_period_belongs_to_the_sentence);
  RUN(quote_then_reporting_clause_is_one_sentence);
  RUN(exclamation_in_quotes_before_capital_ends);
  RUN(opening_quote_of_next_sentence_is_not_attached);
  RUN(brackets);
  RUN(ellipsis_ends_only_before_a_capital);
  RUN(titles_never_end_sentences);
  RUN(initials_never_end_sentences);
  RUN(other_abbreviations_end_before_a_sentence_opener);
  RUN(letter_sequences);
  RUN(party_and_state_after_a_name);
  RUN(abbreviation_at_paragraph_end_ends_the_sentence);
  RUN(explicit_period_after_abbreviation_ends);
  RUN(url_at_sentence_end);
  RUN(headline_line_is_its_own_sentence);
  RUN(one_paragraph_per_line);
  RUN(sentences_never_cross_paragraphs);
  RUN(crlf_text);
  RUN(token_and_sentence_ranges_are_filled);
  RUN(every_token_is_in_exactly_one_sentence);
  RUN(paragraphs_without_tokens_get_empty_ranges);
  RUN(random_texts_keep_every_invariant);
  return test_report();
}
