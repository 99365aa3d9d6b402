/*
 * model.c: saving and loading the tagger, and tagging a document with it.
 *
 * Tagging is the hot path (every edit in the editor re-runs it), so the
 * weights of a word's own features, as seen from each of the five
 * positions around it, are summed once per distinct word of the document
 * and cached; a word then costs five vector additions plus the few
 * features that depend on its position and on the labels before it.
 */
#include "ner/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define CACHE_LIMIT 32768 /* distinct words cached at once, bounding memory */

typedef struct {
  uint32_t feature_version;
  uint32_t labels;
  uint32_t feature_count;
  uint32_t lexicon_count;
  uint32_t vocabulary_count;
  float scale;
} model_header;

struct ner_model {
  model_file *file;
  ner_weights weights;
  ner_vocabulary vocabulary;
  ner_lexicon lexicon;
  gazetteer *gazetteer;
};


/* Saving ******************************************************************/

typedef gazetteer_bytes byte_vec;

static float row_peak(const float *row) {
  float peak = 0;
  for (int l = 0; l < NER_LABELS; l++) peak = fmaxf(peak, fabsf(row[l]));
  return peak;
}

/* A kept feature: its hash, and where its weights are in the training data. */
typedef struct {
  uint64_t hash;
  uint32_t index;
} kept_feature;

typedef struct {
  const ner_model_data *data;
  kept_feature *kept; /* sorted by hash */
  size_t kept_count;
  float scale;
} selection;

static int compare_kept(const void *a, const void *b) {
  uint64_t x = ((const kept_feature *)a)->hash, y = ((const kept_feature *)b)->hash;
  return (x > y) - (x < y);
}

/* Keep the features whose weights reach above PRUNE, sorted by hash, and
 * choose the scale that maps the largest weight to 32767. */
static int select_features(const ner_model_data *data, float prune, selection *s) {
  s->data = data;
  s->kept = ws_calloc(data->feature_count + 1, sizeof(*s->kept));
  if (s->kept == NULL) return WHOSAID_ENOMEM;
  float peak = 0;
  for (size_t f = 0; f < data->feature_count; f++) {
    float row = row_peak(data->weights + f * NER_LABELS);
    if (row <= prune || row == 0) continue;
    s->kept[s->kept_count++] = (kept_feature){data->hashes[f], (uint32_t)f};
    peak = fmaxf(peak, row);
  }
  s->scale = peak > 0 ? peak / 32767.0f : 1.0f;
  if (s->kept_count > 1) qsort(s->kept, s->kept_count, sizeof(*s->kept), compare_kept);
  return 0;
}

static int write_weights(const selection *s, uint64_t *keys, int16_t *rows) {
  for (size_t k = 0; k < s->kept_count; k++) {
    uint32_t f = s->kept[k].index;
    keys[k] = s->kept[k].hash;
    for (int l = 0; l < NER_LABELS; l++) {
      float q = roundf(s->data->weights[(size_t)f * NER_LABELS + l] / s->scale);
      rows[k * NER_LABELS + l] = (int16_t)fmaxf(-32767.0f, fminf(32767.0f, q));
    }
  }
  return 0;
}

/* The vocabulary's sums, from the quantized weights exactly as the tagger
 * will read them. */
static int add_vocabulary(model_file_writer *writer, const ner_model_data *data,
                          const ner_weights *weights, uint32_t *count) {
  ner_lexicon lexicon = {data->lexicon, data->lexicon_count, NULL, 0};
  ner_vocabulary_entry *entries = NULL;
  size_t entry_count = 0;
  int status = ner_lexicon_index(&lexicon);
  if (status == 0) {
    status = ner_vocabulary_build(weights, &lexicon, data->vocabulary, data->vocabulary_count,
                                  &entries, &entry_count);
  }
  if (status == 0) {
    status = model_file_writer_add(writer, "VOCB", entries, entry_count * sizeof(*entries));
  }
  *count = (uint32_t)entry_count;
  ws_free(entries);
  ner_lexicon_destroy(&lexicon);
  return status;
}

