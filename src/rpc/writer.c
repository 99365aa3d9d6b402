/*
 * writer.c: msgpack-RPC messages packed into one growable buffer.
 *
 * The functions begin a message and leave its arguments to the caller's
 * packer calls, so that no message is built twice. msgpack-c's sbuffer grows
 * with the C library's realloc; a failed growth is not reported (the packer
 * functions' statuses are lost behind this void interface) and leaves a
 * truncated message, which the peer then reports as malformed.
 */
#include <string.h>

#include "rpc/rpc.h"

void rpc_writer_init(rpc_writer *writer) {
  msgpack_sbuffer_init(&writer->buffer);
  msgpack_packer_init(&writer->packer, &writer->buffer, msgpack_sbuffer_write);
}

void rpc_writer_destroy(rpc_writer *writer) { msgpack_sbuffer_destroy(&writer->buffer); }

/* Keeps the allocation for the next messages. */
void rpc_writer_reset(rpc_writer *writer) { msgpack_sbuffer_clear(&writer->buffer); }

void rpc_pack_string(msgpack_packer *packer, const char *string, size_t length) {
  msgpack_pack_str(packer, length);
  /* An empty body would only hand the buffer a null pointer to copy from. */
  if (length > 0) msgpack_pack_str_body(packer, string, length);
}

void rpc_pack_cstring(msgpack_packer *packer, const char *string) {
  rpc_pack_string(packer, string, strlen(string));
}

void rpc_write_request(rpc_writer *writer, uint32_t id, const char *method, size_t params) {
  msgpack_packer *pk = &writer->packer;
  msgpack_pack_array(pk, 4);
  msgpack_pack_uint8(pk, RPC_REQUEST);
  msgpack_pack_uint32(pk, id);
  rpc_pack_cstring(pk, method);
  msgpack_pack_array(pk, params);
}

void rpc_write_notification(rpc_writer *writer, const char *method, size_t params) {
  msgpack_packer *pk = &writer->packer;
  msgpack_pack_array(pk, 3);
  msgpack_pack_uint8(pk, RPC_NOTIFICATION);
  rpc_pack_cstring(pk, method);
  msgpack_pack_array(pk, params);
}

void rpc_write_response(rpc_writer *writer, uint32_t id) {
  msgpack_packer *pk = &writer->packer;
  msgpack_pack_array(pk, 4);
  msgpack_pack_uint8(pk, RPC_RESPONSE);
  msgpack_pack_uint32(pk, id);
}

void rpc_write_error(rpc_writer *writer, uint32_t id, const char *message) {
  msgpack_packer *pk = &writer->packer;
  rpc_write_response(writer, id);
  /* Neovim's own errors are [type, message]; type 0 is its "Exception". */
  msgpack_pack_array(pk, 2);
  msgpack_pack_uint8(pk, 0);
  rpc_pack_cstring(pk, message);
  msgpack_pack_nil(pk);
}
