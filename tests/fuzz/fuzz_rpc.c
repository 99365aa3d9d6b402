/*
 * fuzz_rpc.c: arbitrary bytes as what Neovim sends the host, through both
 * layers that read them.
 *
 * 1. The decoder (src/rpc/decoder.c), set up as the host sets it up (its
 *    limits, messages over the size limit skipped) and with small limits
 *    drawn from the input, skipping or not. The bytes are fed whole, then
 *    in pieces of sizes drawn from a generator seeded by the input (1 byte
 *    to 4 KiB), and drained with rpc_decoder_next until it stops. Errors
 *    are expected; crashes and leaks are not, nor more bytes held than the
 *    limit, nor any difference between the two: however the bytes are
 *    cut, the same messages, skipped-message reports and errors must come
 *    out.
 *
 * 2. The dispatcher (src/host). whosaid_host_run serves the bytes as a
 *    real Neovim connection: a thread writes them into a pipe and closes
 *    it, the host reads them on its loop, and its answers and calls go to a
 *    second pipe that nobody reads (libuv queues what does not fit and
 *    cancels it at the end). The host must handle any sequence of messages
 *    and end with 0, or with an error exactly when its decoder lost the
 *    stream. Its calls to Neovim get their replies only when the input
 *    holds them: its call ids count from 1, so the seed corpus
 *    (make_rpc_corpus.py, recorded from a real host) answers them, and
 *    mutations start from sessions that reach every method. The host's
 *    options are drawn from the input (host_options): mostly as
 *    `whosaid host` runs, sometimes with timers and the thread pool, or
 *    with small limits.
 *
 * Files: annotations_save and export write where the request says, and
 * annotations_load reads there. The host runs in a private scratch
 * directory (cwd for the length of the run, emptied after each input),
 * and an input holding any string that starts with '/' or has a ".." path
 * component anywhere is not served at all (the decoder still reads it): no
 * input can touch a file outside that directory. A crash during the run
 * leaves the working directory there, so scripts/dev gives libFuzzer an
 * absolute -artifact_prefix.
 *
 * The custom mutator, which edits the messages rather than the bytes, is
 * in fuzz_rpc_mutator.c.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_support.h"
#include "rpc/rpc.h"

/* The host's decoder (src/host/run.c): its depth limit, and the message
 * size it allows by default (an option). */
#define HOST_MAX_DEPTH 64
#define HOST_MAX_MESSAGE ((size_t)64 << 20)

/* A debounce longer than any run: edits are analysed when a request asks. */
#define NEVER_MS (1u << 30)

static const char *scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
#ifndef FUZZ_RPC_DECODER_ONLY /* the decoder alone needs no model, no files */
  fuzz_repository_model();
  scratch = fuzz_temp_dir("whosaid-fuzz-rpc");
#endif
  /* Every log line is formatted (format strings are fuzzed too), none is
   * shown; WHOSAID_LOG_FILE and WHOSAID_LOG_LEVEL set by hand win. */
  setenv("WHOSAID_LOG_FILE", "/dev/null", 0);
  setenv("WHOSAID_LOG_LEVEL", "debug", 0);
  signal(SIGPIPE, SIG_IGN); /* the host may close its input before it is all written */
  return 0;
}

/* Decoding *******************************************************************/

/* How a decoder is set up: its limits, and whether it skips a message over
 * the limit (as the host's does) or loses the stream. */
typedef struct {
  rpc_limits limits;
  bool skip;
} setup;

/* What a decoding produced: a hash of its messages, reports and errors in
 * order, whether the stream was lost, and whether every string is safe to
 * serve. */
typedef struct {
  uint64_t hash;
  size_t results;
  int lost;  /* the error that ended it, or 0 */
  bool safe; /* no string names a file outside the scratch directory */
} decoding;

static uint64_t hash_object(uint64_t hash, const msgpack_object *o) {
  msgpack_sbuffer buffer;
  msgpack_packer packer;
  msgpack_sbuffer_init(&buffer);
  msgpack_packer_init(&packer, &buffer, msgpack_sbuffer_write);
  msgpack_pack_object(&packer, *o);
  hash = fuzz_hash_bytes(hash, buffer.data, buffer.size);
  msgpack_sbuffer_destroy(&buffer);
  return hash;
}

/* A message as rpc.h promises it, into the hash. */
static void note_message(decoding *d, const rpc_message *m) {
  FUZZ_CHECK(m->kind == RPC_REQUEST || m->kind == RPC_RESPONSE || m->kind == RPC_NOTIFICATION,
             "message of kind %d", (int)m->kind);
  d->hash = fuzz_hash_bytes(d->hash, &m->kind, sizeof(m->kind));
  if (m->kind != RPC_NOTIFICATION) d->hash = fuzz_hash_bytes(d->hash, &m->id, sizeof(m->id));
  if (m->kind == RPC_RESPONSE) {
    d->hash = hash_object(hash_object(d->hash, &m->error), &m->result);
    d->safe = d->safe && fuzz_object_safe(&m->error) && fuzz_object_safe(&m->result);
  } else {
    FUZZ_CHECK(m->params.type == MSGPACK_OBJECT_ARRAY, "parameters that are no array");
    FUZZ_CHECK(m->method != NULL || m->method_length == 0, "a method name without bytes");
    d->hash = fuzz_hash_bytes(d->hash, m->method, m->method_length);
    d->hash = hash_object(d->hash, &m->params);
    d->safe = d->safe && fuzz_object_safe(&m->params);
  }
  d->results++;
}

