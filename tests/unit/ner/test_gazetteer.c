/*
 * test_gazetteer.c: the gazetteer. The repository's lists (models/
 * gazetteers) load and hold the names the tagger relies on; matching marks
 * the longest entry of each list, in headlines' capitals too, never across
 * punctuation the entry lacks; every malformed list is an error naming its
 * file and line; out of memory at each allocation of loading is reported
 * and leaks nothing. (Load time and match speed: bench/bench_gazetteer.)
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "ner/gazetteer.h"
#include "test.h"
#include "test_alloc.h"

#define REPOSITORY_LISTS WHOSAID_SOURCE_DIR "/models/gazetteers"

/* Helpers *****************************************************************/

static char test_dir[256];

static bool make_test_dir(void) {
  snprintf(test_dir, sizeof(test_dir), "/tmp/whosaid-gazetteer-XXXXXX");
  return mkdtemp(test_dir) != NULL;
}

/* Empty the test directory, so that each test starts afresh. */
static void clear_test_dir(void) {
  DIR *stream = opendir(test_dir);
  if (stream == NULL) return;
  for (struct dirent *entry; (entry = readdir(stream)) != NULL;) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", test_dir, entry->d_name);
    unlink(path);
  }
  closedir(stream);
}

/* Write SIZE bytes to NAME in the test directory. */
static bool write_bytes(const char *name, const char *bytes, size_t size) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", test_dir, name);
  FILE *file = fopen(path, "wb");
  if (file == NULL) return false;
  bool ok = fwrite(bytes, 1, size, file) == size;
  return fclose(file) == 0 && ok;
}

static bool write_text(const char *name, const char *text) {
  return write_bytes(name, text, strlen(text));
}

/* Write a string literal that may hold NUL bytes. */
#define WRITE_LITERAL(name, literal) write_bytes((name), (literal), sizeof(literal) - 1)

/* A gazetteer of hand-made lists: "lists" names a and b. */
static int load_two_lists(const char *a, const char *b, gazetteer **out, whosaid_error *err) {
  clear_test_dir();
  if (!write_text("lists", "# index\na\n\nb\n") || !write_text("a.txt", a) ||
      !write_text("b.txt", b)) {
    return -100;
  }
  return gazetteer_load(test_dir, out, err);
}

static size_t list_number(const gazetteer *g, const char *name) {
  for (size_t i = 0; i < gazetteer_list_count(g); i++) {
    if (strcmp(gazetteer_list_name(g, i), name) == 0) return i;
  }
  return SIZE_MAX;
}

#define MAX_TEST_TOKENS 64

/* Tokenize TEXT and match it: the match bits of each token in MATCHES,
 * the tokens in TOKENS; returns the token count. */
static size_t match(const gazetteer *g, const char *text, uint32_t *matches,
                    text_token_vec *tokens) {
  if (text_tokenize(text, strlen(text), tokens) != 0 || tokens->len > MAX_TEST_TOKENS) return 0;
  gazetteer_match(g, text, tokens->items, tokens->len, matches);
  return tokens->len;
}

/* The match bits of list NAME at each token of TEXT as a string: 'B' a
 * match begins, 'I' it continues, '.' neither ("..BI."). */
static const char *pattern(const gazetteer *g, const char *name, const char *text) {
  static char out[MAX_TEST_TOKENS + 1];
  uint32_t matches[MAX_TEST_TOKENS];
  text_token_vec tokens = VEC_INIT;
  size_t count = match(g, text, matches, &tokens);
  VEC_FREE(&tokens);
  size_t list = list_number(g, name);
  if (list == SIZE_MAX) return "(no such list)";
  for (size_t i = 0; i < count; i++) {
    uint32_t bits = matches[i] >> (2 * list) & 3;
    out[i] = bits == 0 ? '.' : bits == 1 ? 'B' : bits == 2 ? 'I' : '!';
  }
  out[count] = '\0';
  return out;
}

/* Whether TEXT, matched alone, is one whole entry of list NAME. */
static bool is_entry(const gazetteer *g, const char *name, const char *text) {
  const char *p = pattern(g, name, text);
  if (p[0] != 'B') return false;
  for (size_t i = 1; p[i] != '\0'; i++) {
    if (p[i] != 'I') return false;
  }
  return true;
}

/* The repository's lists **************************************************/

static gazetteer *repository;

