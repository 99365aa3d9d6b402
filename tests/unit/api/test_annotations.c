/*
 * test_annotations.c: a person's corrections: the sidecar format, where
 * annotations land after the article changes, how they outrank the
 * engine, editing a set, atomic writes, and out-of-memory behaviour.
 */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "test_alloc.h"
#include "whosaid.h"

#define OPEN "\xe2\x80\x9c"  /* “ */
#define CLOSE "\xe2\x80\x9d" /* ” */

static const char article[] =
    "Secretary of State Mike Pompeo met German Foreign Minister Heiko Maas on Friday.\n"
    "\n"
    OPEN "They will take their own decisions about the network," CLOSE " Pompeo said.\n"
    "\n"
    "Maas said Germany would set its own rules. " OPEN "We decide for ourselves what is "
    "safe for our networks," CLOSE " he told reporters.\n"
    "\n"
    "Critics called the plan a " OPEN "back door" CLOSE " for spies.\n";

static whosaid_model *model;

static whosaid_model *load_model(void) {
  whosaid_model *loaded = NULL;
  whosaid_error err;
  if (whosaid_model_load(WHOSAID_MODEL_DIR, &loaded, &err) != 0) {
    fprintf(stderr, "cannot load the model: %s\n", err.message);
    exit(1);
  }
  return loaded;
}

static whosaid_annotations *parse(const char *json) {
  whosaid_annotations *set = NULL;
  whosaid_error err;
  if (whosaid_annotations_parse(json, strlen(json), "test.whosaid.json", &set, &err) != 0) {
    fprintf(stderr, "cannot parse: %s\n", err.message);
  }
  return set;
}

static whosaid_doc *analyze(const char *text, const whosaid_annotations *set) {
  whosaid_doc *doc = NULL;
  if (whosaid_analyze_annotated(model, text, strlen(text), set, &doc) != 0) return NULL;
  return doc;
}

/* The index of the direct quote that starts with the words PREFIX (after
 * its opening mark), or -1. */
static int direct_quote(const whosaid_doc *doc, const char *text, const char *prefix) {
  for (size_t q = 0; q < whosaid_doc_quote_count(doc); q++) {
    whosaid_quote quote;
    whosaid_doc_quote(doc, q, &quote);
    if (!(quote.flags & WHOSAID_QUOTE_DIRECT)) continue;
    const char *start = text + quote.range.start_byte;
    if (strncmp(start, OPEN, 3) == 0) start += 3;
    if (strncmp(start, prefix, strlen(prefix)) == 0) return (int)q;
  }
  return -1;
}

static const char *speaker_of(const whosaid_doc *doc, int q) {
  whosaid_quote quote;
  whosaid_speaker speaker;
  if (q < 0 || whosaid_doc_quote(doc, (size_t)q, &quote) != 0 || quote.speaker < 0) return NULL;
  whosaid_doc_speaker(doc, (size_t)quote.speaker, &speaker);
  return speaker.name;
}

/* A sidecar with one annotation on TEXT at START. */
static char *sidecar(const char *text, unsigned start, const char *fields) {
  static char json[16384];
  snprintf(json, sizeof(json),
           "{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": "
           "[{\"text\": \"%s\", \"start\": %u, \"end\": %u, \"line\": 2%s}]}",
           text, start, start + (unsigned)strlen(text), fields);
  return json;
}

static const char pompeo_quote[] = OPEN "They will take their own decisions about the network," CLOSE;

/* The sidecar file ********************************************************/

