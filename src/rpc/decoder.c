/*
 * decoder.c: whole msgpack-RPC messages out of a byte stream.
 *
 * msgpack-c's streaming unpacker holds the bytes and builds the objects, but
 * it believes what the bytes declare: an array header claiming 2^32 elements
 * makes it allocate 2^32 objects (96 GiB) before a single element arrives,
 * and nesting deeper than its fixed stack (MSGPACK_EMBED_STACK_SIZE) fails
 * half-way through an object, where it cannot resume. So the unpacker is
 * never asked to parse an object until a scan of our own has found the whole
 * of it. The scan reads headers only, needs no memory beyond a fixed stack,
 * and resumes where it stopped when more bytes arrive. It gives:
 *
 *   - WHOSAID_ETOOBIG as soon as a message declares more than
 *     max_message_bytes, before those bytes arrive. A message counts its
 *     bytes plus OBJECT_COST for each object in it, what msgpack-c
 *     allocates to decode it (an array of a million nils is 1 MB of bytes
 *     but 24 MB decoded), and at least that for each element still to come;
 *   - WHOSAID_EINVAL for a message nested deeper than max_depth, whose bytes
 *     are skipped so that the stream goes on;
 *   - WHOSAID_EFORMAT at the first byte that cannot start a msgpack object;
 *   - and for the unpacker, only whole, well-formed, shallow objects.
 *
 * A message over the limit loses the stream, unless the decoder skips
 * them (rpc_decoder_skip_oversized): msgpack declares the size of every
 * object in its header, so the rest of the message can be counted through,
 * header by header, without keeping its bytes, and the stream goes on after
 * it. What its first elements said (kind, id, method, first parameter) is
 * kept, so that the host can answer it or know which buffer it was about.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <msgpack/unpack_define.h> /* MSGPACK_EMBED_STACK_SIZE */

#include "core/alloc.h"
#include "core/error.h"
#include "rpc/rpc.h"

#define DEFAULT_MAX_MESSAGE_BYTES ((size_t)64 << 20)
#define DEFAULT_MAX_DEPTH 64
/* msgpack-c fails on a container opened inside MSGPACK_EMBED_STACK_SIZE
 * others, so no limit can allow more. */
#define DEEPEST_DECODABLE MSGPACK_EMBED_STACK_SIZE
/* Keeps the scan's sums of sizes far from overflowing. */
#define LARGEST_LIMIT ((uint64_t)1 << 62)
/* What one object costs decoded, beyond its bytes (a map's key and value
 * are two objects). */
#define OBJECT_COST ((uint64_t)sizeof(msgpack_object))
/* The longest method name kept of a skipped message. */
#define METHOD_KEPT 64

/* The scan of the bytes the unpacker holds but has not parsed. Offsets count
 * from the unpacker's parse position (they survive the unpacker moving its
 * buffer, which keeps the unparsed bytes in order). */
typedef struct {
  size_t scanned;     /* bytes scanned */
  size_t ready;       /* of those, whole objects the unpacker may parse */
  bool rejected;      /* the object after READY is whole but too deep: skip it */
  /* The object being scanned, which starts at READY. */
  uint64_t remaining; /* elements it still lacks, itself included; 0: none begun */
  size_t depth;       /* its containers open at the scan position */
  uint64_t open[DEEPEST_DECODABLE]; /* the elements each of them still lacks */
  bool too_deep;      /* it opened a container deeper than max_depth */
  /* Its top array's first two elements when they are unsigned integers, so
   * that a request too deep to decode can still get its error response. */
  uint64_t top_size;  /* 0 when the top is no array */
  uint64_t head[2];
  bool head_known[2];
  uint64_t cost;      /* of its elements scanned: bytes plus OBJECT_COST each */
  /* For a message skipped for its size: its method (element 1 or 2, a short
   * string) and its first parameter (the first element of element 2 or 3,
   * an array), when an integer or a Neovim handle. */
  char method[METHOD_KEPT];
  size_t method_length;
  uint64_t method_index; /* 0: none */
  uint64_t param_index;  /* 0: none */
  bool param_next;       /* the next header is that first parameter */
  bool param_known;
  int64_t param;
} scan_state;

