/*
 * fuzz_sidecar.c: arbitrary bytes as an annotation sidecar (the JSON file
 * of a person's corrections), read by whosaid_annotations_parse. Anything
 * but a sidecar must be refused with WHOSAID_EFORMAT and a message; a set
 * that parses must then
 *
 *   - hold what the API promises (non-empty valid UTF-8 text, unique ids,
 *     start <= end, a known verdict),
 *   - make a round trip: formatted, parsed again and formatted again, the
 *     same bytes (so must a copy of it),
 *   - apply to a fixed article (whosaid_analyze_annotated, the repository's
 *     model), one place per annotation, the document and its exports
 *     checked as fuzz_analyze checks them; and to texts without quotes,
 *     where none can attach,
 *   - survive whosaid_annotations_reanchor and two whosaid_annotations_edit
 *     calls (on a quote of the article, and on a span drawn from the
 *     input's hash), each followed by a new analysis and a round trip.
 *
 * Corpus: tests/fuzz/corpus/sidecar, sidecars written for this article.
 */
#include <string.h>

#include "fuzz_support.h"

static const char article[] =
    "BERLIN (Reuters) - Germany's foreign minister rejected the plan on Monday.\n"
    "\n"
    "\xE2\x80\x9CWe will not accept this,\xE2\x80\x9D Heiko Maas told reporters. "
    "\xE2\x80\x9CIt is a mistake.\xE2\x80\x9D\n"
    "\n"
    "Critics called the \xE2\x80\x9Cpeace plan\xE2\x80\x9D \xE2\x80\x9C"
    "dead on arrival.\xE2\x80\x9D\n"
    "\n"
    "\"Nobody asked us,\" said a spokesman for the opposition. \"We read about it in the "
    "newspaper.\"\n";

#define ARTICLE_LENGTH (sizeof(article) - 1)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fuzz_repository_model();
  return 0;
}

/* The set *****************************************************************/

static bool valid_string(const char *s) { return s == NULL || fuzz_utf8_valid(s, strlen(s)); }

static void check_set(const whosaid_annotations *set) {
  size_t count = whosaid_annotations_count(set);
  whosaid_annotation a, b;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_annotations_get(set, i, &a) == 0, "annotation %zu is missing", i);
    FUZZ_CHECK(a.id != 0, "annotation %zu has id 0", i);
    FUZZ_CHECK(a.text != NULL && a.text[0] != '\0', "annotation %zu has no text", i);
    FUZZ_CHECK(valid_string(a.text) && valid_string(a.speaker) && valid_string(a.note) &&
                   valid_string(a.created) && valid_string(a.updated),
               "annotation %zu holds invalid UTF-8", i);
    FUZZ_CHECK(a.start_byte <= a.end_byte, "annotation %zu: start %u after end %u", i,
               a.start_byte, a.end_byte);
    FUZZ_CHECK((unsigned)a.verdict <= WHOSAID_VERDICT_NOT_QUOTE, "annotation %zu: verdict %d", i,
               a.verdict);
    for (size_t k = 0; k < i; k++) {
      whosaid_annotations_get(set, k, &b);
      FUZZ_CHECK(a.id != b.id, "annotations %zu and %zu share id %u", k, i, a.id);
    }
  }
  FUZZ_CHECK(whosaid_annotations_get(set, count, &a) == WHOSAID_ERANGE, "annotation %zu exists",
             count);
}

static char *format_checked(const whosaid_annotations *set, size_t *length) {
  char *json = NULL;
  int status = whosaid_annotations_format(set, &json, length);
  FUZZ_CHECK(status == 0 && json != NULL, "format failed: %s", whosaid_strerror(status));
  FUZZ_CHECK(strlen(json) == *length && *length > 0 && json[*length - 1] == '\n',
             "the sidecar text is not one NUL-free text ending in a newline");
  FUZZ_CHECK(fuzz_utf8_valid(json, *length), "the sidecar text is not valid UTF-8");
  return json;
}

/* Formatted, parsed and formatted again: the same bytes. */
static void check_round_trip(const whosaid_annotations *set) {
  size_t length, again_length;
  char *json = format_checked(set, &length);
  whosaid_annotations *again = NULL;
  whosaid_error err = {0, ""};
  int status = whosaid_annotations_parse(json, length, "formatted", &again, &err);
  FUZZ_CHECK(status == 0, "a formatted set does not parse: %s\n%s", err.message, json);
  FUZZ_CHECK(whosaid_annotations_count(again) == whosaid_annotations_count(set),
             "the set changed size on a round trip");
  char *json_again = format_checked(again, &again_length);
  FUZZ_CHECK(length == again_length && memcmp(json, json_again, length) == 0,
             "a round trip changed the sidecar:\n%s\nbecame\n%s", json, json_again);
  whosaid_free(json_again);
  whosaid_annotations_free(again);

  whosaid_annotations *copy = NULL;
  FUZZ_CHECK(whosaid_annotations_copy(set, &copy) == 0, "copy failed");
  char *json_copy = format_checked(copy, &again_length);
  FUZZ_CHECK(length == again_length && memcmp(json, json_copy, length) == 0,
             "a copy formats differently");
  whosaid_free(json_copy);
  whosaid_annotations_free(copy);
  whosaid_free(json);
}

