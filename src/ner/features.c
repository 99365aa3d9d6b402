/*
 * features.c: the tagger's features. Each is a 64-bit hash of a template
 * number, an offset (which neighbour it describes) and a value, so that
 * training and tagging compute exactly the same features from text.
 *
 * Word features depend only on a word and how far it stands from the word
 * being tagged, which lets the tagger cache their weights per distinct word
 * of a document; position features depend on the sentence (its start, a
 * headline in capitals, gazetteer matches); history features on the labels
 * already given.
 */
#include <string.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "ner/ner.h"


enum { CASE_LOWER, CASE_CAPITALIZED, CASE_CAPS, CASE_SINGLE_CAP, CASE_MIXED, CASE_NONE };

#define MAX_NORMALIZED 64

/* Hashing ****************************************************************/

static uint64_t mix(uint64_t h) { /* splitmix64's finalizer */
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

uint64_t ner_hash_bytes(uint64_t seed, const char *bytes, size_t length) {
  uint64_t h = 0xcbf29ce484222325ull ^ mix(seed + 1);
  for (size_t i = 0; i < length; i++) h = (h ^ (unsigned char)bytes[i]) * 0x100000001b3ull;
  return mix(h);
}

int ner_compare_hashes(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

ner_feature ner_feature_of(int template_id, int offset, const char *value, size_t length) {
  uint64_t seed = (uint64_t)template_id << 8 | (uint64_t)(offset + 8);
  return ner_hash_bytes(seed, value, length);
}

ner_feature ner_feature_of_int(int template_id, int offset, uint64_t value) {
  uint64_t seed = (uint64_t)template_id << 8 | (uint64_t)(offset + 8);
  return mix(mix(value) ^ (seed * 0x9E3779B97F4A7C15ull));
}

/* Normalized forms ***********************************************************/

/* An ASCII control character: in a token, one of no kind, as a byte that is
 * not UTF-8 is, and seen as one (U+FFFD): Vim sends such a byte as one
 * (autoload/whosaid/vim.vim), and must get the analysis Neovim gets. */
static bool is_control(uint8_t byte) { return byte < 0x20 || byte == 0x7F; }

/* The word's text as features see it: quotation marks are one mark, digits
 * are 0, and (LOWER) letters are in lower case. Returns the length. */
static size_t normalize(const char *text, const ner_word *word, bool lower, char *out) {
  if (word->kind == WHOSAID_TOKEN_QUOTE) return (void)(out[0] = '"'), 1;
  if (word->kind == WHOSAID_TOKEN_DASH) return memcpy(out, "--", 2), 2;
  size_t n = 0;
  const uint8_t *s = (const uint8_t *)text + word->start;
  size_t length = word->end - word->start;
  for (size_t i = 0; i < length && n + 4 <= MAX_NORMALIZED;) {
    if (s[i] < 0x80 && !is_control(s[i])) { /* ASCII, most of news text: no table look-up */
      char c = (char)s[i++];
      out[n++] = c >= '0' && c <= '9' ? '0' : lower && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t size = utf8proc_iterate(s + i, (utf8proc_ssize_t)(length - i), &cp);
    if (size <= 0 || is_control(s[i])) cp = 0xFFFD, size = 1;
    if (lower) cp = utf8proc_tolower(cp);
    n += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + n);
    i += (size_t)size;
  }
  return n;
}

/* "Pompeo" -> "Xx", "U.S." -> "X.X.", "1996-08-22" -> "d-d-d": one symbol per
 * run of a character class. */
static size_t shape(const char *text, const ner_word *word, char *out) {
  size_t n = 0;
  const uint8_t *s = (const uint8_t *)text + word->start;
  size_t length = word->end - word->start;
  for (size_t i = 0; i < length && n < MAX_NORMALIZED;) {
    char symbol;
    if (s[i] < 0x80 && !is_control(s[i])) { /* ASCII: no table look-up */
      char c = (char)s[i++];
      symbol = c >= 'A' && c <= 'Z' ? 'X' : c >= 'a' && c <= 'z' ? 'x' : c >= '0' && c <= '9' ? 'd'
                                                                                          : c;
    } else {
      utf8proc_int32_t cp;
      utf8proc_ssize_t size = utf8proc_iterate(s + i, (utf8proc_ssize_t)(length - i), &cp);
      if (size <= 0) cp = 0xFFFD, size = 1;
      i += (size_t)size;
      utf8proc_category_t category = utf8proc_category(cp);
      symbol = category == UTF8PROC_CATEGORY_LU   ? 'X'
               : category == UTF8PROC_CATEGORY_LL ? 'x'
               : category == UTF8PROC_CATEGORY_ND ? 'd'
                                                  : '*';
    }
    if (n == 0 || out[n - 1] != symbol) out[n++] = symbol;
  }
  return n;
}

/* Short words are often acronyms or initials, long ones rarely names. */
static uint64_t length_class(const ner_word *word) {
  uint32_t length = word->end - word->start;
  return length <= 3 ? length : length <= 5 ? 4 : length <= 8 ? 5 : 6;
}

static int case_class(const ner_word *word) {
  if (word->flags & WHOSAID_TOKEN_ALL_CAPS) return CASE_CAPS;
  if (word->flags & WHOSAID_TOKEN_CAPITALIZED) {
    return word->end - word->start == 1 ? CASE_SINGLE_CAP : CASE_CAPITALIZED;
  }
  if (word->kind == WHOSAID_TOKEN_WORD || word->kind == WHOSAID_TOKEN_ABBREVIATION) {
    return CASE_LOWER;
  }
  return CASE_NONE;
}

uint64_t ner_hash_lower(const char *text, const ner_word *word) {
  char lower[MAX_NORMALIZED];
  return ner_hash_bytes(0, lower, normalize(text, word, true, lower));
}

uint64_t ner_hash_shape(const char *text, const ner_word *word) {
  char form[MAX_NORMALIZED];
  return ner_hash_bytes(1, form, shape(text, word, form));
}

int ner_lexicon_index(ner_lexicon *lexicon) {
  size_t capacity = 64;
  while (capacity < 2 * lexicon->count) capacity *= 2;
  lexicon->slots = ws_calloc(capacity, sizeof(*lexicon->slots));
  if (lexicon->slots == NULL) return WHOSAID_ENOMEM;
  lexicon->mask = capacity - 1;
  for (size_t i = 0; i < lexicon->count; i++) {
    uint64_t key = lexicon->hashes[i] | 1; /* never 0, the empty mark */
    size_t slot = (size_t)key & lexicon->mask;
    while (lexicon->slots[slot] != 0 && lexicon->slots[slot] != key) {
      slot = (slot + 1) & lexicon->mask;
    }
    lexicon->slots[slot] = key;
  }
  return 0;
}

void ner_lexicon_destroy(ner_lexicon *lexicon) {
  ws_free(lexicon->slots);
  lexicon->slots = NULL;
}

bool ner_lexicon_contains(const ner_lexicon *lexicon, uint64_t lower_hash) {
  if (lexicon == NULL || lexicon->slots == NULL) return false;
  uint64_t key = lower_hash | 1;
  for (size_t slot = (size_t)key & lexicon->mask; lexicon->slots[slot] != 0;
       slot = (slot + 1) & lexicon->mask) {
    if (lexicon->slots[slot] == key) return true;
  }
  return false;
}

/* Word features ***************************************************************/

/* Prefixes and suffixes of 1 to 4 characters (UTF-8 aware). */
static size_t affixes(const char *lower, size_t length, ner_feature *out) {
  size_t n = 0, characters = 0, ends[5] = {0};
  for (size_t i = 0; i < length && characters < 4;) {
    i++;
    while (i < length && ((unsigned char)lower[i] & 0xC0) == 0x80) i++;
    ends[++characters] = i;
  }
  for (size_t k = 1; k <= characters; k++) out[n++] = ner_feature_of(NER_T_PREFIX, (int)k, lower, ends[k]);
  size_t begin = length;
  for (int k = 1; k <= 4 && begin > 0; k++) {
    begin--;
    while (begin > 0 && ((unsigned char)lower[begin] & 0xC0) == 0x80) begin--;
    out[n++] = ner_feature_of(NER_T_SUFFIX, k, lower + begin, length - begin);
  }
  return n;
}

/* What the word features are made of, computed once per word. */
typedef struct {
  char lower[MAX_NORMALIZED], shape[MAX_NORMALIZED], exact[MAX_NORMALIZED];
  size_t lower_length, shape_length, exact_length;
  uint64_t case_and_common;
} word_forms;

static void forms_of(const char *text, const ner_word *word, const ner_lexicon *lexicon,
                     word_forms *forms) {
  forms->lower_length = normalize(text, word, true, forms->lower);
  forms->shape_length = shape(text, word, forms->shape);
  forms->exact_length = normalize(text, word, false, forms->exact);
  bool common = ner_lexicon_contains(lexicon, ner_hash_bytes(0, forms->lower,
                                                              forms->lower_length));
  forms->case_and_common = (uint64_t)(case_class(word) * 2 + common);
}

static size_t features_from(const word_forms *forms, const ner_word *word, int offset,
                            ner_feature *out) {
  size_t n = 0;
  out[n++] = ner_feature_of(NER_T_LOWER, offset, forms->lower, forms->lower_length);
  out[n++] = ner_feature_of(NER_T_SHAPE, offset, forms->shape, forms->shape_length);
  if (offset < -1 || offset > 1) return n;
  out[n++] = ner_feature_of(NER_T_WORD, offset, forms->exact, forms->exact_length);
  out[n++] = ner_feature_of_int(NER_T_CASE, offset, forms->case_and_common);
  if (offset != 0) return n;
  out[n++] = ner_feature_of_int(NER_T_KIND, 0, (uint64_t)word->kind * 64 + length_class(word));
  out[n++] = ner_feature_of_int(NER_T_BIAS, 0, 0);
  n += affixes(forms->lower, forms->lower_length, out + n);
  return n;
}

size_t ner_word_features(const char *text, const ner_word *word, int offset,
                         const ner_lexicon *lexicon, ner_feature *out) {
  word_forms forms;
  forms_of(text, word, lexicon, &forms);
  return features_from(&forms, word, offset, out);
}

size_t ner_word_features_all(const char *text, const ner_word *word,
                             const ner_lexicon *lexicon,
                             ner_feature out[NER_OFFSETS][NER_MAX_WORD_FEATURES],
                             size_t counts[NER_OFFSETS]) {
  word_forms forms;
  forms_of(text, word, lexicon, &forms);
  size_t total = 0;
  for (int offset = -2; offset <= 2; offset++) {
    counts[offset + 2] = features_from(&forms, word, offset, out[offset + 2]);
    total += counts[offset + 2];
  }
  return total;
}

/* Position features ****************************************************/

/* Called once per sentence by whoever builds a document (see ner.h). */
static bool is_function_word(const char *text, const ner_word *word) {
  return text_is_headline_small_word(text + word->start, word->end - word->start);
}

int ner_headline_kind(const ner_document *document, const ner_sentence *sentence) {
  uint32_t words = 0, capitalized = 0, caps = 0, lower = 0;
  for (uint32_t i = 0; i < sentence->word_count; i++) {
    const ner_word *word = &document->words.items[sentence->first_word + i];
    if (word->kind != WHOSAID_TOKEN_WORD || word->end - word->start < 2) continue;
    words++;
    capitalized += (word->flags & WHOSAID_TOKEN_CAPITALIZED) != 0;
    caps += (word->flags & WHOSAID_TOKEN_ALL_CAPS) != 0;
    /* Only whether any is in lower case counts: after the first, the word
     * list is not searched again. */
    if (lower == 0 && !(word->flags & WHOSAID_TOKEN_CAPITALIZED) &&
        !is_function_word(document->text, word)) {
      lower++;
    }
  }
  if (words < 2) return 0;
  if (caps * 10 >= words * 8) return 2;
  return lower == 0 && capitalized >= 3 ? 1 : 0;
}

static size_t gazetteer_features(const ner_document *document, const ner_sentence *sentence,
                                 uint32_t index, int word_case, ner_feature *out, size_t room) {
  size_t n = 0;
  for (int offset = -1; offset <= 1; offset++) {
    int64_t at = (int64_t)index + offset;
    if (at < 0 || at >= (int64_t)sentence->word_count) continue;
    uint32_t bits = document->words.items[sentence->first_word + at].gazetteer;
    for (int bit = 0; bits != 0 && bit < 2 * GAZETTEER_MAX_LISTS; bit++, bits >>= 1) {
      if (!(bits & 1)) continue;
      int detail = offset == 0 ? word_case : 0;
      out[n++] = ner_feature_of_int(NER_T_GAZETTEER, offset, (uint64_t)(bit * 8 + detail));
      if (n == room) return n;
    }
  }
  return n;
}

/* Word pairs and the shapes around the word: what a word alone cannot say. */
static size_t context_features(const ner_document *document, const ner_sentence *sentence,
                               uint32_t index, ner_feature *out) {
  const ner_word *words = &document->words.items[sentence->first_word];
  uint64_t none = 0x5bd1e995u;
  uint64_t before = index > 0 ? words[index - 1].lower : none;
  uint64_t after = index + 1 < sentence->word_count ? words[index + 1].lower : none;
  uint64_t shape_before = index > 0 ? words[index - 1].shape : none;
  uint64_t shape_after = index + 1 < sentence->word_count ? words[index + 1].shape : none;
  size_t n = 0;
  out[n++] = ner_feature_of_int(NER_T_BIGRAM, -1, before * 31 ^ words[index].lower);
  out[n++] = ner_feature_of_int(NER_T_BIGRAM, 1, words[index].lower * 31 ^ after);
  out[n++] = ner_feature_of_int(NER_T_SHAPES, 0,
                                (shape_before * 31 ^ words[index].shape) * 31 ^ shape_after);
  return n;
}

size_t ner_position_features(const ner_document *document, const ner_sentence *sentence,
                             uint32_t index, const ner_lexicon *lexicon, ner_feature *out) {
  const ner_word *word = &document->words.items[sentence->first_word + index];
  int word_case = case_class(word);
  bool common = ner_lexicon_contains(lexicon, word->lower);
  uint64_t detail = (uint64_t)(word_case * 2 + common);
  size_t n = 0;
  if (index == 0) out[n++] = ner_feature_of_int(NER_T_SENTENCE_START, 0, detail);
  n += context_features(document, sentence, index, out + n);
  if (word_case != CASE_LOWER && word_case != CASE_NONE &&
      ner_lexicon_contains(&document->lower_set, word->lower)) {
    out[n++] = ner_feature_of_int(NER_T_IN_LOWER_CASE, 0, detail);
  }
  bool capitals_say_little = index == 0 || sentence->headline;
  if (capitals_say_little && word_case != CASE_LOWER && word_case != CASE_NONE &&
      ner_lexicon_contains(&document->name_set, word->lower)) {
    out[n++] = ner_feature_of_int(NER_T_NAME_ELSEWHERE, 0, detail);
  }
  if (sentence->headline) {
    out[n++] = ner_feature_of_int(NER_T_HEADLINE, 0, (uint64_t)sentence->headline * 16 + detail);
  }
  n += gazetteer_features(document, sentence, index, word_case, out + n,
                          NER_MAX_POSITION_FEATURES - n);
  return n;
}
