/*
 * ner_api.c: training and evaluating the entity tagger through the public
 * interface (whosaid train-ner and eval-ner are thin wrappers over these).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/alloc.h"
#include "ner/train.h"

int whosaid_ner_train(const char *train, const char *dev, const char *output,
                      const whosaid_ner_train_options *options, whosaid_error *err) {
  if (train == NULL || dev == NULL || output == NULL) return WHOSAID_EINVAL;
  whosaid_ner_train_options defaults = {0};
  if (options == NULL) options = &defaults;
  gazetteer *lists = NULL;
  int status = 0;
  if (options->gazetteer_dir != NULL) status = gazetteer_load(options->gazetteer_dir, &lists, err);
  if (status == 0) {
    ner_train_options settings = {train, dev, output, lists, options->gazetteer_dir,
                                  options->epochs, options->seed, options->prune,
                                  options->progress, options->progress_context};
    status = ner_train(&settings, err);
  }
  gazetteer_free(lists);
  return status;
}

static void finish_counts(const ner_counts *in, whosaid_ner_counts *out) {
  out->gold = in->gold;
  out->predicted = in->predicted;
  out->correct = in->correct;
  out->precision = in->predicted ? 100.0 * (double)in->correct / (double)in->predicted : 0;
  out->recall = in->gold ? 100.0 * (double)in->correct / (double)in->gold : 0;
  out->f1 = ner_counts_f1(in);
}

static int tag_corpus(const ner_model *ner, const conll_corpus *corpus, FILE *tags,
                      ner_score *score) {
  for (size_t d = 0; d < corpus->len; d++) {
    const conll_document *doc = &corpus->items[d];
    uint8_t *labels = ws_malloc(doc->document.words.len + 1);
    if (labels == NULL) return WHOSAID_ENOMEM;
    int status = ner_model_tag(ner, &doc->document, labels);
    if (status == 0) ner_score_add(score, doc->gold.items, labels, doc->document.words.len);
    if (status == 0 && tags != NULL) conll_write_tags(tags, doc, labels);
    ws_free(labels);
    if (status != 0) return status;
  }
  return 0;
}

static void count_corpus(const conll_corpus *corpus, whosaid_ner_evaluation *out) {
  out->documents = corpus->len;
  for (size_t d = 0; d < corpus->len; d++) {
    out->sentences += corpus->items[d].document.sentences.len;
    out->tokens += corpus->items[d].document.words.len;
  }
}

static int open_tags(const char *path, FILE **tags, whosaid_error *err) {
  *tags = NULL;
  if (path == NULL) return 0;
  *tags = fopen(path, "w");
  if (*tags != NULL) return 0;
  if (err != NULL) {
    err->status = WHOSAID_EIO;
    snprintf(err->message, sizeof(err->message), "%s: %s", path, strerror(errno));
  }
  return WHOSAID_EIO;
}

int whosaid_ner_evaluate(const whosaid_model *model, const char *path, const char *tags,
                         whosaid_ner_evaluation *out, whosaid_error *err) {
  if (model == NULL || model->ner == NULL || path == NULL || out == NULL) return WHOSAID_EINVAL;
  *out = (whosaid_ner_evaluation){0};
  conll_corpus corpus = VEC_INIT;
  FILE *tag_file = NULL;
  ner_score score = {0};
  int status = conll_read(path, ner_model_gazetteer(model->ner), &corpus, err);
  if (status == 0) status = open_tags(tags, &tag_file, err);
  if (status == 0) status = tag_corpus(model->ner, &corpus, tag_file, &score);
  if (tag_file != NULL && fclose(tag_file) != 0 && status == 0) status = WHOSAID_EIO;
  if (status == 0) {
    count_corpus(&corpus, out);
    for (int t = 0; t < 4; t++) finish_counts(&score.types[t], &out->types[t]);
    finish_counts(&score.overall, &out->overall);
  }
  conll_corpus_free(&corpus);
  return status;
}
