/*
 * train.c: learning the tagger's weights with the averaged perceptron.
 *
 * Features are interned into dense ids once; the features of each word that
 * do not depend on labels are computed before the first epoch and kept as
 * id lists, so that an epoch is only sums and updates. Decoding during
 * training is the tagger's own (greedy, BILOU-constrained, with its own
 * earlier predictions as history), so the weights learn to work with what
 * the tagger will really see. After each epoch the averaged weights are
 * scored on the development set; the best epoch is kept.
 */
#include "ner/train.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "ner/model.h"

#define NO_ID UINT32_MAX

typedef VEC(uint64_t) hash_vec;
typedef VEC(float) float_vec;
typedef VEC(ner_vocabulary_word) vocabulary_vec;

/* Runs averaged into the model (see train_all). */
#define ENSEMBLE_RUNS 3

/* Words seen this often in training get their sums precomputed. */
#define VOCABULARY_MIN_COUNT 3

typedef struct {
  /* feature hash -> id, open addressing; 0 marks an empty slot */
  uint64_t *slot_keys;
  uint32_t *slot_ids;
  size_t capacity;
  hash_vec hashes;      /* id -> feature hash */
  float_vec weights;    /* id * NER_LABELS + label */
  VEC(double) totals;   /* the same, summed over time, for averaging */
  double step;          /* words seen so far, over all epochs */
  const ner_lexicon *lexicon;
} perceptron;

/* The label-independent feature ids of every word of a corpus. */
typedef struct {
  VEC(uint32_t) ids;
  VEC(uint32_t) starts; /* per word of all documents, then one past the end */
  VEC(uint32_t) first_word; /* per document: index of its first word */
} feature_table;

/* Interning *************************************************************/

static size_t slot_of(const perceptron *p, uint64_t key) {
  size_t mask = p->capacity - 1, i = (size_t)(key ^ key >> 32) & mask;
  while (p->slot_keys[i] != 0 && p->slot_keys[i] != key) i = (i + 1) & mask;
  return i;
}

static int grow_slots(perceptron *p) {
  size_t capacity = p->capacity ? p->capacity * 2 : 1 << 16;
  uint64_t *keys = ws_calloc(capacity, sizeof(*keys));
  uint32_t *ids = ws_calloc(capacity, sizeof(*ids));
  if (keys == NULL || ids == NULL) return ws_free(keys), ws_free(ids), WHOSAID_ENOMEM;
  uint64_t *old_keys = p->slot_keys;
  uint32_t *old_ids = p->slot_ids;
  size_t old_capacity = p->capacity;
  p->slot_keys = keys, p->slot_ids = ids, p->capacity = capacity;
  for (size_t i = 0; i < old_capacity; i++) {
    if (old_keys[i] == 0) continue;
    size_t slot = slot_of(p, old_keys[i]);
    p->slot_keys[slot] = old_keys[i];
    p->slot_ids[slot] = old_ids[i];
  }
  ws_free(old_keys);
  ws_free(old_ids);
  return 0;
}

/* The id of FEATURE; a new one when ADD, else NO_ID for an unknown one. */
static int intern(perceptron *p, ner_feature feature, bool add, uint32_t *id) {
  uint64_t key = feature | 1; /* never 0 */
  *id = NO_ID;
  if (p->capacity == 0 && !add) return 0;
  if (add && 2 * (p->hashes.len + 1) > p->capacity && grow_slots(p) != 0) return WHOSAID_ENOMEM;
  size_t slot = slot_of(p, key);
  if (p->slot_keys[slot] != 0) return (void)(*id = p->slot_ids[slot]), 0;
  if (!add) return 0;
  if (VEC_PUSH(&p->hashes, feature) != 0 || VEC_RESERVE(&p->weights, NER_LABELS) != 0 ||
      VEC_RESERVE(&p->totals, NER_LABELS) != 0) {
    return WHOSAID_ENOMEM;
  }
  memset(p->weights.items + p->weights.len, 0, NER_LABELS * sizeof(float));
  memset(p->totals.items + p->totals.len, 0, NER_LABELS * sizeof(double));
  p->weights.len += NER_LABELS;
  p->totals.len += NER_LABELS;
  p->slot_keys[slot] = key;
  p->slot_ids[slot] = *id = (uint32_t)(p->hashes.len - 1);
  return 0;
}

