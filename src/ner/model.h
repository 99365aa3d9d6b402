/*
 * model.h: the trained tagger as a file (model_file.h container) and in
 * memory: quantized weights of the features the training kept, the common
 * word lexicon and the gazetteer lists the features were trained with.
 *
 * Sections: NERH (header), FKEY (sorted feature hashes, u64), FWGT (their
 * int16 weights, NER_LABELS per feature), LEXI (sorted lexicon hashes,
 * u64), VOCB (ner_vocabulary_entry records, sorted by key), GAZT (the
 * gazetteer lists: per list, u32 name length, name, u32 text length, text,
 * in the order of the lists file).
 */
#ifndef WHOSAID_NER_MODEL_H
#define WHOSAID_NER_MODEL_H

#include "ner/model_file.h"
#include "ner/ner.h"

/* Bumped whenever the features change: a model trained on other features
 * must not load. */
#define NER_FEATURE_VERSION 2

/* Weights as the tagger reads them: sorted feature hashes and int16 rows,
 * with an index by the hashes' top NER_BUCKET_BITS bits (or NULL). */
#define NER_BUCKET_BITS 18
typedef struct {
  const uint64_t *keys;
  const int16_t *rows;
  size_t count;
  uint32_t *buckets;
  /* One bit per hash value modulo NER_FILTER_BITS, set for the features the
   * model knows (or NULL): most features of new text (word pairs never
   * seen in training) are turned away here, in a table small enough to stay
   * in the processor's cache, without touching the weights. */
  uint64_t *filter;
} ner_weights;

#define NER_FILTER_BITS (1u << 21)

const int16_t *ner_weights_find(const ner_weights *weights, ner_feature feature);

/* The weights of a word's own features summed, per position around it. */
void ner_word_sums(const ner_weights *weights, const ner_lexicon *lexicon, const char *text,
                   const ner_word *word, int32_t sums[NER_OFFSETS][NER_LABELS]);

/* What decides a word's own features: its bytes, kind and case. */
uint64_t ner_word_key(const char *text, const ner_word *word);

/* Vocabulary (vocabulary.c): frequent words with their sums precomputed. */
typedef struct {
  const char *text;
  ner_word word;
} ner_vocabulary_word;

typedef struct {
  uint64_t key; /* ner_word_key */
  int32_t sums[NER_OFFSETS][NER_LABELS];
} ner_vocabulary_entry;

/* Sum WORDS' weights into *OUT (sorted by key, duplicates dropped; the
 * caller frees it with ws_free). */
int ner_vocabulary_build(const ner_weights *weights, const ner_lexicon *lexicon,
                         const ner_vocabulary_word *words, size_t count,
                         ner_vocabulary_entry **out, size_t *out_count);
/* A model's vocabulary, with a hash index over the entries' keys. */
typedef struct {
  const ner_vocabulary_entry *entries; /* sorted by key */
  size_t count;
  uint32_t *slots; /* entry index + 1 per slot; 0 marks an empty one */
  size_t mask;
} ner_vocabulary;

int ner_vocabulary_index(ner_vocabulary *vocabulary);
void ner_vocabulary_destroy(ner_vocabulary *vocabulary);
const ner_vocabulary_entry *ner_vocabulary_find(const ner_vocabulary *vocabulary, uint64_t key);

typedef struct {
  const uint64_t *hashes;    /* per feature */
  const float *weights;      /* per feature, NER_LABELS each (averaged) */
  size_t feature_count;
  const uint64_t *lexicon;   /* sorted */
  size_t lexicon_count;
  const ner_vocabulary_word *vocabulary; /* words to precompute (see vocabulary.c) */
  size_t vocabulary_count;
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

/* The vocabulary's precomputed sums for WORD, or NULL when it has none;
 * and the same sums computed from the model's weights (for checking that
 * the two agree). */
const ner_vocabulary_entry *ner_model_known_word(const ner_model *model, const char *text,
                                                 const ner_word *word);
void ner_model_word_sums(const ner_model *model, const char *text, const ner_word *word,
                         int32_t sums[NER_OFFSETS][NER_LABELS]);

/* Label every word of DOCUMENT (built with ner_model_gazetteer's lists). */
int ner_model_tag(const ner_model *model, const ner_document *document, uint8_t *labels);


#endif
