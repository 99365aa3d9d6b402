/*
 * fuzz_rpc_mutator.c: libFuzzer's custom mutator and crossover for
 * fuzz_rpc. Byte-level mutations of msgpack mostly break the framing, so
 * the host sees garbage and closes; these work on whole messages instead,
 * so that mutations of a recorded session stay sessions:
 *
 *   - one value inside a message replaced by one the host cares about (a
 *     method name, a boundary integer, a path, a quoted line, nil, a
 *     position, a change dict, a buffer handle as Neovim's extension), or a
 *     string's bytes mutated by libFuzzer;
 *   - a message duplicated, deleted or moved;
 *   - a reply to one of the host's calls inserted (its ids count from 1);
 *   - crossover: a run of messages from another input spliced in.
 *
 * One mutation in four is libFuzzer's own, on the bytes, so that framing
 * and the decoder's errors are still explored. The input is split into
 * messages by the project's own decoder, whose limits keep msgpack-c from
 * believing a huge declared size; what is not a valid message is dropped.
 */
#include <msgpack.h>
#include <string.h>

#include "fuzz_support.h"
#include "rpc/rpc.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed);

#define MAX_MESSAGES 256

/* The valid messages of an input, each packed on its own. */
typedef struct {
  msgpack_sbuffer messages[MAX_MESSAGES];
  size_t count;
} session;

static uint32_t random_next(uint64_t *state) {
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(*state >> 33);
}

static uint32_t below(uint64_t *state, size_t n) {
  return n == 0 ? 0 : (uint32_t)(random_next(state) % n);
}

/* Reading and writing sessions **************************************************/

static void pack_string(msgpack_packer *pk, const char *data, size_t length) {
  msgpack_pack_str(pk, length);
  msgpack_pack_str_body(pk, data, length);
}

static void pack_message(msgpack_sbuffer *out, const rpc_message *m) {
  msgpack_packer pk;
  msgpack_sbuffer_init(out);
  msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, m->kind == RPC_NOTIFICATION ? 3 : 4);
  msgpack_pack_int(&pk, (int)m->kind);
  if (m->kind != RPC_NOTIFICATION) msgpack_pack_uint32(&pk, m->id);
  if (m->kind == RPC_RESPONSE) {
    msgpack_pack_object(&pk, m->error);
    msgpack_pack_object(&pk, m->result);
  } else {
    pack_string(&pk, m->method, m->method_length);
    msgpack_pack_object(&pk, m->params);
  }
}

static void session_read(session *s, const uint8_t *data, size_t size) {
  static const rpc_limits limits = {1u << 20, 32};
  s->count = 0;
  rpc_decoder *decoder = NULL;
  if (rpc_decoder_new(&limits, &decoder) != 0) return;
  if (rpc_decoder_feed(decoder, (const char *)data, size) == 0) {
    for (;;) {
      rpc_message m;
      whosaid_error err;
      int status = rpc_decoder_next(decoder, &m, NULL, &err);
      if (status == 1 && s->count < MAX_MESSAGES) pack_message(&s->messages[s->count++], &m);
      if (status != 1 && status != WHOSAID_EINVAL) break;
    }
  }
  rpc_decoder_free(decoder);
}

static void session_free(session *s) {
  for (size_t i = 0; i < s->count; i++) msgpack_sbuffer_destroy(&s->messages[i]);
  s->count = 0;
}

/* The messages one after another into OUT; 0 when they do not fit. */
static size_t session_write(const session *s, uint8_t *out, size_t max_size) {
  size_t size = 0;
  for (size_t i = 0; i < s->count; i++) {
    if (s->messages[i].size > max_size - size) return 0;
    memcpy(out + size, s->messages[i].data, s->messages[i].size);
    size += s->messages[i].size;
  }
  return size;
}

/* Insert MESSAGE (taking it) at AT; destroyed when the session is full. */
static void session_insert(session *s, size_t at, msgpack_sbuffer message) {
  if (s->count == MAX_MESSAGES) {
    msgpack_sbuffer_destroy(&message);
    return;
  }
  memmove(&s->messages[at + 1], &s->messages[at], (s->count - at) * sizeof(message));
  s->messages[at] = message;
  s->count++;
}

static msgpack_sbuffer copy_message(const msgpack_sbuffer *message) {
  msgpack_sbuffer copy;
  msgpack_sbuffer_init(&copy);
  msgpack_sbuffer_write(&copy, message->data, message->size);
  return copy;
}

/* Values the host cares about ***************************************************/

static const int64_t integers[] = {0,      1,      2,         3,          4,
                                   5,      7,      -1,        -2,         100,
                                   255,    256,    65535,     65536,      INT32_MAX,
                                   UINT32_MAX, (int64_t)UINT32_MAX + 1, INT64_MAX, INT64_MIN};