TEST(repository_lists_load) {
  whosaid_error err;
  int status = gazetteer_load(REPOSITORY_LISTS, &repository, &err);
  if (status != 0) TEST_FAIL_("%s", err.message);
  ASSERT_EQ(gazetteer_list_count(repository), 9);
  ASSERT_STR_EQ(gazetteer_list_name(repository, 0), "loc.country");
  ASSERT_STR_EQ(gazetteer_list_name(repository, 5), "misc.language");
  ASSERT_STR_EQ(gazetteer_list_name(repository, 6), "loc.region");
  ASSERT_STR_EQ(gazetteer_list_name(repository, 7), "role.title");
  ASSERT_STR_EQ(gazetteer_list_name(repository, 8), "org.company");
  ASSERT(gazetteer_list_name(repository, 9) == NULL);
  ASSERT(gazetteer_entry_count(repository) > 5000);
}

TEST(repository_lists_hold_the_common_names) {
  ASSERT_NOT_NULL(repository);
  static const char *const countries[] = {"Germany",     "France", "China",   "United States",
                                          "South Korea", "Russia", "Britain", "U.S."};
  for (size_t i = 0; i < sizeof(countries) / sizeof(*countries); i++) {
    if (!is_entry(repository, "loc.country", countries[i])) TEST_FAIL_("%s", countries[i]);
  }
  ASSERT(is_entry(repository, "loc.city", "New York"));
  ASSERT(is_entry(repository, "loc.region", "Middle East"));
  ASSERT(is_entry(repository, "loc.region", "Europe"));
  ASSERT(is_entry(repository, "loc.city", "Berlin"));
  ASSERT(is_entry(repository, "loc.subdivision", "California"));
  ASSERT(is_entry(repository, "loc.historic", "Soviet Union"));
  ASSERT(is_entry(repository, "misc.nationality", "German"));
  ASSERT(is_entry(repository, "misc.nationality", "Chinese"));
  ASSERT(is_entry(repository, "misc.nationality", "European"));
  ASSERT(is_entry(repository, "misc.nationality", "Americans"));
  ASSERT(is_entry(repository, "misc.language", "English"));
  ASSERT(is_entry(repository, "role.title", "Foreign Minister"));
  ASSERT(is_entry(repository, "role.title", "Secretary of State"));
  ASSERT(is_entry(repository, "role.title", "Ambassador"));
  ASSERT(is_entry(repository, "org.company", "Huawei"));           /* "Huawei Technologies Co., Ltd." */
  ASSERT(is_entry(repository, "org.company", "Huawei Technologies"));
  ASSERT(!is_entry(repository, "org.company", "Apple"));           /* the word "apple" */
  ASSERT(!is_entry(repository, "loc.subdivision", "Reading")); /* a common word */
  ASSERT(!is_entry(repository, "loc.country", "German"));
}

/* Matching ****************************************************************/

TEST(single_and_multi_token_matches) {
  ASSERT_NOT_NULL(repository);
  ASSERT_STR_EQ(pattern(repository, "loc.country", "Police in Germany said ."), "..B..");
  ASSERT_STR_EQ(pattern(repository, "loc.city", "She flew to New York on Monday"), "...BI..");
  ASSERT_STR_EQ(pattern(repository, "loc.country", "the United States and China"), ".BI.B");
  ASSERT_STR_EQ(pattern(repository, "misc.nationality", "a German and a Chinese firm"), ".B..B.");
}

TEST(longest_match_wins) {
  gazetteer *g = NULL;
  whosaid_error err;
  ASSERT_OK(load_two_lists("United\nUnited States\nUnited States of America\nStates\n",
                           "States of America\n", &g, &err));
  ASSERT_STR_EQ(pattern(g, "a", "the United States of America said"), ".BIII.");
  ASSERT_STR_EQ(pattern(g, "a", "the United States said"), ".BI.");
  ASSERT_STR_EQ(pattern(g, "a", "United Nations"), "B.");
  /* Each list has its own longest match: b's begins inside a's. */
  ASSERT_STR_EQ(pattern(g, "b", "the United States of America said"), "..BII.");
  /* The country list: "United States of America" over "United States". */
  ASSERT_STR_EQ(pattern(repository, "loc.country", "the United States of America"), ".BIII");
  gazetteer_free(g);
}