static void perceptron_destroy(perceptron *p) {
  ws_free(p->slot_keys);
  ws_free(p->slot_ids);
  VEC_FREE(&p->hashes);
  VEC_FREE(&p->weights);
  VEC_FREE(&p->totals);
}

/* Feature tables *********************************************************/

static int add_features(perceptron *p, feature_table *table, const ner_feature *features,
                        size_t count, bool add) {
  for (size_t i = 0; i < count; i++) {
    uint32_t id;
    int status = intern(p, features[i], add, &id);
    if (status != 0) return status;
    if (id != NO_ID && VEC_PUSH(&table->ids, id) != 0) return WHOSAID_ENOMEM;
  }
  return 0;
}

static int word_row(perceptron *p, feature_table *table, const ner_document *doc,
                    const ner_sentence *sentence, uint32_t index, bool add) {
  ner_feature features[NER_MAX_WORD_FEATURES + NER_MAX_POSITION_FEATURES];
  if (VEC_PUSH(&table->starts, (uint32_t)table->ids.len) != 0) return WHOSAID_ENOMEM;
  for (int offset = -2; offset <= 2; offset++) {
    int64_t at = (int64_t)index + offset;
    if (at < 0 || at >= (int64_t)sentence->word_count) continue;
    const ner_word *word = &doc->words.items[sentence->first_word + at];
    size_t n = ner_word_features(doc->text, word, -offset, p->lexicon, features);
    int status = add_features(p, table, features, n, add);
    if (status != 0) return status;
  }
  size_t n = ner_position_features(doc, sentence, index, p->lexicon, features);
  return add_features(p, table, features, n, add);
}

static int build_table(perceptron *p, const conll_corpus *corpus, bool add,
                       feature_table *table) {
  for (size_t d = 0; d < corpus->len; d++) {
    const ner_document *doc = &corpus->items[d].document;
    if (VEC_PUSH(&table->first_word, (uint32_t)table->starts.len) != 0) return WHOSAID_ENOMEM;
    for (size_t s = 0; s < doc->sentences.len; s++) {
      const ner_sentence *sentence = &doc->sentences.items[s];
      for (uint32_t i = 0; i < sentence->word_count; i++) {
        int status = word_row(p, table, doc, sentence, i, add);
        if (status != 0) return status;
      }
    }
  }
  return VEC_PUSH(&table->starts, (uint32_t)table->ids.len);
}

static void table_destroy(feature_table *table) {
  VEC_FREE(&table->ids);
  VEC_FREE(&table->starts);
  VEC_FREE(&table->first_word);
}

/* Scoring and updating ****************************************************/

typedef struct {
  perceptron *p;
  const feature_table *table;
  uint32_t first_word; /* of the current document in the table */
  const uint8_t *gold; /* NULL when only decoding */
  bool averaged;       /* score with the averaged weights */
} decoding;

static void add_row(const perceptron *p, uint32_t id, bool averaged, float *scores) {
  const float *w = p->weights.items + (size_t)id * NER_LABELS;
  const double *t = p->totals.items + (size_t)id * NER_LABELS;
  for (int l = 0; l < NER_LABELS; l++) {
    scores[l] += averaged ? w[l] - (float)(t[l] / p->step) : w[l];
  }
}

static void score_word(void *context, const ner_document *document, const ner_sentence *sentence,
                       uint32_t index, const ner_feature *history, size_t history_count,
                       float scores[NER_LABELS]) {
  decoding *d = context;
  uint32_t word = d->first_word + sentence->first_word + index;
  for (uint32_t i = d->table->starts.items[word]; i < d->table->starts.items[word + 1]; i++) {
    add_row(d->p, d->table->ids.items[i], d->averaged, scores);
  }
  for (size_t i = 0; i < history_count; i++) {
    uint32_t id;
    if (intern(d->p, history[i], false, &id) == 0 && id != NO_ID) {
      add_row(d->p, id, d->averaged, scores);
    }
  }
  (void)document;
}

static void update(perceptron *p, uint32_t id, int label, float delta) {
  size_t at = (size_t)id * NER_LABELS + (size_t)label;
  p->weights.items[at] += delta;
  p->totals.items[at] += p->step * delta;
}

