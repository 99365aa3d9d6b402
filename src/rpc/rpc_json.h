/*
 * rpc_json.h: the host's messages as Vim's JSON channels speak them
 * (`whosaid host --vim`; the protocol is in doc/host.md, "Vim"). The same
 * rpc_message comes out of the decoder as out of the msgpack one, so that
 * one dispatcher serves both editors; the encoder turns the msgpack
 * messages the host builds into Vim's form as they are sent.
 *
 *   Vim -> host   [id, [method, params]]     a request (id > 0), answered
 *                 [id, [method_event, params]]  a notification (a method
 *                                            ending in "_event", or id 0)
 *                 [-n, result]               the answer to the host's call n
 *                                            ("ERROR" when it failed)
 *   host -> Vim   [id, [null, result]]       an answer
 *                 [id, [message, null]]      an error answer
 *                 ["call", FUNCTION, [method, params], -n]   a call
 *                 ["call", FUNCTION, [method, params]]       no answer wanted
 *
 * Strings are bytes: the decoder passes bytes that are not UTF-8 through
 * unchanged, and so does the encoder (Vim's json_decode keeps them).
 */
#ifndef WHOSAID_RPC_JSON_H
#define WHOSAID_RPC_JSON_H

#include "core/buffer.h"
#include "rpc/rpc.h"

/* The Vim function that runs the host's calls. */
#define RPC_JSON_VIM_FUNCTION "whosaid#vim#api"

/* Decoding ******************************************************************/

typedef struct rpc_json_decoder rpc_json_decoder;

/* LIMITS as for rpc_decoder_new: a message costs its bytes plus 24 for each
 * value in it; nesting is capped at the msgpack decoder's 32 whatever
 * max_depth asks. 0 or WHOSAID_ENOMEM. */
int rpc_json_decoder_new(const rpc_limits *limits, rpc_json_decoder **out);
void rpc_json_decoder_free(rpc_json_decoder *decoder);

/* Append LENGTH bytes; 0 or WHOSAID_ENOMEM. Bytes of a message being
 * skipped (too large, too deep, or after a syntax error) are never kept.
 * Call rpc_json_decoder_next until it returns 0 after each feed: while a
 * message waits to be taken, the bytes after it are held unread. */
int rpc_json_decoder_feed(rpc_json_decoder *decoder, const char *data, size_t length);

/*
 * The next whole message into *OUT, as rpc_decoder_next:
 *   1   a message (its objects valid until the next call of either function)
 *   0   more bytes are needed
 *   WHOSAID_EINVAL   a message that is not JSON, not one of Vim's shapes,
 *       or nested deeper than the limit. ERR says why; *ID_OUT holds a
 *       request's id when one was read (else UINT32_MAX). Such an answer of
 *       Vim's whose id was read comes out as a response (1) with an error
 *       that says why instead, so that its call fails rather than waits. A message is one
 *       line (Vim writes no raw newline inside one): broken JSON, a line
 *       that ends inside a message, is dropped to the end of its line, and
 *       decoding goes on after it.
 *   WHOSAID_ETOOBIG  a message over the limit, skipped as it comes, in its
 *       place among the others; *ID_OUT and rpc_json_decoder_oversized as
 *       for the msgpack decoder in skip mode.
 *   WHOSAID_ENOMEM
 */
int rpc_json_decoder_next(rpc_json_decoder *decoder, rpc_message *out, uint32_t *id_out,
                          whosaid_error *err);

const rpc_oversized *rpc_json_decoder_oversized(const rpc_json_decoder *decoder);

/* Bytes held but not yet decoded (for tests and the memory bound). */
size_t rpc_json_decoder_pending(const rpc_json_decoder *decoder);

/* Encoding ******************************************************************/

/* Append the msgpack-RPC messages in the LENGTH bytes at MSGPACK (as
 * rpc_writer builds them) to OUT in Vim's form, each followed by "\n";
 * calls go to Vim function FUNCTION. 0, WHOSAID_ENOMEM, or WHOSAID_EINVAL
 * for bytes that are not such messages (OUT then holds those before). */
int rpc_json_encode(const char *msgpack, size_t length, const char *function, ws_buffer *out,
                    whosaid_error *err);

#endif
