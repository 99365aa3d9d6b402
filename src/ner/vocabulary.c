/*
 * vocabulary.c: the summed weights of frequent words, computed when a model
 * is saved. A word's own features (its form, shape, affixes, case, as seen
 * from each of the five positions around it) are some 26 weight look-ups
 * scattered over the model; for the words that make up most of any news
 * text, the model keeps their sums, so tagging finds a known word with one
 * look-up.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "ner/model.h"

uint64_t ner_word_key(const char *text, const ner_word *word) {
  uint64_t seed = (uint64_t)word->kind << 16 | (word->flags & 3u);
  return ner_hash_bytes(seed, text + word->start, word->end - word->start) | 1;
}

const int16_t *ner_weights_find(const ner_weights *weights, ner_feature feature) {
  if (weights->filter != NULL) {
    uint32_t bit = (uint32_t)(feature >> 7) & (NER_FILTER_BITS - 1);
    if (!(weights->filter[bit / 64] >> (bit % 64) & 1)) return NULL;
  }
  size_t low = 0, high = weights->count;
  if (weights->buckets != NULL) {
    size_t bucket = (size_t)(feature >> (64 - NER_BUCKET_BITS));
    low = weights->buckets[bucket], high = weights->buckets[bucket + 1];
  }
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (weights->keys[middle] < feature) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low < weights->count && weights->keys[low] == feature ? weights->rows + low * NER_LABELS
                                                               : NULL;
}

void ner_word_sums(const ner_weights *weights, const ner_lexicon *lexicon, const char *text,
                   const ner_word *word, int32_t sums[NER_OFFSETS][NER_LABELS]) {
  ner_feature features[NER_MAX_WORD_FEATURES];
  memset(sums, 0, sizeof(int32_t) * NER_OFFSETS * NER_LABELS);
  for (int offset = -2; offset <= 2; offset++) {
    size_t n = ner_word_features(text, word, offset, lexicon, features);
    for (size_t i = 0; i < n; i++) {
      const int16_t *row = ner_weights_find(weights, features[i]);
      for (int l = 0; row != NULL && l < NER_LABELS; l++) sums[offset + 2][l] += row[l];
    }
  }
}

static int compare_entries(const void *a, const void *b) {
  uint64_t x = ((const ner_vocabulary_entry *)a)->key;
  uint64_t y = ((const ner_vocabulary_entry *)b)->key;
  return (x > y) - (x < y);
}

int ner_vocabulary_build(const ner_weights *weights, const ner_lexicon *lexicon,
                         const ner_vocabulary_word *words, size_t count,
                         ner_vocabulary_entry **out, size_t *out_count) {
  ner_vocabulary_entry *entries = ws_calloc(count + 1, sizeof(*entries));
  if (entries == NULL) return WHOSAID_ENOMEM;
  for (size_t i = 0; i < count; i++) {
    entries[i].key = ner_word_key(words[i].text, &words[i].word);
    ner_word_sums(weights, lexicon, words[i].text, &words[i].word, entries[i].sums);
  }
  if (count > 1) qsort(entries, count, sizeof(*entries), compare_entries);
  size_t kept = 0;
  for (size_t i = 0; i < count; i++) {
    if (kept == 0 || entries[kept - 1].key != entries[i].key) entries[kept++] = entries[i];
  }
  *out = entries;
  *out_count = kept;
  return 0;
}

int ner_vocabulary_index(ner_vocabulary *vocabulary) {
  size_t capacity = 64;
  while (capacity < 2 * vocabulary->count) capacity *= 2;
  vocabulary->slots = ws_calloc(capacity, sizeof(*vocabulary->slots));
  if (vocabulary->slots == NULL) return WHOSAID_ENOMEM;
  vocabulary->mask = capacity - 1;
  for (size_t i = 0; i < vocabulary->count; i++) {
    size_t slot = (size_t)vocabulary->entries[i].key & vocabulary->mask;
    while (vocabulary->slots[slot] != 0) slot = (slot + 1) & vocabulary->mask;
    vocabulary->slots[slot] = (uint32_t)i + 1;
  }
  return 0;
}

void ner_vocabulary_destroy(ner_vocabulary *vocabulary) {
  ws_free(vocabulary->slots);
  vocabulary->slots = NULL;
}

const ner_vocabulary_entry *ner_vocabulary_find(const ner_vocabulary *vocabulary, uint64_t key) {
  if (vocabulary->slots == NULL) return NULL;
  for (size_t slot = (size_t)key & vocabulary->mask; vocabulary->slots[slot] != 0;
       slot = (slot + 1) & vocabulary->mask) {
    const ner_vocabulary_entry *entry = &vocabulary->entries[vocabulary->slots[slot] - 1];
    if (entry->key == key) return entry;
  }
  return NULL;
}
