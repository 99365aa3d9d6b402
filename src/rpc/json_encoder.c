/*
 * json_encoder.c: the host's msgpack-RPC messages in the form Vim's JSON
 * channel reads (rpc_json.h). The host builds every message with the
 * msgpack packer, as for Neovim; in Vim mode each is turned into JSON here
 * as it is sent, so that nothing else in the host knows the difference.
 *
 * Strings are written as bytes: quotes, backslashes and control characters
 * are escaped, everything else, valid UTF-8 or not, goes as it is. Vim's
 * json_decode keeps such bytes (checked with Vim 9.0: "x\xff\xfey" comes
 * out as those four bytes), so Vim gets what the msgpack host gives Neovim;
 * core/json_writer.c would turn them into U+FFFD, which moves byte columns.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "rpc/rpc_json.h"

/* The host's results nest a few levels; more means a bug, not a peer. */
#define DEEPEST_OUTPUT 64

static const char hex_digits[] = "0123456789abcdef";

static void put(ws_buffer *out, const char *text) { ws_buffer_append_cstring(out, text); }

static void put_string(ws_buffer *out, const char *bytes, size_t length) {
  const unsigned char *p = (const unsigned char *)bytes;
  ws_buffer_append_byte(out, '"');
  if (length == 0) { /* msgpack-c gives an empty string no bytes: BYTES may be NULL */
    ws_buffer_append_byte(out, '"');
    return;
  }
  size_t run = 0;
  for (size_t i = 0; i < length; i++) {
    unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    ws_buffer_append(out, bytes + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': put(out, "\\\""); break;
      case '\\': put(out, "\\\\"); break;
      case '\n': put(out, "\\n"); break;
      case '\t': put(out, "\\t"); break;
      case '\r': put(out, "\\r"); break;
      default: {
        char escape[7] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf], '\0'};
        put(out, escape);
      }
    }
  }
  ws_buffer_append(out, bytes + run, length - run);
  ws_buffer_append_byte(out, '"');
}

static void put_int(ws_buffer *out, int64_t value) {
  if (value < 0) {
    ws_buffer_append_byte(out, '-');
    ws_buffer_append_uint(out, (uint64_t)0 - (uint64_t)value);
  } else {
    ws_buffer_append_uint(out, (uint64_t)value);
  }
}

/* Vim writes and reads NaN and Infinity; a float keeps a '.' or an
 * exponent, or Vim would read it as a Number. */
static void put_float(ws_buffer *out, double value) {
  if (isnan(value)) {
    put(out, "NaN");
  } else if (isinf(value)) {
    put(out, value < 0 ? "-Infinity" : "Infinity");
  } else {
    char text[40];
    snprintf(text, sizeof(text), "%.17g", value);
    if (strpbrk(text, ".e") == NULL) strcat(text, ".0");
    put(out, text);
  }
}

static int put_value(ws_buffer *out, const msgpack_object *o, int depth, whosaid_error *err);

/* A map's key: a string, or an integer written as one (Vim's dictionary
 * keys are strings). */
static int put_key(ws_buffer *out, const msgpack_object *key, whosaid_error *err) {
  int64_t number;
  if (key->type == MSGPACK_OBJECT_STR) {
    put_string(out, key->via.str.ptr, key->via.str.size);
  } else if (rpc_as_int(key, &number)) {
    char text[24];
    snprintf(text, sizeof(text), "%" PRId64, number);
    put_string(out, text, strlen(text));
  } else {
    return ws_fail(err, WHOSAID_EINVAL, "a map key that is neither a string nor an integer");
  }
  return 0;
}

static int put_container(ws_buffer *out, const msgpack_object *o, int depth,
                         whosaid_error *err) {
  bool map = o->type == MSGPACK_OBJECT_MAP;
  uint32_t size = map ? o->via.map.size : o->via.array.size;
  ws_buffer_append_byte(out, map ? '{' : '[');
  for (uint32_t i = 0; i < size; i++) {
    if (i > 0) ws_buffer_append_byte(out, ',');
    int status = 0;
    if (map) {
      status = put_key(out, &o->via.map.ptr[i].key, err);
      ws_buffer_append_byte(out, ':');
      if (status == 0) status = put_value(out, &o->via.map.ptr[i].val, depth + 1, err);
    } else {
      status = put_value(out, &o->via.array.ptr[i], depth + 1, err);
    }
    if (status != 0) return status;
  }
  ws_buffer_append_byte(out, map ? '}' : ']');
  return 0;
}