/* Skipping the rest of a message over the limit, as its bytes come. */
typedef struct {
  bool active;
  uint64_t remaining;        /* elements still to skip */
  uint64_t payload;          /* bytes of the current element still to skip */
  unsigned char header[16];  /* a header cut between two feeds */
  size_t header_length;
} skip_state;

struct rpc_decoder {
  msgpack_unpacker unpacker;
  msgpack_unpacked message; /* the last message returned; owns its objects */
  uint64_t max_bytes;
  size_t max_depth;
  scan_state scan;
  int status;               /* 0, or the error that lost the stream */
  whosaid_error failure;    /* what that error was */
  bool skip_oversized;      /* skip a message over the limit instead of losing the stream */
  skip_state skip;
  bool report_pending;      /* a skipped message to report, where the scan stopped */
  bool reported;            /* the last rpc_decoder_next reported it */
  rpc_oversized report;     /* that message: what is known of it */
  char report_method[METHOD_KEPT];
  /* The report rpc_decoder_next returned: a copy, since the scan of the
   * bytes after it may find the next message to skip and fill REPORT. */
  rpc_oversized shown;
  char shown_method[METHOD_KEPT];
};

/* One msgpack header: what the scan needs to step over the object. */
typedef struct {
  size_t size;       /* bytes of the header itself */
  uint64_t payload;  /* bytes after it: string, binary or extension data */
  uint64_t elements; /* objects inside: array elements, or map keys and values */
  bool container;
  bool map;
  bool is_unsigned;  /* an integer >= 0, in VALUE */
  uint64_t value;
} header;

/* Creating and freeing *******************************************************/

int rpc_decoder_new(const rpc_limits *limits, rpc_decoder **out) {
  *out = NULL;
  rpc_decoder *d = ws_calloc(1, sizeof(*d));
  if (d == NULL) return WHOSAID_ENOMEM;
  if (!msgpack_unpacker_init(&d->unpacker, MSGPACK_UNPACKER_INIT_BUFFER_SIZE)) {
    ws_free(d);
    return WHOSAID_ENOMEM;
  }
  msgpack_unpacked_init(&d->message);
  size_t max_bytes = limits != NULL ? limits->max_message_bytes : 0;
  size_t max_depth = limits != NULL ? limits->max_depth : 0;
  d->max_bytes = max_bytes == 0 ? DEFAULT_MAX_MESSAGE_BYTES : max_bytes;
  if (d->max_bytes > LARGEST_LIMIT) d->max_bytes = LARGEST_LIMIT;
  d->max_depth = max_depth == 0 ? DEFAULT_MAX_DEPTH : max_depth;
  if (d->max_depth > DEEPEST_DECODABLE) d->max_depth = DEEPEST_DECODABLE;
  *out = d;
  return 0;
}

/* Drop the last message's objects, ending their validity as rpc.h says, and
 * the reference to the unpacker's buffer they hold, which lets the unpacker
 * reuse that buffer instead of copying. (msgpack_unpacker_next also does it
 * in msgpack-c 4, but not in every version.) */
static void release_message(rpc_decoder *d) { msgpack_unpacked_destroy(&d->message); }

void rpc_decoder_free(rpc_decoder *decoder) {
  if (decoder == NULL) return;
  release_message(decoder);
  msgpack_unpacker_destroy(&decoder->unpacker);
  ws_free(decoder);
}

size_t rpc_decoder_pending(const rpc_decoder *decoder) {
  return decoder->unpacker.used - decoder->unpacker.off;
}

void rpc_decoder_skip_oversized(rpc_decoder *decoder, bool skip) {
  decoder->skip_oversized = skip;
}

const rpc_oversized *rpc_decoder_oversized(const rpc_decoder *decoder) {
  return decoder->reported ? &decoder->shown : NULL;
}

/* Record the error after which the stream cannot go on; every later call
 * reports it again. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void lose_stream(rpc_decoder *d, int status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  d->status = status;
  d->failure.status = status;
  vsnprintf(d->failure.message, sizeof(d->failure.message), format, args);
  va_end(args);
}

/* Reading headers ************************************************************/