static int add_weights(model_file_writer *writer, const ner_model_data *data, const selection *s,
                       model_header *header) {
  uint64_t *keys = ws_calloc(s->kept_count + 1, sizeof(*keys));
  int16_t *rows = ws_calloc(s->kept_count * NER_LABELS + 1, sizeof(*rows));
  int status = keys && rows ? write_weights(s, keys, rows) : WHOSAID_ENOMEM;
  if (status == 0) status = model_file_writer_add(writer, "FKEY", keys, s->kept_count * 8);
  if (status == 0) {
    status = model_file_writer_add(writer, "FWGT", rows, s->kept_count * NER_LABELS * 2);
  }
  ner_weights weights = {keys, rows, s->kept_count, NULL, NULL};
  if (status == 0) status = add_vocabulary(writer, data, &weights, &header->vocabulary_count);
  ws_free(keys);
  ws_free(rows);
  return status;
}

static int add_sections(model_file_writer *writer, const ner_model_data *data,
                        const selection *kept, const byte_vec *gazetteer_blob) {
  model_header header = {NER_FEATURE_VERSION, NER_LABELS, (uint32_t)kept->kept_count,
                         (uint32_t)data->lexicon_count, 0, kept->scale};
  int status = add_weights(writer, data, kept, &header);
  /* The header goes in last, once the vocabulary's size is known; sections
   * are found by tag, so their order in the file does not matter. */
  if (status == 0) status = model_file_writer_add(writer, "NERH", &header, sizeof(header));
  if (status == 0) {
    status = model_file_writer_add(writer, "LEXI", data->lexicon, data->lexicon_count * 8);
  }
  if (status == 0) {
    status = model_file_writer_add(writer, "GAZT", gazetteer_blob->items, gazetteer_blob->len);
  }
  return status;
}

int ner_model_save(const char *path, const ner_model_data *data, whosaid_error *err) {
  selection kept = {0};
  byte_vec blob = VEC_INIT;
  model_file_writer *writer = NULL;
  int status = select_features(data, data->prune, &kept);
  if (status == 0 && data->gazetteer_dir != NULL) {
    status = gazetteer_write_blob(data->gazetteer_dir, &blob, err);
  }
  if (status == 0) status = model_file_writer_new(&writer);
  if (status == 0) status = add_sections(writer, data, &kept, &blob);
  if (status == 0) status = model_file_writer_save(writer, path, err);
  model_file_writer_free(writer);
  ws_free(kept.kept);
  VEC_FREE(&blob);
  return status;
}

/* Loading ******************************************************************/

static int corrupt(whosaid_error *err, const char *path, const char *what) {
  if (err != NULL) {
    err->status = WHOSAID_EMODEL;
    snprintf(err->message, sizeof(err->message), "%s: %s", path, what);
  }
  return WHOSAID_EMODEL;
}

static int section(const ner_model *m, const char *tag, size_t expected, const void **data,
                   const char *path, whosaid_error *err) {
  size_t size = 0;
  if (model_file_section(m->file, tag, data, &size) != 0) {
    return corrupt(err, path, "not a tagger model (a section is missing)");
  }
  if (expected != SIZE_MAX && size != expected) {
    return corrupt(err, path, "a section has the wrong size: the file is damaged");
  }
  return 0;
}

static bool ascending(const uint64_t *values, size_t count) {
  for (size_t i = 1; i < count; i++) {
    if (values[i - 1] >= values[i]) return false;
  }
  return true;
}

static int build_buckets(ner_weights *table) {
  size_t buckets = (size_t)1 << NER_BUCKET_BITS;
  table->buckets = ws_calloc(buckets + 1, sizeof(*table->buckets));
  table->filter = ws_calloc(NER_FILTER_BITS / 64, sizeof(uint64_t));
  if (table->buckets == NULL || table->filter == NULL) return WHOSAID_ENOMEM;
  size_t k = 0;
  for (size_t b = 0; b <= buckets; b++) {
    while (k < table->count && (table->keys[k] >> (64 - NER_BUCKET_BITS)) < b) k++;
    table->buckets[b] = (uint32_t)k;
  }
  for (size_t i = 0; i < table->count; i++) {
    uint32_t bit = (uint32_t)(table->keys[i] >> 7) & (NER_FILTER_BITS - 1);
    table->filter[bit / 64] |= (uint64_t)1 << (bit % 64);
  }
  return 0;
}

