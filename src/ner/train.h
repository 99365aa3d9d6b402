/*
 * train.h: training the tagger (see train.c).
 */
#ifndef WHOSAID_NER_TRAIN_H
#define WHOSAID_NER_TRAIN_H

#include "ner/conll.h"

typedef struct {
  const char *train_path, *dev_path, *output_path;
  const gazetteer *gazetteer; /* the lists the features use; may be NULL */
  const char *gazetteer_dir;  /* where they came from: copied into the model */
  int epochs;                 /* 0: the default, 12 */
  uint64_t seed;              /* the shuffle's seed: the same seed, the same model */
  float prune;                /* drop features whose weights all stay below this */
  void (*progress)(void *context, int epoch, double train_f1, double dev_f1, size_t features);
  void *progress_context;
} ner_train_options;

/* Train on TRAIN_PATH, keep the epoch best on DEV_PATH, write OUTPUT_PATH. */
int ner_train(const ner_train_options *options, whosaid_error *err);

#endif
