/*
 * fuzz_model.c: arbitrary bytes as the two files of a model. Both must be
 * loaded cleanly or refused with WHOSAID_EMODEL and a message, never crash
 * or leak:
 *
 *   - as a tagger file alone (ner.bin, as `whosaid train-ner` writes it),
 *     loaded with whosaid_model_load from a scratch file; a model file's
 *     header holds its size and a CRC-32 of the rest, which a mutation
 *     almost never keeps right, so an input that starts like a model file
 *     is tried as given and again with both recomputed: mutations then
 *     reach the section table and the sections themselves;
 *   - as a speech-cue list (cues.txt), parsed by quote_cues_parse, whose
 *     every cue must then be found, and loaded as a model directory.
 *
 * A model that loads analyses a short article, checked as fuzz_analyze
 * checks one. Corpus: tests/fuzz/corpus/model, a tiny tagger trained by
 * make_model_corpus.sh and small cue lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_support.h"
#include "ner/model_file.h"
#include "quotes/quotes.h"

#define HEADER_SIZE 32
#define SIZE_AT 16
#define CRC_AT 24

static char tagger_path[600], cues_dir[600], cues_path[700];

static const char article[] =
    "\xE2\x80\x9CWe will not back down,\xE2\x80\x9D Chancellor Angela Merkel told reporters in "
    "Berlin on Tuesday.\n\nShe added: \xE2\x80\x9CGermany stands with its partners.\xE2\x80\x9D\n"
    "\"It is a good day,\" said John Smith, a spokesman for Acme Corp.\n";

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  const char *dir = fuzz_temp_dir("whosaid-fuzz-model");
  snprintf(tagger_path, sizeof(tagger_path), "%s/ner.bin", dir);
  snprintf(cues_dir, sizeof(cues_dir), "%s/cues", dir);
  snprintf(cues_path, sizeof(cues_path), "%s/cues.txt", cues_dir);
  FUZZ_CHECK(mkdir(cues_dir, 0700) == 0, "cannot make %s", cues_dir);
  return 0;
}

static void analyse_with(const whosaid_model *model) {
  whosaid_doc *doc = NULL;
  int status = whosaid_analyze(model, article, sizeof(article) - 1, &doc);
  FUZZ_CHECK(status == 0, "analysis with a model that loaded failed: %s",
             whosaid_strerror(status));
  fuzz_check_doc(doc, article, sizeof(article) - 1);
  whosaid_doc_free(doc);
}

/* Load PATH, which must load or be refused as damaged; a model that loads
 * is used and freed. */
static whosaid_model *load(const char *path) {
  whosaid_model *model = NULL;
  whosaid_error err = {0, ""};
  int status = whosaid_model_load(path, &model, &err);
  FUZZ_CHECK((status == 0) == (model != NULL), "status %d with model %p", status, (void *)model);
  FUZZ_CHECK(status == 0 || status == WHOSAID_EMODEL, "loading failed with %s (%s)",
             whosaid_err_name(status), err.message);
  FUZZ_CHECK(status == 0 || err.message[0] != '\0', "refused without a message");
  if (model != NULL) analyse_with(model);
  return model;
}

/* Tagger *******************************************************************/

static void store_le(uint8_t *at, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; i++) at[i] = (uint8_t)(value >> (8 * i));
}

/* Set the size and the checksum of a model file's header to what its bytes
 * are; false when it is no model file or they were right already. */
static bool fix_header(uint8_t *bytes, size_t size) {
  if (size < HEADER_SIZE || memcmp(bytes, "WHOSAIDM", 8) != 0) return false;
  uint8_t header[12];
  store_le(header, size, 8);
  store_le(header + 8, model_file_crc32(bytes + HEADER_SIZE, size - HEADER_SIZE), 4);
  if (memcmp(bytes + SIZE_AT, header, sizeof(header)) == 0) return false;
  memcpy(bytes + SIZE_AT, header, sizeof(header));
  return true;
}

static void load_tagger(const uint8_t *data, size_t size) {
  fuzz_write_file(tagger_path, data, size);
  whosaid_model *model = load(tagger_path);
  if (model != NULL) {
    FUZZ_CHECK(whosaid_model_has_entities(model) && whosaid_model_cue_count(model) == 0,
               "a tagger file alone is a model with entities and no cues");
  }
  whosaid_model_free(model);
}

/* Cue list ***************************************************************/

/* Every line of the list that is not blank or a comment is a cue. */
static void check_cues_found(const quote_cues *cues, const char *data, size_t size) {
  size_t lines = 0;
  for (size_t pos = 0; pos < size;) {
    const char *newline = memchr(data + pos, '\n', size - pos);
    size_t end = newline != NULL ? (size_t)(newline - data) : size;
    const char *s = data + pos;
    size_t n = end - pos;
    pos = end + 1;
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    if (n == 0 || *s == '#') continue;
    lines++;
    FUZZ_CHECK(quote_cues_contains(cues, s, n), "the cue '%.*s' is not found", (int)n, s);
  }
  FUZZ_CHECK(quote_cues_count(cues) >= 1 && quote_cues_count(cues) <= lines,
             "%zu cues from %zu lines", quote_cues_count(cues), lines);
}

static void load_cues(const uint8_t *data, size_t size) {
  quote_cues *cues = NULL;
  whosaid_error err = {0, ""};
  int status = quote_cues_parse((const char *)data, size, "cues.txt", &cues, &err);
  FUZZ_CHECK(status == 0 || status == WHOSAID_EMODEL, "cue list: %s", whosaid_err_name(status));
  if (cues != NULL) check_cues_found(cues, (const char *)data, size);
  quote_cues_free(cues);
  fuzz_write_file(cues_path, data, size);
  whosaid_model *model = load(cues_dir);
  FUZZ_CHECK((model != NULL) == (status == 0), "the cue list parses, but the model differs");
  if (model != NULL) {
    FUZZ_CHECK(whosaid_model_has_attribution(model) && !whosaid_model_has_entities(model),
               "a directory with cues.txt alone attributes and finds no entities");
  }
  whosaid_model_free(model);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  load_tagger(data, size);
  uint8_t *fixed = malloc(size > 0 ? size : 1);
  FUZZ_CHECK(fixed != NULL, "out of memory");
  memcpy(fixed, data, size);
  if (fix_header(fixed, size)) load_tagger(fixed, size);
  free(fixed);
  load_cues(data, size);
  return 0;
}
