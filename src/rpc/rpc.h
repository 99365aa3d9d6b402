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
  size_t max_message_bytes; /* one message, default 64 MiB: its bytes plus 24
                               (sizeof(msgpack_object)) for each object in it,
                               what it takes once decoded */
  size_t max_depth;         /* nesting of arrays and maps, default 64 */
} rpc_limits;

typedef struct rpc_decoder rpc_decoder;

int rpc_decoder_new(const rpc_limits *limits, rpc_decoder **out); /* 0 or WHOSAID_ENOMEM */
void rpc_decoder_free(rpc_decoder *decoder);

/* By default a message over max_message_bytes loses the stream. With SKIP,
 * the decoder skips it instead, without keeping its bytes (a message
 * declares the size of everything in it, so its end can be found), reports
 * it once (rpc_decoder_next: WHOSAID_ETOOBIG, then rpc_decoder_oversized)
 * and decodes what follows it. */
void rpc_decoder_skip_oversized(rpc_decoder *decoder, bool skip);

/* What was known of a skipped message when it was found too large: its
 * first elements, read before the one that made it too large. */
typedef struct {
  int kind;              /* an rpc_kind, or -1 when unknown */
  bool has_id;           /* requests and responses */
  uint32_t id;
  const char *method;    /* requests and notifications, up to 64 bytes; NULL if unknown */
  size_t method_length;
  bool has_handle;       /* its first parameter, an integer or a Neovim handle */
  int64_t handle;
  uint64_t least_bytes;  /* the least it declared, counted as the limit counts */
} rpc_oversized;

/* The message rpc_decoder_next just reported with WHOSAID_ETOOBIG in skip
 * mode, valid until the next call of rpc_decoder_next or rpc_decoder_feed;
 * NULL when it reported none (a lost stream is WHOSAID_ETOOBIG too). */
const rpc_oversized *rpc_decoder_oversized(const rpc_decoder *decoder);

/* Append LENGTH bytes to what the decoder holds. WHOSAID_ENOMEM, or (unless
 * skipping) WHOSAID_ETOOBIG when the pending message would exceed
 * max_message_bytes (the stream cannot be resynchronised: close the
 * connection). */
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
 *   WHOSAID_ETOOBIG in skip mode: a message over the limit, skipped, in its
 *       place among the others; *ID_OUT holds a request's id, and
 *       rpc_decoder_oversized says what else is known. Decoding continues.
 */
int rpc_decoder_next(rpc_decoder *decoder, rpc_message *out, uint32_t *id_out,
                     whosaid_error *err);

/* Bytes held but not yet decoded (for tests and the memory bound): at most
 * max_message_bytes, plus up to 8 bytes of a header cut between feeds. */
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