static int read_weights(ner_model *m, const model_header *header, const char *path,
                        whosaid_error *err) {
  ner_weights *table = &m->weights;
  table->count = header->feature_count;
  if (!(header->scale > 0 && isfinite(header->scale))) {
    return corrupt(err, path, "bad weight scale: the file is damaged");
  }
  int status = section(m, "FKEY", table->count * 8, (const void **)&table->keys, path, err);
  if (status == 0) {
    status = section(m, "FWGT", table->count * NER_LABELS * 2, (const void **)&table->rows, path,
                     err);
  }
  if (status == 0 && !ascending(table->keys, table->count)) {
    status = corrupt(err, path, "keys out of order: the file is damaged");
  }
  return status == 0 ? build_buckets(table) : status;
}

/* A vocabulary entry's sums add up at most NER_MAX_WORD_FEATURES int16
 * weights (ner_word_sums); larger ones come from a damaged file, and would
 * overflow the tagger's int32 sums. */
static bool sums_in_range(const ner_vocabulary *vocabulary) {
  const int32_t most = NER_MAX_WORD_FEATURES * 32768;
  for (size_t i = 0; i < vocabulary->count; i++) {
    const int32_t *sums = &vocabulary->entries[i].sums[0][0];
    for (size_t k = 0; k < NER_OFFSETS * NER_LABELS; k++) {
      if (sums[k] > most || sums[k] < -most) return false;
    }
  }
  return true;
}

static int read_sections(ner_model *m, const char *path, whosaid_error *err) {
  const model_header *header;
  int status = section(m, "NERH", sizeof(*header), (const void **)&header, path, err);
  if (status != 0) return status;
  if (header->feature_version != NER_FEATURE_VERSION || header->labels != NER_LABELS) {
    return corrupt(err, path, "tagger model of another version: retrain it for this whosaid");
  }
  status = read_weights(m, header, path, err);
  m->lexicon.count = header->lexicon_count;
  if (status == 0) {
    status = section(m, "LEXI", m->lexicon.count * 8, (const void **)&m->lexicon.hashes, path,
                     err);
  }
  if (status == 0 && !ascending(m->lexicon.hashes, m->lexicon.count)) {
    status = corrupt(err, path, "lexicon out of order: the file is damaged");
  }
  m->vocabulary.count = header->vocabulary_count;
  if (status == 0) {
    status = section(m, "VOCB", m->vocabulary.count * sizeof(ner_vocabulary_entry),
                     (const void **)&m->vocabulary.entries, path, err);
  }
  for (size_t i = 1; status == 0 && i < m->vocabulary.count; i++) {
    if (m->vocabulary.entries[i - 1].key >= m->vocabulary.entries[i].key) {
      status = corrupt(err, path, "vocabulary out of order: the file is damaged");
    }
  }
  if (status == 0 && !sums_in_range(&m->vocabulary)) {
    status = corrupt(err, path, "vocabulary sums out of range: the file is damaged");
  }
  if (status == 0) status = ner_vocabulary_index(&m->vocabulary);
  return status == 0 ? ner_lexicon_index(&m->lexicon) : status;
}

static int read_gazetteer(ner_model *m, const char *path, whosaid_error *err) {
  const void *blob;
  size_t size;
  if (model_file_section(m->file, "GAZT", &blob, &size) != 0) {
    return corrupt(err, path, "not a tagger model (no gazetteer section)");
  }
  if (size == 0) return 0;
  return gazetteer_load_blob(blob, size, path, &m->gazetteer, err);
}

int ner_model_load(const char *path, ner_model **out, whosaid_error *err) {
  *out = NULL;
  ner_model *m = ws_calloc(1, sizeof(*m));
  if (m == NULL) return WHOSAID_ENOMEM;
  int status = model_file_open(path, &m->file, err);
  if (status == 0) status = read_sections(m, path, err);
  if (status == 0) status = read_gazetteer(m, path, err);
  if (status != 0) {
    ner_model_free(m);
    return status;
  }
  *out = m;
  return 0;
}

