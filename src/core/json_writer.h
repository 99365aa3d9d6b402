/*
 * json_writer.h: a small streaming JSON writer, for the library's exports.
 *
 * It writes values as they come, with no document tree in memory, onto the
 * end of a ws_buffer. Strings are raw bytes: the writer escapes quotes,
 * backslashes and control characters, and replaces every byte that is not
 * part of valid UTF-8 with \ufffd (one per maximal invalid subsequence, as
 * Python's errors='replace' does), so that the output is always valid UTF-8
 * JSON whatever the input bytes were.
 *
 *   ws_buffer out = WS_BUFFER_INIT;
 *   json_writer writer;
 *   json_writer_init(&writer, &out, false);
 *   json_writer_begin_object(&writer);
 *   json_writer_key(&writer, "doc");
 *   json_writer_string(&writer, name, strlen(name));
 *   json_writer_end_object(&writer);
 *   json_writer_end_line(&writer);
 *   status = ws_buffer_finish(&out, &json, &length);  (WHOSAID_ENOMEM ...)
 *
 * Misuse (a key outside an object, nesting deeper than JSON_WRITER_MAX_DEPTH)
 * is a programming error; the writer does not check for it beyond the depth.
 */
#ifndef WHOSAID_CORE_JSON_WRITER_H
#define WHOSAID_CORE_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buffer.h"

#define JSON_WRITER_MAX_DEPTH 32

typedef struct {
  ws_buffer *out;
  bool pretty;                             /* indent by two spaces, one member per line */
  int depth;                               /* number of open containers */
  bool after_key;                          /* a key was written and its value is next */
  bool has_members[JSON_WRITER_MAX_DEPTH]; /* per open container: not empty yet */
} json_writer;

/* Prepare WRITER to append to OUT, compact (one line) or PRETTY. */
void json_writer_init(json_writer *writer, ws_buffer *out, bool pretty);

void json_writer_begin_object(json_writer *writer);
void json_writer_end_object(json_writer *writer);
void json_writer_begin_array(json_writer *writer);
void json_writer_end_array(json_writer *writer);

/* A member name inside an object; KEY is a NUL-terminated ASCII name. */
void json_writer_key(json_writer *writer, const char *key);

/* A string of LENGTH arbitrary bytes (NUL bytes included), escaped. */
void json_writer_string(json_writer *writer, const char *bytes, size_t length);
/* A NUL-terminated string, or null for NULL. */
void json_writer_cstring(json_writer *writer, const char *string);
void json_writer_uint(json_writer *writer, uint64_t value);
void json_writer_int(json_writer *writer, int64_t value);
void json_writer_bool(json_writer *writer, bool value);
void json_writer_null(json_writer *writer);

/* End a top-level value with a newline (JSON Lines). */
void json_writer_end_line(json_writer *writer);

#endif
