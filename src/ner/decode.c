/*
 * decode.c: greedy left-to-right decoding under the BILOU constraints, the
 * loop shared by tagging and training.
 */
#include "ner/ner.h"

bool ner_label_allowed(int previous, int label) {
  int part = ner_label_part(label);
  bool open = previous > 0 && (ner_label_part(previous) == NER_PART_B ||
                               ner_label_part(previous) == NER_PART_I);
  if (open) {
    /* An open entity must go on (I) or end (L), with the same type. */
    return (part == NER_PART_I || part == NER_PART_L) &&
           ner_label_type(label) == ner_label_type(previous);
  }
  return label == 0 || part == NER_PART_B || part == NER_PART_U;
}

/* Outside an entity any O, B or U may come; at a sentence's end, O or U.
 * With label = 1 + type * 4 + part: O is bit 0, B bits 1 5 9 13, U bits 4 8
 * 12 16. */
#define AFTER_CLOSED 0x13333u
#define AFTER_CLOSED_LAST 0x11111u

/* The labels allowed after PREVIOUS, as a bit mask. */
static uint32_t allowed_after(int previous, bool last) {
  int part = ner_label_part(previous);
  if (previous > 0 && (part == NER_PART_B || part == NER_PART_I)) {
    whosaid_entity_type type = (whosaid_entity_type)ner_label_type(previous);
    uint32_t mask = 1u << ner_label(type, NER_PART_L); /* an open entity ends or goes on */
    return last ? mask : mask | 1u << ner_label(type, NER_PART_I);
  }
  return last ? AFTER_CLOSED_LAST : AFTER_CLOSED;
}

int ner_best_label(const float scores[NER_LABELS], int previous, bool last) {
  uint32_t allowed = allowed_after(previous, last);
  int best = -1;
  for (int label = 0; label < NER_LABELS; label++) {
    if (!(allowed >> label & 1)) continue;
    if (best < 0 || scores[label] > scores[best]) best = label;
  }
  return best; /* never -1: O or an L is always allowed */
}

/* Title Case makes every word of a headline look like a name. A headline's
 * word that is an ordinary word (the document writes it in lower case, or
 * training text did) and that the document never capitalizes inside a
 * sentence stays outside any entity: "Drop Huawei Or Intelligence Sharing
 * Blocked" has one name, Huawei. So does a word the story never
 * capitalizes right after one it does (a name the story gives): the verb of
 * "Donald Trump Rampages". A gazetteer match is left to the model. */
static bool ordinary_headline_word(const ner_document *document, const ner_word *word,
                                   const ner_word *before, const ner_lexicon *common) {
  if (!(word->flags & (WHOSAID_TOKEN_CAPITALIZED | WHOSAID_TOKEN_ALL_CAPS))) return false;
  if (word->gazetteer != 0 || ner_lexicon_contains(&document->name_set, word->lower)) return false;
  if (ner_lexicon_contains(&document->lower_set, word->lower) ||
      ner_lexicon_contains(common, word->lower)) {
    return true;
  }
  return !(word->flags & WHOSAID_TOKEN_ALL_CAPS) && before != NULL &&
         (before->flags & WHOSAID_TOKEN_CAPITALIZED) && !(before->flags & WHOSAID_TOKEN_ALL_CAPS) &&
         ner_lexicon_contains(&document->name_set, before->lower);
}

/* Words that no entity contains: double quotation marks (never inside a
 * name in the training data; a single one can be the ' of "Lord 's"), and
 * the ordinary words of a Title Case headline. Only a document's first
 * sentence counts as its headline here: lines of names (captions, sports
 * tables) look like Title Case too. */
static bool outside_entities(const ner_document *document, const ner_sentence *sentence,
                             uint32_t index, const ner_lexicon *common) {
  if (common == NULL || index >= sentence->word_count) return false;
  const ner_word *word = &document->words.items[sentence->first_word + index];
  if (word->kind == WHOSAID_TOKEN_QUOTE && (word->flags & WHOSAID_TOKEN_QUOTE_DOUBLE)) return true;
  return sentence == &document->sentences.items[0] && sentence->headline == 1 &&
         ordinary_headline_word(document, word, index > 0 ? word - 1 : NULL, common);
}

static int decode_sentence(const ner_document *document, const ner_sentence *sentence,
                           const ner_lexicon *common, const ner_scorer *scorer,
                           ner_history *history, uint8_t *labels) {
  int previous = -1, previous2 = -1;
  for (uint32_t i = 0; i < sentence->word_count; i++) {
    uint32_t word = sentence->first_word + i;
    ner_feature features[NER_MAX_HISTORY_FEATURES];
    size_t count = ner_history_features(history, document->text, &document->words.items[word],
                                        previous, previous2, features);
    float scores[NER_LABELS] = {0};
    scorer->score(scorer->context, document, sentence, i, features, count, scores);
    /* An entity ends before a word that must stay outside. */
    bool last = i + 1 == sentence->word_count ||
                outside_entities(document, sentence, i + 1, common);
    int label = outside_entities(document, sentence, i, common)
                    ? 0
                    : ner_best_label(scores, previous, last);
    if (scorer->observe != NULL) {
      scorer->observe(scorer->context, word, previous, label, features, count);
    }
    labels[word] = (uint8_t)label;
    int status = ner_history_add(history, document->text, &document->words.items[word], label);
    if (status != 0) return status;
    previous2 = previous;
    previous = label;
  }
  return 0;
}

/* Headlines go last: their capitals say little, so they are better tagged
 * with what the body of the document said about the same words (the
 * history) than the other way round. */
int ner_decode(const ner_document *document, const ner_lexicon *common,
               const ner_scorer *scorer, ner_history *history, uint8_t *labels) {
  ner_history_clear(history);
  for (int headlines = 0; headlines <= 1; headlines++) {
    for (size_t s = 0; s < document->sentences.len; s++) {
      const ner_sentence *sentence = &document->sentences.items[s];
      if ((sentence->headline != 0) != headlines) continue;
      int status = decode_sentence(document, sentence, common, scorer, history, labels);
      if (status != 0) return status;
    }
  }
  return 0;
}