static uint64_t load_big_endian(const unsigned char *p, size_t n) {
  uint64_t value = 0;
  for (size_t i = 0; i < n; i++) value = value << 8 | p[i];
  return value;
}

/* A header whose first byte is followed by an N-byte big-endian length (of
 * the payload, or of the elements), plus EXTRA bytes (an extension's type). */
static int sized(const unsigned char *p, size_t available, size_t n, size_t extra,
                 uint64_t *length, header *h) {
  h->size = 1 + n + extra;
  if (available < h->size) return 0;
  *length = load_big_endian(p + 1, n);
  return 1;
}

static int container(header *h, uint64_t elements, bool map) {
  h->container = true;
  h->map = map;
  h->elements = map ? 2 * elements : elements;
  return 1;
}

/* Integers with a 1 to 8 byte value after the first byte; SIGNED ones count
 * as unsigned only when their sign bit is clear. */
static int integer(const unsigned char *p, size_t available, size_t n, bool is_signed,
                   header *h) {
  h->size = 1 + n;
  if (available < h->size) return 0;
  h->value = load_big_endian(p + 1, n);
  h->is_unsigned = !is_signed || (p[1] & 0x80) == 0;
  return 1;
}

/* The integer that the N bytes at P encode, whole; false for anything else. */
static bool integer_at(const unsigned char *p, size_t n, int64_t *out) {
  if (n == 0) return false;
  unsigned b = p[0];
  if (b <= 0x7f || b >= 0xe0) {
    *out = (int8_t)b; /* a positive fixint is below 0x80: the same */
    return n == 1;
  }
  if (b < 0xcc || b > 0xd3) return false;
  size_t size = (size_t)1 << ((b - 0xcc) & 3);
  if (n != 1 + size) return false;
  uint64_t value = load_big_endian(p + 1, size);
  if (b <= 0xcf) { /* unsigned */
    if (value > INT64_MAX) return false;
    *out = (int64_t)value;
  } else { /* signed: extend the sign */
    unsigned shift = (unsigned)(64 - 8 * size);
    *out = (int64_t)(value << shift) >> shift;
  }
  return true;
}

/* The header at P: 1 when read, 0 when more bytes are needed, -1 for a byte
 * that starts no msgpack object (0xc1, the one never used). */
static int read_header(const unsigned char *p, size_t available, header *h) {
  memset(h, 0, sizeof(*h));
  if (available == 0) return 0;
  unsigned b = p[0];
  h->size = 1;
  if (b <= 0x7f) {                                    /* positive fixint */
    h->is_unsigned = true;
    h->value = b;
    return 1;
  }
  if (b >= 0xe0) return 1;                            /* negative fixint */
  if (b <= 0x8f) return container(h, b & 0x0f, true);  /* fixmap */
  if (b <= 0x9f) return container(h, b & 0x0f, false); /* fixarray */
  if (b <= 0xbf) {                                    /* fixstr */
    h->payload = b & 0x1f;
    return 1;
  }
  uint64_t n = 0;
  int r;
  switch (b) {
    case 0xc0: case 0xc2: case 0xc3: return 1;        /* nil, false, true */
    case 0xc1: return -1;
    case 0xc4: case 0xc5: case 0xc6:                  /* bin 8, 16, 32 */
      return sized(p, available, (size_t)1 << (b - 0xc4), 0, &h->payload, h);
    case 0xc7: case 0xc8: case 0xc9:                  /* ext 8, 16, 32 */
      return sized(p, available, (size_t)1 << (b - 0xc7), 1, &h->payload, h);
    case 0xca: h->size = 5; return 1;                 /* float 32 */
    case 0xcb: h->size = 9; return 1;                 /* float 64 */
    case 0xcc: case 0xcd: case 0xce: case 0xcf:       /* uint 8 to 64 */
      return integer(p, available, (size_t)1 << (b - 0xcc), false, h);
    case 0xd0: case 0xd1: case 0xd2: case 0xd3:       /* int 8 to 64 */
      return integer(p, available, (size_t)1 << (b - 0xd0), true, h);
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: /* fixext 1 to 16 */
      h->size = 2;
      h->payload = (uint64_t)1 << (b - 0xd4);
      return 1;
    case 0xd9: case 0xda: case 0xdb:                  /* str 8, 16, 32 */
      return sized(p, available, (size_t)1 << (b - 0xd9), 0, &h->payload, h);
    case 0xdc: case 0xdd:                             /* array 16, 32 */
      r = sized(p, available, (size_t)2 << (b - 0xdc), 0, &n, h);
      return r == 1 ? container(h, n, false) : r;
    default:                                          /* map 16, 32 */
      r = sized(p, available, (size_t)2 << (b - 0xde), 0, &n, h);
      return r == 1 ? container(h, n, true) : r;
  }
}

