/*
 * ner.h: the named-entity tagger. A greedy left-to-right averaged
 * perceptron over BILOU labels (Ratinov & Roth 2009), with word, shape,
 * affix, context, gazetteer and sentence features, and an extended
 * prediction history: what the tagger said earlier in the same document
 * about the same word (non-local consistency).
 *
 *   ner_words_from_*      the tagger's view of tokens (text, kind, flags)
 *   ner_tag_document      label every word of a document
 *   ner_train             learn the weights from CoNLL documents
 *   ner_model_save/load   the binary model file (model_file.h container)
 */
#ifndef WHOSAID_NER_H
#define WHOSAID_NER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vec.h"
#include "ner/gazetteer.h"
#include "text/text.h"
#include "whosaid.h"

/* Labels ******************************************************************/

/* O, then B I L U for each of PER ORG LOC MISC: label = 1 + type * 4 + part. */
#define NER_LABELS 17
enum { NER_PART_B, NER_PART_I, NER_PART_L, NER_PART_U };

static inline int ner_label(whosaid_entity_type type, int part) {
  return 1 + (int)type * 4 + part;
}
static inline int ner_label_type(int label) {
  return label == 0 ? -1 : (label - 1) / 4;
}
static inline int ner_label_part(int label) {
  return label == 0 ? -1 : (label - 1) % 4;
}

/* Whether LABEL may follow PREVIOUS (-1: sentence start) under BILOU. */
bool ner_label_allowed(int previous, int label);

/* Lexicon ***************************************************************/

typedef struct ner_lexicon ner_lexicon;

/* A set of lower-case forms (their hashes). Look-ups need the hash set
 * that ner_lexicon_index builds; until then the set is empty. */
struct ner_lexicon {
  const uint64_t *hashes; /* the members (sorted in a model file, so that it is stable) */
  size_t count;
  uint64_t *slots;        /* the hash set, or NULL */
  size_t mask;
};

bool ner_lexicon_contains(const ner_lexicon *lexicon, uint64_t lower_hash);

/* Build LEXICON's hash set, for look-ups in constant time. */
int ner_lexicon_index(ner_lexicon *lexicon);
void ner_lexicon_destroy(ner_lexicon *lexicon);

/* Words: what the tagger sees of a token **********************************/

typedef struct {
  uint32_t start, end; /* the word's bytes in its document's text */
  uint16_t kind;       /* whosaid_token_kind */
  uint16_t flags;      /* WHOSAID_TOKEN_* flags */
  uint32_t gazetteer;  /* gazetteer_match bits */
  uint64_t lower;      /* hash of the lower-case form (ner_hash_lower) */
  uint64_t shape;      /* hash of the word's shape ("Xx", "X.X.", "d-d") */
} ner_word;

/* Sentences longer than this are tagged in pieces of this many words. */
#define NER_MAX_SENTENCE_WORDS 250

typedef struct {
  uint32_t first_word, word_count;
  uint32_t headline; /* ner_headline_kind: 0, 1 Title Case, 2 capitals */
} ner_sentence;

/* A document as the tagger reads it: TEXT holds the words' bytes. */
typedef struct {
  const char *text;
  VEC(ner_word) words;
  VEC(ner_sentence) sentences;
  VEC(uint64_t) lower_words; /* lower hashes of the words in lower case */
  VEC(uint64_t) name_words;  /* ... of words capitalized inside a sentence (not a headline) */
  ner_lexicon lower_set, name_set; /* the same as hash sets, for look-ups */
} ner_document;

void ner_document_destroy(ner_document *document);

/* Fill DOCUMENT (which borrows TEXT) with one word per token of each
 * sentence, then call ner_document_finish. */
int ner_document_from_tokens(ner_document *document, const char *text,
                             const text_token *tokens, const text_sentence *sentences,
                             size_t sentence_count, const gazetteer *lists);

/* Mark gazetteer matches (GAZETTEER may be NULL) and headline sentences. */
int ner_document_finish(ner_document *document, const gazetteer *lists);

/* Whether SENTENCE is a headline in Title Case (1) or in capitals (2), where
 * capitals say less about names; 0 otherwise. Set it in each sentence. */
int ner_headline_kind(const ner_document *document, const ner_sentence *sentence);

/* Features ****************************************************************/

/* Lower-case forms of common words (seen in lower case in training text),
 * and the labels given earlier in the document; both defined below. */
typedef struct ner_lexicon ner_lexicon;
typedef struct ner_history ner_history;

/* A feature is a 64-bit hash of its template, an offset and a value. */
typedef uint64_t ner_feature;