void ner_model_free(ner_model *model) {
  if (model == NULL) return;
  gazetteer_free(model->gazetteer);
  ws_free(model->weights.buckets);
  ws_free(model->weights.filter);
  ner_vocabulary_destroy(&model->vocabulary);
  ner_lexicon_destroy(&model->lexicon);
  model_file_close(model->file);
  ws_free(model);
}

size_t ner_model_feature_count(const ner_model *model) {
  return model->weights.count;
}

const gazetteer *ner_model_gazetteer(const ner_model *model) {
  return model->gazetteer;
}

const ner_vocabulary_entry *ner_model_known_word(const ner_model *model, const char *text,
                                                 const ner_word *word) {
  return ner_vocabulary_find(&model->vocabulary, ner_word_key(text, word));
}

void ner_model_word_sums(const ner_model *model, const char *text, const ner_word *word,
                         int32_t sums[NER_OFFSETS][NER_LABELS]) {
  ner_word_sums(&model->weights, &model->lexicon, text, word, sums);
}

/* Tagging ******************************************************************/

/* The summed weights of a distinct word's own features, as seen from each
 * position around it (index: the tagged word's position minus its own, + 2). */
typedef int32_t word_sums[NER_OFFSETS][NER_LABELS];

typedef struct {
  const int32_t (*sums)[NER_LABELS]; /* the vocabulary's, or the tagger's own */
} cached_word;

/* Recently looked-up history features, direct-mapped: the few label
 * features come back on every word. The memo serves only these: word and
 * position features are too varied for it (measured: routing them through
 * it made tagging 12% slower, as they evicted each other and the branch on
 * a hit went unpredictable). */
#define MEMO_SIZE 512
typedef struct {
  ner_feature feature;
  const int16_t *row; /* NULL: the model does not know the feature */
} memo_entry;

typedef struct {
  const ner_model *model;
  const ner_weights *table;
  const ner_document *document;
  uint64_t *keys;     /* per slot; 0 marks an empty one (only these are zeroed) */
  cached_word *slots; /* per slot, filled when a word takes the slot */
  word_sums *own;     /* sums of the words the vocabulary lacks, filled in order */
  size_t own_count;
  size_t capacity, used;
  uint32_t *word_slots; /* per word of the current sentence */
  memo_entry *memo;
} tagger;

static void add_row(int32_t sums[NER_LABELS], const int16_t *row) {
  for (int l = 0; l < NER_LABELS; l++) sums[l] += row[l];
}

static void add_features(const tagger *t, const ner_feature *features, size_t count,
                         int32_t sums[NER_LABELS]) {
  for (size_t i = 0; i < count; i++) {
    const int16_t *row = ner_weights_find(t->table, features[i]);
    if (row != NULL) add_row(sums, row);
  }
}

static void add_memoized(tagger *t, const ner_feature *features, size_t count,
                         int32_t sums[NER_LABELS]) {
  for (size_t i = 0; i < count; i++) {
    memo_entry *entry = &t->memo[features[i] & (MEMO_SIZE - 1)];
    if (entry->feature != features[i] || entry->feature == 0) {
      entry->feature = features[i];
      entry->row = ner_weights_find(t->table, features[i]);
    }
    if (entry->row != NULL) add_row(sums, entry->row);
  }
}

/* A frequent word's sums come precomputed with the model; others are
 * summed here. */
static void fill_cached(tagger *t, const ner_word *word, uint64_t key, cached_word *entry) {
  const ner_vocabulary_entry *known = ner_vocabulary_find(&t->model->vocabulary, key);
  if (known != NULL) {
    entry->sums = known->sums;
    return;
  }
  ner_feature features[NER_OFFSETS][NER_MAX_WORD_FEATURES];
  size_t counts[NER_OFFSETS];
  ner_word_features_all(t->document->text, word, &t->model->lexicon, features, counts);
  /* At most half the slots are in use (prepare_sentence), so OWN has room. */
  int32_t(*sums)[NER_LABELS] = t->own[t->own_count++];
  memset(sums, 0, sizeof(word_sums));
  for (int k = 0; k < NER_OFFSETS; k++) add_features(t, features[k], counts[k], sums[k]);
  entry->sums = (const int32_t(*)[NER_LABELS])sums;
}