/* A message skipped for its size, as rpc.h promises its report, into the
 * hash: what is known of it does not depend on how the bytes came. */
static void note_oversized(decoding *d, const setup *how, const rpc_oversized *o, uint32_t id) {
  FUZZ_CHECK(how->skip, "a message reported skipped by a decoder that does not skip");
  FUZZ_CHECK(o->kind >= -1 && o->kind <= RPC_NOTIFICATION, "skipped message of kind %d",
             o->kind);
  FUZZ_CHECK(o->least_bytes > how->limits.max_message_bytes,
             "a message of at least %llu bytes skipped, under the limit of %zu",
             (unsigned long long)o->least_bytes, how->limits.max_message_bytes);
  FUZZ_CHECK(o->method == NULL ? o->method_length == 0 : o->method_length <= 64,
             "a skipped message's method of %zu bytes", o->method_length);
  bool request_id = o->kind == RPC_REQUEST && o->has_id;
  FUZZ_CHECK(id == (request_id ? o->id : UINT32_MAX), "a skipped message's id %u", id);
  uint64_t known[] = {(uint64_t)o->kind,   o->has_id,  o->id, o->has_handle,
                      (uint64_t)o->handle, o->least_bytes};
  d->hash = fuzz_hash_bytes(d->hash, known, sizeof(known));
  if (o->method != NULL) d->hash = fuzz_hash_bytes(d->hash, o->method, o->method_length);
}

static void note_error(decoding *d, const setup *how, rpc_decoder *decoder, int status,
                       uint32_t id, const whosaid_error *err) {
  const rpc_oversized *skipped = status == WHOSAID_ETOOBIG ? rpc_decoder_oversized(decoder) : NULL;
  FUZZ_CHECK(status == WHOSAID_EINVAL || status == WHOSAID_EFORMAT ||
                 status == WHOSAID_ETOOBIG,
             "decoder status %s", whosaid_err_name(status));
  FUZZ_CHECK(err->message[0] != '\0', "%s without a message", whosaid_err_name(status));
  if (skipped != NULL) {
    note_oversized(d, how, skipped, id);
  } else {
    FUZZ_CHECK(status == WHOSAID_EINVAL || id == UINT32_MAX, "an id with a lost stream");
    if (status != WHOSAID_EINVAL) d->lost = status;
  }
  d->hash = fuzz_hash_bytes(fuzz_hash_bytes(d->hash, &status, sizeof(status)), &id, sizeof(id));
  d->results++;
}

/* Take every message the decoder holds; false once the stream is lost. */
static bool drain(rpc_decoder *decoder, const setup *how, decoding *d) {
  for (;;) {
    rpc_message m;
    uint32_t id = 0;
    whosaid_error err = {0, ""};
    int status = rpc_decoder_next(decoder, &m, &id, &err);
    if (status == 0) return true;
    if (status == 1) {
      note_message(d, &m);
    } else {
      note_error(d, how, decoder, status, id, &err);
      if (d->lost) return false;
    }
  }
}

/* How the bytes are given to the decoder. */
typedef enum { WHOLE, RANDOM_PIECES, BYTE_BY_BYTE } cutting;

/* The size of the next piece, of LEFT bytes left. */
static size_t piece(cutting cut, uint64_t *random, size_t left) {
  if (cut == WHOLE) return left;
  if (cut == BYTE_BY_BYTE) return 1;
  uint64_t r = fuzz_next_random(random);
  size_t most = (r & 1) ? 8 : 4096; /* a few bytes at a time as well as blocks */
  size_t n = 1 + (r >> 1) % most;
  return n < left ? n : left;
}

/* Decode DATA set up as HOW, cut as CUT says (RANDOM seeds random pieces). */
static decoding decode(const uint8_t *data, size_t size, const setup *how, cutting cut,
                       uint64_t *random) {
  rpc_decoder *decoder = NULL;
  FUZZ_CHECK(rpc_decoder_new(&how->limits, &decoder) == 0, "rpc_decoder_new failed");
  rpc_decoder_skip_oversized(decoder, how->skip);
  decoding d = {0xCBF29CE484222325ull, 0, 0, true};
  for (size_t at = 0; at < size && !d.lost;) {
    size_t n = piece(cut, random, size - at);
    int status = rpc_decoder_feed(decoder, (const char *)data + at, n);
    at += n;
    if (status != 0) { /* the stream is lost; others wait for rpc_decoder_next */
      FUZZ_CHECK(status == WHOSAID_ETOOBIG, "rpc_decoder_feed: %s", whosaid_err_name(status));
      d.lost = status;
      break;
    }
    /* What waits for more bytes is one unfinished message: the memory a
     * peer can make the decoder hold is bounded by the limit. */
    if (drain(decoder, how, &d)) {
      FUZZ_CHECK(rpc_decoder_pending(decoder) <= how->limits.max_message_bytes + 8,
                 "%zu bytes held, over the limit of %zu", rpc_decoder_pending(decoder),
                 how->limits.max_message_bytes);
    }
  }
  rpc_decoder_free(decoder);
  return d;
}

