/*
 * test_codec.c: the msgpack-RPC codec: messages written by rpc_writer and
 * read back by rpc_decoder however the bytes are cut, malformed messages that
 * leave the stream usable, bytes that are no msgpack, and peers that declare
 * sizes or nestings meant to exhaust memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "rpc/rpc.h"
#include "test.h"
#include "test_alloc.h"

/* Helpers ********************************************************************/

static rpc_decoder *new_decoder(size_t max_bytes, size_t max_depth) {
  rpc_limits limits = {max_bytes, max_depth};
  rpc_decoder *d = NULL;
  if (rpc_decoder_new(&limits, &d) != 0) return NULL;
  return d;
}

/* rpc_decoder_next, or 99 when it fails without saying why. */
static int next(rpc_decoder *d, rpc_message *m, uint32_t *id) {
  whosaid_error err = {0, ""};
  uint32_t unused;
  int status = rpc_decoder_next(d, m, id != NULL ? id : &unused, &err);
  if (status < 0 && (err.status != status || err.message[0] == '\0')) return 99;
  return status;
}

static int feed(rpc_decoder *d, const msgpack_sbuffer *b) {
  return rpc_decoder_feed(d, b->data, b->size);
}

/* What a test checks of a decoded message. */
typedef struct {
  int status;
  rpc_kind kind;
  uint32_t id;
  char method[32];
  int64_t first; /* first parameter (requests, notifications) or result (responses) */
} summary;

static summary summarize(int status, const rpc_message *m) {
  summary s = {status, m->kind, m->id, "", -1};
  if (status != 1) return s;
  size_t length = m->method_length < sizeof(s.method) - 1 ? m->method_length : sizeof(s.method) - 1;
  if (length > 0) memcpy(s.method, m->method, length);
  if (m->kind == RPC_RESPONSE) {
    rpc_as_int(&m->result, &s.first);
  } else if (m->params.via.array.size > 0) {
    rpc_as_int(&m->params.via.array.ptr[0], &s.first);
  }
  return s;
}

/* Decode every message the decoder holds into OUT (at most MAX). */
static size_t drain(rpc_decoder *d, summary *out, size_t count, size_t max) {
  for (;;) {
    rpc_message m;
    int status = next(d, &m, NULL);
    if (status == 0) return count;
    if (count < max) out[count] = summarize(status, &m);
    count++;
    if (status != 1 && status != WHOSAID_EINVAL) return count; /* the stream is lost */
  }
}

/* Three messages: a request, a notification, and a response. */
static void write_three(rpc_writer *w) {
  rpc_write_request(w, 7, "nvim_buf_attach", 2);
  msgpack_pack_int(&w->packer, 11);
  rpc_pack_cstring(&w->packer, "eleven");
  rpc_write_notification(w, "nvim_buf_lines_event", 1);
  msgpack_pack_int(&w->packer, -3);
  rpc_write_response(w, 4000000000u);
  msgpack_pack_nil(&w->packer);
  msgpack_pack_int(&w->packer, 42);
}

static bool is_the_three(const summary *s, size_t count) {
  return count == 3 && s[0].status == 1 && s[0].kind == RPC_REQUEST && s[0].id == 7 &&
         strcmp(s[0].method, "nvim_buf_attach") == 0 && s[0].first == 11 && s[1].status == 1 &&
         s[1].kind == RPC_NOTIFICATION && strcmp(s[1].method, "nvim_buf_lines_event") == 0 &&
         s[1].first == -3 && s[2].status == 1 && s[2].kind == RPC_RESPONSE &&
         s[2].id == 4000000000u && s[2].first == 42;
}

/* Round trips ****************************************************************/