TEST(reads_and_writes_the_sidecar_keeping_unknown_fields) {
  const char *json =
      "{\"whosaid\": \"annotations\", \"version\": 1, \"future\": [1, 2],\n"
      " \"annotations\": [{\"text\": \"\\u201cQuoted words\\u201d\", \"start\": 5, \"end\": 22,\n"
      "   \"line\": 1, \"speaker\": \"Heiko Maas\", \"verdict\": \"quote\", \"note\": \"checked\",\n"
      "   \"created\": \"2026-01-01T00:00:00Z\", \"reviewer\": \"ana\"}]}";
  whosaid_annotations *set = parse(json);
  ASSERT_NOT_NULL(set);
  ASSERT_EQ(whosaid_annotations_count(set), 1);
  whosaid_annotation a;
  ASSERT_OK(whosaid_annotations_get(set, 0, &a));
  ASSERT_STR_EQ(a.text, OPEN "Quoted words" CLOSE);
  ASSERT_EQ(a.start_byte, 5);
  ASSERT_EQ(a.end_byte, 22);
  ASSERT_EQ(a.line, 1);
  ASSERT_EQ(a.verdict, WHOSAID_VERDICT_QUOTE);
  ASSERT_STR_EQ(a.speaker, "Heiko Maas");
  ASSERT_STR_EQ(a.note, "checked");
  ASSERT(a.updated == NULL);
  char *text = NULL;
  size_t length = 0;
  ASSERT_OK(whosaid_annotations_format(set, &text, &length));
  ASSERT_EQ(length, strlen(text));
  ASSERT(text[length - 1] == '\n');
  ASSERT(strstr(text, "\"reviewer\": \"ana\"") != NULL);
  ASSERT(strstr(text, "\"future\": [") != NULL);
  whosaid_annotations *again = parse(text);
  ASSERT_NOT_NULL(again);
  char *text_again = NULL;
  ASSERT_OK(whosaid_annotations_format(again, &text_again, NULL));
  ASSERT_STR_EQ(text_again, text);
  whosaid_free(text);
  whosaid_free(text_again);
  whosaid_annotations_free(set);
  whosaid_annotations_free(again);
}

static void expect_refused(const char *json, const char *message) {
  whosaid_annotations *set = (whosaid_annotations *)1;
  whosaid_error err = {0, ""};
  int status = whosaid_annotations_parse(json, strlen(json), "side.json", &set, &err);
  if (status != WHOSAID_EFORMAT || set != NULL || strstr(err.message, message) == NULL) {
    fprintf(stderr, "for %s\n  status %d, message \"%s\", expected \"%s\"\n", json, status,
            err.message, message);
    test_current_failed = 1;
  }
}

TEST(refuses_what_it_cannot_read_saying_where) {
  expect_refused("{\"whosaid\": \"annotations\",\n \"version\": 1\n \"annotations\": []}",
                 "side.json:3:");
  expect_refused("", "side.json:1:");
  expect_refused("[]", "side.json: not a whosaid annotation file");
  expect_refused("{\"version\": 1, \"annotations\": []}", "no \"whosaid\"");
  expect_refused("{\"whosaid\": \"annotations\", \"version\": 2, \"annotations\": []}",
                 "format version 2 is newer");
  expect_refused("{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": {}}",
                 "\"annotations\" must be a list");
  expect_refused("{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": [{}]}",
                 "annotation 1: \"text\" is missing");
  expect_refused("{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": "
                 "[{\"text\": \"a\"}, {\"text\": \"b\", \"speaker\": 3}]}",
                 "annotation 2: \"speaker\" must be a string");
  expect_refused("{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": "
                 "[{\"text\": \"a\", \"start\": -4}]}",
                 "\"start\" must be a whole number");
  expect_refused("{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": "
                 "[{\"text\": \"a\", \"verdict\": \"maybe\"}]}",
                 "\"verdict\" must be");
  expect_refused("{\"whosaid\": \"annotations\", \"version\": 1, \"version\": 1, "
                 "\"annotations\": []}",
                 "duplicate");
}

