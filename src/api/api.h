/*
 * api.h: the structs behind the public handles, shared by the files of
 * src/api (model.c, doc.c, doc_access.c).
 */
#ifndef WHOSAID_API_H
#define WHOSAID_API_H

#include "annotate/annotate.h"
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
  bool unnamed;                    /* named only by an annotation */
} api_speaker;

/* A cluster's canonical name and role, kept for the speakers a person
 * names (offsets into the strings; UINT32_MAX: none). */
typedef struct {
  uint32_t name, role;
} api_cluster;

/* Where an annotation of the set landed (whosaid_annotation_place). */
typedef struct {
  uint32_t id;
  bool attached;
  uint32_t start, end;
  int32_t quote; /* index into the quotes, or -1 */
} api_place;

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
  VEC(api_place) places; /* one per annotation of the set it was analysed with */
  VEC(api_cluster) clusters; /* per entity cluster, when analysed with annotations */
};

/* Find the entities of an analysed document (doc_entities.c). */
int api_find_entities(whosaid_doc *doc, const ner_model *ner, const char *text);

/* Attribute its quotes and list its speakers (doc_speakers.c); with
 * KEEP_CLUSTERS, keep every cluster's name and role as well. */
int api_attribute(whosaid_doc *doc, const quote_cues *cues, const char *text, bool keep_clusters);

/* Append the text of tokens [FIRST, END) to the document's strings, white
 * space as single spaces; its offset, or UINT32_MAX when out of memory
 * (doc_speakers.c). */
uint32_t api_add_string(whosaid_doc *doc, const char *text, uint32_t first, uint32_t end);

/* Annotations (doc_annotations.c, doc_corrections.c): find where each
 * annotation of SET lands and apply its verdict (after quote detection),
 * then the speakers a person named (after attribution). */
int api_place_annotations(whosaid_doc *doc, const char *text, const whosaid_annotations *set);
int api_apply_speakers(whosaid_doc *doc, const char *text, const whosaid_annotations *set);

#endif