/* Scanning *******************************************************************/

static void begin_object(scan_state *s) {
  s->remaining = 1;
  s->depth = 0;
  s->too_deep = false;
  s->top_size = 0;
  s->head_known[0] = s->head_known[1] = false;
  s->cost = 0;
  s->method_index = s->param_index = 0;
  s->param_next = s->param_known = false;
}

/* What the element of header H costs at least: its bytes and its object. */
static uint64_t element_cost(const header *h) { return h->size + h->payload + OBJECT_COST; }

/* Whether the object must exceed LIMIT with the element of header H: the
 * cost of the elements scanned, H's own, and at least one byte and one
 * object for each element to come. (No sum overflows: COST <= LIMIT <=
 * 2^62, so fewer than 2^58 elements remain, and H adds at most 2^33.) */
static uint64_t least_cost(const scan_state *s, const header *h) {
  return element_cost(h) + (s->remaining - 1 + h->elements) * (1 + OBJECT_COST);
}

static bool exceeds_limit(const scan_state *s, const header *h, uint64_t limit) {
  return least_cost(s, h) > limit - s->cost; /* COST <= LIMIT, checked element by element */
}

/* Keep the size of a top array and its first two elements, for
 * rejected_request_id, and what a skipped message's report says: its method
 * and first parameter. AT is the element's bytes, all there. */
static void note_head(scan_state *s, const header *h, const unsigned char *at) {
  if (s->param_next) { /* the first element of an array at index 2 or 3 */
    s->param_next = false;
    int64_t value;
    const unsigned char *data = at + h->size;
    bool handle = !h->container && h->payload > 0 && h->size >= 2 && (at[0] == 0xc7 ||
                  (at[0] >= 0xd4 && at[0] <= 0xd8)) && (int8_t)at[h->size - 1] >= 0;
    if (handle ? integer_at(data, (size_t)h->payload, &value)
               : integer_at(at, (size_t)(h->size + h->payload), &value)) {
      s->param = value;
      s->param_known = true;
    }
  }
  if (s->scanned == s->ready) { /* the top object itself */
    s->top_size = h->container && !h->map ? h->elements : 0;
  } else if (!s->too_deep && s->depth == 1 && s->top_size > 0) {
    uint64_t index = s->top_size - s->open[0];
    if (index < 2 && h->is_unsigned) {
      s->head[index] = h->value;
      s->head_known[index] = true;
    }
    bool string = (at[0] >= 0xa0 && at[0] <= 0xbf) || (at[0] >= 0xd9 && at[0] <= 0xdb);
    if ((index == 1 || index == 2) && string && h->payload <= METHOD_KEPT) {
      memcpy(s->method, at + h->size, (size_t)h->payload);
      s->method_length = (size_t)h->payload;
      s->method_index = index;
    }
    if ((index == 2 || index == 3) && h->container && !h->map && h->elements > 0) {
      s->param_index = index;
      s->param_next = true;
    }
  }
}

/* Count the element of header H: one fewer to come in its container, and its
 * own elements to come; open and close containers to follow the depth. */