TEST(makes_any_bytes_storable) {
  /* Text taken from an article with a NUL and an invalid byte still makes
   * a file that reads back. */
  const char *json = "{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": "
                     "[{\"text\": \"a\\u0000b\"}]}";
  whosaid_annotations *set = parse(json);
  ASSERT_NOT_NULL(set);
  whosaid_annotation a;
  whosaid_annotations_get(set, 0, &a);
  ASSERT_STR_EQ(a.text, "a\xef\xbf\xbd" "b");
  whosaid_annotations_free(set);
}

/* Corrections outrank the engine *******************************************/

TEST(a_person_names_the_speaker) {
  whosaid_doc *plain = analyze(article, NULL);
  int q = direct_quote(plain, article, "They will");
  ASSERT(q >= 0);
  ASSERT_STR_EQ(speaker_of(plain, q), "Mike Pompeo");
  whosaid_annotations *set = parse(sidecar(pompeo_quote, 82, ", \"speaker\": \"Maas\""));
  whosaid_doc *doc = analyze(article, set);
  ASSERT_NOT_NULL(doc);
  q = direct_quote(doc, article, "They will");
  whosaid_quote quote;
  whosaid_doc_quote(doc, (size_t)q, &quote);
  ASSERT(quote.flags & WHOSAID_QUOTE_HUMAN_SPEAKER);
  ASSERT_EQ(quote.rule, WHOSAID_ATTRIBUTION_ANNOTATED);
  ASSERT(!quote.has_speaker_mention);
  ASSERT_EQ(quote.annotation, 0);
  /* "Maas" is Heiko Maas of the article: his speaker, with both quotes. */
  ASSERT_STR_EQ(speaker_of(doc, q), "Heiko Maas");
  whosaid_speaker speaker;
  whosaid_doc_speaker(doc, (size_t)quote.speaker, &speaker);
  ASSERT_EQ(speaker.quote_count, 2);
  ASSERT(!speaker.unnamed);
  /* Pompeo has no quote left, so he is no speaker; the first is Maas. */
  ASSERT_EQ(whosaid_doc_speaker_count(doc), 1);
  ASSERT_EQ(quote.speaker, 0);
  whosaid_annotation_place place;
  ASSERT_OK(whosaid_doc_annotation(doc, 0, &place));
  ASSERT(place.attached);
  ASSERT_EQ(place.quote, q);
  ASSERT_EQ(place.range.start_byte, quote.range.start_byte);
  ASSERT_EQ(place.range.end_byte, quote.range.end_byte);
  whosaid_doc_free(doc);
  whosaid_doc_free(plain);
  whosaid_annotations_free(set);
}

TEST(a_speaker_named_by_a_person_keeps_the_role_the_article_gives) {
  const char *text = "German Foreign Minister Heiko Maas met reporters in Berlin on Friday.\n\n"
                     OPEN "We will decide for ourselves what is safe," CLOSE " an aide said.\n";
  whosaid_annotations *set = parse(sidecar(OPEN "We will decide for ourselves what is safe," CLOSE,
                                           72, ", \"speaker\": \"Maas\""));
  whosaid_doc *doc = analyze(text, set);
  int q = direct_quote(doc, text, "We will");
  ASSERT_STR_EQ(speaker_of(doc, q), "Heiko Maas");
  whosaid_quote quote;
  whosaid_doc_quote(doc, (size_t)q, &quote);
  whosaid_speaker speaker;
  whosaid_doc_speaker(doc, (size_t)quote.speaker, &speaker);
  ASSERT_STR_EQ(speaker.role, "German Foreign Minister");
  ASSERT_SPAN_EQ(text + speaker.first_mention.start_byte,
                 speaker.first_mention.end_byte - speaker.first_mention.start_byte, "Heiko Maas");
  whosaid_doc_free(doc);
  whosaid_annotations_free(set);
}

/* A surname joins the one person the article gives it; a name with other
 * given names is another person, not the article's. */
