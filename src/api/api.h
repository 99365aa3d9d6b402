/*
 * api.h: the structs behind the public handles, shared by the files of
 * src/api (model.c, doc.c, doc_access.c).
 */
#ifndef WHOSAID_API_H
#define WHOSAID_API_H

#include "ner/model.h"
#include "quotes/quotes.h"
#include "text/text.h"
#include "whosaid.h"

struct whosaid_model {
  char *path;
  quote_cues *cues; /* NULL for a tagger file alone */
  ner_model *ner;   /* NULL when the model has no tagger */
};

typedef struct {
  uint32_t start, end;
  whosaid_entity_type type;
  int32_t cluster;
} api_entity;

struct whosaid_doc {
  uint32_t length;
  text_line_index lines;
  text_paragraph_vec paragraphs;
  text_token_vec tokens;
  text_sentence_vec sentences;
  quote_span_vec quotes;
  VEC(api_entity) entities;
};

/* Find the entities of an analysed document (doc_entities.c). */
int api_find_entities(whosaid_doc *doc, const ner_model *ner, const char *text);

#endif