static void count_element(scan_state *s, const header *h, size_t max_depth) {
  s->remaining = s->remaining - 1 + h->elements;
  s->cost += element_cost(h);
  if (s->too_deep) return; /* from now on REMAINING alone finds the end */
  if (s->depth > 0) s->open[s->depth - 1]--;
  if (h->container) {
    if (s->depth == max_depth) {
      s->too_deep = true;
      return;
    }
    if (h->elements > 0) {
      s->open[s->depth++] = h->elements;
      return;
    }
  }
  while (s->depth > 0 && s->open[s->depth - 1] == 0) s->depth--;
}

/* The object ended at the scan position: ready for the unpacker, or to skip. */
static void end_object(scan_state *s) {
  if (s->too_deep) {
    s->rejected = true;
  } else {
    s->ready = s->scanned;
  }
}

/* Skipping ********************************************************************/

/* Skip what LENGTH bytes at DATA hold of the message being skipped; how
 * many belong to it (all of them while it lasts). A header cut between two
 * feeds is kept until it is whole. */
static size_t skip_bytes(rpc_decoder *d, const unsigned char *data, size_t length) {
  skip_state *k = &d->skip;
  size_t used = 0;
  while (k->active && d->status == 0) {
    if (k->payload > 0) {
      size_t n = length - used < k->payload ? length - used : (size_t)k->payload;
      k->payload -= n;
      used += n;
      if (k->payload > 0) break; /* all bytes used */
      continue;
    }
    if (k->remaining == 0) {
      k->active = false;
      break;
    }
    if (used == length) break;
    k->header[k->header_length++] = data[used++];
    header h;
    int r = read_header(k->header, k->header_length, &h);
    if (r == 0) continue; /* needs more of its bytes (a header is at most 9) */
    if (r < 0) {
      lose_stream(d, WHOSAID_EFORMAT, "not msgpack: byte 0x%02x starts no object", k->header[0]);
      break;
    }
    if (h.elements > LARGEST_LIMIT - k->remaining) {
      lose_stream(d, WHOSAID_ETOOBIG, "a message that declares more than 2^62 elements");
      break;
    }
    k->remaining = k->remaining - 1 + h.elements;
    /* Floats and fixexts are read from their first byte: the rest of their
     * header comes as payload. */
    k->payload = h.size + h.payload - k->header_length;
    k->header_length = 0;
  }
  return used;
}

/* The element of header H, at the scan position, makes the object that
 * starts at READY too large: report the object, drop the bytes of it that
 * are held, and skip the rest as they come. */
static void begin_skip(rpc_decoder *d, const header *h, size_t held) {
  scan_state *s = &d->scan;
  rpc_oversized *r = &d->report;
  memset(r, 0, sizeof(*r));
  r->kind = -1;
  r->least_bytes = s->cost + least_cost(s, h);
  bool array = s->scanned > s->ready && s->top_size > 0;
  if (array && s->head_known[0] && s->head[0] <= RPC_NOTIFICATION) {
    r->kind = (int)s->head[0];
    uint64_t method_at = r->kind == RPC_REQUEST ? 2 : 1, params_at = method_at + 1;
    if (r->kind != RPC_NOTIFICATION && s->head_known[1] && s->head[1] <= UINT32_MAX) {
      r->has_id = true;
      r->id = (uint32_t)s->head[1];
    }
    if (r->kind != RPC_RESPONSE && s->method_index == method_at) {
      memcpy(d->report_method, s->method, s->method_length);
      r->method = d->report_method;
      r->method_length = s->method_length;
    }
    if (r->kind != RPC_RESPONSE && s->param_index == params_at && s->param_known) {
      r->has_handle = true;
      r->handle = s->param;
    }
  }
  d->report_pending = true;
  /* The rest of the message: the elements after H, and H's own bytes. */
  skip_state *k = &d->skip;
  k->active = true;
  k->remaining = s->remaining - 1 + h->elements;
  k->payload = h->size + h->payload;
  k->header_length = 0;
  char *bytes = d->unpacker.buffer + d->unpacker.off;
  size_t used = skip_bytes(d, (const unsigned char *)bytes + s->scanned, held - s->scanned);
  /* Drop the object's bytes; those after it (if any came) move down. */
  size_t end = s->scanned + used, after = held - end;
  memmove(bytes + s->ready, bytes + end, after);
  d->unpacker.used -= end - s->ready;
  d->unpacker.free += end - s->ready;
  s->scanned = s->ready;
  s->remaining = 0;
}

