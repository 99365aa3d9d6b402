/*
 * json_writer.h: a small streaming JSON writer for the whosaid program.
 *
 * It writes values as they come, with no document tree in memory, into its
 * own buffer that goes to a FILE in large blocks. Strings are raw bytes: the
 * writer escapes quotes, backslashes and control characters, and replaces
 * every byte that is not part of valid UTF-8 with \ufffd (one per maximal
 * invalid subsequence, as Python's errors='replace' does), so that the output
 * is always valid UTF-8 JSON whatever the input bytes were.
 *
 *   json_writer writer;
 *   json_writer_init(&writer, stdout, false);
 *   json_writer_begin_object(&writer);
 *   json_writer_key(&writer, "doc");
 *   json_writer_string(&writer, name, strlen(name));
 *   json_writer_end_object(&writer);
 *   json_writer_end_line(&writer);
 *   if (json_writer_flush(&writer) != 0) ... (errno tells why)
 *
 * Misuse (a key outside an object, nesting deeper than JSON_WRITER_MAX_DEPTH)
 * is a programming error; the writer does not check for it beyond the depth.
 */
#ifndef WHOSAID_CLI_JSON_WRITER_H
#define WHOSAID_CLI_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_WRITER_MAX_DEPTH 32
#define JSON_WRITER_BUFFER_SIZE (64 * 1024)

typedef struct {
  FILE *stream;
  bool pretty; /* indent by two spaces, one member per line */
  bool failed; /* a write to STREAM failed; errno was saved in error_number */
  int error_number;
  int depth;                               /* number of open containers */
  bool after_key;                          /* a key was written and its value is next */
  bool has_members[JSON_WRITER_MAX_DEPTH]; /* per open container: not empty yet */
  size_t used;                             /* bytes waiting in BUFFER */
  char buffer[JSON_WRITER_BUFFER_SIZE];
} json_writer;

/* Prepare WRITER to write to STREAM, compact (one line) or PRETTY. */
void json_writer_init(json_writer *writer, FILE *stream, bool pretty);

void json_writer_begin_object(json_writer *writer);
void json_writer_end_object(json_writer *writer);
void json_writer_begin_array(json_writer *writer);
void json_writer_end_array(json_writer *writer);

/* A member name inside an object; KEY is a NUL-terminated ASCII name. */
void json_writer_key(json_writer *writer, const char *key);

/* A string of LENGTH arbitrary bytes (NUL bytes included), escaped. */
void json_writer_string(json_writer *writer, const char *bytes, size_t length);
void json_writer_cstring(json_writer *writer, const char *string);
void json_writer_uint(json_writer *writer, uint64_t value);
void json_writer_int(json_writer *writer, int64_t value);
void json_writer_bool(json_writer *writer, bool value);
void json_writer_null(json_writer *writer);

/* End a top-level value with a newline (JSON Lines). */
void json_writer_end_line(json_writer *writer);

/* Write out the buffer and flush STREAM. Returns 0, or -1 if any write since
 * json_writer_init failed (errno is set to the first failure's cause). */
int json_writer_flush(json_writer *writer);

#endif