TEST(request_round_trip) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_request(&w, 12345, "whosaid_analyze", 3);
  msgpack_pack_int(&w.packer, -9);
  rpc_pack_string(&w.packer, "ab\0c", 4);
  msgpack_pack_true(&w.packer);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  uint32_t id = 0;
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_EQ(m.kind, RPC_REQUEST);
  ASSERT_EQ(m.id, 12345);
  ASSERT_SPAN_EQ(m.method, m.method_length, "whosaid_analyze");
  ASSERT_EQ(m.params.type, MSGPACK_OBJECT_ARRAY);
  ASSERT_EQ(m.params.via.array.size, 3);
  int64_t value = 0;
  ASSERT(rpc_as_int(&m.params.via.array.ptr[0], &value));
  ASSERT_EQ(value, -9);
  const char *text = NULL;
  size_t length = 0;
  ASSERT(rpc_as_string(&m.params.via.array.ptr[1], &text, &length));
  ASSERT_EQ(length, 4);
  ASSERT(memcmp(text, "ab\0c", 4) == 0);
  ASSERT_EQ(m.params.via.array.ptr[2].type, MSGPACK_OBJECT_BOOLEAN);
  ASSERT(m.params.via.array.ptr[2].via.boolean);
  ASSERT_EQ(next(d, &m, &id), 0);
  ASSERT_EQ(rpc_decoder_pending(d), 0);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(response_round_trip) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_response(&w, 0);
  msgpack_pack_nil(&w.packer);
  msgpack_pack_map(&w.packer, 1);
  rpc_pack_cstring(&w.packer, "speaker");
  rpc_pack_cstring(&w.packer, "Ada");
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_EQ(m.kind, RPC_RESPONSE);
  ASSERT_EQ(m.id, 0);
  ASSERT_EQ(m.error.type, MSGPACK_OBJECT_NIL);
  ASSERT_EQ(m.result.type, MSGPACK_OBJECT_MAP);
  ASSERT_EQ(m.result.via.map.size, 1);
  ASSERT(rpc_string_is(&m.result.via.map.ptr[0].key, "speaker"));
  ASSERT(rpc_string_is(&m.result.via.map.ptr[0].val, "Ada"));
  ASSERT(m.method == NULL);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(notification_round_trip) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "nvim_buf_detach_event", 0);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_EQ(m.kind, RPC_NOTIFICATION);
  ASSERT_SPAN_EQ(m.method, m.method_length, "nvim_buf_detach_event");
  ASSERT_EQ(m.params.type, MSGPACK_OBJECT_ARRAY);
  ASSERT_EQ(m.params.via.array.size, 0);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(error_response_round_trip) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_error(&w, 99, "no such buffer");
  /* The exact bytes Neovim expects: [1, 99, [0, "no such buffer"], nil]. */
  static const char expected[] = "\x94\x01\x63\x92\x00\xaeno such buffer\xc0";
  ASSERT_EQ(w.buffer.size, sizeof(expected) - 1);
  ASSERT(memcmp(w.buffer.data, expected, w.buffer.size) == 0);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_EQ(m.kind, RPC_RESPONSE);
  ASSERT_EQ(m.id, 99);
  ASSERT_EQ(m.error.type, MSGPACK_OBJECT_ARRAY);
  ASSERT_EQ(m.error.via.array.size, 2);
  int64_t type = -1;
  ASSERT(rpc_as_int(&m.error.via.array.ptr[0], &type));
  ASSERT_EQ(type, 0);
  ASSERT(rpc_string_is(&m.error.via.array.ptr[1], "no such buffer"));
  ASSERT_EQ(m.result.type, MSGPACK_OBJECT_NIL);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(writer_reset_empties_the_buffer) {
  rpc_writer w;
  rpc_writer_init(&w);
  write_three(&w);
  ASSERT(w.buffer.size > 0);
  rpc_writer_reset(&w);
  ASSERT_EQ(w.buffer.size, 0);
  write_three(&w);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  summary s[4];
  ASSERT(is_the_three(s, drain(d, s, 0, 4)));
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

/* Cutting the stream *********************************************************/

TEST(three_messages_cut_at_every_byte) {
  rpc_writer w;
  rpc_writer_init(&w);
  write_three(&w);
  const char *bytes = w.buffer.data;
  size_t size = w.buffer.size;
  for (size_t cut = 0; cut <= size; cut++) {
    rpc_decoder *d = new_decoder(0, 0);
    ASSERT_NOT_NULL(d);
    summary s[4];
    ASSERT_OK(rpc_decoder_feed(d, bytes, cut));
    size_t count = drain(d, s, 0, 4);
    ASSERT_EQ(rpc_decoder_pending(d) <= cut, 1);
    ASSERT_OK(rpc_decoder_feed(d, bytes + cut, size - cut));
    count = drain(d, s, count, 4);
    if (!is_the_three(s, count)) TEST_FAIL_("cut at byte %zu: %zu messages", cut, count);
    ASSERT_EQ(rpc_decoder_pending(d), 0);
    rpc_decoder_free(d);
  }
  rpc_writer_destroy(&w);
}

TEST(three_messages_one_byte_at_a_time) {
  rpc_writer w;
  rpc_writer_init(&w);
  write_three(&w);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  summary s[4];
  size_t count = 0;
  for (size_t i = 0; i < w.buffer.size; i++) {
    ASSERT_OK(rpc_decoder_feed(d, w.buffer.data + i, 1));
    count = drain(d, s, count, 4);
  }
  ASSERT(is_the_three(s, count));
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(a_thousand_messages_in_one_feed) {
  rpc_writer w;
  rpc_writer_init(&w);
  for (uint32_t i = 0; i < 1000; i++) {
    rpc_write_request(&w, i, "whosaid_poll", 1);
    msgpack_pack_uint32(&w.packer, i * 3);
  }
  ASSERT(w.buffer.size > 16384);
  /* Together far over the limit; each message well under it. */
  rpc_decoder *d = new_decoder(16384, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  static summary s[1001];
  size_t count = drain(d, s, 0, 1001);
  ASSERT_EQ(count, 1000);
  for (uint32_t i = 0; i < 1000; i++) {
    ASSERT_EQ(s[i].status, 1);
    ASSERT_EQ(s[i].id, i);
    ASSERT_STR_EQ(s[i].method, "whosaid_poll");
    ASSERT_EQ(s[i].first, i * 3);
  }
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(truncated_message_waits_for_the_rest) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_request(&w, 3, "whosaid_analyze", 1);
  rpc_pack_cstring(&w.packer, "He said: \"Hello.\"");
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(rpc_decoder_feed(d, w.buffer.data, w.buffer.size - 1));
  rpc_message m;
  uint32_t id = 0;
  ASSERT_EQ(next(d, &m, &id), 0);
  ASSERT_EQ(id, UINT32_MAX);
  ASSERT_EQ(next(d, &m, &id), 0);
  ASSERT_EQ(rpc_decoder_pending(d), w.buffer.size - 1);
  ASSERT_OK(rpc_decoder_feed(d, w.buffer.data + w.buffer.size - 1, 1));
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_EQ(m.id, 3);
  ASSERT_EQ(next(d, &m, &id), 0);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

/* A notification "types" whose parameters hold every msgpack format, each
 * size the packer can choose (BIG adds the 32-bit sizes), then 12345: the
 * scan that frames messages must step over each of them exactly. */
static size_t write_every_format(rpc_writer *w, bool big) {
  static char bytes[70000];
  memset(bytes, 'b', sizeof(bytes));
  msgpack_packer *pk = &w->packer;
  size_t count = 0;
  rpc_write_notification(w, "types", big ? 41 : 36);
  msgpack_pack_nil(pk), count++;
  msgpack_pack_true(pk), count++;
  msgpack_pack_false(pk), count++;
  msgpack_pack_int(pk, 5), count++;
  msgpack_pack_int(pk, -5), count++;
  msgpack_pack_fix_uint8(pk, 200), count++;
  msgpack_pack_fix_uint16(pk, 60000), count++;
  msgpack_pack_fix_uint32(pk, 4000000000u), count++;
  msgpack_pack_fix_uint64(pk, UINT64_C(1) << 63), count++;
  msgpack_pack_fix_int8(pk, -100), count++;
  msgpack_pack_fix_int16(pk, -30000), count++;
  msgpack_pack_fix_int32(pk, -2000000000), count++;
  msgpack_pack_fix_int64(pk, -(INT64_C(1) << 40)), count++;
  msgpack_pack_float(pk, 1.5f), count++;
  msgpack_pack_double(pk, 2.5), count++;
  size_t strings[] = {0, 1, 31, 32, 255, 256, 300};
  for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++) {
    msgpack_pack_str_with_body(pk, bytes, strings[i]), count++;
  }
  msgpack_pack_bin_with_body(pk, bytes, 10), count++;
  msgpack_pack_bin_with_body(pk, bytes, 300), count++;
  size_t exts[] = {1, 2, 4, 8, 16, 3, 300};
  for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
    msgpack_pack_ext_with_body(pk, bytes, exts[i], 7), count++;
  }
  msgpack_pack_array(pk, 2), count++;
  msgpack_pack_nil(pk), msgpack_pack_nil(pk);
  msgpack_pack_array(pk, 20), count++;
  for (int i = 0; i < 20; i++) msgpack_pack_int(pk, i);
  msgpack_pack_map(pk, 1), count++;
  msgpack_pack_nil(pk), msgpack_pack_nil(pk);
  msgpack_pack_map(pk, 20), count++;
  for (int i = 0; i < 40; i++) msgpack_pack_int(pk, i);
  if (big) {
    msgpack_pack_str_with_body(pk, bytes, 70000), count++;
    msgpack_pack_bin_with_body(pk, bytes, 70000), count++;
    msgpack_pack_ext_with_body(pk, bytes, 70000, 7), count++;
    msgpack_pack_array(pk, 70000), count++;
    for (int i = 0; i < 70000; i++) msgpack_pack_nil(pk);
    msgpack_pack_map(pk, 70000), count++;
    for (int i = 0; i < 140000; i++) msgpack_pack_nil(pk);
  }
  msgpack_pack_int(pk, 12345), count++;
  return count;
}

/* Whether the message is write_every_format's, COUNT parameters long. */
static bool is_every_format(const rpc_message *m, size_t count) {
  const msgpack_object *p = m->params.via.array.ptr;
  int64_t last = 0;
  return m->kind == RPC_NOTIFICATION && m->params.via.array.size == count &&
         rpc_as_int(&p[count - 1], &last) && last == 12345 &&
         p[8].via.u64 == UINT64_C(1) << 63 && p[12].via.i64 == -(INT64_C(1) << 40) &&
         p[13].type == MSGPACK_OBJECT_FLOAT32 && p[13].via.f64 == 1.5 &&
         p[21].via.str.size == 300 && p[23].via.bin.size == 300 && p[24].via.ext.size == 1 &&
         p[24].via.ext.type == 7 && p[30].via.ext.size == 300;
}

TEST(every_msgpack_format_is_framed_exactly) {
  rpc_writer w;
  rpc_writer_init(&w);
  size_t small = write_every_format(&w, false);
  size_t small_size = w.buffer.size;
  size_t big = write_every_format(&w, true);
  ASSERT_EQ(small, 36);
  ASSERT_EQ(big, 41);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT(is_every_format(&m, small));
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT(is_every_format(&m, big));
  ASSERT_EQ(next(d, &m, NULL), 0);
  rpc_decoder_free(d);
  /* The small one cut at every byte. */
  for (size_t cut = 0; cut <= small_size; cut++) {
    d = new_decoder(0, 0);
    ASSERT_NOT_NULL(d);
    ASSERT_OK(rpc_decoder_feed(d, w.buffer.data, cut));
    int first = next(d, &m, NULL);
    if (first == 0) {
      ASSERT_OK(rpc_decoder_feed(d, w.buffer.data + cut, small_size - cut));
      first = next(d, &m, NULL);
    }
    if (first != 1 || !is_every_format(&m, small)) TEST_FAIL_("cut at byte %zu", cut);
    rpc_decoder_free(d);
  }
  rpc_writer_destroy(&w);
}

/* Malformed messages *********************************************************/

/* Feed BAD followed by a valid notification: BAD must give WHOSAID_EINVAL
 * with ID, and the notification must still decode. */
static int check_invalid(const char *bad, size_t size, uint32_t id) {
  rpc_decoder *d = new_decoder(0, 0);
  if (d == NULL) return 1;
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "after", 0);
  int failed = 0;
  rpc_message m;
  uint32_t got = 0;
  if (rpc_decoder_feed(d, bad, size) != 0 || feed(d, &w.buffer) != 0) failed = 2;
  if (!failed && next(d, &m, &got) != WHOSAID_EINVAL) failed = 3;
  if (!failed && got != id) failed = 4;
  if (!failed && (next(d, &m, &got) != 1 || !(m.kind == RPC_NOTIFICATION && got == UINT32_MAX)))
    failed = 5;
  if (!failed && next(d, &m, &got) != 0) failed = 6;
  rpc_writer_destroy(&w);
  rpc_decoder_free(d);
  return failed;
}

#define ASSERT_INVALID(bytes, id) ASSERT_OK(check_invalid(bytes, sizeof(bytes) - 1, id))

TEST(malformed_messages_are_refused_and_the_stream_goes_on) {
  ASSERT_INVALID("\x05", UINT32_MAX);                          /* not an array */
  ASSERT_INVALID("\xa3" "abc", UINT32_MAX);                    /* a string */
  ASSERT_INVALID("\x81\x00\x01", UINT32_MAX);                  /* a map */
  ASSERT_INVALID("\x90", UINT32_MAX);                          /* [] */
  ASSERT_INVALID("\x93\x00\x01\xa1m", 1);                      /* [0, 1, "m"] */
  ASSERT_INVALID("\x95\x00\x02\xa1m\x90\xc0", 2);              /* five elements */
  ASSERT_INVALID("\x91\x00", UINT32_MAX);                      /* [0] */
  ASSERT_INVALID("\x94\x03\x01\xa1m\x90", UINT32_MAX);         /* type 3 */
  ASSERT_INVALID("\x94\xff\x01\xa1m\x90", UINT32_MAX);         /* type -1 */
  ASSERT_INVALID("\x94\xa1" "0\x01\xa1m\x90", UINT32_MAX);     /* type "0" */
  ASSERT_INVALID("\x94\x00\x04\x05\x90", 4);                   /* method 5 */
  ASSERT_INVALID("\x94\x00\x04\xc4\x01m\x90", 4);              /* method binary */
  ASSERT_INVALID("\x94\x00\xff\xa1m\x90", UINT32_MAX);         /* id -1 */
  ASSERT_INVALID("\x94\x00\xcf\x00\x00\x00\x01\x00\x00\x00\x00\xa1m\x90",
                 UINT32_MAX);                                  /* id 2^32 */
  ASSERT_INVALID("\x94\x00\xa1" "1\xa1m\x90", UINT32_MAX);     /* id "1" */
  ASSERT_INVALID("\x94\x00\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00\xa1m\x90",
                 UINT32_MAX);                                  /* id 1.0 */
  ASSERT_INVALID("\x94\x00\x06\xa1m\x05", 6);                  /* params 5 */
  ASSERT_INVALID("\x94\x00\x06\xa1m\x80", 6);                  /* params {} */
  ASSERT_INVALID("\x93\x02\xa1m\x05", UINT32_MAX);             /* notification params 5 */
  ASSERT_INVALID("\x93\x02\x07\x90", UINT32_MAX);              /* notification method 7 */
  ASSERT_INVALID("\x92\x02\xa1m", UINT32_MAX);                 /* notification of 2 */
  ASSERT_INVALID("\x94\x02\xa1m\x90\xc0", UINT32_MAX);         /* notification of 4 */
  ASSERT_INVALID("\x93\x01\x02\xc0", UINT32_MAX);              /* response of 3 */
  ASSERT_INVALID("\x94\x01\xff\xc0\xc0", UINT32_MAX);          /* response id -1 */
}

TEST(the_largest_id_decodes) {
  static const char bytes[] = "\x94\x00\xce\xff\xff\xff\xfe\xa1m\x90";
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(rpc_decoder_feed(d, bytes, sizeof(bytes) - 1));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_EQ(m.id, 4294967294u);
  rpc_decoder_free(d);
}

TEST(bytes_that_are_not_msgpack_lose_the_stream) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "before", 0);
  msgpack_sbuffer_write(&w.buffer, "\xc1", 1);
  rpc_write_notification(&w, "after", 0);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer)); /* the bad byte is reported in its turn */
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_SPAN_EQ(m.method, m.method_length, "before");
  whosaid_error err = {0, ""};
  uint32_t id = 0;
  ASSERT_EQ(rpc_decoder_next(d, &m, &id, &err), WHOSAID_EFORMAT);
  ASSERT_EQ(err.status, WHOSAID_EFORMAT);
  ASSERT(strstr(err.message, "0xc1") != NULL);
  ASSERT_EQ(id, UINT32_MAX);
  /* Lost for good: "after" never comes out, and more bytes are refused. */
  ASSERT_EQ(next(d, &m, NULL), WHOSAID_EFORMAT);
  ASSERT_EQ(feed(d, &w.buffer), WHOSAID_EFORMAT);
  ASSERT_EQ(next(d, &m, NULL), WHOSAID_EFORMAT);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(a_bad_byte_inside_a_message_loses_the_stream) {
  static const char bytes[] = "\x94\x00\x01\xa1m\x92\x01\xc1";
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(rpc_decoder_feed(d, bytes, sizeof(bytes) - 1));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), WHOSAID_EFORMAT);
  rpc_decoder_free(d);
}