static const char *const strings[] = {
    "poll", "version", "attach", "detach", "analyze", "quotes", "entities", "speakers",
    "speaker_of", "mentions_of", "quote_near", "quoted_span", "summary", "speaker_named", "names", "annotate", "annotations", "annotations_load",
    "annotations_save", "export", "nvim_buf_lines_event", "nvim_buf_detach_event",
    "nvim_buf_changedtick_event", "speaker", "verdict", "note", "quote", "not_quote", "none",
    "path", "json", "name", "blocked", "article.txt.whosaid.json", "out.json", "out.csv",
    "out.md", "out.markdown", "out.txt", "missing/out.csv", ".", "",
    "\xE2\x80\x9CWe will not back down,\xE2\x80\x9D Pompeo said.", "\"Yes,\" she said.",
    "He told reporters: \"No.\"", "\xE2\x80\x9C", "\xE2\x80\x9D", "\"", "'", "\n", "\xFF\xFE",
    "Geng Shuang", "{\"whosaid\": \"annotations\", \"version\": 1, \"annotations\": []}"};

#define COUNT(array) (sizeof(array) / sizeof(*(array)))

static msgpack_object integer_object(int64_t value) {
  msgpack_object o;
  if (value >= 0) {
    o.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
    o.via.u64 = (uint64_t)value;
  } else {
    o.type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
    o.via.i64 = value;
  }
  return o;
}

static msgpack_object string_object(const char *s) {
  msgpack_object o;
  o.type = MSGPACK_OBJECT_STR;
  o.via.str.ptr = s;
  o.via.str.size = (uint32_t)strlen(s);
  return o;
}

static msgpack_object array_object(msgpack_zone *zone, size_t size, uint64_t *random) {
  msgpack_object o;
  o.type = MSGPACK_OBJECT_ARRAY;
  o.via.array.size = (uint32_t)size;
  o.via.array.ptr = size > 0 ? msgpack_zone_malloc(zone, size * sizeof(msgpack_object)) : NULL;
  for (size_t i = 0; i < size && o.via.array.ptr != NULL; i++) {
    o.via.array.ptr[i] = integer_object(below(random, 6)); /* a small position */
  }
  return o;
}

/* {KEY: VALUE} with a key of a change or a load source. */
static msgpack_object map_object(msgpack_zone *zone, uint64_t *random) {
  static const char *const keys[] = {"speaker", "verdict", "note", "path", "json", "name",
                                     "blocked"};
  msgpack_object o;
  o.type = MSGPACK_OBJECT_MAP;
  o.via.map.size = 1;
  o.via.map.ptr = msgpack_zone_malloc(zone, sizeof(msgpack_object_kv));
  if (o.via.map.ptr == NULL) return string_object("");
  o.via.map.ptr[0].key = string_object(keys[below(random, COUNT(keys))]);
  o.via.map.ptr[0].val = string_object(strings[below(random, COUNT(strings))]);
  return o;
}

/* A buffer handle as Neovim sends it: extension 0 holding a msgpack int. */
static msgpack_object handle_object(uint64_t *random) {
  static const char handles[][1] = {{0x01}, {0x02}, {0x00}, {(char)0xFF}};
  msgpack_object o;
  o.type = MSGPACK_OBJECT_EXT;
  o.via.ext.type = 0;
  o.via.ext.size = 1;
  o.via.ext.ptr = handles[below(random, COUNT(handles))];
  return o;
}

/* STRING with its bytes mutated by libFuzzer, in ZONE. */
static msgpack_object mutated_string(msgpack_zone *zone, const msgpack_object *string) {
  size_t size = string->via.str.size, capacity = size * 2 + 16;
  char *bytes = msgpack_zone_malloc(zone, capacity);
  if (bytes == NULL) return *string;
  if (size > 0) memcpy(bytes, string->via.str.ptr, size);
  msgpack_object o = *string;
  o.via.str.ptr = bytes;
  o.via.str.size = (uint32_t)LLVMFuzzerMutate((uint8_t *)bytes, size, capacity);
  return o;
}

static msgpack_object new_value(msgpack_zone *zone, const msgpack_object *old, uint64_t *random) {
  msgpack_object o;
  memset(&o, 0, sizeof(o));
  switch (below(random, 10)) {
    case 0: case 1: return integer_object(integers[below(random, COUNT(integers))]);
    case 2: return integer_object((int64_t)below(random, 40) - 4);
    case 3: case 4: return string_object(strings[below(random, COUNT(strings))]);
    case 5:
      if (old->type == MSGPACK_OBJECT_STR) return mutated_string(zone, old);
      return string_object(strings[below(random, COUNT(strings))]);
    case 6:
      o.type = below(random, 2) ? MSGPACK_OBJECT_NIL : MSGPACK_OBJECT_BOOLEAN;
      o.via.boolean = below(random, 2);
      return o;
    case 7: return array_object(zone, (size_t[]){0, 2, 4, 5}[below(random, 4)], random);
    case 8: return map_object(zone, random);
    default:
      if (below(random, 2)) return handle_object(random);
      o.type = MSGPACK_OBJECT_FLOAT64;
      o.via.f64 = 1.5;
      return o;
  }
}

/* Mutations of one message ********************************************************/

