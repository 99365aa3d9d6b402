/*
 * quote_fixture.h: runs the text layer and the quote layer on a string, the
 * way whosaid_analyze does, for the quote tests.
 */
#ifndef WHOSAID_QUOTE_FIXTURE_H
#define WHOSAID_QUOTE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quotes/quotes.h"

typedef struct {
  const char *text;
  size_t length;
  text_paragraph_vec paragraphs;
  text_token_vec tokens;
  text_sentence_vec sentences;
  quote_span_vec spans;
} fixture;

/* The cue list of the repository's model, loaded once per test program. */
static inline quote_cues *fixture_cues(void) {
  static quote_cues *cues;
  if (cues != NULL) return cues;
  FILE *file = fopen(WHOSAID_MODEL_DIR "/cues.txt", "rb");
  if (file == NULL) {
    perror(WHOSAID_MODEL_DIR "/cues.txt");
    exit(1);
  }
  static char data[1 << 20];
  size_t length = fread(data, 1, sizeof(data), file);
  fclose(file);
  whosaid_error err;
  if (quote_cues_parse(data, length, "cues.txt", &cues, &err) != 0) {
    fprintf(stderr, "%s\n", err.message);
    exit(1);
  }
  return cues;
}

/* Analyse TEXT with or without the cue lexicon; aborts the program on a
 * failure of the text layer, which these tests do not test. */
static inline void fixture_run(fixture *f, const char *text, bool with_cues) {
  memset(f, 0, sizeof(*f));
  f->text = text;
  f->length = strlen(text);
  int status = text_find_paragraphs(text, f->length, &f->paragraphs);
  if (status == 0) status = text_tokenize(text, f->length, &f->tokens);
  if (status == 0) {
    status = text_split_sentences(text, f->length, f->tokens.items, f->tokens.len,
                                  f->paragraphs.items, f->paragraphs.len, &f->sentences);
  }
  if (status == 0) {
    status = quote_find_spans(text, f->tokens.items, f->tokens.len, f->paragraphs.items,
                              f->paragraphs.len, &f->spans);
  }
  if (status != 0) {
    fprintf(stderr, "pipeline failed: %d\n", status);
    exit(1);
  }
  quote_classify(text, f->tokens.items, f->tokens.len, f->sentences.items, f->sentences.len,
                 with_cues ? fixture_cues() : NULL, f->spans.items, f->spans.len);
}

static inline void fixture_free(fixture *f) {
  VEC_FREE(&f->paragraphs);
  VEC_FREE(&f->tokens);
  VEC_FREE(&f->sentences);
  VEC_FREE(&f->spans);
}

/* The text of span I, copied into a static buffer. */
static inline const char *fixture_span_text(const fixture *f, size_t i) {
  static char buffer[4096];
  const quote_span *span = &f->spans.items[i];
  size_t length = span->end - span->start;
  if (length >= sizeof(buffer)) length = sizeof(buffer) - 1;
  memcpy(buffer, f->text + span->start, length);
  buffer[length] = '\0';
  return buffer;
}

/* Index of the first span whose text is EXPECTED, or -1. */
static inline long fixture_find(const fixture *f, const char *expected) {
  for (size_t i = 0; i < f->spans.len; i++) {
    if (strcmp(fixture_span_text(f, i), expected) == 0) return (long)i;
  }
  return -1;
}

#endif