/* The perceptron update: toward the gold label, away from the chosen one. */
static void observe_word(void *context, uint32_t word, int previous, int label,
                         const ner_feature *history, size_t history_count) {
  decoding *d = context;
  int gold = d->gold[word];
  d->p->step += 1;
  /* After a wrong previous label the gold one may be out of reach (an I
   * after an O): no weight can fix that here, so nothing is learned. */
  if (label == gold || !ner_label_allowed(previous, gold)) return;
  uint32_t row = d->first_word + word;
  for (uint32_t i = d->table->starts.items[row]; i < d->table->starts.items[row + 1]; i++) {
    update(d->p, d->table->ids.items[i], gold, 1);
    update(d->p, d->table->ids.items[i], label, -1);
  }
  for (size_t i = 0; i < history_count; i++) {
    uint32_t id;
    if (intern(d->p, history[i], true, &id) != 0) continue; /* out of memory: skip */
    update(d->p, id, gold, 1);
    update(d->p, id, label, -1);
  }
}

/* Epochs ******************************************************************/

/* Decode (and, with TRAIN, learn from) the documents of CORPUS in ORDER. */
/* Which documents of a corpus a pass reads, and in which order; each
 * document's rows are found in the feature table by its index. */
typedef struct {
  const conll_corpus *corpus;
  const uint32_t *documents;
  size_t count;
} selection;

/* Decode (and, with TRAIN, learn from) the selected documents. */
static int run_corpus(perceptron *p, const selection *in, const feature_table *table, bool train,
                      ner_history *history, ner_score *score) {
  VEC(uint8_t) labels = VEC_INIT;
  int status = 0;
  for (size_t k = 0; k < in->count && status == 0; k++) {
    const conll_document *doc = &in->corpus->items[in->documents[k]];
    size_t words = doc->document.words.len;
    labels.len = 0;
    if (VEC_RESERVE(&labels, words + 1) != 0) {
      status = WHOSAID_ENOMEM;
      break;
    }
    decoding d = {p, table, table->first_word.items[in->documents[k]], doc->gold.items, !train};
    ner_scorer scorer = {&d, score_word, train ? observe_word : NULL};
    /* Training decodes without the tagger's hard constraints (see decode.c):
     * forcing labels there takes away the updates the model learns from,
     * which cost about 0.5 F1 on dev. Evaluation decodes as tagging does. */
    const ner_lexicon *constraints = train ? NULL : p->lexicon;
    status = ner_decode(&doc->document, constraints, &scorer, history, labels.items);
    if (status == 0 && score != NULL) ner_score_add(score, doc->gold.items, labels.items, words);
  }
  VEC_FREE(&labels);
  return status;
}

/* A fixed-seed shuffle (xorshift64*), so that training is repeatable. */
static void shuffle(uint32_t *order, size_t count, uint64_t *state) {
  for (size_t i = count; i > 1; i--) {
    *state ^= *state >> 12, *state ^= *state << 25, *state ^= *state >> 27;
    size_t j = (size_t)((*state * 0x2545F4914F6CDD1Dull) % i);
    uint32_t t = order[i - 1];
    order[i - 1] = order[j], order[j] = t;
  }
}

/* Lower-case forms seen in lower case at least twice: common words. */
static int build_lexicon(const conll_corpus *corpus, hash_vec *out) {
  for (size_t d = 0; d < corpus->len; d++) {
    const ner_document *doc = &corpus->items[d].document;
    for (size_t w = 0; w < doc->words.len; w++) {
      const ner_word *word = &doc->words.items[w];
      if (word->kind != WHOSAID_TOKEN_WORD || (word->flags & WHOSAID_TOKEN_CAPITALIZED)) continue;
      if (VEC_PUSH(out, ner_hash_lower(doc->text, word)) != 0) return WHOSAID_ENOMEM;
    }
  }
  if (out->len > 1) qsort(out->items, out->len, sizeof(uint64_t), ner_compare_hashes);
  size_t kept = 0;
  for (size_t i = 0; i + 1 < out->len; i++) {
    if (out->items[i] != out->items[i + 1]) continue;
    if (kept == 0 || out->items[kept - 1] != out->items[i]) out->items[kept++] = out->items[i];
  }
  out->len = kept;
  return 0;
}

/* The averaged weights: what the model keeps (ner_model_save quantizes them). */
static int average_weights(const perceptron *p, float_vec *out) {
  size_t n = p->weights.len;
  if (VEC_RESERVE(out, n) != 0) return WHOSAID_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    out->items[i] = p->weights.items[i] - (float)(p->totals.items[i] / (p->step > 0 ? p->step : 1));
  }
  out->len = n;
  return 0;
}

/* The vocabulary: one occurrence of each word (as ner_word_key tells words
 * apart) seen at least VOCABULARY_MIN_COUNT times in CORPUS. */