/* Scanning, continued ***********************************************************/

/* Scan the bytes held past the scan position, up to their end, up to an
 * object to reject or to report skipped, or up to an error (which loses the
 * stream). */
static void scan(rpc_decoder *d) {
  scan_state *s = &d->scan;
  const unsigned char *bytes = (const unsigned char *)d->unpacker.buffer + d->unpacker.off;
  size_t held = rpc_decoder_pending(d);
  bool header_cut = false; /* the scan stopped in a header cut between two feeds */
  while (d->status == 0 && !s->rejected && !d->report_pending) {
    header h;
    int r = read_header(bytes + s->scanned, held - s->scanned, &h);
    if (r == 0) {
      header_cut = held > s->scanned;
      break;
    }
    if (r < 0) {
      lose_stream(d, WHOSAID_EFORMAT, "not msgpack: byte 0x%02x starts no object",
                  bytes[s->scanned]);
      return;
    }
    if (s->remaining == 0) begin_object(s);
    if (exceeds_limit(s, &h, d->max_bytes)) {
      if (d->skip_oversized) {
        begin_skip(d, &h, held);
        return; /* the scan goes on once the skipped message is reported */
      }
      lose_stream(d, WHOSAID_ETOOBIG, "a message larger than the limit of %llu bytes",
                  (unsigned long long)d->max_bytes);
      return;
    }
    if (held - s->scanned < h.size + h.payload) break; /* its data is still to come */
    note_head(s, &h, bytes + s->scanned);
    count_element(s, &h, d->max_depth);
    s->scanned += (size_t)(h.size + h.payload);
    if (s->remaining == 0) end_object(s);
  }
  /* What the checks above imply, said outright: the bytes of an unfinished
   * message never exceed the limit, but for the start of a header cut
   * between two feeds (at most 8 bytes), which is judged once it is whole:
   * refusing it now would lose a stream that skipping keeps. */
  size_t judged = header_cut ? s->scanned : held;
  if (d->status == 0 && !s->rejected && !d->report_pending && judged - s->ready > d->max_bytes) {
    lose_stream(d, WHOSAID_ETOOBIG, "a message larger than the limit of %llu bytes",
                (unsigned long long)d->max_bytes);
  }
}

/* Feeding ********************************************************************/

int rpc_decoder_feed(rpc_decoder *decoder, const char *data, size_t length) {
  if (decoder->status != 0) return decoder->status; /* the stream is lost already */
  release_message(decoder);
  decoder->reported = false;
  if (decoder->skip.active) { /* the bytes of a skipped message are never kept */
    size_t used = skip_bytes(decoder, (const unsigned char *)data, length);
    data += used;
    length -= used;
    if (decoder->status != 0) return decoder->status == WHOSAID_ETOOBIG ? WHOSAID_ETOOBIG : 0;
  }
  if (length == 0) return 0;
  if (!msgpack_unpacker_reserve_buffer(&decoder->unpacker, length)) return WHOSAID_ENOMEM;
  memcpy(msgpack_unpacker_buffer(&decoder->unpacker), data, length);
  msgpack_unpacker_buffer_consumed(&decoder->unpacker, length);
  scan(decoder);
  /* Bad bytes wait for rpc_decoder_next to report them, after the messages
   * before them; a message too large is refused now, as its bytes come. */
  return decoder->status == WHOSAID_ETOOBIG ? WHOSAID_ETOOBIG : 0;
}

/* Checking messages **********************************************************/

static const char *type_name(msgpack_object_type type) {
  switch (type) {
    case MSGPACK_OBJECT_NIL: return "nil";
    case MSGPACK_OBJECT_BOOLEAN: return "a boolean";
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return "an integer";
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "a negative integer";
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return "a float";
    case MSGPACK_OBJECT_STR: return "a string";
    case MSGPACK_OBJECT_ARRAY: return "an array";
    case MSGPACK_OBJECT_MAP: return "a map";
    case MSGPACK_OBJECT_BIN: return "binary data";
    case MSGPACK_OBJECT_EXT: return "an extension";
  }
  return "an unknown type";
}