TEST(capitals_match_in_headlines_only) {
  ASSERT_NOT_NULL(repository);
  ASSERT_STR_EQ(pattern(repository, "loc.country", "GERMANY BEATS FRANCE"), "B.B");
  ASSERT_STR_EQ(pattern(repository, "loc.city", "FLOODS IN NEW YORK"), "..BI");
  ASSERT_STR_EQ(pattern(repository, "loc.country", "TALKS WITH THE U.S. END"), "...B.");
  ASSERT_STR_EQ(pattern(repository, "misc.nationality", "CHINESE STOCKS FALL"), "B..");
  /* Lower case never matches an entry in capitals or capitalised. */
  ASSERT_STR_EQ(pattern(repository, "loc.country", "tell us about the china in the us"),
                "........");
  ASSERT_STR_EQ(pattern(repository, "loc.country", "Us and them"), "...");
  ASSERT_STR_EQ(pattern(repository, "loc.city", "New york"), "..");
  ASSERT_STR_EQ(pattern(repository, "loc.country", "Germany GERMANY germany"), "BB.");
}

TEST(capitals_of_non_ascii_letters) {
  gazetteer *g = NULL;
  whosaid_error err;
  ASSERT_OK(load_two_lists("Côte d'Ivoire\nZürich\n", "Éire\n", &g, &err));
  ASSERT_STR_EQ(pattern(g, "a", "CÔTE D'IVOIRE WINS"), "BI.");
  ASSERT_STR_EQ(pattern(g, "a", "ZÜRICH BANKS"), "B.");
  ASSERT_STR_EQ(pattern(g, "a", "ZURICH BANKS"), "..");
  ASSERT_STR_EQ(pattern(g, "b", "ÉIRE VOTES"), "B.");
  gazetteer_free(g);
}

TEST(no_match_across_punctuation) {
  gazetteer *g = NULL;
  whosaid_error err;
  ASSERT_OK(load_two_lists("New York\nBonaire, Sint Eustatius and Saba\n", "York\n", &g, &err));
  ASSERT_STR_EQ(pattern(g, "a", "New, York"), "...");
  ASSERT_STR_EQ(pattern(g, "a", "New \"York\""), "....");
  ASSERT_STR_EQ(pattern(g, "b", "New, York"), "..B");
  /* The comma of the entry itself is crossed. */
  ASSERT_STR_EQ(pattern(g, "a", "in Bonaire, Sint Eustatius and Saba ."), ".BIIIII.");
  ASSERT_STR_EQ(pattern(g, "a", "in Bonaire; Sint Eustatius and Saba"), ".......");
  gazetteer_free(g);
}

TEST(matches_at_the_ends_and_no_tokens) {
  ASSERT_NOT_NULL(repository);
  ASSERT_STR_EQ(pattern(repository, "loc.country", "Germany"), "B");
  ASSERT_STR_EQ(pattern(repository, "loc.city", "New York"), "BI");
  ASSERT_STR_EQ(pattern(repository, "loc.city", "New York is in the United States"), "BI.....");
  ASSERT_STR_EQ(pattern(repository, "loc.country", "flights to the United States"), "...BI");
  ASSERT_STR_EQ(pattern(repository, "loc.city", "visiting New"), "..");
  uint32_t sentinel = 0xdeadbeef;
  text_token token = {0, 0, WHOSAID_TOKEN_WORD, 0};
  gazetteer_match(repository, "", &token, 0, &sentinel);
  ASSERT_EQ(sentinel, 0xdeadbeef);
  gazetteer_match(NULL, "x", &token, 0, &sentinel);
  /* No gazetteer: no matches. */
  text_token_vec tokens = VEC_INIT;
  uint32_t matches[4] = {9, 9, 9, 9};
  match(NULL, "Germany and France", matches, &tokens);
  VEC_FREE(&tokens);
  ASSERT_EQ(matches[0] | matches[1] | matches[2], 0);
}

TEST(all_sixteen_lists_have_their_bits) {
  clear_test_dir();
  char index[256] = "", name[32];
  for (int i = 0; i < GAZETTEER_MAX_LISTS; i++) {
    snprintf(name, sizeof(name), "l%02d\n", i);
    strcat(index, name);
    snprintf(name, sizeof(name), "l%02d.txt", i);
    ASSERT(write_text(name, i % 2 ? "Red Sea\n" : "Red\n"));
  }
  ASSERT(write_text("lists", index));
  gazetteer *g = NULL;
  whosaid_error err;
  ASSERT_OK(gazetteer_load(test_dir, &g, &err));
  ASSERT_EQ(gazetteer_entry_count(g), 16);
  uint32_t matches[2];
  text_token_vec tokens = VEC_INIT;
  ASSERT_EQ(match(g, "Red Sea", matches, &tokens), 2);
  VEC_FREE(&tokens);
  ASSERT_EQ(matches[0], 0x55555555u); /* every list begins there */
  ASSERT_EQ(matches[1], 0x88888888u); /* the odd lists continue */
  gazetteer_free(g);
}

