/*
 * export.c: whosaid_export and whosaid_export_format_of: the checks and the
 * dispatch to the writer of each format (export_json.c, export_csv.c,
 * export_markdown.c), and the helpers those writers share.
 */
#include "api/export.h"

#include <string.h>

#include "core/utf8_scan.h"

static const char replacement_character[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Whether EXTENSION equals LOWER (lower-case ASCII), in any case. */
static bool extension_is(const char *extension, const char *lower) {
  for (; *extension != '\0' && *lower != '\0'; extension++, lower++) {
    char c = *extension;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != *lower) return false;
  }
  return *extension == *lower;
}

int whosaid_export_format_of(const char *path, whosaid_export_format *out) {
  if (path == NULL || out == NULL) return WHOSAID_EINVAL;
  const char *slash = strrchr(path, '/');
  const char *base = slash != NULL ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  if (dot == NULL) return WHOSAID_EINVAL;
  const char *extension = dot + 1;
  if (extension_is(extension, "json")) {
    *out = WHOSAID_EXPORT_JSON;
  } else if (extension_is(extension, "csv")) {
    *out = WHOSAID_EXPORT_CSV;
  } else if (extension_is(extension, "md") || extension_is(extension, "markdown")) {
    *out = WHOSAID_EXPORT_MARKDOWN;
  } else {
    return WHOSAID_EINVAL;
  }
  return 0;
}

/* Check the arguments, run the writer of FORMAT and hand its bytes over. A
 * text whose length is not the document's cannot be the text it analysed. */
static int run_export(export_context context, whosaid_export_format format,
                      const whosaid_export_options *options, char **out, size_t *out_length) {
  if (out == NULL || out_length == NULL) return WHOSAID_EINVAL;
  *out = NULL;
  *out_length = 0;
  if (context.doc == NULL || context.name == NULL || options == NULL ||
      (context.text == NULL && context.length > 0) ||
      context.length != whosaid_doc_length(context.doc)) {
    return WHOSAID_EINVAL;
  }
  if (context.text == NULL) context.text = "";
  switch (format) {
    case WHOSAID_EXPORT_JSON:
      export_json(&context, options);
      break;
    case WHOSAID_EXPORT_CSV:
      export_csv(&context);
      break;
    case WHOSAID_EXPORT_MARKDOWN:
      export_markdown(&context);
      break;
    default:
      return WHOSAID_EINVAL;
  }
  return ws_buffer_finish(context.out, out, out_length);
}

int whosaid_export(const whosaid_doc *doc, const char *text, size_t length,
                   const whosaid_annotations *set, const char *name, whosaid_export_format format,
                   char **out, size_t *out_length) {
  return whosaid_export_with(doc, text, length, set, name, format, NULL, out, out_length);
}

int whosaid_export_with(const whosaid_doc *doc, const char *text, size_t length,
                        const whosaid_annotations *set, const char *name,
                        whosaid_export_format format, const whosaid_export_options *options,
                        char **out, size_t *out_length) {
  static const whosaid_export_options defaults = {false, false, false, false, false, false};
  ws_buffer buffer = WS_BUFFER_INIT;
  export_context context = {doc, text, length, set, name, &buffer};
  return run_export(context, format, options != NULL ? options : &defaults, out, out_length);
}

/* Shared by the writers *********************************************/

const char *export_span(const export_context *context, const whosaid_range *range, size_t *length) {
  size_t first = range->start_byte < context->length ? range->start_byte : context->length;
  size_t last = range->end_byte < context->length ? range->end_byte : context->length;
  *length = last > first ? last - first : 0;
  return context->text + first;
}

bool export_quote_corrected(const whosaid_quote *quote) {
  return (quote->flags & (WHOSAID_QUOTE_HUMAN_SPEAKER | WHOSAID_QUOTE_HUMAN_VERDICT)) != 0;
}

bool export_find_annotation(const whosaid_annotations *set, uint32_t id, whosaid_annotation *out) {
  size_t count = whosaid_annotations_count(set);
  for (size_t index = 0; index < count; index++) {
    if (whosaid_annotations_get(set, index, out) == 0 && out->id == id) return true;
  }
  return false;
}

const char *export_quote_note(const export_context *context, const whosaid_quote *quote) {
  whosaid_annotation_place place;
  whosaid_annotation annotation;
  if (context->set == NULL || quote->annotation < 0 ||
      whosaid_doc_annotation(context->doc, (size_t)quote->annotation, &place) != 0 ||
      !export_find_annotation(context->set, place.id, &annotation)) {
    return NULL;
  }
  return annotation.note;
}

bool export_quote_speaker(const export_context *context, const whosaid_quote *quote,
                          whosaid_speaker *speaker) {
  return quote->speaker >= 0 &&
         whosaid_doc_speaker(context->doc, (size_t)quote->speaker, speaker) == 0 &&
         speaker->name != NULL;
}

void export_append_clean(ws_buffer *out, const char *bytes, size_t length) {
  const unsigned char *text = (const unsigned char *)bytes;
  size_t index = 0;
  while (index < length) {
    size_t run_start = index, invalid_length = 0, valid_length = 0;
    /* A run of valid characters other than NUL is copied as it is. */
    while (index < length && text[index] != '\0' &&
           (valid_length = utf8_scan_sequence(text + index, length - index, &invalid_length)) > 0) {
      index += valid_length;
    }
    ws_buffer_append(out, bytes + run_start, index - run_start);
    if (index == length) break;
    ws_buffer_append(out, replacement_character, 3);
    index += text[index] == '\0' ? 1 : invalid_length;
  }
}