/* Message ids are msgpack-RPC's uint32. */
static bool read_id(const msgpack_object *o, uint32_t *id) {
  if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > UINT32_MAX) return false;
  *id = (uint32_t)o->via.u64;
  return true;
}

static int bad_id(const msgpack_object *o, const char *kind, whosaid_error *err) {
  if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER || o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
    return ws_fail(err, WHOSAID_EINVAL, "%s id out of the range 0 to 4294967295", kind);
  }
  return ws_fail(err, WHOSAID_EINVAL, "%s id is %s, not an integer", kind, type_name(o->type));
}

/* The method and parameters shared by requests and notifications. */
static int read_call(const msgpack_object *method, const msgpack_object *params,
                     rpc_message *out, whosaid_error *err) {
  if (method->type != MSGPACK_OBJECT_STR) {
    return ws_fail(err, WHOSAID_EINVAL, "the method name is %s, not a string",
                   type_name(method->type));
  }
  if (params->type != MSGPACK_OBJECT_ARRAY) {
    return ws_fail(err, WHOSAID_EINVAL, "the parameters of '%.*s' are %s, not an array",
                   (int)(method->via.str.size > 100 ? 100 : method->via.str.size),
                   method->via.str.ptr, type_name(params->type));
  }
  out->method = method->via.str.ptr;
  out->method_length = method->via.str.size;
  out->params = *params;
  return 1;
}

/* [0, id, method, params]. The id goes to *ID_OUT as soon as it is usable,
 * so that a request with a wrong shape still gets its error response. */
static int read_request(const msgpack_object *a, uint32_t size, rpc_message *out,
                        uint32_t *id_out, whosaid_error *err) {
  uint32_t id;
  bool has_id = size >= 2 && read_id(&a[1], &id);
  if (has_id) *id_out = id;
  if (size != 4) {
    return ws_fail(err, WHOSAID_EINVAL, "a request has 4 elements, not %" PRIu32, size);
  }
  if (!has_id) return bad_id(&a[1], "the request", err);
  out->kind = RPC_REQUEST;
  out->id = id;
  return read_call(&a[2], &a[3], out, err);
}

/* [1, id, error, result] */
static int read_response(const msgpack_object *a, uint32_t size, rpc_message *out,
                         whosaid_error *err) {
  if (size != 4) {
    return ws_fail(err, WHOSAID_EINVAL, "a response has 4 elements, not %" PRIu32, size);
  }
  if (!read_id(&a[1], &out->id)) return bad_id(&a[1], "the response", err);
  out->kind = RPC_RESPONSE;
  out->error = a[2];
  out->result = a[3];
  return 1;
}

/* [2, method, params] */
static int read_notification(const msgpack_object *a, uint32_t size, rpc_message *out,
                             whosaid_error *err) {
  if (size != 3) {
    return ws_fail(err, WHOSAID_EINVAL, "a notification has 3 elements, not %" PRIu32, size);
  }
  out->kind = RPC_NOTIFICATION;
  return read_call(&a[1], &a[2], out, err);
}

/* 1 with the message in *OUT, or WHOSAID_EINVAL when OBJECT is none. */
static int read_message(const msgpack_object *object, rpc_message *out, uint32_t *id_out,
                        whosaid_error *err) {
  if (object->type != MSGPACK_OBJECT_ARRAY) {
    return ws_fail(err, WHOSAID_EINVAL, "a message is an array, not %s", type_name(object->type));
  }
  const msgpack_object *a = object->via.array.ptr;
  uint32_t size = object->via.array.size;
  if (size == 0 || a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
    return ws_fail(err, WHOSAID_EINVAL, "a message begins with its type, 0, 1 or 2");
  }
  switch (a[0].via.u64) {
    case RPC_REQUEST: return read_request(a, size, out, id_out, err);
    case RPC_RESPONSE: return read_response(a, size, out, err);
    case RPC_NOTIFICATION: return read_notification(a, size, out, err);
    default:
      return ws_fail(err, WHOSAID_EINVAL, "unknown message type %" PRIu64 " (not 0, 1 or 2)",
                     a[0].via.u64);
  }
}