static uint32_t cache_slot(tagger *t, const ner_word *word) {
  uint64_t key = ner_word_key(t->document->text, word);
  size_t mask = t->capacity - 1, i = (size_t)key & mask;
  while (t->keys[i] != 0 && t->keys[i] != key) i = (i + 1) & mask;
  if (t->keys[i] == 0) {
    t->keys[i] = key;
    t->used++;
    fill_cached(t, word, key, &t->slots[i]);
  }
  return (uint32_t)i;
}

/* Find every word of SENTENCE in the cache, emptying it first when full. */
static void prepare_sentence(tagger *t, const ner_sentence *sentence) {
  if (t->used + sentence->word_count > t->capacity / 2) {
    memset(t->keys, 0, t->capacity * sizeof(*t->keys));
    t->used = 0;
    t->own_count = 0;
  }
  for (uint32_t i = 0; i < sentence->word_count; i++) {
    t->word_slots[i] = cache_slot(t, &t->document->words.items[sentence->first_word + i]);
  }
}

static void score_cached(void *context, const ner_document *document,
                         const ner_sentence *sentence, uint32_t index,
                         const ner_feature *history, size_t history_count,
                         float scores[NER_LABELS]) {
  tagger *t = context;
  if (index == 0) prepare_sentence(t, sentence);
  int32_t sums[NER_LABELS] = {0};
  for (int offset = -2; offset <= 2; offset++) {
    int64_t at = (int64_t)index + offset;
    if (at < 0 || at >= (int64_t)sentence->word_count) continue;
    const int32_t *row = t->slots[t->word_slots[at]].sums[-offset + 2];
    for (int l = 0; l < NER_LABELS; l++) sums[l] += row[l];
  }
  ner_feature features[NER_MAX_POSITION_FEATURES];
  size_t n = ner_position_features(document, sentence, index, &t->model->lexicon, features);
  add_features(t, features, n, sums);
  add_memoized(t, history, history_count, sums);
  for (int l = 0; l < NER_LABELS; l++) scores[l] = (float)sums[l];
}

static size_t longest_sentence(const ner_document *document) {
  size_t longest = 1;
  for (size_t s = 0; s < document->sentences.len; s++) {
    if (document->sentences.items[s].word_count > longest) {
      longest = document->sentences.items[s].word_count;
    }
  }
  return longest;
}

int ner_model_tag(const ner_model *model, const ner_document *document, uint8_t *labels) {
  size_t longest = longest_sentence(document), capacity = 64;
  while (capacity < 2 * (document->words.len + 1) && capacity < (1u << 14)) capacity *= 2;
  while (capacity < 4 * longest) capacity *= 2;
  tagger t = {model,
              &model->weights,
              document,
              ws_calloc(capacity, sizeof(uint64_t)),
              ws_malloc(capacity * sizeof(cached_word)),
              ws_malloc(capacity / 2 * sizeof(word_sums)),
              0,
              capacity,
              0,
              ws_calloc(longest, sizeof(uint32_t)),
              ws_calloc(MEMO_SIZE, sizeof(memo_entry))};
  ner_history *history = NULL;
  bool allocated = t.keys && t.slots && t.own && t.word_slots && t.memo;
  int status = allocated ? ner_history_new(&history) : WHOSAID_ENOMEM;
  if (status == 0) {
    ner_scorer scorer = {&t, score_cached, NULL};
    status = ner_decode(document, &model->lexicon, &scorer, history, labels);
  }
  ner_history_free(history);
  ws_free(t.keys);
  ws_free(t.slots);
  ws_free(t.own);
  ws_free(t.word_slots);
  ws_free(t.memo);
  return status;
}