static int put_value(ws_buffer *out, const msgpack_object *o, int depth, whosaid_error *err) {
  if (depth > DEEPEST_OUTPUT) {
    return ws_fail(err, WHOSAID_EINVAL, "a message nested deeper than %d", DEEPEST_OUTPUT);
  }
  int64_t number;
  switch (o->type) {
    case MSGPACK_OBJECT_NIL: put(out, "null"); return 0;
    case MSGPACK_OBJECT_BOOLEAN: put(out, o->via.boolean ? "true" : "false"); return 0;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: ws_buffer_append_uint(out, o->via.u64); return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: put_int(out, o->via.i64); return 0;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: put_float(out, o->via.f64); return 0;
    case MSGPACK_OBJECT_STR: put_string(out, o->via.str.ptr, o->via.str.size); return 0;
    case MSGPACK_OBJECT_BIN: put_string(out, o->via.bin.ptr, o->via.bin.size); return 0;
    case MSGPACK_OBJECT_ARRAY:
    case MSGPACK_OBJECT_MAP: return put_container(out, o, depth, err);
    case MSGPACK_OBJECT_EXT: /* a Neovim handle is its number */
      if (!rpc_as_int(o, &number)) break;
      put_int(out, number);
      return 0;
  }
  return ws_fail(err, WHOSAID_EINVAL, "a msgpack value JSON cannot hold");
}

/* ["call", FUNCTION, [method, params]] and, when an answer is wanted, the
 * call's id negated after them: Vim answers [-id, result]. */
static int put_call(ws_buffer *out, const msgpack_object *method, const msgpack_object *params,
                    const char *function, int64_t id, whosaid_error *err) {
  put(out, "[\"call\",");
  put_string(out, function, strlen(function));
  put(out, ",[");
  int status = put_value(out, method, 1, err);
  ws_buffer_append_byte(out, ',');
  if (status == 0) status = put_value(out, params, 1, err);
  ws_buffer_append_byte(out, ']');
  if (id != 0) {
    ws_buffer_append_byte(out, ',');
    put_int(out, -id);
  }
  ws_buffer_append_byte(out, ']');
  return status;
}

/* A response's error, as the host writes it ([type, message]) or as any
 * string: its message. */
static const msgpack_object *error_message(const msgpack_object *error) {
  if (error->type == MSGPACK_OBJECT_ARRAY && error->via.array.size == 2 &&
      error->via.array.ptr[1].type == MSGPACK_OBJECT_STR) {
    return &error->via.array.ptr[1];
  }
  return error;
}

/* [id, [null, result]] or [id, [message, null]] */
static int put_response(ws_buffer *out, uint64_t id, const msgpack_object *error,
                        const msgpack_object *result, whosaid_error *err) {
  ws_buffer_append_byte(out, '[');
  ws_buffer_append_uint(out, id);
  put(out, ",[");
  int status;
  if (error->type == MSGPACK_OBJECT_NIL) {
    put(out, "null,");
    status = put_value(out, result, 2, err);
  } else {
    status = put_value(out, error_message(error), 2, err);
    put(out, ",null");
  }
  put(out, "]]");
  return status;
}

static int put_message(ws_buffer *out, const msgpack_object *o, const char *function,
                       whosaid_error *err) {
  const msgpack_object *a = o->via.array.ptr;
  uint32_t size = o->type == MSGPACK_OBJECT_ARRAY ? o->via.array.size : 0;
  bool typed = size > 0 && a[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER;
  bool id = size == 4 && a[1].type == MSGPACK_OBJECT_POSITIVE_INTEGER && a[1].via.u64 > 0 &&
            a[1].via.u64 <= UINT32_MAX;
  if (typed && a[0].via.u64 == RPC_REQUEST && id) {
    return put_call(out, &a[2], &a[3], function, (int64_t)a[1].via.u64, err);
  }
  if (typed && a[0].via.u64 == RPC_NOTIFICATION && size == 3) {
    return put_call(out, &a[1], &a[2], function, 0, err);
  }
  if (typed && a[0].via.u64 == RPC_RESPONSE && id) {
    return put_response(out, a[1].via.u64, &a[2], &a[3], err);
  }
  return ws_fail(err, WHOSAID_EINVAL, "not a msgpack-RPC message");
}

int rpc_json_encode(const char *msgpack, size_t length, const char *function, ws_buffer *out,
                    whosaid_error *err) {
  msgpack_unpacked message;
  msgpack_unpacked_init(&message);
  size_t offset = 0;
  int status = 0;
  while (status == 0 && offset < length) {
    msgpack_unpack_return r = msgpack_unpack_next(&message, msgpack, length, &offset);
    if (r == MSGPACK_UNPACK_NOMEM_ERROR) {
      status = ws_fail(err, WHOSAID_ENOMEM, "out of memory encoding a message");
    } else if (r != MSGPACK_UNPACK_SUCCESS && r != MSGPACK_UNPACK_EXTRA_BYTES) {
      status = ws_fail(err, WHOSAID_EINVAL, "not msgpack (unpack status %d)", (int)r);
    } else {
      status = put_message(out, &message.data, function, err);
      ws_buffer_append_byte(out, '\n');
    }
  }
  msgpack_unpacked_destroy(&message);
  if (status == 0 && out->failed) {
    status = ws_fail(err, WHOSAID_ENOMEM, "out of memory encoding a message");
  }
  return status;
}
