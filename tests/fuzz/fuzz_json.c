/*
 * fuzz_json.c: arbitrary bytes as what Vim sends `whosaid host --vim`,
 * through the JSON codec (src/rpc/json_decoder.c, json_encoder.c).
 *
 * 1. The decoder, with the host's limits and with small ones drawn from the
 *    input, fed the bytes whole, then in pieces of sizes drawn from the
 *    input (1 byte to 4 KiB), drained after each. Errors are expected;
 *    crashes and leaks are not, nor more bytes held after a drain than the
 *    limit, nor any difference between the two: however the bytes are
 *    cut, the same messages, reports and errors must come out.
 * 2. Every message decoded goes back through the encoder: its parameters
 *    as an answer's result, decoded again as Vim would send them back
 *    ([-1, result]), must be the same values (NaN equal to itself); and a
 *    call of the same method must come out as JSON the decoder reads
 *    without a syntax error.
 *
 * 3. With FUZZ_JSON_SERVE (fuzz_vim_host.c), whosaid_host_run serves the
 *    bytes in Vim mode, as fuzz_rpc serves msgpack: a thread writes them
 *    into a pipe and closes it, the answers go to a pipe nobody reads. The
 *    JSON host never gives up on its input, so it must end with 0 whatever
 *    the bytes. An input with a string that could name a file outside the
 *    scratch directory (absolute, or with "..") is not served.
 *
 * Seeds: corpus/json (sessions as the Vim plugin speaks them, with the
 * answers to the host's first calls, and broken ones).
 */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_support.h"
#include "rpc/rpc_json.h"

#define HOST_MAX_DEPTH 64
#define HOST_MAX_MESSAGE ((size_t)64 << 20)

#ifdef FUZZ_JSON_SERVE
static const char *scratch;
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
#ifdef FUZZ_JSON_SERVE
  fuzz_repository_model();
  scratch = fuzz_temp_dir("whosaid-fuzz-vim-host");
  setenv("WHOSAID_LOG_FILE", "/dev/null", 0);
  setenv("WHOSAID_LOG_LEVEL", "debug", 0);
  signal(SIGPIPE, SIG_IGN);
#endif
  return 0;
}

/* Equality of values ***********************************************************/

static bool same_value(const msgpack_object *a, const msgpack_object *b) {
  if (a->type != b->type) return false;
  switch (a->type) {
    case MSGPACK_OBJECT_NIL: return true;
    case MSGPACK_OBJECT_BOOLEAN: return a->via.boolean == b->via.boolean;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return a->via.u64 == b->via.u64;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return a->via.i64 == b->via.i64;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
      return (isnan(a->via.f64) && isnan(b->via.f64)) ||
             (a->via.f64 == b->via.f64 && signbit(a->via.f64) == signbit(b->via.f64));
    case MSGPACK_OBJECT_STR:
      return a->via.str.size == b->via.str.size &&
             (a->via.str.size == 0 || memcmp(a->via.str.ptr, b->via.str.ptr, a->via.str.size) == 0);
    case MSGPACK_OBJECT_ARRAY:
      if (a->via.array.size != b->via.array.size) return false;
      for (uint32_t i = 0; i < a->via.array.size; i++) {
        if (!same_value(&a->via.array.ptr[i], &b->via.array.ptr[i])) return false;
      }
      return true;
    case MSGPACK_OBJECT_MAP:
      if (a->via.map.size != b->via.map.size) return false;
      for (uint32_t i = 0; i < a->via.map.size; i++) {
        if (!same_value(&a->via.map.ptr[i].key, &b->via.map.ptr[i].key) ||
            !same_value(&a->via.map.ptr[i].val, &b->via.map.ptr[i].val)) {
          return false;
        }
      }
      return true;
    default: return false; /* the JSON decoder makes no other type */
  }
}

/* The encoder, and back ******************************************************/

/* MESSAGE's parameters through the encoder as an answer's result, and that
 * result decoded as Vim's answer: the same values. A call of its method
 * comes out as JSON that parses. */
