/*
 * export.h: what the export writers share (export.c, export_json.c,
 * export_csv.c, export_markdown.c): the document being exported and a few
 * questions every format asks about a quote.
 */
#ifndef WHOSAID_API_EXPORT_H
#define WHOSAID_API_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buffer.h"
#include "whosaid.h"

typedef struct {
  const whosaid_doc *doc;
  const char *text; /* the analysed bytes, LENGTH of them (the document's length) */
  size_t length;
  const whosaid_annotations *set; /* the corrections it was analysed with, or NULL */
  const char *name;
  ws_buffer *out; /* where the export goes; its failure flag reports ENOMEM */
} export_context;

/* The writers: each appends the whole export to CONTEXT->out. */
void export_json(const export_context *context, const whosaid_export_options *options);
void export_csv(const export_context *context);
void export_markdown(const export_context *context);

/* The bytes of RANGE, clamped to the text so that a faulty range can never
 * make a writer read outside it; *LENGTH gets their number. */
const char *export_span(const export_context *context, const whosaid_range *range, size_t *length);

/* Whether a person named QUOTE's speaker or decided that it is a quote. */
bool export_quote_corrected(const whosaid_quote *quote);

/* The note of the annotation that applies to QUOTE, or NULL (borrowed from
 * the set). */
const char *export_quote_note(const export_context *context, const whosaid_quote *quote);

/* Annotation ID of SET into *OUT; false when the set has none such. */
bool export_find_annotation(const whosaid_annotations *set, uint32_t id, whosaid_annotation *out);

/* LENGTH bytes as valid UTF-8: NUL bytes and each maximal invalid sequence
 * become U+FFFD; everything else is copied. */
void export_append_clean(ws_buffer *out, const char *bytes, size_t length);

/* The speaker of QUOTE into *SPEAKER; false when it has none. */
bool export_quote_speaker(const export_context *context, const whosaid_quote *quote,
                          whosaid_speaker *speaker);

#endif