/* Decoding *******************************************************************/

/* The unpacker parsed or skipped LENGTH bytes: the scan's offsets move. */
static void consumed(scan_state *s, size_t length) {
  s->scanned -= length;
  s->ready -= length;
}

/* Parse the whole object at the parse position (the scan found it). */
static int decode_ready(rpc_decoder *d, rpc_message *out, uint32_t *id_out, whosaid_error *err) {
  size_t before = d->unpacker.off;
  msgpack_unpack_return r = msgpack_unpacker_next(&d->unpacker, &d->message);
  if (r != MSGPACK_UNPACK_SUCCESS) {
    /* The bytes are whole, well-formed and shallow, so this is memory; the
     * unpacker stopped inside the object, where it cannot resume. */
    if (r == MSGPACK_UNPACK_NOMEM_ERROR) {
      lose_stream(d, WHOSAID_ENOMEM, "out of memory decoding a message");
    } else {
      lose_stream(d, WHOSAID_EFORMAT, "msgpack-c refused a message (unpack status %d)", (int)r);
    }
    return ws_fail(err, d->status, "%s", d->failure.message);
  }
  consumed(&d->scan, d->unpacker.off - before);
  return read_message(&d->message.data, out, id_out, err);
}

/* The id of the rejected object when it looks like a request. */
static uint32_t rejected_request_id(const scan_state *s) {
  bool request = s->top_size == 4 && s->head_known[0] && s->head[0] == RPC_REQUEST;
  if (request && s->head_known[1] && s->head[1] <= UINT32_MAX) return (uint32_t)s->head[1];
  return UINT32_MAX;
}

/* Skip the object the scan rejected, which starts at the parse position.
 * msgpack-c has no call to skip bytes, but its unpacker's fields are public
 * and, between two objects, its parser holds no state: moving the parse
 * offset past the object is all there is to it. */
static int skip_rejected(rpc_decoder *d, uint32_t *id_out, whosaid_error *err) {
  scan_state *s = &d->scan;
  size_t length = s->scanned;
  *id_out = rejected_request_id(s);
  d->unpacker.off += length;
  s->scanned = 0; /* and READY is 0: the rejected object came first */
  s->rejected = false;
  s->remaining = 0;
  scan(d); /* the bytes after it */
  return ws_fail(err, WHOSAID_EINVAL, "a message nested deeper than %zu arrays and maps",
                 d->max_depth);
}

int rpc_decoder_next(rpc_decoder *decoder, rpc_message *out, uint32_t *id_out,
                     whosaid_error *err) {
  uint32_t unused_id;
  if (id_out == NULL) id_out = &unused_id;
  *id_out = UINT32_MAX;
  memset(out, 0, sizeof(*out));
  release_message(decoder);
  decoder->reported = false;
  if (decoder->scan.ready > 0) return decode_ready(decoder, out, id_out, err);
  if (decoder->report_pending) { /* the skipped message, in its place */
    decoder->report_pending = false;
    decoder->reported = true;
    decoder->shown = decoder->report;
    if (decoder->report.method != NULL) {
      memcpy(decoder->shown_method, decoder->report.method, decoder->report.method_length);
      decoder->shown.method = decoder->shown_method;
    }
    const rpc_oversized *r = &decoder->shown;
    if (r->kind == RPC_REQUEST && r->has_id) *id_out = r->id;
    scan(decoder); /* the bytes after it */
    return ws_fail(err, WHOSAID_ETOOBIG,
                   "a message of at least %llu bytes, over the limit of %llu: skipped",
                   (unsigned long long)r->least_bytes, (unsigned long long)decoder->max_bytes);
  }
  if (decoder->scan.rejected) return skip_rejected(decoder, id_out, err);
  if (decoder->status != 0) return ws_fail(err, decoder->status, "%s", decoder->failure.message);
  return 0;
}
