/*
 * doc_entities.c: running the tagger over an analysed document and turning
 * its BILOU labels into entity spans.
 */
#include "api/api.h"
#include "core/alloc.h"

static int collect_entities(whosaid_doc *doc, const ner_document *document,
                            const uint8_t *labels) {
  for (size_t w = 0; w < document->words.len; w++) {
    int part = ner_label_part(labels[w]);
    if (part != NER_PART_B && part != NER_PART_U) continue;
    size_t last = w;
    while (ner_label_part(labels[last]) != NER_PART_L && part == NER_PART_B &&
           last + 1 < document->words.len) {
      last++;
    }
    api_entity entity = {document->words.items[w].start, document->words.items[last].end,
                         (whosaid_entity_type)ner_label_type(labels[w]), -1};
    if (VEC_PUSH(&doc->entities, entity) != 0) return WHOSAID_ENOMEM;
    w = last;
  }
  return 0;
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