enum {
  NER_T_WORD = 1,
  NER_T_LOWER,
  NER_T_SHAPE,
  NER_T_PREFIX,
  NER_T_SUFFIX,
  NER_T_KIND,
  NER_T_CASE,
  NER_T_BIAS,
  NER_T_SENTENCE_START,
  NER_T_HEADLINE,
  NER_T_GAZETTEER,
  NER_T_PREVIOUS,
  NER_T_PREVIOUS2,
  NER_T_HISTORY_MAJOR,
  NER_T_HISTORY_SEEN,
  NER_T_BIGRAM,
  NER_T_SHAPES,
  NER_T_IN_LOWER_CASE,
  NER_T_NAME_ELSEWHERE
};

/* The feature of template T at OFFSET with VALUE (LENGTH bytes). */
ner_feature ner_feature_of(int template_id, int offset, const char *value, size_t length);
ner_feature ner_feature_of_int(int template_id, int offset, uint64_t value);
typedef uint64_t ner_feature;

/* The features a word gives itself and its neighbours; see features.c. */
#define NER_OFFSETS 5 /* positions -2 .. +2 */
#define NER_MAX_WORD_FEATURES 24

/* Features of word W as seen from OFFSET (-2..2) positions away; returns the
 * count written to OUT (at most NER_MAX_WORD_FEATURES). LEXICON says which
 * lower-case forms are common words (NULL: none). */
size_t ner_word_features(const char *text, const ner_word *word, int offset,
                         const ner_lexicon *lexicon, ner_feature *out);

/* The same for all five offsets at once (OUT[offset + 2], COUNTS[offset +
 * 2]), computing the word's forms once; returns the total. */
size_t ner_word_features_all(const char *text, const ner_word *word,
                             const ner_lexicon *lexicon,
                             ner_feature out[NER_OFFSETS][NER_MAX_WORD_FEATURES],
                             size_t counts[NER_OFFSETS]);

#define NER_MAX_POSITION_FEATURES 40

/* Features of word I of SENTENCE that depend on where it stands (sentence
 * start, a sentence in capitals, gazetteer matches), not on the word alone. */
size_t ner_position_features(const ner_document *document, const ner_sentence *sentence,
                             uint32_t index, const ner_lexicon *lexicon,
                             ner_feature *out);

/* Features of the labels already given: the previous two in the sentence
 * and, for the same word earlier in the document, its labels then. */
#define NER_MAX_HISTORY_FEATURES 12

size_t ner_history_features(const ner_history *history, const char *text, const ner_word *word,
                            int previous, int previous2, ner_feature *out);


/* Extended prediction history of one document ********************************/

int ner_history_new(ner_history **out);
void ner_history_free(ner_history *history);
void ner_history_clear(ner_history *history);
/* Record that WORD got LABEL. */
int ner_history_add(ner_history *history, const char *text, const ner_word *word, int label);

/* Decoding: greedy, left to right, one sentence at a time *******************/

/* How a decoder scores a word: the weights summed over the word's features
 * (SCORE), and what to do once a label is chosen (OBSERVE may be NULL:
 * training uses it to update the weights). */
typedef struct {
  void *context;
  void (*score)(void *context, const ner_document *document, const ner_sentence *sentence,
                uint32_t index, const ner_feature *history, size_t history_count,
                float scores[NER_LABELS]);
  void (*observe)(void *context, uint32_t word, int previous, int label,
                  const ner_feature *history, size_t history_count);
} ner_scorer;

/* Label every word of DOCUMENT into LABELS (one per word), clearing and
 * filling HISTORY as it goes. COMMON holds the lower-case forms of common
 * words, which a Title Case headline capitalizes; NULL decodes without the
 * hard constraints (words that stay outside entities), as training does. */
int ner_decode(const ner_document *document, const ner_lexicon *common,
               const ner_scorer *scorer, ner_history *history, uint8_t *labels);

/* The best label allowed after PREVIOUS (LAST: the sentence's last word). */
int ner_best_label(const float scores[NER_LABELS], int previous, bool last);

/* Hashing helpers shared by the feature code and the lexicon ****************/

uint64_t ner_hash_bytes(uint64_t seed, const char *bytes, size_t length);
/* qsort comparator of uint64_t values. */
int ner_compare_hashes(const void *a, const void *b);
/* Hash of the lower-case form of the word's text, and of its shape. */
uint64_t ner_hash_lower(const char *text, const ner_word *word);
uint64_t ner_hash_shape(const char *text, const ner_word *word);

#endif
