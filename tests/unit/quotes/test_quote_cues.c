/*
 * test_quote_cues.c: parsing the speech-cue list and matching it on tokens.
 */
#include "quote_fixture.h"
#include "test.h"

static int parse(const char *list, quote_cues **cues, whosaid_error *err) {
  return quote_cues_parse(list, strlen(list), "cues.txt", cues, err);
}

TEST(parses_words_phrases_and_comments) {
  quote_cues *cues = NULL;
  whosaid_error err;
  ASSERT_OK(parse("# a comment\nsaid\n\n  told  \naccording to\r\nsaid\n", &cues, &err));
  ASSERT_EQ(quote_cues_count(cues), 3); /* the duplicate counts once */
  ASSERT(quote_cues_contains(cues, "said", 4));
  ASSERT(quote_cues_contains(cues, "SAID", 4));
  ASSERT(quote_cues_contains(cues, "told", 4));
  ASSERT(quote_cues_contains(cues, "according to", 12));
  ASSERT(!quote_cues_contains(cues, "according", 9));
  ASSERT(!quote_cues_contains(cues, "sai", 3));
  quote_cues_free(cues);
}

TEST(rejects_a_malformed_list_with_file_and_line) {
  quote_cues *cues = NULL;
  whosaid_error err;
  ASSERT_EQ(parse("said\nTold\n", &cues, &err), WHOSAID_EMODEL);
  ASSERT(cues == NULL);
  ASSERT_STR_EQ(err.message, "cues.txt:2: cues must be lower case");
  ASSERT_EQ(parse("said\nsaid  so\n", &cues, &err), WHOSAID_EMODEL);
  ASSERT(strstr(err.message, "cues.txt:2:") != NULL);
  ASSERT_EQ(parse("a b c d e\n", &cues, &err), WHOSAID_EMODEL);
  ASSERT_EQ(parse("caf\xc3\xa9\n", &cues, &err), WHOSAID_EMODEL);
  ASSERT_EQ(parse("# only comments\n\n", &cues, &err), WHOSAID_EMODEL);
  ASSERT_STR_EQ(err.message, "cues.txt: no cues in the list");
  ASSERT_EQ(quote_cues_parse("said\0told", 9, "cues.txt", &cues, &err), WHOSAID_EMODEL);
  char long_cue[80];
  memset(long_cue, 'a', sizeof(long_cue) - 1);
  long_cue[sizeof(long_cue) - 1] = '\0';
  ASSERT_EQ(parse(long_cue, &cues, &err), WHOSAID_EMODEL);
}

TEST(matches_the_longest_cue_on_tokens) {
  fixture f;
  fixture_run(&f, "The plan failed, according to Reuters, and he said so.", true);
  size_t according = 0, said = 0;
  for (size_t i = 0; i < f.tokens.len; i++) {
    const char *word = f.text + f.tokens.items[i].start;
    if (strncmp(word, "according", 9) == 0) according = i;
    if (strncmp(word, "said", 4) == 0) said = i;
  }
  ASSERT_EQ(quote_cues_match(fixture_cues(), f.text, f.tokens.items, f.tokens.len, according), 2);
  ASSERT_EQ(quote_cues_match(fixture_cues(), f.text, f.tokens.items, f.tokens.len, said), 1);
  ASSERT_EQ(quote_cues_match(fixture_cues(), f.text, f.tokens.items, f.tokens.len, 0), 0);
  ASSERT_EQ(quote_cues_match(NULL, f.text, f.tokens.items, f.tokens.len, said), 0);
  fixture_free(&f);
}

TEST(model_list_has_the_common_cues) {
  quote_cues *cues = fixture_cues();
  const char *expected[] = {"said", "says", "told", "added", "warned", "noted", "argued",
                            "insisted", "wrote", "tweeted", "asked", "according to",
                            "in a statement", "in a letter"};
  for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
    if (!quote_cues_contains(cues, expected[i], strlen(expected[i]))) {
      TEST_FAIL_("missing cue: %s", expected[i]);
    }
  }
}

int main(void) {
  RUN(parses_words_phrases_and_comments);
  RUN(rejects_a_malformed_list_with_file_and_line);
  RUN(matches_the_longest_cue_on_tokens);
  RUN(model_list_has_the_common_cues);
  return test_report();
}
