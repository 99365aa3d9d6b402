/*
 * test_large.c: large inputs. A 5 MB single-line text must give exactly the
 * tokens its repeated unit gives, and inputs built to trip a quadratic scan
 * (long runs with no token boundary, or boundaries everywhere) must give
 * their exact token counts too. No timing: a quadratic path would run into
 * the test's timeout instead.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "test.h"
#include "text/text.h"

/* COUNT copies of UNIT, one after the other. */
static char *repeat(const char *unit, size_t count, size_t *length) {
  size_t size = strlen(unit);
  char *text = malloc(size * count + 1);
  if (text == NULL) return NULL;
  for (size_t i = 0; i < count; i++) memcpy(text + i * size, unit, size);
  *length = size * count;
  text[*length] = '\0';
  return text;
}

static size_t token_count(const char *text, size_t length) {
  text_token_vec tokens = VEC_INIT;
  size_t count = text_tokenize(text, length, &tokens) == 0 ? tokens.len : (size_t)-1;
  VEC_FREE(&tokens);
  return count;
}

static size_t count_of_kind(const text_token_vec *tokens, whosaid_token_kind kind) {
  size_t count = 0;
  for (size_t i = 0; i < tokens->len; i++) count += tokens->items[i].kind == kind;
  return count;
}

/* Mr.|A Smith|W ’s|C firm|W ,|P Acme|W Inc.|A ,|P said|W “|Q we|W ca|W n’t|C stop|W ”|Q
 * —|D costs|W rose|W 3.5|N %|S to|W $|$ 1,000.50|N (|P see|W https://x.io/a|U )|P .|P */
static const char unit[] =
    "Mr. Smith’s firm, Acme Inc., said “we can’t stop” — costs rose "
    "3.5% to $1,000.50 (see https://x.io/a). ";
enum { UNIT_TOKENS = 28 };

TEST(unit_has_the_hand_counted_tokens) {
  ASSERT_EQ(token_count(unit, strlen(unit)), UNIT_TOKENS);
}

TEST(five_megabytes_on_one_line) {
  size_t count = 5 * 1024 * 1024 / strlen(unit) + 1, length = 0;
  char *text = repeat(unit, count, &length);
  ASSERT_NOT_NULL(text);
  ASSERT(length >= 5 * 1024 * 1024);
  text_token_vec tokens = VEC_INIT;
  text_paragraph_vec paragraphs = VEC_INIT;
  text_sentence_vec sentences = VEC_INIT;
  int status = text_find_paragraphs(text, length, &paragraphs);
  if (status == 0) status = text_tokenize(text, length, &tokens);
  if (status == 0) {
    status = text_split_sentences(text, length, tokens.items, tokens.len, paragraphs.items,
                                  paragraphs.len, &sentences);
  }
  size_t urls = count_of_kind(&tokens, WHOSAID_TOKEN_URL);
  size_t clitics = count_of_kind(&tokens, WHOSAID_TOKEN_CLITIC);
  size_t token_total = tokens.len, sentence_total = sentences.len;
  size_t paragraph_total = paragraphs.len;
  uint32_t last_end = tokens.len > 0 ? VEC_LAST(&tokens)->end : 0;
  VEC_FREE(&tokens);
  VEC_FREE(&paragraphs);
  VEC_FREE(&sentences);
  free(text);
  ASSERT_OK(status);
  ASSERT_EQ(token_total, UNIT_TOKENS * count);
  ASSERT_EQ(urls, count);
  ASSERT_EQ(clitics, 2 * count);
  ASSERT_EQ(paragraph_total, 1);
  ASSERT_EQ(sentence_total, count); /* each unit ends with a period */
  ASSERT_EQ(last_end, length - 1);  /* all but the final space */
}

/* Whether PATTERN, repeated to about a megabyte, gives PER_COPY tokens per
 * copy and EXTRA more (tokens that span many copies count as extras). */
static bool gives_tokens(const char *pattern, size_t per_copy, size_t extra) {
  size_t count = (1 << 20) / strlen(pattern), length = 0;
  char *text = repeat(pattern, count, &length);
  if (text == NULL) return false;
  size_t tokens = token_count(text, length);
  free(text);
  size_t expected = per_copy * count + extra;
  if (tokens == expected) return true;
  fprintf(stderr, "  \"%s\" x %zu: %zu tokens, expected %zu\n", pattern, count, tokens, expected);
  return false;
}

TEST(long_runs_without_boundaries) {
  ASSERT(gives_tokens("a", 0, 1));            /* one enormous word */
  ASSERT(gives_tokens("a-", 0, 2));           /* one word, and the final hyphen */
  ASSERT(gives_tokens("ab.", 0, 2));          /* "ab.ab...ab" joined, and the final period */
  ASSERT(gives_tokens("1.5", 0, 1));          /* one number */
  ASSERT(gives_tokens("a.", 0, 1));           /* one dotted abbreviation */
  ASSERT(gives_tokens("http://x", 0, 1));     /* one URL */
  ASSERT(gives_tokens("...", 0, 1));          /* one ellipsis */
  ASSERT(gives_tokens("\xE2\x80\x8B", 0, 0)); /* zero width spaces only: no token */
}

TEST(boundaries_everywhere) {
  ASSERT(gives_tokens("Ab.", 2, 0));  /* "Ab" "." : the dotted scan gives up early */
  ASSERT(gives_tokens("x@", 2, 0));   /* e-mail attempts that fail at once */
  ASSERT(gives_tokens("a.b@", 2, 0)); /* "a.b" "@": each attempt reads one copy */
  ASSERT(gives_tokens("''", 1, 0));   /* Penn Treebank closing quotes */
  ASSERT(gives_tokens("\"", 1, 0));
  ASSERT(gives_tokens("\xFF", 1, 0)); /* invalid bytes */
  ASSERT(gives_tokens("A. ", 2, 0));  /* "A" "." : A is a sentence opener, so no initial */
  ASSERT(gives_tokens("B. ", 1, 1));  /* initials, and "B" "." at the end */
  ASSERT(gives_tokens("a\xE2\x80\x8B\xE2\x80\x8B\xE2\x80\x8B", 1, 0)); /* neighbours past format */
}

int main(void) {
  RUN(unit_has_the_hand_counted_tokens);
  RUN(five_megabytes_on_one_line);
  RUN(long_runs_without_boundaries);
  RUN(boundaries_everywhere);
  return test_report();
}