typedef struct {
  uint64_t key;
  uint32_t document, word;
} occurrence;

static int compare_occurrences(const void *a, const void *b) {
  uint64_t x = ((const occurrence *)a)->key, y = ((const occurrence *)b)->key;
  return (x > y) - (x < y);
}

static int collect_vocabulary(const conll_corpus *corpus, vocabulary_vec *out) {
  VEC(occurrence) all = VEC_INIT;
  for (size_t d = 0; d < corpus->len; d++) {
    const ner_document *doc = &corpus->items[d].document;
    for (size_t w = 0; w < doc->words.len; w++) {
      occurrence o = {ner_word_key(doc->text, &doc->words.items[w]), (uint32_t)d, (uint32_t)w};
      if (VEC_PUSH(&all, o) != 0) {
        VEC_FREE(&all);
        return WHOSAID_ENOMEM;
      }
    }
  }
  if (all.len > 1) qsort(all.items, all.len, sizeof(occurrence), compare_occurrences);
  int status = 0;
  for (size_t i = 0, run = 0; i < all.len && status == 0; i = run) {
    for (run = i; run < all.len && all.items[run].key == all.items[i].key;) run++;
    if (run - i < VOCABULARY_MIN_COUNT) continue;
    const ner_document *doc = &corpus->items[all.items[i].document].document;
    ner_vocabulary_word word = {doc->text, doc->words.items[all.items[i].word]};
    status = VEC_PUSH(out, word);
  }
  VEC_FREE(&all);
  return status;
}

/* Averaged weights at the best epoch. */
typedef struct {
  hash_vec hashes;
  float_vec weights;
  double dev_f1;
} best_weights;

static void best_weights_destroy(best_weights *w) {
  VEC_FREE(&w->hashes);
  VEC_FREE(&w->weights);
}

typedef struct {
  const ner_train_options *options;
  conll_corpus train, dev;
  hash_vec lexicon_hashes;
  ner_lexicon lexicon;
  ner_history *history;
  uint32_t *all_train, *all_dev; /* 0 .. count - 1 */
  best_weights best;
} session;

static void session_destroy(session *s) {
  conll_corpus_free(&s->train);
  conll_corpus_free(&s->dev);
  VEC_FREE(&s->lexicon_hashes);
  ner_lexicon_destroy(&s->lexicon);
  ner_history_free(s->history);
  ws_free(s->all_train);
  ws_free(s->all_dev);
  best_weights_destroy(&s->best);
}

static uint32_t *identity(size_t count) {
  uint32_t *order = ws_calloc(count + 1, sizeof(*order));
  for (size_t i = 0; order != NULL && i < count; i++) order[i] = (uint32_t)i;
  return order;
}

static int prepare(session *s, whosaid_error *err) {
  const ner_train_options *options = s->options;
  int status = conll_read(options->train_path, options->gazetteer, &s->train, err);
  if (status == 0) status = conll_read(options->dev_path, options->gazetteer, &s->dev, err);
  if (status == 0) status = conll_add_title_case_copies(&s->train, options->gazetteer);
  if (status == 0) status = build_lexicon(&s->train, &s->lexicon_hashes);
  s->lexicon = (ner_lexicon){s->lexicon_hashes.items, s->lexicon_hashes.len, NULL, 0};
  if (status == 0) status = ner_lexicon_index(&s->lexicon);
  if (status == 0) status = ner_history_new(&s->history);
  s->all_train = identity(s->train.len);
  s->all_dev = identity(s->dev.len);
  if (status == 0 && (s->all_train == NULL || s->all_dev == NULL)) status = WHOSAID_ENOMEM;
  return status;
}

/* One training run: a perceptron over its own feature tables. */
typedef struct {
  perceptron p;
  feature_table train_table, dev_table;
} run;

static void run_destroy(run *r) {
  perceptron_destroy(&r->p);
  table_destroy(&r->train_table);
  table_destroy(&r->dev_table);
}

static int keep_best(const run *r, double f1, best_weights *best) {
  best->dev_f1 = f1;
  best->hashes.len = 0;
  best->weights.len = 0;
  if (VEC_RESERVE(&best->hashes, r->p.hashes.len) != 0) return WHOSAID_ENOMEM;
  memcpy(best->hashes.items, r->p.hashes.items, r->p.hashes.len * sizeof(uint64_t));
  best->hashes.len = r->p.hashes.len;
  return average_weights(&r->p, &best->weights);
}

