/*
 * conll.h: CoNLL-2003 files for training and evaluating the tagger, and
 * entity scoring as the conlleval script does it (exact span and type).
 */
#ifndef WHOSAID_NER_CONLL_H
#define WHOSAID_NER_CONLL_H

#include <stdio.h>

#include "ner/ner.h"

typedef struct {
  ner_document document; /* its text is TEXT: the tokens joined by spaces */
  char *text;
  VEC(uint8_t) gold; /* BILOU label per word */
} conll_document;

typedef VEC(conll_document) conll_corpus;

/* Read PATH: a document per -DOCSTART-, a sentence per block; the words get
 * the kinds and flags our tokenizer gives their text, and gazetteer matches
 * (LISTS may be NULL). A malformed line is WHOSAID_EINVAL, "PATH:LINE:". */
int conll_read(const char *path, const gazetteer *lists, conll_corpus *out,
               whosaid_error *err);
void conll_corpus_free(conll_corpus *corpus);

/* Add to CORPUS, for each document with headlines in capitals, a document
 * of those headlines in Title Case with the same labels: news text outside
 * CoNLL writes headlines so ("Pompeo Again Threatens Germany"), and the
 * tagger must learn that capitals say less there. */
int conll_add_title_case_copies(conll_corpus *corpus, const gazetteer *lists);

typedef struct {
  size_t gold, predicted, correct;
} ner_counts;

typedef struct {
  ner_counts types[4]; /* by whosaid_entity_type */
  ner_counts overall;
} ner_score;

/* Count the entities of COUNT words' gold and predicted BILOU labels. */
void ner_score_add(ner_score *score, const uint8_t *gold, const uint8_t *predicted, size_t count);
double ner_counts_f1(const ner_counts *counts);

/* Write DOC as conlleval reads it: "token gold predicted" (IOB2) per line, a
 * blank line after each sentence. */
void conll_write_tags(FILE *out, const conll_document *doc, const uint8_t *predicted);

#endif
