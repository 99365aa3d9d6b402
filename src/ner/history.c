/*
 * history.c: what the tagger has said so far. The previous two labels of
 * the sentence, and the extended prediction history (Ratinov & Roth 2009):
 * for each capitalized word, the entity types it was given earlier in the
 * same document, so that "Maas" after "Heiko Maas" is tagged alike.
 */
#include <string.h>

#include "core/alloc.h"
#include "ner/ner.h"

#define TYPES 5 /* O, PER, ORG, LOC, MISC */

typedef struct {
  uint64_t key; /* hash of the lower-case form; 0 marks an empty slot */
  uint16_t counts[TYPES];
} history_slot;

struct ner_history {
  history_slot *slots;
  size_t capacity; /* a power of two */
  size_t used;
};

int ner_history_new(ner_history **out) {
  ner_history *history = ws_calloc(1, sizeof(*history));
  if (history == NULL) return WHOSAID_ENOMEM;
  history->capacity = 256;
  history->slots = ws_calloc(history->capacity, sizeof(*history->slots));
  if (history->slots == NULL) {
    ws_free(history);
    return WHOSAID_ENOMEM;
  }
  *out = history;
  return 0;
}

void ner_history_free(ner_history *history) {
  if (history == NULL) return;
  ws_free(history->slots);
  ws_free(history);
}

void ner_history_clear(ner_history *history) {
  memset(history->slots, 0, history->capacity * sizeof(*history->slots));
  history->used = 0;
}

static history_slot *find(const ner_history *history, uint64_t key) {
  size_t mask = history->capacity - 1;
  size_t i = (size_t)key & mask;
  while (history->slots[i].key != 0 && history->slots[i].key != key) i = (i + 1) & mask;
  return &history->slots[i];
}

static int grow(ner_history *history) {
  size_t capacity = history->capacity * 2;
  history_slot *slots = ws_calloc(capacity, sizeof(*slots));
  if (slots == NULL) return WHOSAID_ENOMEM;
  history_slot *old = history->slots;
  size_t old_capacity = history->capacity;
  history->slots = slots;
  history->capacity = capacity;
  for (size_t i = 0; i < old_capacity; i++) {
    if (old[i].key != 0) *find(history, old[i].key) = old[i];
  }
  ws_free(old);
  return 0;
}

static bool is_remembered(const ner_word *word) {
  return (word->flags & WHOSAID_TOKEN_CAPITALIZED) && word->kind == WHOSAID_TOKEN_WORD;
}

static uint64_t key_of(const char *text, const ner_word *word) {
  (void)text;
  return word->lower | 1; /* never 0, the empty mark */
}

int ner_history_add(ner_history *history, const char *text, const ner_word *word, int label) {
  if (!is_remembered(word)) return 0;
  if (2 * (history->used + 1) > history->capacity && grow(history) != 0) return WHOSAID_ENOMEM;
  uint64_t key = key_of(text, word);
  history_slot *slot = find(history, key);
  if (slot->key == 0) {
    slot->key = key;
    history->used++;
  }
  uint16_t *count = &slot->counts[ner_label_type(label) + 1];
  if (*count < UINT16_MAX) (*count)++;
  return 0;
}

static size_t remembered_features(const ner_history *history, const char *text,
                                  const ner_word *word, ner_feature *out) {
  if (history == NULL || !is_remembered(word)) return 0;
  const history_slot *slot = find(history, key_of(text, word));
  if (slot->key == 0) return 0;
  size_t n = 0;
  int major = 0;
  for (int type = 0; type < TYPES; type++) {
    if (slot->counts[type] == 0) continue;
    out[n++] = ner_feature_of_int(NER_T_HISTORY_SEEN, 0, (uint64_t)type);
    if (slot->counts[type] > slot->counts[major]) major = type;
  }
  out[n++] = ner_feature_of_int(NER_T_HISTORY_MAJOR, 0, (uint64_t)major);
  return n;
}

size_t ner_history_features(const ner_history *history, const char *text, const ner_word *word,
                            int previous, int previous2, ner_feature *out) {
  size_t n = 0;
  out[n++] = ner_feature_of_int(NER_T_PREVIOUS, 0, (uint64_t)(previous + 1));
  out[n++] = ner_feature_of_int(NER_T_PREVIOUS2, 0, (uint64_t)((previous2 + 1) * 32 + previous + 1));
  n += remembered_features(history, text, word, out + n);
  return n;
}
