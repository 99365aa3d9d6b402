/*
 * doc_entities.c: running the tagger over an analysed document and turning
 * its BILOU labels into entity spans.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/alloc.h"

/* Whether WORD is one of WORDS (NULL-terminated), byte for byte. */
static bool word_is_one_of(const char *text, const ner_word *word, const char *const *words) {
  size_t length = word->end - word->start;
  for (; *words != NULL; words++) {
    if (strlen(*words) == length && memcmp(text + word->start, *words, length) == 0) return true;
  }
  return false;
}

/* Name particles ****************************************************************/

/* "de Wit said": the tagger leaves a particle in lower case out of the name.
 * Where the text gives the name in full with it ("Pieter de Wit"), the
 * surname takes it back. A capital particle ("De Wit") the tagger keeps. */
static bool is_name_particle(const char *text, const ner_word *word) {
  static const char *const particles[] = {"de", "van", "von", "der", "den", "da",
                                          "di", "du", "del", "della", "dos", "das",
                                          "le", "la", "ter", "bin", "ibn", NULL};
  return word_is_one_of(text, word, particles);
}

/* The hash of the bytes [START, END) of TEXT, as the tagger hashes words. */
static uint64_t span_hash(const char *text, uint32_t start, uint32_t end) {
  return ner_hash_bytes(0, text + start, end - start);
}

typedef VEC(uint64_t) hash_vec;

/* The last word of the entity whose labels start at word W. */
static size_t entity_end_word(const ner_document *document, const uint8_t *labels, size_t w) {
  size_t last = w;
  while (ner_label_part(labels[w]) == NER_PART_B && ner_label_part(labels[last]) != NER_PART_L &&
         last + 1 < document->words.len) {
    last++;
  }
  return last;
}

/* The hashes, sorted, of every person's name from a particle inside it to
 * its end: "de Wit" for "Pieter de Wit". */
static int particle_tails(const ner_document *document, const uint8_t *labels, hash_vec *tails) {
  const ner_word *words = document->words.items;
  for (size_t w = 0; w < document->words.len; w++) {
    int part = ner_label_part(labels[w]);
    if (part != NER_PART_B && part != NER_PART_U) continue;
    size_t last = entity_end_word(document, labels, w);
    for (size_t k = w + 1; ner_label_type(labels[w]) == WHOSAID_ENTITY_PER && k < last; k++) {
      if (is_name_particle(document->text, &words[k]) &&
          VEC_PUSH(tails, span_hash(document->text, words[k].start, words[last].end)) != 0) {
        return WHOSAID_ENOMEM;
      }
    }
    w = last;
  }
  if (tails->len > 1) qsort(tails->items, tails->len, sizeof(uint64_t), ner_compare_hashes);
  return 0;
}

/* Where the person's name at words W..LAST starts: at the particle before
 * it when TAILS has the two together. */
static uint32_t name_start(const ner_document *document, const uint8_t *labels,
                           const hash_vec *tails, size_t w, size_t last) {
  const ner_word *words = document->words.items;
  if (w == 0 || tails->len == 0 || labels[w - 1] != 0 ||
      ner_label_type(labels[w]) != WHOSAID_ENTITY_PER ||
      !is_name_particle(document->text, &words[w - 1]) || words[w - 1].end + 1 != words[w].start) {
    return words[w].start;
  }
  uint64_t key = span_hash(document->text, words[w - 1].start, words[last].end);
  bool known = bsearch(&key, tails->items, tails->len, sizeof(uint64_t), ner_compare_hashes);
  return known ? words[w - 1].start : words[w].start;
}

/* Organisations the tagger takes for people *******************************************/

/* "Nordhavn Lines", "Trump University", "Cato Institute": a name of two
 * words or more whose last word says what kind of body it is. (A person
 * has such a surname rarely; "Post" and "Times" are left out for that.) */
static bool ends_like_an_organisation(const char *text, const ner_word *last) {
  static const char *const kinds[] = {
      "Lines", "Airlines", "Airways", "Group", "Holdings", "Bank", "Motors", "Corp", "Corp.",
      "Inc", "Inc.", "Ltd", "Ltd.", "Company", "Partners", "Capital", "Energy", "Shipping",
      "Systems", "Technologies", "Industries", "Pharmaceuticals", "Communications", "Insurance",
      "Association", "Institute", "Foundation", "University", "College", "Party", "Council",
      "Committee", "Agency", "Fund", "Trust", "Network", "News", NULL};
  return word_is_one_of(text, last, kinds);
}

/* The type of the entity at words W..LAST that the tagger labelled TYPE. */
static whosaid_entity_type entity_type(const ner_document *document, whosaid_entity_type type,
                                       size_t w, size_t last) {
  bool organisation = type == WHOSAID_ENTITY_PER && last > w &&
                      ends_like_an_organisation(document->text, &document->words.items[last]);
  return organisation ? WHOSAID_ENTITY_ORG : type;
}

/* Labels to spans ****************************************************************/

static int collect_entities(whosaid_doc *doc, const ner_document *document,
                            const uint8_t *labels) {
  hash_vec tails = VEC_INIT;
  int status = particle_tails(document, labels, &tails);
  for (size_t w = 0; status == 0 && w < document->words.len; w++) {
    int part = ner_label_part(labels[w]);
    if (part != NER_PART_B && part != NER_PART_U) continue;
    size_t last = entity_end_word(document, labels, w);
    whosaid_entity_type type =
        entity_type(document, (whosaid_entity_type)ner_label_type(labels[w]), w, last);
    api_entity entity = {name_start(document, labels, &tails, w, last),
                         document->words.items[last].end, type, -1};
    if (VEC_PUSH(&doc->entities, entity) != 0) status = WHOSAID_ENOMEM;
    w = last;
  }
  VEC_FREE(&tails);
  return status;
}

int api_find_entities(whosaid_doc *doc, const ner_model *ner, const char *text) {
  ner_document document;
  int status = ner_document_from_tokens(&document, text, doc->tokens.items,
                                        doc->sentences.items, doc->sentences.len,
                                        ner_model_gazetteer(ner));
  if (status != 0) return status;
  uint8_t *labels = ws_malloc(document.words.len + 1);
  status = labels == NULL ? WHOSAID_ENOMEM : ner_model_tag(ner, &document, labels);
  if (status == 0) status = collect_entities(doc, &document, labels);
  ws_free(labels);
  ner_document_destroy(&document);
  return status;
}