/* Decode DATA whole and in random pieces: the same messages, reports and
 * errors must come out, however the bytes are cut. Except when the stream
 * is lost to a message over the limit: the decoder refuses it as its bytes
 * come, with whatever messages came with them (rpc.h). The whole decoding. */
static decoding compare_cuts(const uint8_t *data, size_t size, const setup *how,
                             uint64_t *random) {
  decoding whole = decode(data, size, how, WHOLE, NULL);
  decoding pieces = decode(data, size, how, RANDOM_PIECES, random);
  bool lost_to_size = whole.lost == WHOSAID_ETOOBIG || pieces.lost == WHOSAID_ETOOBIG;
  FUZZ_CHECK(lost_to_size ? whole.lost == pieces.lost
                          : whole.hash == pieces.hash && whole.results == pieces.results &&
                                whole.lost == pieces.lost,
             "decoding in pieces gave %zu results (lost: %s), whole %zu (lost: %s); limit %zu, "
             "depth %zu, skipping: %d",
             pieces.results, whosaid_err_name(pieces.lost), whole.results,
             whosaid_err_name(whole.lost), how->limits.max_message_bytes, how->limits.max_depth,
             how->skip);
  return whole;
}

/* Check the decoder on DATA as the host sets it up (HOST), and with small
 * limits drawn from RANDOM; what the host will decode. */
static decoding check_decoder(const uint8_t *data, size_t size, const setup *host,
                              uint64_t *random) {
  decoding served = compare_cuts(data, size, host, random);
  setup small = {{1 + fuzz_next_random(random) % 512, 1 + fuzz_next_random(random) % 70},
                 fuzz_next_random(random) % 2 == 0};
  compare_cuts(data, size, &small, random);
  /* The host reads the pipe in whatever pieces it gets. Before a message
   * that loses the stream by its size, the pieces decide which messages it
   * still handles: their strings are checked as the cut that hands out the
   * most of them, byte by byte, hands them out. */
  if (served.lost == WHOSAID_ETOOBIG) {
    served.safe = decode(data, size, host, BYTE_BY_BYTE, NULL).safe;
  }
  return served;
}

/* Serving **************************************************************************/

/* The host's options for one input, drawn from it: mostly as `whosaid host`
 * runs, edits analysed only when a request asks. One input in four gets a
 * 1 ms debounce and every buffer analysed on the thread pool: the timer,
 * the background analysis and a buffer closed while it runs are fuzzed too,
 * at the price of runs that are not exactly repeatable. One in four gets
 * small limits: messages skipped for their size, buffers too large to
 * analyse, highlights cut short. */
static whosaid_host_options host_options(uint64_t *random) {
  uint64_t r = fuzz_next_random(random);
  whosaid_host_options o = {.debounce_ms = NEVER_MS, .max_message_bytes = HOST_MAX_MESSAGE};
  if (r % 4 == 0) {
    o.debounce_ms = 1;
    o.background_bytes = 1;
  }
  if ((r >> 2) % 4 == 0) {
    o.max_message_bytes = 64 + (r >> 8) % 4096;
    o.max_buffer_bytes = 1 + (r >> 24) % 2048;
    o.max_marks = 1 + (r >> 40) % 16;
  }
  return o;
}

/* Serve DATA with the host, set up with OPTIONS, in the scratch directory;
 * its status. */
static int serve(const uint8_t *data, size_t size, whosaid_host_options options) {
  return fuzz_serve(data, size, options, scratch);
}

/* How the host ends when its decoder ended as SERVED did: a stream lost to
 * bad bytes is WHOSAID_EFORMAT; one lost to a message's size is that too
 * when the decoder refuses its bytes, or WHOSAID_ETOOBIG when it said so
 * later, which depends on how the pipe cut them. */
static bool expected_end(const decoding *served, int status) {
  if (served->lost == 0) return status == 0;
  if (served->lost == WHOSAID_EFORMAT) return status == WHOSAID_EFORMAT;
  return status == WHOSAID_EFORMAT || status == WHOSAID_ETOOBIG;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint64_t random = fuzz_hash_bytes(0xCBF29CE484222325ull, data, size);
  whosaid_host_options options = host_options(&random);
  setup host = {{options.max_message_bytes, HOST_MAX_DEPTH}, true}; /* src/host/run.c */
  decoding served = check_decoder(data, size, &host, &random);
#ifdef FUZZ_RPC_DECODER_ONLY
  return 0; /* fuzz_rpc_decoder.c */
#endif
  if (!served.safe) return 0;
  int status = serve(data, size, options);
  FUZZ_CHECK(expected_end(&served, status), "the host ended with %s, its decoder with %s",
             whosaid_err_name(status), whosaid_err_name(served.lost));
  return 0;
}
