/*
 * fuzz_analyze.c: arbitrary bytes as an article. Each input is analysed
 * twice, without a model (the rules alone) and with the repository's model
 * (speech cues and tagger, loaded once), and each analysis is checked whole
 * (fuzz_check_doc: every span inside the text, in the order the API
 * promises, positions that agree with whosaid_doc_point, indices in range)
 * and exported in the three formats (fuzz_check_exports: JSON that parses,
 * CSV of 7 fields a row, valid UTF-8 without NUL bytes).
 *
 * The API accepts any bytes (NUL, invalid UTF-8); corpus:
 * tests/fuzz/corpus/analyze, short articles written for it.
 */
#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fuzz_repository_model(); /* loaded now, not during the first input */
  return 0;
}

static void analyse(const whosaid_model *model, const char *text, size_t length) {
  whosaid_doc *doc = NULL;
  int status = whosaid_analyze(model, text, length, &doc);
  FUZZ_CHECK(status == 0 && doc != NULL, "whosaid_analyze failed on %zu bytes: %s", length,
             whosaid_strerror(status));
  fuzz_check_doc(doc, text, length);
  FUZZ_CHECK(whosaid_doc_annotation_count(doc) == 0, "annotation places without annotations");
  if (model == NULL) {
    FUZZ_CHECK(whosaid_doc_entity_count(doc) == 0 && whosaid_doc_speaker_count(doc) == 0,
               "entities or speakers without a model");
  }
  fuzz_check_exports(doc, text, length, NULL);
  whosaid_doc_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  analyse(NULL, text, size);
  analyse(fuzz_repository_model(), text, size);
  return 0;
}
