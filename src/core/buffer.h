/*
 * buffer.h: growable bytes for text the library writes out (the exports).
 *
 *   ws_buffer buffer = WS_BUFFER_INIT;
 *   ws_buffer_append(&buffer, "line ", 5);
 *   ws_buffer_append_uint(&buffer, 7);
 *   return ws_buffer_finish(&buffer, &out, &out_length);
 *
 * Appends never fail loudly: the first allocation that fails marks the
 * buffer as failed and later appends do nothing, so that a writer makes all
 * its appends and checks once, when it finishes.
 */
#ifndef WHOSAID_CORE_BUFFER_H
#define WHOSAID_CORE_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  char *data;
  size_t length;
  size_t capacity;
  bool failed; /* an allocation failed: what was appended since is lost */
} ws_buffer;

#define WS_BUFFER_INIT \
  { NULL, 0, 0, false }

void ws_buffer_append(ws_buffer *buffer, const void *data, size_t length);
void ws_buffer_append_byte(ws_buffer *buffer, char byte);
void ws_buffer_append_cstring(ws_buffer *buffer, const char *string);
/* VALUE in decimal. */
void ws_buffer_append_uint(ws_buffer *buffer, uint64_t value);

/* Hand the bytes over: *OUT gets them and a NUL (free with ws_free), and
 * *LENGTH their number. After a failure the buffer is freed instead and the
 * result is WHOSAID_ENOMEM. Either way BUFFER is left empty. */
int ws_buffer_finish(ws_buffer *buffer, char **out, size_t *length);

/* Free the bytes; the buffer is empty and usable again. */
void ws_buffer_destroy(ws_buffer *buffer);

#endif