/* Hostile sizes **************************************************************/

/* Feed HEADER, then CHUNK bytes of 'a' at a time, until the decoder refuses
 * them; the decoder's own allocations must not grow meanwhile. */
static int flood(const char *header, size_t header_size, size_t limit, size_t *fed,
                 size_t *pending) {
  rpc_decoder *d = new_decoder(limit, 0);
  if (d == NULL) return 1;
  enum { CHUNK = 4096 };
  static char chunk[CHUNK];
  memset(chunk, 'a', sizeof(chunk));
  whosaid_set_allocator(&counting);
  allocation_count = 0;
  int status = rpc_decoder_feed(d, header, header_size);
  *fed = header_size;
  while (status == 0 && *fed < 16 * limit) {
    status = rpc_decoder_feed(d, chunk, CHUNK);
    *fed += CHUNK;
    if (rpc_decoder_pending(d) > *pending) *pending = rpc_decoder_pending(d);
  }
  whosaid_set_allocator(NULL);
  /* After the refusal, more bytes are refused too, and not kept. */
  size_t before = rpc_decoder_pending(d);
  if (status == WHOSAID_ETOOBIG && rpc_decoder_feed(d, chunk, CHUNK) != WHOSAID_ETOOBIG) status = 2;
  if (rpc_decoder_pending(d) != before) status = 3;
  rpc_message m;
  if (status == WHOSAID_ETOOBIG && next(d, &m, NULL) != WHOSAID_ETOOBIG) status = 4;
  if (allocation_count != 0) status = 5;
  rpc_decoder_free(d);
  return status;
}

