/*
 * buffer.c: growable bytes (see buffer.h), grown by vec_reserve's policy.
 */
#include "core/buffer.h"

#include <string.h>

#include "core/alloc.h"
#include "core/vec.h"
#include "whosaid.h"

/* Room for LENGTH more bytes and a NUL; false once the buffer has failed. */
static bool reserve(ws_buffer *buffer, size_t length) {
  if (buffer->failed) return false;
  if (length < SIZE_MAX &&
      vec_reserve((void **)&buffer->data, &buffer->capacity, buffer->length, length + 1, 1) == 0) {
    return true;
  }
  buffer->failed = true;
  return false;
}

void ws_buffer_append(ws_buffer *buffer, const void *data, size_t length) {
  if (length == 0 || !reserve(buffer, length)) return;
  memcpy(buffer->data + buffer->length, data, length);
  buffer->length += length;
}

void ws_buffer_append_byte(ws_buffer *buffer, char byte) {
  if (reserve(buffer, 1)) buffer->data[buffer->length++] = byte;
}

void ws_buffer_append_cstring(ws_buffer *buffer, const char *string) {
  ws_buffer_append(buffer, string, strlen(string));
}

void ws_buffer_append_uint(ws_buffer *buffer, uint64_t value) {
  char digits[20];
  char *cursor = digits + sizeof(digits);
  do {
    *--cursor = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  ws_buffer_append(buffer, cursor, (size_t)(digits + sizeof(digits) - cursor));
}

int ws_buffer_finish(ws_buffer *buffer, char **out, size_t *length) {
  *out = NULL;
  *length = 0;
  if (!reserve(buffer, 0)) {
    ws_buffer_destroy(buffer);
    return WHOSAID_ENOMEM;
  }
  buffer->data[buffer->length] = '\0';
  *out = buffer->data;
  *length = buffer->length;
  *buffer = (ws_buffer)WS_BUFFER_INIT;
  return 0;
}

void ws_buffer_destroy(ws_buffer *buffer) {
  ws_free(buffer->data);
  *buffer = (ws_buffer)WS_BUFFER_INIT;
}