static size_t count_nodes(const msgpack_object *o) {
  size_t n = 1;
  if (o->type == MSGPACK_OBJECT_ARRAY) {
    for (uint32_t i = 0; i < o->via.array.size; i++) n += count_nodes(&o->via.array.ptr[i]);
  } else if (o->type == MSGPACK_OBJECT_MAP) {
    for (uint32_t i = 0; i < o->via.map.size; i++) {
      n += count_nodes(&o->via.map.ptr[i].key) + count_nodes(&o->via.map.ptr[i].val);
    }
  }
  return n;
}

/* The node numbered *INDEX in pre-order (counting *INDEX down), or NULL. */
static msgpack_object *nth_node(msgpack_object *o, size_t *index) {
  if ((*index)-- == 0) return o;
  msgpack_object *found = NULL;
  if (o->type == MSGPACK_OBJECT_ARRAY) {
    for (uint32_t i = 0; i < o->via.array.size && found == NULL; i++) {
      found = nth_node(&o->via.array.ptr[i], index);
    }
  } else if (o->type == MSGPACK_OBJECT_MAP) {
    for (uint32_t i = 0; i < o->via.map.size && found == NULL; i++) {
      found = nth_node(&o->via.map.ptr[i].key, index);
      if (found == NULL) found = nth_node(&o->via.map.ptr[i].val, index);
    }
  }
  return found;
}

/* Replace one value inside MESSAGE (never the message's kind, element 0,
 * which would only make it invalid). */
static void mutate_value(msgpack_sbuffer *message, uint64_t *random) {
  msgpack_zone *zone = msgpack_zone_new(4096);
  msgpack_object root;
  size_t offset = 0;
  if (zone == NULL) return;
  if (msgpack_unpack(message->data, message->size, &offset, zone, &root) ==
      MSGPACK_UNPACK_SUCCESS) {
    size_t nodes = count_nodes(&root);
    size_t index = nodes > 2 ? 2 + below(random, nodes - 2) : 0;
    msgpack_object *target = nth_node(&root, &index);
    if (target != NULL) *target = new_value(zone, target, random);
    /* Into a new buffer: the strings of ROOT point into the old one. */
    msgpack_sbuffer fresh;
    msgpack_packer pk;
    msgpack_sbuffer_init(&fresh);
    msgpack_packer_init(&pk, &fresh, msgpack_sbuffer_write);
    msgpack_pack_object(&pk, root);
    msgpack_sbuffer_destroy(message);
    *message = fresh;
  }
  msgpack_zone_free(zone);
}

/* [1, id, nil, result]: Neovim's reply to one of the host's calls. */
static msgpack_sbuffer reply(uint64_t *random) {
  msgpack_sbuffer out;
  msgpack_packer pk;
  msgpack_sbuffer_init(&out);
  msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 4);
  msgpack_pack_int(&pk, RPC_RESPONSE);
  msgpack_pack_uint32(&pk, 1 + below(random, 16));
  msgpack_pack_nil(&pk);
  switch (below(random, 4)) {
    case 0: msgpack_pack_true(&pk); break;
    case 1: msgpack_pack_int(&pk, 7); break; /* a namespace */
    case 2: msgpack_pack_int(&pk, 0); break; /* marks that failed */
    default: msgpack_pack_nil(&pk); break;
  }
  return out;
}

static void mutate_session(session *s, uint64_t *random) {
  size_t i = below(random, s->count), j = below(random, s->count + 1);
  msgpack_sbuffer moved;
  switch (below(random, 6)) {
    case 0: case 1: mutate_value(&s->messages[i], random); break;
    case 2: session_insert(s, j, copy_message(&s->messages[i])); break;
    case 3:
      if (s->count < 2) break;
      msgpack_sbuffer_destroy(&s->messages[i]);
      memmove(&s->messages[i], &s->messages[i + 1], (s->count - i - 1) * sizeof(moved));
      s->count--;
      break;
    case 4:
      moved = s->messages[i];
      memmove(&s->messages[i], &s->messages[i + 1], (s->count - i - 1) * sizeof(moved));
      s->count--;
      session_insert(s, below(random, s->count + 1), moved);
      break;
    default: session_insert(s, j, reply(random)); break;
  }
}

/* libFuzzer's entry points ***********************************************************/

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  uint64_t random = seed;
  if (below(&random, 4) == 0) return LLVMFuzzerMutate(data, size, max_size);
  session s;
  session_read(&s, data, size);
  size_t written = 0;
  if (s.count > 0) {
    mutate_session(&s, &random);
    written = session_write(&s, data, max_size);
  }
  session_free(&s);
  return written > 0 ? written : LLVMFuzzerMutate(data, size, max_size);
}

/* The messages of DATA1 with a run of those of DATA2 spliced in. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed) {
  uint64_t random = seed;
  session first, second;
  session_read(&first, data1, size1);
  session_read(&second, data2, size2);
  size_t at = below(&random, first.count + 1), from = below(&random, second.count);
  size_t run = 1 + below(&random, second.count - from);
  for (size_t k = 0; k < run && from + k < second.count; k++) {
    session_insert(&first, at + k, copy_message(&second.messages[from + k]));
  }
  size_t written = session_write(&first, out, max_out_size);
  session_free(&first);
  session_free(&second);
  return written;
}
