/*
 * rpc.h: msgpack-RPC as Neovim speaks it, on byte strings (no I/O here, so
 * that every case is a unit test; src/host does the I/O).
 *
 *   [0, id, method, params]   a request: the peer answers with a response
 *   [1, id, error, result]    a response: error nil, or result nil
 *   [2, method, params]       a notification: no answer
 *
 *   rpc_decoder   bytes in, whole messages out, however the bytes are cut
 *   rpc_writer    messages out, packed into one growable buffer
 *
 * msgpack-c does the packing and unpacking; this layer checks the message
 * shapes and the limits that keep a hostile peer from exhausting memory.
 */
#ifndef WHOSAID_RPC_H
#define WHOSAID_RPC_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whosaid.h"

/* Messages ******************************************************************/

typedef enum { RPC_REQUEST = 0, RPC_RESPONSE = 1, RPC_NOTIFICATION = 2 } rpc_kind;

/* One decoded message. Its objects point into the decoder's memory and stay
 * valid until the next call of rpc_decoder_next or rpc_decoder_feed. */
typedef struct {
  rpc_kind kind;
  uint32_t id;           /* requests and responses */
  const char *method;    /* requests and notifications; not NUL-terminated */
  size_t method_length;
  msgpack_object params; /* requests and notifications: always an array */
  msgpack_object error;  /* responses: nil when it succeeded */
  msgpack_object result; /* responses */
} rpc_message;

/* Decoding ******************************************************************/

/* Limits a peer cannot exceed; 0 means the default. */
typedef struct {
  size_t max_message_bytes; /* one message, default 64 MiB */
  size_t max_depth;         /* nesting of arrays and maps, default 64 */
} rpc_limits;

typedef struct rpc_decoder rpc_decoder;

int rpc_decoder_new(const rpc_limits *limits, rpc_decoder **out); /* 0 or WHOSAID_ENOMEM */
void rpc_decoder_free(rpc_decoder *decoder);

/* Append LENGTH bytes to what the decoder holds. WHOSAID_ENOMEM, or
 * WHOSAID_ETOOBIG when the pending message would exceed max_message_bytes
 * (the stream cannot be resynchronised: close the connection). */
int rpc_decoder_feed(rpc_decoder *decoder, const char *data, size_t length);

/*
 * The next whole message into *OUT:
 *   1   a message (valid until the next call)
 *   0   more bytes are needed
 *   WHOSAID_EINVAL   a well-formed msgpack object that is not a valid
 *       message (not an array, wrong length, wrong types, nesting deeper
 *       than max_depth). ERR says why; when the object carried a request
 *       id, *ID_OUT holds it (else UINT32_MAX) so that the caller can send
 *       an error response. Decoding continues with the next object.
 *   WHOSAID_EFORMAT  bytes that are not msgpack at all: the stream is lost.
 *   WHOSAID_ETOOBIG / WHOSAID_ENOMEM  as for rpc_decoder_feed.
 */
int rpc_decoder_next(rpc_decoder *decoder, rpc_message *out, uint32_t *id_out,
                     whosaid_error *err);

/* Bytes held but not yet decoded (for tests and the memory bound). */
size_t rpc_decoder_pending(const rpc_decoder *decoder);

/* Encoding ******************************************************************/

/* Messages are packed one after another into BUFFER; the caller sends
 * buffer.data / buffer.size and then calls rpc_writer_reset. */
typedef struct {
  msgpack_sbuffer buffer;
  msgpack_packer packer;
} rpc_writer;

void rpc_writer_init(rpc_writer *writer);
void rpc_writer_destroy(rpc_writer *writer);
void rpc_writer_reset(rpc_writer *writer);

/* Begin a message; the caller then packs exactly PARAMS objects with the
 * packer (requests, notifications), or the error and the result objects
 * (responses: two objects). */
void rpc_write_request(rpc_writer *writer, uint32_t id, const char *method, size_t params);
void rpc_write_notification(rpc_writer *writer, const char *method, size_t params);
void rpc_write_response(rpc_writer *writer, uint32_t id);

/* A whole error response: [1, id, [0, MESSAGE], nil], the error shape Neovim
 * reports as "Error invoking '<method>' on channel N: MESSAGE". */
void rpc_write_error(rpc_writer *writer, uint32_t id, const char *message);

/* Pack a string of LENGTH bytes, or a NUL-terminated one. */
void rpc_pack_string(msgpack_packer *packer, const char *string, size_t length);
void rpc_pack_cstring(msgpack_packer *packer, const char *string);

/* Reading arguments ************************************************************/

/* Whether OBJECT is an integer that fits in int64_t / is a string; the
 * value goes to *OUT. */
bool rpc_as_int(const msgpack_object *object, int64_t *out);
bool rpc_as_string(const msgpack_object *object, const char **data, size_t *length);

/* Whether the string OBJECT equals TEXT. */
bool rpc_string_is(const msgpack_object *object, const char *text);

#endif