TEST(a_huge_declared_string_is_refused_in_bounded_memory) {
  /* [0, 1, "m", [<a string of 4 GiB - 1 bytes>]] */
  static const char header[] = "\x94\x00\x01\xa1m\x91\xdb\xff\xff\xff\xff";
  size_t limit = 1 << 16, fed = 0, pending = 0;
  ASSERT_EQ(flood(header, sizeof(header) - 1, limit, &fed, &pending), WHOSAID_ETOOBIG);
  ASSERT(fed <= limit + 4096);
  ASSERT(pending <= limit + 4096);
}

TEST(a_huge_declared_array_is_refused_before_msgpack_allocates_it) {
  /* An array of 2^32 - 1 nils: msgpack-c would allocate 96 GiB for it. */
  static const char array[] = "\x94\x00\x01\xa1m\xdd\xff\xff\xff\xff";
  size_t fed = 0, pending = 0;
  ASSERT_EQ(flood(array, sizeof(array) - 1, 1 << 16, &fed, &pending), WHOSAID_ETOOBIG);
  ASSERT_EQ(fed, sizeof(array) - 1); /* refused at its header */
  static const char map[] = "\x94\x00\x01\xa1m\x91\xdf\x00\x01\x00\x00";
  ASSERT_EQ(flood(map, sizeof(map) - 1, 1 << 16, &fed, &pending), WHOSAID_ETOOBIG);
  ASSERT_EQ(fed, sizeof(map) - 1);
  /* Also with the default limit, 64 MiB. */
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_EQ(rpc_decoder_feed(d, array, sizeof(array) - 1), WHOSAID_ETOOBIG);
  rpc_decoder_free(d);
}

/* A notification of exactly SIZE bytes: [2, "m", [<a string>]]. */
static void write_sized(rpc_writer *w, size_t size) {
  rpc_write_notification(w, "m", 1);
  size_t string = size - w->buffer.size - 3; /* a str 16 header */
  char *text = malloc(string);
  memset(text, 'x', string);
  msgpack_pack_str_with_body(&w->packer, text, string);
  free(text);
}

/* A message counts its bytes and the objects msgpack-c makes of it: the
 * notification of write_sized has five (the message, 2, "m", the params and
 * the string). */
#define SIZED_COST(size) ((size) + 5 * sizeof(msgpack_object))

