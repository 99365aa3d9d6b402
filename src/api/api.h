/*
 * api.h: the structs behind the public handles, shared by the files of
 * src/api (model.c, doc.c, doc_access.c).
 */
#ifndef WHOSAID_API_H
#define WHOSAID_API_H

#include "attrib/attrib.h"
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

/* The attribution of one quote, in bytes. */
typedef struct {
  uint32_t mention_start, mention_end; /* equal: no speaker mention */
  whosaid_mention_kind mention_kind;
  whosaid_attribution_rule rule;
  int32_t speaker; /* index into speakers, or -1 */
} api_attribution;

typedef struct {
  int32_t cluster;
  uint32_t name, role; /* offsets into the document's strings; role UINT32_MAX: none */
  whosaid_entity_type type;
  uint32_t quote_count;
  uint32_t first_start, first_end; /* its first mention */
} api_speaker;

struct whosaid_doc {
  uint32_t length;
  text_line_index lines;
  text_paragraph_vec paragraphs;
  text_token_vec tokens;
  text_sentence_vec sentences;
  quote_span_vec quotes;
  VEC(api_entity) entities;
  VEC(api_attribution) attributions; /* one per quote, when the model attributes */
  VEC(api_speaker) speakers;
  VEC(char) strings; /* NUL-terminated names and roles of the speakers */
};

/* Find the entities of an analysed document (doc_entities.c). */
int api_find_entities(whosaid_doc *doc, const ner_model *ner, const char *text);

/* Attribute its quotes and list its speakers (doc_speakers.c). */
int api_attribute(whosaid_doc *doc, const quote_cues *cues, const char *text);

#endif