static void check_round_trip(const rpc_message *m) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_response(&w, 1);
  msgpack_pack_nil(&w.packer);
  msgpack_pack_object(&w.packer, m->params);
  ws_buffer json = WS_BUFFER_INIT;
  whosaid_error err = {0, ""};
  int status = rpc_json_encode(w.buffer.data, w.buffer.size, "F", &json, &err);
  FUZZ_CHECK(status == 0, "the encoder refused decoded parameters: %s", err.message);
  /* [1,[null,RESULT]]\n -> [-1,RESULT]\n */
  static const char head[] = "[1,[null,";
  FUZZ_CHECK(json.length > sizeof(head) + 2 && memcmp(json.data, head, sizeof(head) - 1) == 0,
             "an answer that does not begin [1,[null,");
  size_t result_length = json.length - (sizeof(head) - 1) - 3;
  ws_buffer answer = WS_BUFFER_INIT;
  ws_buffer_append(&answer, "[-1,", 4);
  ws_buffer_append(&answer, json.data + sizeof(head) - 1, result_length);
  ws_buffer_append(&answer, "]\n", 2);
  rpc_json_decoder *d = NULL;
  FUZZ_CHECK(rpc_json_decoder_new(NULL, &d) == 0 && !answer.failed, "out of memory");
  FUZZ_CHECK(rpc_json_decoder_feed(d, answer.data, answer.length) == 0, "out of memory");
  rpc_message back;
  status = rpc_json_decoder_next(d, &back, NULL, &err);
  FUZZ_CHECK(status == 1, "the encoder's answer did not decode: %s (%.*s)", err.message,
             (int)(answer.length > 200 ? 200 : answer.length), answer.data);
  FUZZ_CHECK(back.kind == RPC_RESPONSE && back.id == 1, "the answer decoded as another kind");
  FUZZ_CHECK(same_value(&back.result, &m->params), "the parameters changed on the way back");
  rpc_json_decoder_free(d);
  ws_buffer_destroy(&answer);
  json.length = 0;
  rpc_writer_reset(&w);
  /* A call: ["call","F",[method,params],-7] parses (it is no message of
   * Vim's, so it is an error, but not a syntax error). */
  rpc_write_request(&w, 7, "m", 1);
  msgpack_pack_object(&w.packer, m->params);
  status = rpc_json_encode(w.buffer.data, w.buffer.size, "F", &json, &err);
  FUZZ_CHECK(status == 0, "the encoder refused a call: %s", err.message);
  FUZZ_CHECK(rpc_json_decoder_new(NULL, &d) == 0, "out of memory");
  FUZZ_CHECK(rpc_json_decoder_feed(d, json.data, json.length) == 0, "out of memory");
  status = rpc_json_decoder_next(d, &back, NULL, &err);
  FUZZ_CHECK(status == WHOSAID_EINVAL && strncmp(err.message, "not JSON", 8) != 0,
             "the encoder's call is not JSON: %s", err.message);
  FUZZ_CHECK(rpc_json_decoder_next(d, &back, NULL, &err) == 0, "a call is more than a line");
  rpc_json_decoder_free(d);
  ws_buffer_destroy(&json);
  rpc_writer_destroy(&w);
}

/* Decoding **********************************************************************/

typedef struct {
  uint64_t hash;
  size_t results;
  bool safe; /* no string names a file outside the scratch directory */
} decoding;

static void note_message(decoding *out, const rpc_message *m) {
  uint64_t fields[3] = {(uint64_t)m->kind, m->id, m->method_length};
  out->hash = fuzz_hash_bytes(out->hash, fields, sizeof(fields));
  if (m->method_length > 0) out->hash = fuzz_hash_bytes(out->hash, m->method, m->method_length);
  msgpack_sbuffer packed;
  msgpack_sbuffer_init(&packed);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &packed, msgpack_sbuffer_write);
  msgpack_pack_object(&pk, m->kind == RPC_RESPONSE ? m->result : m->params);
  msgpack_pack_object(&pk, m->error);
  out->hash = fuzz_hash_bytes(out->hash, packed.data, packed.size);
  msgpack_sbuffer_destroy(&packed);
  out->safe = out->safe && fuzz_object_safe(m->kind == RPC_RESPONSE ? &m->result : &m->params);
}

static void check_shape(const rpc_message *m) {
  if (m->kind == RPC_RESPONSE) {
    FUZZ_CHECK(m->id > 0, "an answer to call 0");
    return;
  }
  FUZZ_CHECK(m->kind == RPC_REQUEST || m->kind == RPC_NOTIFICATION, "a message of kind %d",
             (int)m->kind);
  FUZZ_CHECK(m->params.type == MSGPACK_OBJECT_ARRAY, "parameters that are no array");
  FUZZ_CHECK(m->method != NULL || m->method_length == 0, "a method without its bytes");
  FUZZ_CHECK(m->kind == RPC_NOTIFICATION || m->id > 0, "a request with id 0");
}

/* Drain every result the decoder has into OUT; ROUND_TRIP checks each
 * message through the encoder too. */