/* Malformed lists *********************************************************/

/* Load the test directory, expecting STATUS and a message containing
 * PART (after the directory's path, written "DIR"). */
static bool fails_with(int status, const char *part) {
  gazetteer *g = (gazetteer *)&g;
  whosaid_error err;
  int got = gazetteer_load(test_dir, &g, &err);
  char expected[512];
  const char *dir = strstr(part, "DIR");
  if (dir != NULL) {
    snprintf(expected, sizeof(expected), "%.*s%s%s", (int)(dir - part), part, test_dir, dir + 3);
  } else {
    snprintf(expected, sizeof(expected), "%s", part);
  }
  if (got != status || g != NULL || err.status != status || !strstr(err.message, expected)) {
    fprintf(stderr, "  status %d (expected %d), message \"%s\" (expected \"%s\")\n", got, status,
            err.message, expected);
    return false;
  }
  return true;
}

TEST(missing_files_are_named) {
  clear_test_dir();
  ASSERT(fails_with(WHOSAID_ENOENT, "DIR/lists: No such file or directory"));
  ASSERT(write_text("lists", "a\nmissing\n") && write_text("a.txt", "Paris\n"));
  ASSERT(fails_with(WHOSAID_ENOENT, "DIR/missing.txt: No such file or directory"));
  gazetteer *g = NULL;
  whosaid_error err;
  ASSERT_EQ(gazetteer_load("/nonexistent/whosaid", &g, &err), WHOSAID_ENOENT);
  ASSERT_EQ(gazetteer_load("", &g, &err), WHOSAID_EINVAL);
  ASSERT_EQ(gazetteer_load(test_dir, NULL, &err), WHOSAID_EINVAL);
}

TEST(malformed_lists_name_file_and_line) {
  clear_test_dir();
  ASSERT(write_text("lists", "a\n"));
  ASSERT(WRITE_LITERAL("a.txt", "Paris\nLy\xffon\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/a.txt:2: invalid UTF-8"));
  ASSERT(WRITE_LITERAL("a.txt", "# c\nParis\n\nLy\0on\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/a.txt:4: NUL byte"));
  char line[300];
  memset(line, 'a', sizeof(line));
  line[0] = 'A';
  ASSERT(write_bytes("a.txt", line, sizeof(line)));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/a.txt:1: line longer than 256 bytes"));
  ASSERT(write_text("a.txt",
                    "Paris\nOne Two Three Four Five Six Seven Eight\n"
                    "One Two Three Four Five Six Seven Eight Nine\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/a.txt:3: an entry of 9 tokens (at most 8)"));
  ASSERT(write_text("a.txt", "Paris\x01\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/a.txt:1: control character"));
}

TEST(malformed_index) {
  clear_test_dir();
  ASSERT(write_text("a.txt", "Paris\n"));
  ASSERT(write_text("lists", "a\nb\na\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/lists:3: a list named twice"));
  char index[512] = "";
  for (int i = 0; i < GAZETTEER_MAX_LISTS + 1; i++) {
    char name[16];
    snprintf(name, sizeof(name), "x%d\n", i);
    strcat(index, name);
  }
  ASSERT(write_text("lists", index));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/lists:17: more than 16 lists"));
  ASSERT(write_text("lists", "# nothing\n\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/lists: no lists"));
  ASSERT(write_text("lists", "../a\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/lists:1: a list name is"));
  ASSERT(WRITE_LITERAL("lists", "a\n\xc3\n"));
  ASSERT(fails_with(WHOSAID_EMODEL, "DIR/lists:2: invalid UTF-8"));
}

/* A tagger model's GAZT section *******************************************/

static size_t put_sized(char *out, const char *text) {
  uint32_t length = (uint32_t)strlen(text);
  unsigned char size[4] = {length & 255, length >> 8 & 255, length >> 16 & 255, length >> 24};
  memcpy(out, size, 4);
  memcpy(out + 4, text, length);
  return 4 + length;
}