TEST(a_surname_names_the_article_s_person_but_another_given_name_does_not) {
  const char *text = "Senator John Roe met reporters in Berlin on Friday afternoon.\n\n"
                     OPEN "We will decide for ourselves what is safe," CLOSE " an aide said.\n";
  const char *quote = OPEN "We will decide for ourselves what is safe," CLOSE;
  static const struct {
    const char *typed, *speaker;
    bool unnamed;
  } cases[] = {{"Roe", "John Roe", false}, {"John Roe", "John Roe", false},
               {"Jane Roe", "Jane Roe", true}, {"Mr. Roe", "Mr. Roe", true}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
    char extra[64];
    snprintf(extra, sizeof(extra), ", \"speaker\": \"%s\"", cases[i].typed);
    whosaid_annotations *set = parse(sidecar(quote, 63, extra));
    whosaid_doc *doc = analyze(text, set);
    int q = direct_quote(doc, text, "We will");
    ASSERT_STR_EQ(speaker_of(doc, q), cases[i].speaker);
    whosaid_quote found;
    whosaid_doc_quote(doc, (size_t)q, &found);
    whosaid_speaker speaker;
    whosaid_doc_speaker(doc, (size_t)found.speaker, &speaker);
    ASSERT_EQ(speaker.unnamed, cases[i].unnamed);
    whosaid_doc_free(doc);
    whosaid_annotations_free(set);
  }
}

TEST(a_speaker_the_article_never_names) {
  whosaid_annotations *set = parse(sidecar(pompeo_quote, 82, ", \"speaker\": \"A Diplomat\""));
  whosaid_doc *doc = analyze(article, set);
  int q = direct_quote(doc, article, "They will");
  ASSERT_STR_EQ(speaker_of(doc, q), "A Diplomat");
  whosaid_quote quote;
  whosaid_doc_quote(doc, (size_t)q, &quote);
  whosaid_speaker speaker;
  whosaid_doc_speaker(doc, (size_t)quote.speaker, &speaker);
  ASSERT(speaker.unnamed);
  ASSERT_EQ(speaker.cluster, -1);
  whosaid_doc_free(doc);
  whosaid_annotations_free(set);
}