static void drain(rpc_json_decoder *d, decoding *out, bool round_trip, size_t limit) {
  for (;;) {
    rpc_message m;
    uint32_t id = 0;
    whosaid_error err = {0, ""};
    int status = rpc_json_decoder_next(d, &m, &id, &err);
    if (status == 0) break;
    out->results++;
    uint64_t fields[2] = {(uint64_t)(int64_t)status, id};
    out->hash = fuzz_hash_bytes(out->hash, fields, sizeof(fields));
    if (status == 1) {
      check_shape(&m);
      note_message(out, &m);
      if (round_trip) check_round_trip(&m);
      continue;
    }
    FUZZ_CHECK(status == WHOSAID_EINVAL || status == WHOSAID_ETOOBIG, "status %d (%s)", status,
               err.message);
    FUZZ_CHECK(err.message[0] != '\0', "an error that says nothing");
    out->hash = fuzz_hash_bytes(out->hash, err.message, strlen(err.message));
    const rpc_oversized *r = rpc_json_decoder_oversized(d);
    FUZZ_CHECK((status == WHOSAID_ETOOBIG) == (r != NULL), "a report without its error");
    if (r != NULL) {
      FUZZ_CHECK(r->least_bytes > limit, "a message skipped under the limit");
      uint64_t report[4] = {(uint64_t)(int64_t)r->kind, r->has_id ? r->id : 0, r->method_length,
                            r->has_handle ? (uint64_t)r->handle : 0};
      out->hash = fuzz_hash_bytes(out->hash, report, sizeof(report));
    }
  }
  FUZZ_CHECK(rpc_json_decoder_pending(d) <= limit, "%zu bytes held, over the limit of %zu",
             rpc_json_decoder_pending(d), limit);
}

/* Decode DATA in pieces drawn from RANDOM (whole when RANDOM is NULL). */
static decoding decode(const uint8_t *data, size_t size, const rpc_limits *limits,
                       uint64_t *random, bool round_trip) {
  decoding out = {0xcbf29ce484222325ull, 0, true};
  rpc_json_decoder *d = NULL;
  FUZZ_CHECK(rpc_json_decoder_new(limits, &d) == 0, "out of memory");
  size_t limit = limits->max_message_bytes;
  for (size_t at = 0; at < size;) {
    size_t piece = random == NULL ? size : 1 + (size_t)(fuzz_next_random(random) % 4096);
    if (random != NULL && fuzz_next_random(random) % 4 == 0) piece = 1 + piece % 16;
    if (piece > size - at) piece = size - at;
    FUZZ_CHECK(rpc_json_decoder_feed(d, (const char *)data + at, piece) == 0, "out of memory");
    at += piece;
    drain(d, &out, round_trip, limit);
  }
  rpc_json_decoder_free(d);
  return out;
}

/* Serving **************************************************************************/

#ifdef FUZZ_JSON_SERVE
/* Serve DATA with the host in Vim mode, in the scratch directory; its
 * status. Edits are analysed when a request asks; one input in four gets
 * small limits (RANDOM). */
static int serve(const uint8_t *data, size_t size, uint64_t *random) {
  whosaid_host_options options = {.debounce_ms = 1u << 30, .vim = true};
  uint64_t r = fuzz_next_random(random);
  if (r % 4 == 0) {
    options.max_message_bytes = 64 + (r >> 8) % 4096;
    options.max_buffer_bytes = 1 + (r >> 24) % 2048;
    options.max_marks = 1 + (r >> 40) % 16;
  }
  return fuzz_serve(data, size, options, scratch);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint64_t random = fuzz_hash_bytes(0x84222325cbf29ce4ull, data, size);
  rpc_limits host = {HOST_MAX_MESSAGE, HOST_MAX_DEPTH};
  rpc_limits small = {64 + (size_t)(fuzz_next_random(&random) % 2048),
                      1 + (size_t)(fuzz_next_random(&random) % 40)};
  bool safe = true;
  for (int i = 0; i < 2; i++) {
    const rpc_limits *limits = i == 0 ? &host : &small;
    decoding whole = decode(data, size, limits, NULL, i == 0);
    decoding pieces = decode(data, size, limits, &random, false);
    FUZZ_CHECK(whole.results == pieces.results && whole.hash == pieces.hash,
               "cut into pieces, %zu results instead of %zu, or others (limit %zu, depth %zu)",
               pieces.results, whole.results, limits->max_message_bytes, limits->max_depth);
    safe = safe && whole.safe && pieces.safe;
  }
#ifdef FUZZ_JSON_SERVE
  if (safe) {
    int status = serve(data, size, &random);
    FUZZ_CHECK(status == 0, "the Vim host ended with %s", whosaid_err_name(status));
  }
#else
  (void)safe;
#endif
  return 0;
}
