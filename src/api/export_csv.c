/*
 * export_csv.c: the direct quotes as a CSV table (RFC 4180), one row per
 * quote in article order, for a spreadsheet:
 *
 *   speaker,role,quote,line,column,corrected,note
 *   Mike Pompeo,Secretary of State,"“They will take ...”",5,268,no,
 *
 * Lines end in CRLF. A field holding a comma, a quotation mark or a line
 * break is quoted, its quotation marks doubled; line breaks inside a quote
 * stay (a quoted field may hold them). LINE and COLUMN are counted from 1,
 * the column in characters, as a person counts them. CORRECTED is "yes"
 * when a person named the speaker or decided that the span is a quote.
 * NUL bytes and invalid UTF-8 become U+FFFD.
 *
 * Formula injection: a spreadsheet runs a cell that starts with = + - or @
 * (and, in some, a tab or a carriage return) as a formula, so a quote or a
 * speaker's name typed into an annotation could run one when the file is
 * opened. Such a field gets a leading apostrophe, which spreadsheets take
 * as "this is text" (OWASP's advice); the apostrophe shows in other readers.
 */
#include <string.h>

#include "api/export.h"
#include "core/utf8_scan.h"

/* Where the last row's column was counted from, so that a text of one huge
 * line is not counted from its start again for every quote. */
typedef struct {
  bool valid;
  uint32_t line;
  uint32_t byte;       /* offset of the last position */
  uint64_t characters; /* its column in characters, from 0 */
} column_counter;

/* Characters in [FROM, TO): each valid UTF-8 sequence and each maximal
 * invalid one (which shows as one U+FFFD) counts one. */
static uint64_t count_characters(const char *text, uint32_t from, uint32_t to) {
  const unsigned char *bytes = (const unsigned char *)text;
  uint64_t count = 0;
  for (uint32_t index = from; index < to; count++) {
    size_t invalid_length = 0;
    size_t valid_length = utf8_scan_sequence(bytes + index, to - index, &invalid_length);
    index += (uint32_t)(valid_length > 0 ? valid_length : invalid_length);
  }
  return count;
}

/* The 0-based column in characters of POINT (at byte OFFSET). */
static uint64_t column_of(column_counter *counter, const char *text, whosaid_point point,
                          uint32_t offset) {
  if (point.column > offset) point.column = offset; /* never count before the text */
  if (!counter->valid || counter->line != point.line || offset < counter->byte) {
    counter->characters = count_characters(text, offset - point.column, offset);
  } else {
    counter->characters += count_characters(text, counter->byte, offset);
  }
  *counter = (column_counter){true, point.line, offset, counter->characters};
  return counter->characters;
}

static bool starts_a_formula(const char *bytes, size_t length) {
  return length > 0 && bytes[0] != '\0' && strchr("=+-@\t\r", bytes[0]) != NULL;
}

static bool needs_quoting(const char *bytes, size_t length) {
  for (size_t index = 0; index < length; index++) {
    char c = bytes[index];
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

/* One field of LENGTH bytes (BYTES may be NULL for an empty one). */
static void write_field(ws_buffer *out, const char *bytes, size_t length) {
  if (bytes == NULL) return;
  bool quoted = needs_quoting(bytes, length);
  if (quoted) ws_buffer_append_byte(out, '"');
  if (starts_a_formula(bytes, length)) ws_buffer_append_byte(out, '\'');
  size_t start = 0;
  for (size_t index = 0; index < length; index++) {
    if (bytes[index] != '"') continue;
    export_append_clean(out, bytes + start, index + 1 - start);
    ws_buffer_append_byte(out, '"'); /* doubled */
    start = index + 1;
  }
  export_append_clean(out, bytes + start, length - start);
  if (quoted) ws_buffer_append_byte(out, '"');
}

static void write_cstring_field(ws_buffer *out, const char *string) {
  write_field(out, string, string != NULL ? strlen(string) : 0);
}

static void write_row(const export_context *context, const whosaid_quote *quote,
                      column_counter *counter) {
  ws_buffer *out = context->out;
  whosaid_speaker speaker;
  bool known = export_quote_speaker(context, quote, &speaker);
  write_cstring_field(out, known ? speaker.name : NULL);
  ws_buffer_append_byte(out, ',');
  write_cstring_field(out, known ? speaker.role : NULL);
  ws_buffer_append_byte(out, ',');
  size_t length;
  const char *bytes = export_span(context, &quote->range, &length);
  write_field(out, bytes, length);
  ws_buffer_append_byte(out, ',');
  uint32_t start = (uint32_t)(bytes - context->text);
  ws_buffer_append_uint(out, (uint64_t)quote->range.start.line + 1);
  ws_buffer_append_byte(out, ',');
  ws_buffer_append_uint(out, column_of(counter, context->text, quote->range.start, start) + 1);
  ws_buffer_append_cstring(out, export_quote_corrected(quote) ? ",yes," : ",no,");
  write_cstring_field(out, export_quote_note(context, quote));
  ws_buffer_append(out, "\r\n", 2);
}

void export_csv(const export_context *context) {
  ws_buffer_append_cstring(context->out, "speaker,role,quote,line,column,corrected,note\r\n");
  column_counter counter = {false, 0, 0, 0};
  size_t count = whosaid_doc_quote_count(context->doc);
  for (size_t index = 0; index < count; index++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(context->doc, index, &quote) == 0 &&
        (quote.flags & WHOSAID_QUOTE_DIRECT)) {
      write_row(context, &quote, &counter);
    }
  }
}
