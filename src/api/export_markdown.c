/*
 * export_markdown.c: the direct quotes as a Markdown quote sheet, grouped by
 * speaker in the order of their first quote, for a person to read:
 *
 *   # Quotes: port-subsidies
 *
 *   ## Helena Varga (Dutch Infrastructure Minister)
 *
 *   > “We are not asking Hamburg to stand still. ...” (line 5)
 *
 *   > “...” (line 9) ✎
 *   >
 *   > Note: checked against the recording
 *
 *   ## Unattributed
 *
 *   > ...
 *
 * ✎ marks a quote whose speaker a person named. Text from the article stays
 * on one line (its line breaks become spaces, so that none of it can start
 * a line and make a heading or a list), and whatever Markdown would read as
 * inline markup is escaped with a backslash, so that a quote shows as it was
 * written. NUL bytes and invalid UTF-8 become U+FFFD.
 */
#include <string.h>

#include "api/export.h"
#include "core/alloc.h"

static const char pencil[] = "\xE2\x9C\x8E"; /* ✎ U+270E */

static bool is_line_break(char c) {
  return c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Characters that open or close inline markup anywhere in a line. */
static bool is_markup(char c) {
  return c != '\0' && strchr("\\`*_[]<>&~|#", c) != NULL;
}

/* LENGTH bytes as inline text: each run of line breaks becomes one space
 * and markup characters are escaped. Nothing else needs escaping, because
 * no article text starts a line: every line of the sheet starts with its
 * own markup ("> ", "## ", "# Quotes: "), a quote with its quotation mark. */
static void append_inline(ws_buffer *out, const char *bytes, size_t length) {
  size_t index = 0;
  while (index < length) {
    size_t run_start = index;
    while (index < length && !is_markup(bytes[index]) && !is_line_break(bytes[index])) index++;
    export_append_clean(out, bytes + run_start, index - run_start);
    if (index == length) break;
    if (is_line_break(bytes[index])) {
      while (index < length && is_line_break(bytes[index])) index++;
      ws_buffer_append_byte(out, ' ');
    } else {
      ws_buffer_append_byte(out, '\\');
      ws_buffer_append_byte(out, bytes[index++]);
    }
  }
}

static void append_inline_cstring(ws_buffer *out, const char *string) {
  append_inline(out, string, strlen(string));
}

/* The speaker index of QUOTE, or -1 when it has none. */
static int32_t speaker_of(const export_context *context, const whosaid_quote *quote) {
  whosaid_speaker speaker;
  return export_quote_speaker(context, quote, &speaker) ? quote->speaker : -1;
}

static void write_quote(const export_context *context, const whosaid_quote *quote) {
  ws_buffer *out = context->out;
  size_t length;
  const char *bytes = export_span(context, &quote->range, &length);
  ws_buffer_append(out, "> ", 2);
  append_inline(out, bytes, length);
  ws_buffer_append_cstring(out, " (line ");
  ws_buffer_append_uint(out, (uint64_t)quote->range.start.line + 1);
  ws_buffer_append_byte(out, ')');
  if (quote->flags & WHOSAID_QUOTE_HUMAN_SPEAKER) {
    ws_buffer_append_byte(out, ' ');
    ws_buffer_append_cstring(out, pencil);
  }
  const char *note = export_quote_note(context, quote);
  if (note != NULL) {
    ws_buffer_append_cstring(out, "\n>\n> Note: ");
    append_inline_cstring(out, note);
  }
  ws_buffer_append(out, "\n\n", 2);
}

/* The direct quotes of speaker INDEX (-1: those without one). */
static void write_quotes_of(const export_context *context, int32_t index) {
  size_t count = whosaid_doc_quote_count(context->doc);
  for (size_t q = 0; q < count; q++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(context->doc, q, &quote) == 0 && (quote.flags & WHOSAID_QUOTE_DIRECT) &&
        speaker_of(context, &quote) == index) {
      write_quote(context, &quote);
    }
  }
}

static void write_speaker_section(const export_context *context, int32_t index) {
  whosaid_speaker speaker;
  if (whosaid_doc_speaker(context->doc, (size_t)index, &speaker) != 0) return;
  ws_buffer *out = context->out;
  ws_buffer_append_cstring(out, "## ");
  append_inline_cstring(out, speaker.name);
  if (speaker.role != NULL) {
    ws_buffer_append_cstring(out, " (");
    append_inline_cstring(out, speaker.role);
    ws_buffer_append_byte(out, ')');
  }
  ws_buffer_append(out, "\n\n", 2);
  write_quotes_of(context, index);
}

/* What the sheet needs to know before it starts. */
typedef struct {
  size_t direct, unattributed;
  bool any_speaker_corrected;
} sheet_counts;

static sheet_counts count_quotes(const export_context *context) {
  sheet_counts counts = {0, 0, false};
  size_t count = whosaid_doc_quote_count(context->doc);
  for (size_t q = 0; q < count; q++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(context->doc, q, &quote) != 0 || !(quote.flags & WHOSAID_QUOTE_DIRECT)) {
      continue;
    }
    counts.direct++;
    if (speaker_of(context, &quote) < 0) counts.unattributed++;
    if (quote.flags & WHOSAID_QUOTE_HUMAN_SPEAKER) counts.any_speaker_corrected = true;
  }
  return counts;
}

/* A section per speaker, in the order of their first quote. */
static void write_speaker_sections(const export_context *context) {
  size_t speakers = whosaid_doc_speaker_count(context->doc);
  bool *written = ws_calloc(speakers + 1, sizeof(*written));
  if (written == NULL) {
    context->out->failed = true; /* the export reports ENOMEM */
    return;
  }
  size_t count = whosaid_doc_quote_count(context->doc);
  for (size_t q = 0; q < count; q++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(context->doc, q, &quote) != 0 || !(quote.flags & WHOSAID_QUOTE_DIRECT)) {
      continue;
    }
    int32_t index = speaker_of(context, &quote);
    if (index < 0 || (size_t)index >= speakers || written[index]) continue;
    written[index] = true;
    write_speaker_section(context, index);
  }
  ws_free(written);
}

void export_markdown(const export_context *context) {
  ws_buffer *out = context->out;
  sheet_counts counts = count_quotes(context);
  ws_buffer_append_cstring(out, "# Quotes: ");
  append_inline_cstring(out, context->name);
  ws_buffer_append(out, "\n\n", 2);
  if (counts.direct == 0) ws_buffer_append_cstring(out, "No direct quotes.\n\n");
  if (counts.any_speaker_corrected) {
    ws_buffer_append_cstring(out, pencil);
    ws_buffer_append_cstring(out, " marks a quote whose speaker a person named.\n\n");
  }
  write_speaker_sections(context);
  if (counts.unattributed > 0) {
    ws_buffer_append_cstring(out, "## Unattributed\n\n");
    write_quotes_of(context, -1);
  }
  /* One newline at the end of the file, not a blank line. */
  if (out->length > 0 && !out->failed) out->length--;
}