TEST(a_person_says_what_is_a_quote) {
  char both[1024];
  snprintf(both, sizeof(both),
           "{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": ["
           "{\"text\": \"%s\", \"verdict\": \"not_quote\"},"
           "{\"text\": \"Germany would set its own rules.\", \"verdict\": \"quote\"},"
           "{\"text\": \"%s\", \"verdict\": \"quote\"}]}",
           pompeo_quote, OPEN "back door" CLOSE);
  whosaid_annotations *set = parse(both);
  whosaid_doc *plain = analyze(article, NULL);
  whosaid_doc *doc = analyze(article, set);
  ASSERT_NOT_NULL(doc);
  ASSERT(direct_quote(plain, article, "They will") >= 0);
  ASSERT(direct_quote(doc, article, "They will") < 0);
  ASSERT(direct_quote(plain, article, "back door") < 0);
  int door = direct_quote(doc, article, "back door");
  ASSERT(door >= 0);
  int rules = direct_quote(doc, article, "Germany would");
  ASSERT(rules >= 0);
  whosaid_quote quote;
  whosaid_doc_quote(doc, (size_t)rules, &quote);
  ASSERT_EQ(quote.reason, WHOSAID_QUOTE_ANNOTATED);
  ASSERT(quote.flags & WHOSAID_QUOTE_HUMAN_VERDICT);
  ASSERT_SPAN_EQ(article + quote.range.start_byte, quote.range.end_byte - quote.range.start_byte,
                 "Germany would set its own rules.");
  ASSERT_EQ(whosaid_doc_quote_count(doc), whosaid_doc_quote_count(plain) + 1);
  /* The added span keeps the quotes in order, each after its parent. */
  for (size_t i = 1; i < whosaid_doc_quote_count(doc); i++) {
    whosaid_quote before, after;
    whosaid_doc_quote(doc, i - 1, &before);
    whosaid_doc_quote(doc, i, &after);
    ASSERT(before.range.start_byte <= after.range.start_byte);
    ASSERT(after.parent < (int32_t)i);
  }
  whosaid_doc_free(doc);
  whosaid_doc_free(plain);
  whosaid_annotations_free(set);
}

/* Anchors ******************************************************************/

/* Whether the annotation lands on the quote starting with PREFIX in TEXT. */
static bool lands_on(const char *text, const whosaid_annotations *set, const char *prefix) {
  whosaid_doc *doc = analyze(text, set);
  whosaid_annotation_place place = {0};
  bool ok = doc != NULL && whosaid_doc_annotation(doc, 0, &place) == 0 && place.attached &&
            place.quote == direct_quote(doc, text, prefix);
  whosaid_doc_free(doc);
  return ok;
}

static char *replace(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  size_t length = strlen(text) - strlen(from) + strlen(to);
  char *out = malloc(length + 1);
  size_t head = (size_t)(at - text);
  memcpy(out, text, head);
  memcpy(out + head, to, strlen(to));
  strcpy(out + head + strlen(to), at + strlen(from));
  return out;
}

TEST(follows_its_quote_through_edits_and_reflowing) {
  whosaid_annotations *set = parse(sidecar(pompeo_quote, 82, ", \"speaker\": \"Maas\""));
  ASSERT(lands_on(article, set, "They will"));
  /* Two paragraphs above it, and the quote broken over two lines. */
  char *moved = replace(article, OPEN "They will take their own decisions about",
                        "A new paragraph.\n\nAnother one, longer than the first.\n\n" OPEN
                        "They will take\ntheir own decisions about");
  ASSERT(lands_on(moved, set, "They will"));
  /* A word changed inside the quote: found by the words it still shares. */
  char *reworded = replace(moved, "network", "networks");
  ASSERT(lands_on(reworded, set, "They will"));
  /* The quote deleted: an orphan, kept. */
  char *deleted = replace(article, pompeo_quote, "He spoke at length.");
  whosaid_doc *doc = analyze(deleted, set);
  whosaid_annotation_place place;
  ASSERT_OK(whosaid_doc_annotation(doc, 0, &place));
  ASSERT(!place.attached);
  ASSERT_EQ(place.quote, -1);
  ASSERT_EQ(whosaid_annotations_count(set), 1);
  whosaid_doc_free(doc);
  free(moved);
  free(reworded);
  free(deleted);
  whosaid_annotations_free(set);
}

TEST(two_identical_quotes_keep_their_own_annotations) {
  const char *text = OPEN "No comment," CLOSE " Smith said.\n\n" OPEN "No comment," CLOSE
                     " Jones said.\n";
  const char *json = "{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": ["
                     "{\"text\": \"\\u201cNo comment,\\u201d\", \"start\": 0, \"speaker\": \"A\"},"
                     "{\"text\": \"\\u201cNo comment,\\u201d\", \"start\": 0, \"speaker\": \"B\"}]}";
  whosaid_annotations *set = parse(json);
  whosaid_doc *doc = analyze(text, set);
  whosaid_annotation_place first, second;
  whosaid_doc_annotation(doc, 0, &first);
  whosaid_doc_annotation(doc, 1, &second);
  /* Both were last seen at 0: the first takes the nearest, the second the
   * other one. */
  ASSERT(first.attached && second.attached);
  ASSERT_EQ(first.range.start_byte, 0);
  ASSERT(second.range.start_byte > 0);
  whosaid_doc_free(doc);
  whosaid_annotations_free(set);
}

TEST(a_speaker_is_not_moved_to_the_same_words_in_a_headline) {
  const char *before = "'Nothing Will Change Here Soon'\n\n" OPEN "Nothing will change here soon,"
                       CLOSE " Smith said.\n";
  const char *after = "'Nothing Will Change Here Soon'\n\n" OPEN "Nothing will chnage here soon,"
                      CLOSE " Smith said.\n";
  whosaid_annotations *set = parse(sidecar(OPEN "Nothing will change here soon," CLOSE, 33,
                                           ", \"speaker\": \"Jones\""));
  ASSERT(lands_on(before, set, "Nothing will change"));
  /* The exact words are only in the headline, which is no direct quote:
   * the annotation stays with its own quote, found by the words it shares. */
  ASSERT(lands_on(after, set, "Nothing will chnage"));
  whosaid_annotations_free(set);
}

TEST(unrelated_quotes_are_not_taken) {
  whosaid_annotations *set = parse(sidecar(OPEN "Nothing like any quote in the article at all."
                                           CLOSE, 83, ", \"speaker\": \"X\""));
  whosaid_doc *doc = analyze(article, set);
  whosaid_annotation_place place;
  whosaid_doc_annotation(doc, 0, &place);
  ASSERT(!place.attached);
  whosaid_doc_free(doc);
  whosaid_annotations_free(set);
}

/* Editing a set ************************************************************/

TEST(edits_the_annotation_on_a_span) {
  whosaid_annotations *set = NULL;
  ASSERT_OK(whosaid_annotations_new(&set));
  whosaid_doc *doc = analyze(article, set);
  int q = direct_quote(doc, article, "They will");
  whosaid_quote quote;
  whosaid_doc_quote(doc, (size_t)q, &quote);
  uint32_t start = quote.range.start_byte, end = quote.range.end_byte, id = 0;
  whosaid_annotation_change change = {"Heiko Maas", NULL, -1};
  size_t length = strlen(article);
  ASSERT_OK(whosaid_annotations_edit(set, doc, article, length, start, end, &change, &id));
  ASSERT(id != 0);
  whosaid_annotation a;
  whosaid_annotations_get(set, 0, &a);
  ASSERT_STR_EQ(a.text, pompeo_quote);
  ASSERT_EQ(a.line, 2);
  ASSERT_NOT_NULL(a.created);
  whosaid_doc_free(doc);
  /* The same span again: the same annotation, with a note added. */
  doc = analyze(article, set);
  change = (whosaid_annotation_change){NULL, "seen in the transcript", -1};
  uint32_t again = 0;
  ASSERT_OK(whosaid_annotations_edit(set, doc, article, length, start, end, &change, &again));
  ASSERT_EQ(again, id);
  ASSERT_EQ(whosaid_annotations_count(set), 1);
  whosaid_annotations_get(set, 0, &a);
  ASSERT_STR_EQ(a.speaker, "Heiko Maas");
  ASSERT_STR_EQ(a.note, "seen in the transcript");
  /* Cleared of everything it says: gone. */
  change = (whosaid_annotation_change){"", "", -1};
  ASSERT_OK(whosaid_annotations_edit(set, doc, article, length, start, end, &change, &again));
  ASSERT_EQ(again, 0);
  ASSERT_EQ(whosaid_annotations_count(set), 0);
  /* A speaker named on a scare quote makes it a quote by verdict as well. */
  whosaid_doc_free(doc);
  doc = analyze(article, set);
  const char *door = strstr(article, OPEN "back door");
  uint32_t door_start = (uint32_t)(door - article), door_end = door_start + 15;
  change = (whosaid_annotation_change){"Critics", NULL, -1};
  ASSERT_OK(whosaid_annotations_edit(set, doc, article, length, door_start, door_end, &change,
                                     NULL));
  whosaid_annotations_get(set, 0, &a);
  ASSERT_EQ(a.verdict, WHOSAID_VERDICT_QUOTE);
  whosaid_doc_free(doc);
  doc = analyze(article, set);
  ASSERT_STR_EQ(speaker_of(doc, direct_quote(doc, article, "back door")), "Critics");
  change = (whosaid_annotation_change){NULL, NULL, 7};
  ASSERT_EQ(whosaid_annotations_edit(set, doc, article, length, start, end, &change, NULL),
            WHOSAID_EINVAL);
  ASSERT_EQ(whosaid_annotations_edit(set, doc, article, length, end, start, &change, NULL),
            WHOSAID_EINVAL);
  whosaid_doc_free(doc);
  whosaid_annotations_free(set);
}

TEST(reanchors_to_where_the_words_are_now) {
  whosaid_annotations *set = parse(sidecar(pompeo_quote, 82, ", \"speaker\": \"Maas\""));
  char *moved = replace(article, OPEN "They will take their own", "New paragraph.\n\n" OPEN
                        "They will take\ntheir own");
  whosaid_doc *doc = analyze(moved, set);
  ASSERT_OK(whosaid_annotations_reanchor(set, doc, moved, strlen(moved)));
  whosaid_annotation a;
  whosaid_annotations_get(set, 0, &a);
  ASSERT_EQ(a.start_byte, (uint32_t)(strstr(moved, OPEN "They") - moved));
  ASSERT_EQ(a.line, 4);
  ASSERT(strstr(a.text, "take\ntheir") != NULL);
  whosaid_doc_free(doc);
  free(moved);
  whosaid_annotations_free(set);
}

/* Files ********************************************************************/

static char directory[] = "/tmp/whosaid-annotations-XXXXXX";

static int files_in(const char *path) {
  DIR *dir = opendir(path);
  int count = 0;
  for (struct dirent *entry; dir != NULL && (entry = readdir(dir)) != NULL;) {
    count += entry->d_name[0] != '.';
  }
  if (dir != NULL) closedir(dir);
  return count;
}

static char *read_all(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return NULL;
  static char data[1 << 16];
  size_t n = fread(data, 1, sizeof(data) - 1, file);
  fclose(file);
  data[n] = '\0';
  return data;
}

TEST(writes_atomically_and_reads_back) {
  char path[256];
  snprintf(path, sizeof(path), "%s/a.txt.whosaid.json", directory);
  whosaid_annotations *set = NULL, *read = NULL;
  whosaid_error err;
  ASSERT_EQ(whosaid_annotations_read(path, &read, &err), WHOSAID_ENOENT);
  set = parse(sidecar(pompeo_quote, 82, ", \"speaker\": \"Maas\""));
  ASSERT_OK(whosaid_annotations_write(set, path, &err));
  ASSERT_OK(whosaid_annotations_read(path, &read, &err));
  ASSERT_EQ(whosaid_annotations_count(read), 1);
  ASSERT_EQ(files_in(directory), 1); /* no temporary file left */
  whosaid_annotations_free(set);
  whosaid_annotations_free(read);
}

/* A write that fails half-way (here: past a file-size limit, as on a full
 * disk) leaves the previous file as it was and no temporary file. */
TEST(a_failed_write_leaves_the_previous_file) {
  char path[256];
  snprintf(path, sizeof(path), "%s/b.txt.whosaid.json", directory);
  whosaid_annotations *small = parse(sidecar(pompeo_quote, 82, ", \"speaker\": \"Maas\""));
  whosaid_error err;
  ASSERT_OK(whosaid_annotations_write(small, path, &err));
  char before[1 << 16];
  strcpy(before, read_all(path));
  char note[8192];
  memset(note, 'x', sizeof(note) - 1);
  note[sizeof(note) - 1] = '\0';
  char fields[8300];
  snprintf(fields, sizeof(fields), ", \"note\": \"%s\"", note);
  whosaid_annotations *big = parse(sidecar(pompeo_quote, 82, fields));
  struct rlimit old, limit = {4096, 0};
  getrlimit(RLIMIT_FSIZE, &old);
  limit.rlim_max = old.rlim_max;
  signal(SIGXFSZ, SIG_IGN); /* the write then fails with EFBIG */
  ASSERT_OK(setrlimit(RLIMIT_FSIZE, &limit));
  int status = whosaid_annotations_write(big, path, &err);
  setrlimit(RLIMIT_FSIZE, &old);
  ASSERT_EQ(status, WHOSAID_EIO);
  ASSERT(strstr(err.message, path) != NULL);
  ASSERT(strstr(err.message, "unchanged") != NULL);
  ASSERT_STR_EQ(read_all(path), before);
  ASSERT_EQ(files_in(directory), 2);
  whosaid_annotations_free(small);
  whosaid_annotations_free(big);
}

TEST(an_unwritable_directory_is_an_error) {
  if (geteuid() == 0) return; /* root writes anywhere: nothing to check */
  char sub[256], path[300];
  snprintf(sub, sizeof(sub), "%s/locked", directory);
  mkdir(sub, 0555);
  snprintf(path, sizeof(path), "%s/c.json", sub);
  whosaid_annotations *set = NULL;
  whosaid_annotations_new(&set);
  whosaid_error err;
  ASSERT_EQ(whosaid_annotations_write(set, path, &err), WHOSAID_EIO);
  ASSERT(strstr(err.message, "Permission denied") != NULL);
  whosaid_annotations_free(set);
  rmdir(sub);
}

/* Out of memory ************************************************************/

/* Fail each allocation in turn: every failure is an error, never a crash or
 * a leak, and the model stays usable. */
TEST(runs_out_of_memory_cleanly) {
  const char *json = sidecar(pompeo_quote, 82, ", \"speaker\": \"Maas\", \"note\": \"n\"");
  whosaid_set_allocator(&counting);
  size_t failures = 0;
  for (failing_allocation = 1;; failing_allocation++) {
    allocation_count = 0;
    live_blocks = 0;
    whosaid_annotations *set = NULL;
    whosaid_doc *doc = NULL;
    int status = whosaid_annotations_parse(json, strlen(json), "t", &set, NULL);
    if (status == 0) status = whosaid_analyze_annotated(model, article, strlen(article), set, &doc);
    if (status == 0) status = whosaid_annotations_reanchor(set, doc, article, strlen(article));
    whosaid_doc_free(doc);
    whosaid_annotations_free(set);
    if (live_blocks != 0) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("allocation %zu failed: %ld blocks leaked", failing_allocation, live_blocks);
    }
    if (status == 0) break;
    if (status != WHOSAID_ENOMEM) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("allocation %zu failed: status %d", failing_allocation, status);
    }
    failures++;
  }
  whosaid_set_allocator(NULL);
  failing_allocation = 0;
  ASSERT(failures > 50);
}