TEST(the_limit_is_exact) {
  rpc_writer w;
  rpc_writer_init(&w);
  write_sized(&w, 1000);
  ASSERT_EQ(w.buffer.size, 1000);
  rpc_decoder *d = new_decoder(SIZED_COST(1000), 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_EQ(m.params.via.array.ptr[0].via.str.size, 1000 - 8);
  ASSERT_EQ(next(d, &m, NULL), 1);
  rpc_decoder_free(d);
  /* One byte less, refused even fed one byte at a time. */
  d = new_decoder(SIZED_COST(1000) - 1, 0);
  ASSERT_NOT_NULL(d);
  int status = 0;
  size_t i = 0;
  for (; i < w.buffer.size && status == 0; i++) status = rpc_decoder_feed(d, w.buffer.data + i, 1);
  ASSERT_EQ(status, WHOSAID_ETOOBIG);
  ASSERT(i < 16); /* at the string's header */
  whosaid_error err = {0, ""};
  uint32_t id;
  ASSERT_EQ(rpc_decoder_next(d, &m, &id, &err), WHOSAID_ETOOBIG);
  char limit[32];
  snprintf(limit, sizeof(limit), "%zu", SIZED_COST(1000) - 1);
  ASSERT(strstr(err.message, limit) != NULL);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(messages_before_a_refused_one_still_decode) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "first", 0);
  write_sized(&w, w.buffer.size + 2000);
  rpc_decoder *d = new_decoder(1000, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_EQ(feed(d, &w.buffer), WHOSAID_ETOOBIG);
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_SPAN_EQ(m.method, m.method_length, "first");
  ASSERT_EQ(next(d, &m, NULL), WHOSAID_ETOOBIG);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(an_array_of_small_objects_counts_what_it_takes_decoded) {
  /* [2, "m", [nil x 100000]]: 100 KB of bytes, 2.4 MB of msgpack_objects. */
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "m", 100000);
  for (int i = 0; i < 100000; i++) msgpack_pack_nil(&w.packer);
  rpc_decoder *d = new_decoder(1 << 20, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_EQ(rpc_decoder_feed(d, w.buffer.data, 9), WHOSAID_ETOOBIG); /* at the header */
  rpc_decoder_free(d);
  d = new_decoder(4 << 20, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_EQ(m.params.via.array.size, 100000);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

/* Skipping messages over the limit *********************************************/

static rpc_decoder *new_skipping_decoder(size_t max_bytes) {
  rpc_decoder *d = new_decoder(max_bytes, 0);
  if (d != NULL) rpc_decoder_skip_oversized(d, true);
  return d;
}

TEST(a_declared_4_gib_string_is_skipped_without_keeping_it) {
  /* [0, 9, "poll", [<a string of 4 GiB - 1 bytes>]], then a notification. */
  static const char header[] = "\x94\x00\x09\xa4poll\x91\xdb\xff\xff\xff\xff";
  rpc_decoder *d = new_skipping_decoder(1 << 16);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(rpc_decoder_feed(d, header, sizeof(header) - 1));
  rpc_message m;
  uint32_t id = 0;
  whosaid_error err = {0, ""};
  ASSERT_EQ(rpc_decoder_next(d, &m, &id, &err), WHOSAID_ETOOBIG); /* reported at once */
  ASSERT_EQ(id, 9);
  ASSERT(strstr(err.message, "skipped") != NULL);
  const rpc_oversized *o = rpc_decoder_oversized(d);
  ASSERT_EQ(o->kind, RPC_REQUEST);
  ASSERT(o->has_id && o->id == 9);
  ASSERT_SPAN_EQ(o->method, o->method_length, "poll");
  ASSERT(!o->has_handle);
  ASSERT(o->least_bytes >= 0xffffffffu);
  ASSERT_EQ(next(d, &m, &id), 0);
  ASSERT(rpc_decoder_oversized(d) == NULL); /* reported once */
  /* Its 4 GiB: counted, never held. */
  enum { CHUNK = 1 << 20 };
  char *chunk = calloc(1, CHUNK);
  ASSERT_NOT_NULL(chunk);
  uint64_t left = 0xffffffffu;
  while (left > 0) {
    size_t n = left < CHUNK ? (size_t)left : CHUNK;
    ASSERT_OK(rpc_decoder_feed(d, chunk, n));
    ASSERT_EQ(rpc_decoder_pending(d), 0);
    left -= n;
  }
  free(chunk);
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "after", 0);
  ASSERT_OK(feed(d, &w.buffer));
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_SPAN_EQ(m.method, m.method_length, "after");
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

/* Messages around one over LIMIT: "before", the big one (a lines event of
 * buffer 3, sent as Neovim does: an extension), "after". */
static void write_around_a_big_one(rpc_writer *w, size_t lines) {
  rpc_write_notification(w, "before", 0);
  rpc_write_notification(w, "nvim_buf_lines_event", 6);
  msgpack_pack_ext_with_body(&w->packer, "\x03", 1, 0); /* Buffer 3 */
  msgpack_pack_int(&w->packer, 2);
  msgpack_pack_int(&w->packer, 0);
  msgpack_pack_int(&w->packer, -1);
  msgpack_pack_array(&w->packer, lines);
  for (size_t i = 0; i < lines; i++) rpc_pack_cstring(&w->packer, "a line of the buffer");
  msgpack_pack_false(&w->packer);
  rpc_write_request(w, 12, "after", 1);
  msgpack_pack_float(&w->packer, 1.5f);
}

static bool is_around_a_big_one(const summary *s, size_t count) {
  return count == 3 && s[0].status == 1 && strcmp(s[0].method, "before") == 0 &&
         s[1].status == WHOSAID_ETOOBIG && s[2].status == 1 &&
         strcmp(s[2].method, "after") == 0 && s[2].id == 12;
}

TEST(a_skipped_message_is_reported_in_its_place_however_the_bytes_come) {
  rpc_writer w;
  rpc_writer_init(&w);
  write_around_a_big_one(&w, 1000);
  /* Whole, in one feed. */
  rpc_decoder *d = new_skipping_decoder(4096);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  summary s[4];
  rpc_message m;
  uint32_t id = 0;
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_EQ(next(d, &m, &id), WHOSAID_ETOOBIG);
  ASSERT_EQ(id, UINT32_MAX); /* a notification: nobody to answer */
  const rpc_oversized *o = rpc_decoder_oversized(d);
  ASSERT_EQ(o->kind, RPC_NOTIFICATION);
  ASSERT_SPAN_EQ(o->method, o->method_length, "nvim_buf_lines_event");
  ASSERT(o->has_handle && o->handle == 3);
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_SPAN_EQ(m.method, m.method_length, "after");
  ASSERT_EQ(next(d, &m, &id), 0);
  ASSERT_EQ(rpc_decoder_pending(d), 0);
  rpc_decoder_free(d);
  /* Byte by byte, and in chunks of every size up to 40, draining after each
   * feed: the same, and never more than the limit held. */
  for (size_t cut = 1; cut <= 40; cut++) {
    d = new_skipping_decoder(4096);
    ASSERT_NOT_NULL(d);
    size_t count = 0;
    for (size_t at = 0; at < w.buffer.size; at += cut) {
      size_t n = w.buffer.size - at < cut ? w.buffer.size - at : cut;
      ASSERT_OK(rpc_decoder_feed(d, w.buffer.data + at, n));
      ASSERT(rpc_decoder_pending(d) <= 4096);
      count = drain(d, s, count, 4);
    }
    ASSERT(is_around_a_big_one(s, count));
    rpc_decoder_free(d);
  }
  rpc_writer_destroy(&w);
}

TEST(two_skipped_messages_in_a_row_are_each_reported) {
  /* Whole in one feed: the scan after the first report finds the second. */
  rpc_writer w;
  rpc_writer_init(&w);
  const char *const methods[] = {"first", "second"};
  for (int i = 0; i < 2; i++) {
    rpc_write_request(&w, (uint32_t)(40 + i), methods[i], 1);
    msgpack_pack_array(&w.packer, 200);
    for (int k = 0; k < 200; k++) msgpack_pack_int(&w.packer, k);
  }
  rpc_write_notification(&w, "after", 0);
  rpc_decoder *d = new_skipping_decoder(1000);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  for (int i = 0; i < 2; i++) {
    uint32_t id = 0;
    ASSERT_EQ(next(d, &m, &id), WHOSAID_ETOOBIG);
    ASSERT_EQ(id, (uint32_t)(40 + i));
    const rpc_oversized *o = rpc_decoder_oversized(d);
    ASSERT_NOT_NULL(o);
    ASSERT_EQ(o->id, (uint32_t)(40 + i));
    ASSERT_SPAN_EQ(o->method, o->method_length, methods[i]);
  }
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_SPAN_EQ(m.method, m.method_length, "after");
  ASSERT_EQ(next(d, &m, NULL), 0);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(a_skipped_response_keeps_its_id) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_response(&w, 4000000000u);
  msgpack_pack_nil(&w.packer);
  msgpack_pack_array(&w.packer, 500);
  for (int i = 0; i < 500; i++) rpc_pack_cstring(&w.packer, "a line");
  rpc_write_request(&w, 5, "poll", 0);
  rpc_decoder *d = new_skipping_decoder(1000);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  uint32_t id = 0;
  ASSERT_EQ(next(d, &m, &id), WHOSAID_ETOOBIG);
  ASSERT_EQ(id, UINT32_MAX); /* not a request: no error response is due */
  const rpc_oversized *o = rpc_decoder_oversized(d);
  ASSERT_EQ(o->kind, RPC_RESPONSE);
  ASSERT(o->has_id && o->id == 4000000000u);
  ASSERT(o->method == NULL);
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_EQ(m.id, 5);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(a_bad_byte_inside_a_skipped_message_still_loses_the_stream) {
  /* [2, "m", [<array of 65535 elements>: 1, 2, 0xc1 ...]] */
  static const char bytes[] = "\x93\x02\xa1m\x91\xdc\xff\xff\x01\x02\xc1";
  rpc_decoder *d = new_skipping_decoder(1000);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(rpc_decoder_feed(d, bytes, sizeof(bytes) - 1));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), WHOSAID_ETOOBIG);
  ASSERT_NOT_NULL(rpc_decoder_oversized(d));
  ASSERT_EQ(next(d, &m, NULL), WHOSAID_EFORMAT);
  ASSERT(rpc_decoder_oversized(d) == NULL);
  ASSERT_EQ(rpc_decoder_feed(d, bytes, 1), WHOSAID_EFORMAT);
  rpc_decoder_free(d);
}

/* Hostile nesting ************************************************************/

/* A request [0, ID, "m", PARAMS] whose params nest DEPTH arrays in all (the
 * params array included), followed by a notification. */
static void write_nested(rpc_writer *w, uint32_t id, size_t depth) {
  rpc_write_request(w, id, "m", 1);
  for (size_t i = 1; i < depth; i++) msgpack_pack_array(&w->packer, 1);
  msgpack_pack_int(&w->packer, 5);
  rpc_write_notification(w, "after", 0);
}

TEST(nesting_deeper_than_max_depth_is_refused) {
  rpc_writer w;
  rpc_writer_init(&w);
  write_nested(&w, 77, 19); /* 20 deep with the message itself */
  rpc_decoder *d = new_decoder(0, 8);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  uint32_t id = 0;
  whosaid_error err = {0, ""};
  ASSERT_EQ(rpc_decoder_next(d, &m, &id, &err), WHOSAID_EINVAL);
  ASSERT_EQ(id, 77); /* so that the request still gets its error response */
  ASSERT(strstr(err.message, "deeper than 8") != NULL);
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_SPAN_EQ(m.method, m.method_length, "after");
  ASSERT_EQ(next(d, &m, &id), 0);
  ASSERT_EQ(rpc_decoder_pending(d), 0);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(max_depth_is_exact) {
  for (size_t depth = 7; depth <= 8; depth++) {
    rpc_writer w;
    rpc_writer_init(&w);
    write_nested(&w, 1, depth - 1); /* DEPTH with the message */
    rpc_decoder *d = new_decoder(0, 7);
    ASSERT_NOT_NULL(d);
    /* One byte at a time: the scan resumes inside the nesting. */
    for (size_t i = 0; i < w.buffer.size; i++) ASSERT_OK(rpc_decoder_feed(d, w.buffer.data + i, 1));
    rpc_message m;
    ASSERT_EQ(next(d, &m, NULL), depth == 7 ? 1 : WHOSAID_EINVAL);
    ASSERT_EQ(next(d, &m, NULL), 1);
    ASSERT_SPAN_EQ(m.method, m.method_length, "after");
    rpc_decoder_free(d);
    rpc_writer_destroy(&w);
  }
}

TEST(the_default_depth_is_what_msgpack_can_decode) {
  /* msgpack-c's unpacker stops at MSGPACK_EMBED_STACK_SIZE (32) levels; the
   * default of 64 is held to that, and deeper messages are refused cleanly
   * instead of failing inside msgpack-c. */
  for (size_t depth = 31; depth <= 34; depth++) {
    rpc_writer w;
    rpc_writer_init(&w);
    write_nested(&w, 2, depth - 1);
    rpc_decoder *d = new_decoder(0, 0);
    ASSERT_NOT_NULL(d);
    ASSERT_OK(feed(d, &w.buffer));
    rpc_message m;
    uint32_t id = 0;
    ASSERT_EQ(next(d, &m, &id), depth <= 32 ? 1 : WHOSAID_EINVAL);
    if (depth <= 32) {
      const msgpack_object *o = &m.params;
      for (size_t i = 2; i < depth; i++) o = &o->via.array.ptr[0];
      int64_t five = 0;
      ASSERT(rpc_as_int(&o->via.array.ptr[0], &five));
      ASSERT_EQ(five, 5);
    } else {
      ASSERT_EQ(id, 2);
    }
    ASSERT_EQ(next(d, &m, NULL), 1);
    rpc_decoder_free(d);
    rpc_writer_destroy(&w);
  }
}

TEST(deep_maps_count_as_nesting) {
  /* {0: {0: ... {0: nil}}} 40 deep, as a notification's only parameter */
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "m", 1);
  for (int i = 0; i < 40; i++) {
    msgpack_pack_map(&w.packer, 1);
    msgpack_pack_int(&w.packer, 0);
  }
  msgpack_pack_nil(&w.packer);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  uint32_t id = 0;
  ASSERT_EQ(next(d, &m, &id), WHOSAID_EINVAL);
  ASSERT_EQ(id, UINT32_MAX);
  ASSERT_EQ(next(d, &m, &id), 0);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(a_nesting_bomb_is_refused_in_bounded_memory) {
  enum { DEPTH = 1000000 };
  char *bomb = malloc(DEPTH + 1);
  ASSERT_NOT_NULL(bomb);
  memset(bomb, 0x91, DEPTH);
  bomb[DEPTH] = (char)0xc0;
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "after", 0);

  /* Under the default limit the bomb is a whole object: skipped, and the
   * stream goes on. Fed in pieces, so the scan resumes inside it. */
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  for (size_t i = 0; i <= DEPTH; i += 4096) {
    size_t n = DEPTH + 1 - i < 4096 ? DEPTH + 1 - i : 4096;
    ASSERT_OK(rpc_decoder_feed(d, bomb + i, n));
  }
  ASSERT_OK(feed(d, &w.buffer));
  ASSERT_EQ(rpc_decoder_pending(d), DEPTH + 1 + w.buffer.size);
  rpc_message m;
  uint32_t id = 0;
  ASSERT_EQ(next(d, &m, &id), WHOSAID_EINVAL);
  ASSERT_EQ(id, UINT32_MAX);
  ASSERT_EQ(rpc_decoder_pending(d), w.buffer.size);
  ASSERT_EQ(next(d, &m, &id), 1);
  ASSERT_SPAN_EQ(m.method, m.method_length, "after");
  rpc_decoder_free(d);

  /* Under a small limit, it is too large before it is too deep. */
  d = new_decoder(1 << 16, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_EQ(rpc_decoder_feed(d, bomb, DEPTH + 1), WHOSAID_ETOOBIG);
  ASSERT_EQ(next(d, &m, &id), WHOSAID_ETOOBIG);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
  free(bomb);
}

/* Reading values *************************************************************/

static msgpack_object ext(int8_t type, const char *data, uint32_t size) {
  msgpack_object o;
  o.type = MSGPACK_OBJECT_EXT;
  o.via.ext.type = type;
  o.via.ext.size = size;
  o.via.ext.ptr = data;
  return o;
}

TEST(as_int_reads_integers_and_neovim_handles) {
  int64_t v = 0;
  msgpack_object o = {MSGPACK_OBJECT_POSITIVE_INTEGER, {.u64 = 42}};
  ASSERT(rpc_as_int(&o, &v));
  ASSERT_EQ(v, 42);
  o.via.u64 = INT64_MAX;
  ASSERT(rpc_as_int(&o, &v));
  ASSERT_EQ(v, INT64_MAX);
  o.via.u64 = (uint64_t)INT64_MAX + 1;
  v = 7;
  ASSERT(!rpc_as_int(&o, &v));
  o = (msgpack_object){MSGPACK_OBJECT_NEGATIVE_INTEGER, {.i64 = INT64_MIN}};
  ASSERT(rpc_as_int(&o, &v));
  ASSERT(v == INT64_MIN);

  /* Buffer 5, Window 1000 (uint16), Tabpage 70000 (uint32). */
  o = ext(0, "\x05", 1);
  ASSERT(rpc_as_int(&o, &v));
  ASSERT_EQ(v, 5);
  o = ext(1, "\xcd\x03\xe8", 3);
  ASSERT(rpc_as_int(&o, &v));
  ASSERT_EQ(v, 1000);
  o = ext(2, "\xce\x00\x01\x11\x70", 5);
  ASSERT(rpc_as_int(&o, &v));
  ASSERT_EQ(v, 70000);
  o = ext(0, "\xff", 1);
  ASSERT(rpc_as_int(&o, &v));
  ASSERT_EQ(v, -1);

  /* Not integers. */
  o = ext(0, "\xa1x", 2);      /* a string */
  ASSERT(!rpc_as_int(&o, &v));
  o = ext(0, "\x91\x01", 2);   /* an array */
  ASSERT(!rpc_as_int(&o, &v));
  o = ext(0, "\x05\x06", 2);   /* an integer, then more */
  ASSERT(!rpc_as_int(&o, &v));
  o = ext(0, "\xcd\x03", 2);   /* a truncated integer */
  ASSERT(!rpc_as_int(&o, &v));
  o = ext(0, "", 0);
  ASSERT(!rpc_as_int(&o, &v));
  o = ext(-1, "\x05\x00\x00\x00", 4); /* a timestamp */
  ASSERT(!rpc_as_int(&o, &v));
  o = (msgpack_object){MSGPACK_OBJECT_FLOAT64, {.f64 = 1.0}};
  ASSERT(!rpc_as_int(&o, &v));
  o = (msgpack_object){MSGPACK_OBJECT_NIL, {.u64 = 0}};
  ASSERT(!rpc_as_int(&o, &v));
  o = (msgpack_object){MSGPACK_OBJECT_BOOLEAN, {.boolean = true}};
  ASSERT(!rpc_as_int(&o, &v));
  o.type = MSGPACK_OBJECT_STR;
  o.via.str.ptr = "5";
  o.via.str.size = 1;
  ASSERT(!rpc_as_int(&o, &v));
  ASSERT_EQ(v, -1); /* untouched by the failures */
}

TEST(a_handle_decoded_from_a_message) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "nvim_buf_lines_event", 1);
  msgpack_pack_ext(&w.packer, 3, 0); /* Buffer 300, as Neovim sends it */
  msgpack_pack_ext_body(&w.packer, "\xcd\x01\x2c", 3);
  rpc_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed(d, &w.buffer));
  rpc_message m;
  ASSERT_EQ(next(d, &m, NULL), 1);
  ASSERT_EQ(m.params.via.array.ptr[0].type, MSGPACK_OBJECT_EXT);
  int64_t handle = 0;
  ASSERT(rpc_as_int(&m.params.via.array.ptr[0], &handle));
  ASSERT_EQ(handle, 300);
  rpc_decoder_free(d);
  rpc_writer_destroy(&w);
}

TEST(as_string_and_string_is) {
  msgpack_object o;
  o.type = MSGPACK_OBJECT_STR;
  o.via.str.ptr = "nvim_x";
  o.via.str.size = 4;
  const char *data = NULL;
  size_t length = 0;
  ASSERT(rpc_as_string(&o, &data, &length));
  ASSERT_SPAN_EQ(data, length, "nvim");
  ASSERT(rpc_string_is(&o, "nvim"));
  ASSERT(!rpc_string_is(&o, "nvim_x"));
  ASSERT(!rpc_string_is(&o, "nvi"));
  ASSERT(!rpc_string_is(&o, "nvix"));
  ASSERT(!rpc_string_is(&o, ""));
  o.via.str.size = 0;
  ASSERT(rpc_string_is(&o, ""));
  o.type = MSGPACK_OBJECT_BIN;
  o.via.bin.ptr = "nvim";
  o.via.bin.size = 4;
  data = NULL;
  ASSERT(!rpc_as_string(&o, &data, &length));
  ASSERT(data == NULL);
  ASSERT(!rpc_string_is(&o, "nvim"));
  o = (msgpack_object){MSGPACK_OBJECT_POSITIVE_INTEGER, {.u64 = 1}};
  ASSERT(!rpc_as_string(&o, &data, &length));
}

/* Out of memory **************************************************************/

TEST(every_allocation_failure_is_reported_and_leaks_nothing) {
  rpc_writer w;
  rpc_writer_init(&w);
  write_three(&w);
  whosaid_set_allocator(&counting);
  size_t n = 1;
  for (;; n++) {
    live_blocks = 0;
    allocation_count = 0;
    failing_allocation = n;
    rpc_decoder *d = NULL;
    int status = rpc_decoder_new(NULL, &d);
    if (status == 0) {
      /* Feeding and decoding allocate nothing through ws_*: no failure to
       * inject there (msgpack-c's own buffers come from malloc). */
      size_t before = allocation_count;
      summary s[4];
      int fed = feed(d, &w.buffer);
      size_t count = drain(d, s, 0, 4);
      size_t used = allocation_count - before;
      rpc_decoder_free(d);
      ASSERT_OK(fed);
      ASSERT(is_the_three(s, count));
      ASSERT_EQ(used, 0);
      ASSERT_EQ(live_blocks, 0);
      break;
    }
    ASSERT_EQ(status, WHOSAID_ENOMEM);
    ASSERT(d == NULL);
    if (live_blocks != 0) TEST_FAIL_("allocation %zu failed: %ld blocks leaked", n, live_blocks);
  }
  failing_allocation = 0;
  whosaid_set_allocator(NULL);
  ASSERT(n >= 2); /* at least one failure was injected */
  rpc_writer_destroy(&w);
}

int main(void) {
  RUN(request_round_trip);
  RUN(response_round_trip);
  RUN(notification_round_trip);
  RUN(error_response_round_trip);
  RUN(writer_reset_empties_the_buffer);
  RUN(three_messages_cut_at_every_byte);
  RUN(three_messages_one_byte_at_a_time);
  RUN(a_thousand_messages_in_one_feed);
  RUN(truncated_message_waits_for_the_rest);
  RUN(every_msgpack_format_is_framed_exactly);
  RUN(malformed_messages_are_refused_and_the_stream_goes_on);
  RUN(the_largest_id_decodes);
  RUN(bytes_that_are_not_msgpack_lose_the_stream);
  RUN(a_bad_byte_inside_a_message_loses_the_stream);
  RUN(a_huge_declared_string_is_refused_in_bounded_memory);
  RUN(a_huge_declared_array_is_refused_before_msgpack_allocates_it);
  RUN(the_limit_is_exact);
  RUN(messages_before_a_refused_one_still_decode);
  RUN(an_array_of_small_objects_counts_what_it_takes_decoded);
  RUN(a_declared_4_gib_string_is_skipped_without_keeping_it);
  RUN(a_skipped_message_is_reported_in_its_place_however_the_bytes_come);
  RUN(two_skipped_messages_in_a_row_are_each_reported);
  RUN(a_skipped_response_keeps_its_id);
  RUN(a_bad_byte_inside_a_skipped_message_still_loses_the_stream);
  RUN(nesting_deeper_than_max_depth_is_refused);
  RUN(max_depth_is_exact);
  RUN(the_default_depth_is_what_msgpack_can_decode);
  RUN(deep_maps_count_as_nesting);
  RUN(a_nesting_bomb_is_refused_in_bounded_memory);
  RUN(as_int_reads_integers_and_neovim_handles);
  RUN(a_handle_decoded_from_a_message);
  RUN(as_string_and_string_is);
  RUN(every_allocation_failure_is_reported_and_leaks_nothing);
  return test_report();
}