/* Applying it ****************************************************************/

static whosaid_doc *analyse(const whosaid_annotations *set) {
  whosaid_doc *doc = NULL;
  int status = whosaid_analyze_annotated(fuzz_repository_model(), article, ARTICLE_LENGTH, set,
                                         &doc);
  FUZZ_CHECK(status == 0, "analysis with the set failed: %s", whosaid_strerror(status));
  fuzz_check_doc(doc, article, ARTICLE_LENGTH);
  size_t count = whosaid_annotations_count(set);
  FUZZ_CHECK(whosaid_doc_annotation_count(doc) == count, "%zu places for %zu annotations",
             whosaid_doc_annotation_count(doc), count);
  for (size_t i = 0; i < count; i++) {
    whosaid_annotation a;
    whosaid_annotation_place place;
    whosaid_annotations_get(set, i, &a);
    whosaid_doc_annotation(doc, i, &place);
    FUZZ_CHECK(place.id == a.id, "place %zu is of annotation %u, not %u", i, place.id, a.id);
  }
  fuzz_check_exports(doc, article, ARTICLE_LENGTH, set);
  return doc;
}

/* The set applied to texts without a quoted span: nothing to attach to. */
static void apply_elsewhere(const whosaid_annotations *set) {
  static const char *const texts[] = {"", "No quotes here, said Heiko Maas.\n"};
  for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
    whosaid_doc *doc = NULL;
    size_t length = strlen(texts[i]);
    int status = whosaid_analyze_annotated(fuzz_repository_model(), texts[i], length, set, &doc);
    FUZZ_CHECK(status == 0, "analysis with the set failed: %s", whosaid_strerror(status));
    fuzz_check_doc(doc, texts[i], length);
    fuzz_check_exports(doc, texts[i], length, set);
    whosaid_doc_free(doc);
  }
}

/* Bytes [*START, *END) to edit: quote number R of DOC, or a span drawn
 * from R (inside the article, never empty). */
static void edit_span(const whosaid_doc *doc, uint64_t r, bool on_quote, uint32_t *start,
                      uint32_t *end) {
  whosaid_quote q;
  size_t quotes = whosaid_doc_quote_count(doc);
  if (on_quote && quotes > 0 && whosaid_doc_quote(doc, r % quotes, &q) == 0) {
    *start = q.range.start_byte;
    *end = q.range.end_byte;
    return;
  }
  *start = (uint32_t)(r % ARTICLE_LENGTH);
  *end = *start + 1 + (uint32_t)((r >> 16) % (ARTICLE_LENGTH - *start));
}

/* Edit the set through DOC as a person would; the new analysis. */
static whosaid_doc *edit(whosaid_annotations *set, whosaid_doc *doc, uint64_t r, bool on_quote) {
  static const char *const speakers[] = {NULL, "", "Heiko Maas", "a spokesman"};
  static const char *const notes[] = {NULL, "", "checked \xE2\x9C\x8E"};
  whosaid_annotation_change change = {speakers[r % 4], notes[(r >> 2) % 3],
                                      (int)((r >> 4) % 4) - 1};
  uint32_t start, end, id = UINT32_MAX;
  edit_span(doc, r >> 6, on_quote, &start, &end);
  int status = whosaid_annotations_edit(set, doc, article, ARTICLE_LENGTH, start, end, &change,
                                        &id);
  FUZZ_CHECK(status == 0, "editing [%u, %u) failed: %s", start, end, whosaid_strerror(status));
  whosaid_annotation a;
  bool found = false;
  for (size_t i = 0; id != 0 && i < whosaid_annotations_count(set) && !found; i++) {
    found = whosaid_annotations_get(set, i, &a) == 0 && a.id == id;
  }
  FUZZ_CHECK(id == 0 || found, "the edited annotation %u is not in the set", id);
  whosaid_doc_free(doc);
  check_set(set);
  check_round_trip(set);
  return analyse(set);
}

static uint64_t hash_input(const uint8_t *data, size_t size) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (size_t i = 0; i < size; i++) hash = (hash ^ data[i]) * 0x100000001B3ull;
  return hash;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  whosaid_annotations *set = NULL;
  whosaid_error err = {0, ""};
  int status = whosaid_annotations_parse((const char *)data, size, "fuzz.whosaid.json", &set, &err);
  FUZZ_CHECK(status == 0 || status == WHOSAID_EFORMAT, "parse: %s", whosaid_err_name(status));
  FUZZ_CHECK((status == 0) == (set != NULL), "status %d with set %p", status, (void *)set);
  if (status != 0) {
    FUZZ_CHECK(strncmp(err.message, "fuzz.whosaid.json:", 18) == 0,
               "the message does not start with the name: %s", err.message);
    return 0;
  }
  check_set(set);
  check_round_trip(set);
  apply_elsewhere(set);
  whosaid_doc *doc = analyse(set);
  FUZZ_CHECK(whosaid_annotations_reanchor(set, doc, article, ARTICLE_LENGTH) == 0,
             "reanchor failed");
  check_set(set);
  check_round_trip(set);
  uint64_t r = hash_input(data, size);
  doc = edit(set, doc, r, true);
  doc = edit(set, doc, r >> 24, false);
  whosaid_doc_free(doc);
  whosaid_annotations_free(set);
  return 0;
}
