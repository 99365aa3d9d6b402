/*
 * api.h: the structs behind the public handles, shared by the files of
 * src/api (model.c, doc.c, doc_access.c).
 */
#ifndef WHOSAID_API_H
#define WHOSAID_API_H

#include "quotes/quotes.h"
#include "text/text.h"
#include "whosaid.h"

struct whosaid_model {
  char *path;
  quote_cues *cues;
};

struct whosaid_doc {
  uint32_t length;
  text_line_index lines;
  text_paragraph_vec paragraphs;
  text_token_vec tokens;
  text_sentence_vec sentences;
  quote_span_vec quotes;
};

#endif