TEST(lists_from_a_model_section) {
  char blob[256];
  size_t size = put_sized(blob, "loc.city");
  size += put_sized(blob + size, "# cities\nNew York\nParis\n");
  size += put_sized(blob + size, "misc.nationality");
  size += put_sized(blob + size, "French");
  gazetteer *g = NULL;
  whosaid_error err;
  ASSERT_OK(gazetteer_load_blob(blob, size, "tagger.bin", &g, &err));
  ASSERT_EQ(gazetteer_list_count(g), 2);
  ASSERT_EQ(gazetteer_entry_count(g), 3);
  ASSERT_STR_EQ(pattern(g, "loc.city", "French police in New York"), "...BI");
  ASSERT_STR_EQ(pattern(g, "misc.nationality", "French police in New York"), "B....");
  gazetteer_free(g);
  for (size_t cut = 1; cut < size; cut++) {
    int status = gazetteer_load_blob(blob, cut, "tagger.bin", &g, &err);
    if (status == 0) { /* cut just after a list */
      gazetteer_free(g);
      continue;
    }
    ASSERT_EQ(status, WHOSAID_EMODEL);
    ASSERT(g == NULL);
  }
  ASSERT_EQ(gazetteer_load_blob(blob, 3, "tagger.bin", &g, &err), WHOSAID_EMODEL);
  ASSERT_STR_EQ(err.message, "tagger.bin: gazetteer section cut short");
  size = put_sized(blob, "loc.city");
  size += put_sized(blob + size, "Paris\nLy\xffon\n");
  ASSERT_EQ(gazetteer_load_blob(blob, size, "tagger.bin", &g, &err), WHOSAID_EMODEL);
  ASSERT_STR_EQ(err.message, "tagger.bin:loc.city:2: invalid UTF-8");
}

/* Out of memory ***********************************************************/


/* Enough entries that the table grows twice and the keys are reallocated. */
static bool write_small_gazetteer(void) {
  clear_test_dir();
  static char names[16384];
  size_t length = 0;
  for (int i = 0; i < 700; i++) {
    length += (size_t)snprintf(names + length, sizeof(names) - length, "Place%03d\n", i);
  }
  return write_text("lists", "a\nb\n") && write_text("a.txt", names) &&
         write_text("b.txt", "New York\nSão Paulo\nUnited States of America\n");
}

TEST(every_allocation_failure_is_reported_and_leaks_nothing) {
  ASSERT(write_small_gazetteer());
  whosaid_set_allocator(&counting);
  size_t failures = 0;
  bool succeeded = false;
  for (size_t n = 1; n < 100000 && !succeeded; n++) {
    allocation_count = 0;
    failing_allocation = n;
    gazetteer *g = NULL;
    whosaid_error err;
    int status = gazetteer_load(test_dir, &g, &err);
    succeeded = allocation_count < n;
    if (succeeded && (status != 0 || g == NULL)) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("no allocation failed, yet status %d: %s", status, err.message);
    }
    if (!succeeded && (status != WHOSAID_ENOMEM || g != NULL || err.status != status)) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("allocation %zu failed: status %d, expected WHOSAID_ENOMEM", n, status);
    }
    failures += !succeeded;
    gazetteer_free(g);
    if (live_blocks != 0) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("allocation %zu failed: %ld blocks leaked", n, live_blocks);
    }
  }
  whosaid_set_allocator(NULL);
  ASSERT(succeeded);
  ASSERT(failures >= 10);
  fprintf(stderr, "  %zu allocation failures, each reported, nothing leaked\n", failures);
}

int main(void) {
  if (!make_test_dir()) {
    perror("mkdtemp");
    return 1;
  }
  RUN(repository_lists_load);
  RUN(repository_lists_hold_the_common_names);
  RUN(single_and_multi_token_matches);
  RUN(longest_match_wins);
  RUN(capitals_match_in_headlines_only);
  RUN(capitals_of_non_ascii_letters);
  RUN(no_match_across_punctuation);
  RUN(matches_at_the_ends_and_no_tokens);
  RUN(all_sixteen_lists_have_their_bits);
  RUN(missing_files_are_named);
  RUN(malformed_lists_name_file_and_line);
  RUN(malformed_index);
  RUN(lists_from_a_model_section);
  RUN(every_allocation_failure_is_reported_and_leaks_nothing);
  gazetteer_free(repository);
  clear_test_dir();
  rmdir(test_dir);
  return test_report();
}
