/*
 * model.h: the trained tagger as a file (model_file.h container) and in
 * memory: quantized weights of the features the training kept, the common
 * word lexicon and the gazetteer lists the features were trained with.
 *
 * Sections: NERH (header), FKEY (sorted feature hashes, u64), FWGT (their
 * int16 weights, NER_LABELS per feature), LEXI (sorted lexicon hashes,
 * u64), GAZT (the gazetteer lists: per list, u32 name length, name, u32
 * text length, text, in the order of the lists file).
 */
#ifndef WHOSAID_NER_MODEL_H
#define WHOSAID_NER_MODEL_H

#include "ner/model_file.h"
#include "ner/ner.h"

/* Bumped whenever the features change: a model trained on other features
 * must not load. */
#define NER_FEATURE_VERSION 1

typedef struct {
  const uint64_t *hashes;    /* per feature */
  const float *weights;      /* per feature, NER_LABELS each (averaged) */
  size_t feature_count;
  const uint64_t *lexicon;   /* sorted */
  size_t lexicon_count;
  const char *gazetteer_dir; /* copied into the model; NULL: none */
  float prune;               /* features whose weights all stay below are dropped */
} ner_model_data;

int ner_model_save(const char *path, const ner_model_data *data, whosaid_error *err);

typedef struct ner_model ner_model;

/* Map PATH and check it whole; WHOSAID_EMODEL with a message for a file that
 * is not a tagger model of this version. */
int ner_model_load(const char *path, ner_model **out, whosaid_error *err);
void ner_model_free(ner_model *model);
size_t ner_model_feature_count(const ner_model *model);
const gazetteer *ner_model_gazetteer(const ner_model *model);

/* Label every word of DOCUMENT (built with ner_model_gazetteer's lists). */
int ner_model_tag(const ner_model *model, const ner_document *document, uint8_t *labels);

/* Read a gazetteer directory into the GAZT section format (for saving). */
typedef VEC(char) ner_byte_vec;
int ner_gazetteer_blob(const char *dir, ner_byte_vec *out, whosaid_error *err);

#endif