int main(void) {
  if (mkdtemp(directory) == NULL) return 1;
  RUN(reads_and_writes_the_sidecar_keeping_unknown_fields);
  RUN(refuses_what_it_cannot_read_saying_where);
  RUN(makes_any_bytes_storable);
  RUN(writes_atomically_and_reads_back);
  RUN(a_failed_write_leaves_the_previous_file);
  RUN(an_unwritable_directory_is_an_error);
  model = load_model();
  RUN(runs_out_of_memory_cleanly);
  RUN(a_person_names_the_speaker);
  RUN(a_speaker_named_by_a_person_keeps_the_role_the_article_gives);
  RUN(a_surname_names_the_article_s_person_but_another_given_name_does_not);
  RUN(a_speaker_the_article_never_names);
  RUN(a_person_says_what_is_a_quote);
  RUN(follows_its_quote_through_edits_and_reflowing);
  RUN(two_identical_quotes_keep_their_own_annotations);
  RUN(a_speaker_is_not_moved_to_the_same_words_in_a_headline);
  RUN(unrelated_quotes_are_not_taken);
  RUN(edits_the_annotation_on_a_span);
  RUN(reanchors_to_where_the_words_are_now);
  whosaid_model_free(model);
  char command[300];
  snprintf(command, sizeof(command), "rm -rf %s", directory);
  if (system(command) != 0) return 1;
  return test_report();
}
