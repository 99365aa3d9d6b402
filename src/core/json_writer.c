/*
 * json_writer.c: the streaming JSON writer (see json_writer.h).
 *
 * Strings are copied in runs of bytes that need no escape, so that writing
 * is never the slow part of an analysis.
 */
#include "core/json_writer.h"

#include <string.h>

#include "core/utf8_scan.h"

/* Spaces for indentation: two per level, JSON_WRITER_MAX_DEPTH levels. */
static const char indent_spaces[2 * JSON_WRITER_MAX_DEPTH + 1] =
    "                                                                ";

static const char hex_digits[] = "0123456789abcdef";

void json_writer_init(json_writer *writer, ws_buffer *out, bool pretty) {
  writer->out = out;
  writer->pretty = pretty;
  writer->depth = 0;
  writer->after_key = false;
}

static void put(json_writer *writer, const char *data, size_t length) {
  ws_buffer_append(writer->out, data, length);
}

static void put_byte(json_writer *writer, char byte) {
  ws_buffer_append_byte(writer->out, byte);
}

static void put_newline_and_indent(json_writer *writer, int depth) {
  put_byte(writer, '\n');
  put(writer, indent_spaces, (size_t)(2 * depth));
}

/* What comes before any value or key: the comma after the previous member
 * and, when pretty, the line break and indentation. Nothing after a key. */
static void begin_item(json_writer *writer) {
  if (writer->after_key) {
    writer->after_key = false;
    return;
  }
  if (writer->depth == 0) return;
  bool *has_members = &writer->has_members[writer->depth - 1];
  if (*has_members) put_byte(writer, ',');
  *has_members = true;
  if (writer->pretty) put_newline_and_indent(writer, writer->depth);
}

static void open_container(json_writer *writer, char bracket) {
  begin_item(writer);
  put_byte(writer, bracket);
  if (writer->depth < JSON_WRITER_MAX_DEPTH) {
    writer->has_members[writer->depth] = false;
    writer->depth++;
  }
}

/* Empty containers stay on one line ("[]"), as Python's json module does. */
static void close_container(json_writer *writer, char bracket) {
  if (writer->depth > 0) {
    writer->depth--;
    if (writer->pretty && writer->has_members[writer->depth]) {
      put_newline_and_indent(writer, writer->depth);
    }
  }
  put_byte(writer, bracket);
}

void json_writer_begin_object(json_writer *writer) {
  open_container(writer, '{');
}

void json_writer_end_object(json_writer *writer) {
  close_container(writer, '}');
}

void json_writer_begin_array(json_writer *writer) {
  open_container(writer, '[');
}

void json_writer_end_array(json_writer *writer) {
  close_container(writer, ']');
}

void json_writer_key(json_writer *writer, const char *key) {
  json_writer_string(writer, key, strlen(key));
  put_byte(writer, ':');
  if (writer->pretty) put_byte(writer, ' ');
  writer->after_key = true;
}

static void put_control_escape(json_writer *writer, unsigned char byte) {
  switch (byte) {
    case '"':
      put(writer, "\\\"", 2);
      return;
    case '\\':
      put(writer, "\\\\", 2);
      return;
    case '\n':
      put(writer, "\\n", 2);
      return;
    case '\t':
      put(writer, "\\t", 2);
      return;
    case '\r':
      put(writer, "\\r", 2);
      return;
    default: {
      char escape[6] = {'\\', 'u', '0', '0', hex_digits[byte >> 4], hex_digits[byte & 0xF]};
      put(writer, escape, sizeof(escape));
    }
  }
}

/* Handle the non-ASCII sequence at BYTES; returns how many bytes it took.
 * U+2028 and U+2029 are escaped because JavaScript strings cannot hold them. */
static size_t put_non_ascii(json_writer *writer, const unsigned char *bytes, size_t length) {
  size_t invalid_length = 0;
  size_t valid_length = utf8_scan_sequence(bytes, length, &invalid_length);
  if (valid_length == 0) {
    put(writer, "\\ufffd", 6);
    return invalid_length;
  }
  if (valid_length == 3 && bytes[0] == 0xE2 && bytes[1] == 0x80 &&
      (bytes[2] == 0xA8 || bytes[2] == 0xA9)) {
    put(writer, bytes[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
  } else {
    put(writer, (const char *)bytes, valid_length);
  }
  return valid_length;
}

static bool needs_no_escape(unsigned char byte) {
  return byte >= 0x20 && byte < 0x7F && byte != '"' && byte != '\\';
}

void json_writer_string(json_writer *writer, const char *bytes, size_t length) {
  const unsigned char *text = (const unsigned char *)bytes;
  begin_item(writer);
  put_byte(writer, '"');
  size_t index = 0;
  while (index < length) {
    size_t run_start = index;
    while (index < length && needs_no_escape(text[index])) index++;
    put(writer, bytes + run_start, index - run_start);
    if (index == length) break;
    if (text[index] >= 0x80) {
      index += put_non_ascii(writer, text + index, length - index);
    } else {
      put_control_escape(writer, text[index]);
      index++;
    }
  }
  put_byte(writer, '"');
}

void json_writer_cstring(json_writer *writer, const char *string) {
  if (string == NULL) {
    json_writer_null(writer);
  } else {
    json_writer_string(writer, string, strlen(string));
  }
}

void json_writer_uint(json_writer *writer, uint64_t value) {
  begin_item(writer);
  ws_buffer_append_uint(writer->out, value);
}

void json_writer_int(json_writer *writer, int64_t value) {
  if (value >= 0) {
    json_writer_uint(writer, (uint64_t)value);
    return;
  }
  begin_item(writer);
  put_byte(writer, '-');
  /* The magnitude as unsigned, which also holds INT64_MIN's. */
  ws_buffer_append_uint(writer->out, (uint64_t)0 - (uint64_t)value);
}

void json_writer_bool(json_writer *writer, bool value) {
  begin_item(writer);
  if (value) {
    put(writer, "true", 4);
  } else {
    put(writer, "false", 5);
  }
}

void json_writer_null(json_writer *writer) {
  begin_item(writer);
  put(writer, "null", 4);
}

void json_writer_end_line(json_writer *writer) {
  put_byte(writer, '\n');
}
