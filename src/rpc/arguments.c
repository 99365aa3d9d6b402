/*
 * arguments.c: reading the values of a message's parameters and results.
 */
#include <string.h>

#include "rpc/rpc.h"

/* Neovim sends its Buffer, Window and Tabpage handles as extension types
 * (their numbers come from nvim_get_api_info: 0, 1 and 2) whose data is the
 * handle, itself msgpack-encoded as an integer. A handle is an integer to
 * every caller, so rpc_as_int reads them too. Negative extension types are
 * msgpack's own (-1 is a timestamp, whose data is raw bytes), not handles. */
static bool handle_as_int(const msgpack_object *object, int64_t *out) {
  const msgpack_object_ext *ext = &object->via.ext;
  if (ext->type < 0 || ext->size == 0) return false;
  /* Only an integer: anything else could make msgpack_unpack allocate, and
   * this passes it no zone. */
  unsigned char first = (unsigned char)ext->ptr[0];
  bool integer = first <= 0x7f || first >= 0xe0 || (first >= 0xcc && first <= 0xd3);
  if (!integer) return false;
  msgpack_object value;
  size_t offset = 0;
  msgpack_unpack_return r = msgpack_unpack(ext->ptr, ext->size, &offset, NULL, &value);
  if (r != MSGPACK_UNPACK_SUCCESS || value.type == MSGPACK_OBJECT_EXT) return false;
  return rpc_as_int(&value, out);
}

bool rpc_as_int(const msgpack_object *object, int64_t *out) {
  switch (object->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
      if (object->via.u64 > INT64_MAX) return false;
      *out = (int64_t)object->via.u64;
      return true;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
      *out = object->via.i64;
      return true;
    case MSGPACK_OBJECT_EXT:
      return handle_as_int(object, out);
    default:
      return false;
  }
}

bool rpc_as_string(const msgpack_object *object, const char **data, size_t *length) {
  if (object->type != MSGPACK_OBJECT_STR) return false;
  *data = object->via.str.ptr;
  *length = object->via.str.size;
  return true;
}

bool rpc_string_is(const msgpack_object *object, const char *text) {
  const char *data;
  size_t length;
  if (!rpc_as_string(object, &data, &length)) return false;
  return length == strlen(text) && (length == 0 || memcmp(data, text, length) == 0);
}