/* Train on the selected documents; keep the epoch best on the development
 * set in BEST. */
static int train_run(session *s, run *r, const selection *train, uint64_t seed_offset,
                     best_weights *best) {
  const ner_train_options *options = s->options;
  selection dev = {&s->dev, s->all_dev, s->dev.len};
  uint32_t *order = ws_calloc(train->count + 1, sizeof(*order));
  if (order == NULL) return WHOSAID_ENOMEM;
  memcpy(order, train->documents, train->count * sizeof(*order));
  selection shuffled = {train->corpus, order, train->count};
  uint64_t state = (options->seed + seed_offset * 7919) * 0x9E3779B97F4A7C15ull + 1;
  int epochs = options->epochs > 0 ? options->epochs : 12, status = 0;
  best->dev_f1 = -1;
  for (int epoch = 1; epoch <= epochs && status == 0; epoch++) {
    shuffle(order, train->count, &state);
    ner_score train_score = {0}, dev_score = {0};
    status = run_corpus(&r->p, &shuffled, &r->train_table, true, s->history, &train_score);
    if (status == 0) status = run_corpus(&r->p, &dev, &r->dev_table, false, s->history, &dev_score);
    double f1 = ner_counts_f1(&dev_score.overall);
    if (status == 0 && options->progress) {
      options->progress(options->progress_context, epoch,
                        ner_counts_f1(&train_score.overall), f1, r->p.hashes.len);
    }
    if (status == 0 && f1 > best->dev_f1) status = keep_best(r, f1, best);
  }
  ws_free(order);
  return status;
}

static int start_run(session *s, run *r) {
  *r = (run){0};
  r->p.lexicon = &s->lexicon;
  int status = build_table(&r->p, &s->train, true, &r->train_table);
  return status != 0 ? status : build_table(&r->p, &s->dev, false, &r->dev_table);
}

/* Add one run's best weights, divided by the number of runs, into SUM,
 * matching features by hash (runs intern features in different orders). */
static int add_to_ensemble(perceptron *sum, const best_weights *run_best) {
  for (size_t id = 0; id < run_best->hashes.len; id++) {
    uint32_t at;
    if (intern(sum, run_best->hashes.items[id], true, &at) != 0) return WHOSAID_ENOMEM;
    for (int l = 0; l < NER_LABELS; l++) {
      sum->weights.items[(size_t)at * NER_LABELS + l] +=
          run_best->weights.items[id * NER_LABELS + l] / (float)ENSEMBLE_RUNS;
    }
  }
  return 0;
}

/* Train ENSEMBLE_RUNS times, each with its own shuffle, and keep the mean
 * of their best weights: one linear model, steadier than any of the runs. */
static int train_all(session *s) {
  perceptron sum = {0};
  int status = 0;
  for (int k = 0; k < ENSEMBLE_RUNS && status == 0; k++) {
    run r;
    best_weights run_best = {0};
    selection train = {&s->train, s->all_train, s->train.len};
    status = start_run(s, &r);
    if (status == 0) status = train_run(s, &r, &train, (uint64_t)k, &run_best);
    if (status == 0) status = add_to_ensemble(&sum, &run_best);
    run_destroy(&r);
    best_weights_destroy(&run_best);
  }
  if (status == 0) {
    sum.step = 1;
    run r = {.p = sum};
    status = keep_best(&r, 0, &s->best);
  }
  perceptron_destroy(&sum);
  return status;
}

int ner_train(const ner_train_options *options, whosaid_error *err) {
  session s = {.options = options};
  int status = prepare(&s, err);
  vocabulary_vec vocabulary = VEC_INIT;
  if (status == 0) status = train_all(&s);
  if (status == 0) status = collect_vocabulary(&s.train, &vocabulary);
  if (status == 0) {
    ner_model_data data = {s.best.hashes.items,   s.best.weights.items,  s.best.hashes.len,
                           s.lexicon_hashes.items, s.lexicon_hashes.len, vocabulary.items,
                           vocabulary.len,         options->gazetteer_dir, options->prune};
    status = ner_model_save(options->output_path, &data, err);
  }
  VEC_FREE(&vocabulary);
  if (status == WHOSAID_ENOMEM && err != NULL) {
    err->status = status;
    snprintf(err->message, sizeof(err->message), "training: out of memory");
  }
  session_destroy(&s);
  return status;
}
