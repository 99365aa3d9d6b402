/*
 * doc.c: whosaid_analyze, the pipeline that turns bytes into a whosaid_doc,
 * and the document's position functions.
 */
#include <stdint.h>

#include "api/api.h"
#include "core/alloc.h"

/* Each stage reads what the stages before it produced. */
static int run_pipeline(whosaid_doc *doc, const whosaid_model *model, const char *text,
                        size_t length, const whosaid_annotations *set) {
  int status = text_line_index_build(&doc->lines, text, length);
  if (status == 0) status = text_find_paragraphs(text, length, &doc->paragraphs);
  if (status == 0) status = text_tokenize(text, length, &doc->tokens);
  if (status == 0) {
    status = text_split_sentences(text, length, doc->tokens.items, doc->tokens.len,
                                  doc->paragraphs.items, doc->paragraphs.len, &doc->sentences);
  }
  if (status == 0 && model != NULL && model->ner != NULL) {
    status = api_find_entities(doc, model->ner, text);
  }
  if (status == 0) {
    status = quote_find_spans(text, doc->tokens.items, doc->tokens.len, doc->paragraphs.items,
                              doc->paragraphs.len, &doc->quotes);
  }
  if (status == 0) {
    quote_classify(text, doc->tokens.items, doc->tokens.len, doc->sentences.items,
                   doc->sentences.len, model ? model->cues : NULL, doc->quotes.items,
                   doc->quotes.len);
  }
  /* A person's word on what is a quote counts before attribution, so that
   * a quote they add is attributed and one they remove is not. */
  bool annotated = set != NULL && set->entries.len > 0;
  if (status == 0 && annotated) status = api_place_annotations(doc, text, set);
  if (status == 0 && whosaid_model_has_attribution(model)) {
    status = api_attribute(doc, model->cues, text, annotated);
  }
  if (status == 0 && annotated) status = api_apply_speakers(doc, text, set);
  return status;
}

int whosaid_analyze(const whosaid_model *model, const char *text, size_t length,
                    whosaid_doc **out) {
  return whosaid_analyze_annotated(model, text, length, NULL, out);
}

int whosaid_analyze_annotated(const whosaid_model *model, const char *text, size_t length,
                              const whosaid_annotations *set, whosaid_doc **out) {
  if (out == NULL) return WHOSAID_EINVAL;
  *out = NULL;
  if (text == NULL && length > 0) return WHOSAID_EINVAL;
  if (length >= UINT32_MAX) return WHOSAID_ETOOBIG;
  if (text == NULL) text = "";
  whosaid_doc *doc = ws_calloc(1, sizeof(*doc));
  if (doc == NULL) return WHOSAID_ENOMEM;
  doc->length = (uint32_t)length;
  int status = run_pipeline(doc, model, text, length, set);
  if (status != 0) {
    whosaid_doc_free(doc);
    return status;
  }
  *out = doc;
  return 0;
}

void whosaid_doc_free(whosaid_doc *doc) {
  if (doc == NULL) return;
  text_line_index_destroy(&doc->lines);
  VEC_FREE(&doc->paragraphs);
  VEC_FREE(&doc->tokens);
  VEC_FREE(&doc->sentences);
  VEC_FREE(&doc->quotes);
  VEC_FREE(&doc->entities);
  VEC_FREE(&doc->attributions);
  VEC_FREE(&doc->speakers);
  VEC_FREE(&doc->strings);
  VEC_FREE(&doc->places);
  VEC_FREE(&doc->clusters);
  ws_free(doc);
}

size_t whosaid_doc_length(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->length;
}

size_t whosaid_doc_line_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->lines.starts.len;
}

whosaid_point whosaid_doc_point(const whosaid_doc *doc, uint32_t offset) {
  if (doc == NULL) return (whosaid_point){0, 0};
  return text_line_index_point(&doc->lines, offset);
}

int whosaid_doc_offset(const whosaid_doc *doc, whosaid_point point, uint32_t *offset) {
  if (doc == NULL || offset == NULL) return WHOSAID_EINVAL;
  return text_line_index_offset(&doc->lines, point, offset);
}
