/*
 * json_writer.c: the streaming JSON writer (see json_writer.h).
 *
 * Output goes through one 64 KiB buffer and reaches the stream with fwrite
 * in large blocks; strings are copied in runs of bytes that need no escape,
 * so that writing is never the slow part of an analysis.
 */
#include "cli/json_writer.h"

#include <errno.h>
#include <string.h>

#include "cli/utf8_scan.h"

/* Spaces for indentation: two per level, JSON_WRITER_MAX_DEPTH levels. */
static const char indent_spaces[2 * JSON_WRITER_MAX_DEPTH + 1] =
    "                                                                ";

static const char hex_digits[] = "0123456789abcdef";

void json_writer_init(json_writer *writer, FILE *stream, bool pretty) {
  writer->stream = stream;
  writer->pretty = pretty;
  writer->failed = false;
  writer->error_number = 0;
  writer->depth = 0;
  writer->after_key = false;
  writer->used = 0;
}

/* Hand the buffered bytes to the stream. After a failure nothing more is
 * written, so that one full disk gives one error, not thousands. */
static void drain(json_writer *writer) {
  if (writer->used > 0 && !writer->failed) {
    errno = 0;
    if (fwrite(writer->buffer, 1, writer->used, writer->stream) != writer->used) {
      writer->failed = true;
      writer->error_number = errno != 0 ? errno : EIO;
    }
  }
  writer->used = 0;
}

static void put(json_writer *writer, const char *data, size_t length) {
  if (length > JSON_WRITER_BUFFER_SIZE - writer->used) {
    drain(writer);
    if (length > JSON_WRITER_BUFFER_SIZE) {
      /* Larger than the whole buffer: write it straight through. */
      errno = 0;
      if (!writer->failed && fwrite(data, 1, length, writer->stream) != length) {
        writer->failed = true;
        writer->error_number = errno != 0 ? errno : EIO;
      }
      return;
    }
  }
  memcpy(writer->buffer + writer->used, data, length);
  writer->used += length;
}

static void put_byte(json_writer *writer, char byte) {
  if (writer->used == JSON_WRITER_BUFFER_SIZE) drain(writer);
  writer->buffer[writer->used++] = byte;
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
  json_writer_string(writer, string, strlen(string));
}

/* Digits of VALUE at the end of DIGITS (20 bytes); returns where they start. */
static char *format_decimal(uint64_t value, char digits[20]) {
  char *cursor = digits + 20;
  do {
    *--cursor = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return cursor;
}

void json_writer_uint(json_writer *writer, uint64_t value) {
  char digits[20];
  char *start = format_decimal(value, digits);
  begin_item(writer);
  put(writer, start, (size_t)(digits + 20 - start));
}

void json_writer_int(json_writer *writer, int64_t value) {
  if (value >= 0) {
    json_writer_uint(writer, (uint64_t)value);
    return;
  }
  char digits[20];
  /* The magnitude as unsigned, which also holds INT64_MIN's. */
  char *start = format_decimal((uint64_t)0 - (uint64_t)value, digits);
  begin_item(writer);
  put_byte(writer, '-');
  put(writer, start, (size_t)(digits + 20 - start));
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

int json_writer_flush(json_writer *writer) {
  drain(writer);
  if (!writer->failed && fflush(writer->stream) != 0) {
    writer->failed = true;
    writer->error_number = errno != 0 ? errno : EIO;
  }
  if (writer->failed) {
    errno = writer->error_number;
    return -1;
  }
  return 0;
}
