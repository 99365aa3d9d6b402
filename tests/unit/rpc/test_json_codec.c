/*
 * test_json_codec.c: the JSON codec of `whosaid host --vim`: Vim's messages
 * read back however the bytes are cut, several in one read, every JSON
 * value and escape, bytes that are not UTF-8 passed through, broken JSON
 * that leaves the stream usable from the next line, messages over the size
 * or depth limit skipped in bounded memory, and the host's msgpack messages
 * in Vim's form.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "rpc/rpc_json.h"
#include "test.h"
#include "test_alloc.h"

/* Helpers ********************************************************************/

static rpc_json_decoder *new_decoder(size_t max_bytes, size_t max_depth) {
  rpc_limits limits = {max_bytes, max_depth};
  rpc_json_decoder *d = NULL;
  if (rpc_json_decoder_new(&limits, &d) != 0) return NULL;
  return d;
}

static int feed_text(rpc_json_decoder *d, const char *text) {
  return rpc_json_decoder_feed(d, text, strlen(text));
}

/* A readable form of an object: JSON-like, bytes outside printable ASCII
 * as \xHH, floats with %g. */
static void render(const msgpack_object *o, char *out, size_t size);

static size_t append(char *out, size_t size, size_t at, const char *text) {
  size_t n = strlen(text);
  if (at + n >= size) n = at < size ? size - at - 1 : 0;
  memcpy(out + at, text, n);
  out[at + n] = '\0';
  return at + n;
}

static size_t render_at(const msgpack_object *o, char *out, size_t size, size_t at) {
  char text[64];
  switch (o->type) {
    case MSGPACK_OBJECT_NIL: return append(out, size, at, "null");
    case MSGPACK_OBJECT_BOOLEAN: return append(out, size, at, o->via.boolean ? "true" : "false");
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
      snprintf(text, sizeof(text), "%llu", (unsigned long long)o->via.u64);
      return append(out, size, at, text);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
      snprintf(text, sizeof(text), "%lld", (long long)o->via.i64);
      return append(out, size, at, text);
    case MSGPACK_OBJECT_FLOAT64:
      snprintf(text, sizeof(text), "f%g", o->via.f64);
      return append(out, size, at, text);
    case MSGPACK_OBJECT_STR:
      at = append(out, size, at, "\"");
      for (uint32_t i = 0; i < o->via.str.size; i++) {
        unsigned char c = (unsigned char)o->via.str.ptr[i];
        if (c >= 0x20 && c < 0x7f) {
          snprintf(text, sizeof(text), "%c", c);
        } else {
          snprintf(text, sizeof(text), "\\x%02x", c);
        }
        at = append(out, size, at, text);
      }
      return append(out, size, at, "\"");
    case MSGPACK_OBJECT_ARRAY:
      at = append(out, size, at, "[");
      for (uint32_t i = 0; i < o->via.array.size; i++) {
        if (i > 0) at = append(out, size, at, ",");
        at = render_at(&o->via.array.ptr[i], out, size, at);
      }
      return append(out, size, at, "]");
    case MSGPACK_OBJECT_MAP:
      at = append(out, size, at, "{");
      for (uint32_t i = 0; i < o->via.map.size; i++) {
        if (i > 0) at = append(out, size, at, ",");
        at = render_at(&o->via.map.ptr[i].key, out, size, at);
        at = append(out, size, at, ":");
        at = render_at(&o->via.map.ptr[i].val, out, size, at);
      }
      return append(out, size, at, "}");
    default: return append(out, size, at, "?");
  }
}

static void render(const msgpack_object *o, char *out, size_t size) {
  out[0] = '\0';
  render_at(o, out, size, 0);
}

/* What a test checks of one result of rpc_json_decoder_next. */
typedef struct {
  int status;
  rpc_kind kind;
  uint32_t id;      /* the message's, or *ID_OUT for an error */
  char method[32];
  char value[256];  /* params (requests, notifications) or result (responses) */
  bool failed;      /* a response whose error is set */
} summary;

static summary next_summary(rpc_json_decoder *d) {
  summary s;
  memset(&s, 0, sizeof(s));
  rpc_message m;
  uint32_t id = 12345;
  whosaid_error err = {0, ""};
  s.status = rpc_json_decoder_next(d, &m, &id, &err);
  if (s.status < 0 && (err.status != s.status || err.message[0] == '\0')) s.status = 99;
  if (s.status != 1) {
    s.id = id;
    return s;
  }
  s.kind = m.kind;
  s.id = m.id;
  size_t length = m.method_length < sizeof(s.method) - 1 ? m.method_length : sizeof(s.method) - 1;
  if (length > 0) memcpy(s.method, m.method, length);
  render(m.kind == RPC_RESPONSE ? &m.result : &m.params, s.value, sizeof(s.value));
  s.failed = m.kind == RPC_RESPONSE && m.error.type != MSGPACK_OBJECT_NIL;
  return s;
}

/* Every result until "more bytes needed", into OUT (at most MAX). */
static size_t drain(rpc_json_decoder *d, summary *out, size_t count, size_t max) {
  for (;;) {
    summary s = next_summary(d);
    if (s.status == 0) return count;
    if (count < max) out[count] = s;
    count++;
    if (s.status == WHOSAID_ENOMEM || s.status == 99) return count;
  }
}

/* TEXT fed in two pieces cut at CUT, decoded after each. */
static size_t decode_cut(const char *text, size_t cut, summary *out, size_t max,
                         size_t max_bytes, size_t max_depth) {
  rpc_json_decoder *d = new_decoder(max_bytes, max_depth);
  if (d == NULL) return 0;
  size_t count = 0;
  if (rpc_json_decoder_feed(d, text, cut) == 0) count = drain(d, out, count, max);
  if (rpc_json_decoder_feed(d, text + cut, strlen(text) - cut) == 0) {
    count = drain(d, out, count, max);
  }
  rpc_json_decoder_free(d);
  return count;
}

static size_t decode_all(const char *text, summary *out, size_t max) {
  return decode_cut(text, 0, out, max, 0, 0);
}

/* Three messages Vim sends: a request, a lines event, an answer. */
static const char three[] =
    "[7,[\"attach\",[11,\"eleven\"]]]\n"
    "[8,[\"nvim_buf_lines_event\",[3,2,0,-1,[\"a \\\"b\\\"\",\"\xe2\x80\x9c\"],false]]]\n"
    "[-4000000000,{\"x\":[1.5,-2,null]}]\n";

static bool is_the_three(const summary *s, size_t count) {
  return count == 3 && s[0].status == 1 && s[0].kind == RPC_REQUEST && s[0].id == 7 &&
         strcmp(s[0].method, "attach") == 0 && strcmp(s[0].value, "[11,\"eleven\"]") == 0 &&
         s[1].status == 1 && s[1].kind == RPC_NOTIFICATION &&
         strcmp(s[1].method, "nvim_buf_lines_event") == 0 &&
         strcmp(s[1].value, "[3,2,0,-1,[\"a \"b\"\",\"\\xe2\\x80\\x9c\"],false]") == 0 &&
         s[2].status == 1 && s[2].kind == RPC_RESPONSE && s[2].id == 4000000000u &&
         strcmp(s[2].value, "{\"x\":[f1.5,-2,null]}") == 0 && !s[2].failed;
}

/* Decoding Vim's messages ****************************************************/

TEST(the_three_shapes_decode) {
  summary s[4];
  size_t count = decode_all(three, s, 4);
  ASSERT(is_the_three(s, count));
}

TEST(three_messages_cut_at_every_byte) {
  for (size_t cut = 0; cut <= strlen(three); cut++) {
    summary s[4];
    size_t count = decode_cut(three, cut, s, 4, 0, 0);
    if (!is_the_three(s, count)) TEST_FAIL_("cut at byte %zu: %zu results", cut, count);
  }
}

TEST(three_messages_one_byte_at_a_time) {
  rpc_json_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  summary s[4];
  size_t count = 0;
  for (size_t i = 0; i < strlen(three); i++) {
    ASSERT_OK(rpc_json_decoder_feed(d, three + i, 1));
    count = drain(d, s, count, 4);
  }
  ASSERT(is_the_three(s, count));
  ASSERT_EQ(rpc_json_decoder_pending(d), 0);
  rpc_json_decoder_free(d);
}

TEST(messages_without_newlines_and_with_blanks_between) {
  const char *text = "  [1,[\"poll\",[]]][2,[\"poll\",[]]] \r\n\t [3,[\"poll\",[]]]";
  summary s[4];
  size_t count = decode_all(text, s, 4);
  ASSERT_EQ(count, 3);
  for (size_t i = 0; i < 3; i++) {
    ASSERT_EQ(s[i].status, 1);
    ASSERT_EQ(s[i].id, i + 1);
    ASSERT_STR_EQ(s[i].method, "poll");
  }
}

TEST(a_thousand_messages_in_one_feed) {
  size_t size = 1000 * 40;
  char *text = malloc(size);
  ASSERT_NOT_NULL(text);
  size_t at = 0;
  for (int i = 1; i <= 1000; i++) {
    at += (size_t)snprintf(text + at, size - at, "[%d,[\"poll\",[%d]]]\n", i, -i);
  }
  rpc_json_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(rpc_json_decoder_feed(d, text, at));
  free(text);
  for (int i = 1; i <= 1000; i++) {
    summary s = next_summary(d);
    char expected[32];
    snprintf(expected, sizeof(expected), "[%d]", -i);
    if (s.status != 1 || s.id != (uint32_t)i || strcmp(s.value, expected) != 0) {
      rpc_json_decoder_free(d);
      TEST_FAIL_("message %d: status %d id %u %s", i, s.status, s.id, s.value);
    }
  }
  ASSERT_EQ(next_summary(d).status, 0);
  rpc_json_decoder_free(d);
}

TEST(each_message_counts_only_its_own_size) {
  rpc_json_decoder *d = new_decoder(1024, 0);
  ASSERT_NOT_NULL(d);
  for (int i = 1; i <= 10000; i++) { /* 240 KB of values in all, 200 bytes each */
    ASSERT_OK(feed_text(d, "[1,[\"poll\",[1,2,3]]] 2"));
    summary s = next_summary(d);
    if (s.status != 1) {
      rpc_json_decoder_free(d);
      TEST_FAIL_("message %d: status %d", i, s.status);
    }
    ASSERT_OK(feed_text(d, " "));
    ASSERT_EQ(next_summary(d).status, WHOSAID_EINVAL); /* 2, a message that is no array */
  }
  rpc_json_decoder_free(d);
}

TEST(a_truncated_message_waits_for_the_rest) {
  rpc_json_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed_text(d, "[5,[\"quotes\",[3"));
  ASSERT_EQ(next_summary(d).status, 0);
  ASSERT_EQ(rpc_json_decoder_pending(d), strlen("[5,[\"quotes\",[3"));
  ASSERT_OK(feed_text(d, "]]]"));
  summary s = next_summary(d);
  ASSERT_EQ(s.status, 1);
  ASSERT_STR_EQ(s.value, "[3]");
  rpc_json_decoder_free(d);
}

TEST(a_number_at_the_top_ends_at_the_next_byte) {
  rpc_json_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed_text(d, "12"));
  ASSERT_EQ(next_summary(d).status, 0); /* "123" may follow */
  ASSERT_OK(feed_text(d, "3\n"));
  ASSERT_EQ(next_summary(d).status, WHOSAID_EINVAL); /* a message is an array */
  ASSERT_OK(feed_text(d, "[1,[\"poll\",[]]]"));
  ASSERT_EQ(next_summary(d).status, 1);
  rpc_json_decoder_free(d);
}

TEST(every_kind_of_value) {
  summary s[2];
  size_t count = decode_all(
      "[1,[\"m\",[0,-0,9223372036854775807,-9223372036854775808,1e3,-2.5E-1,0.125,true,false,"
      "null,NaN,Infinity,-Infinity,\"\",[],{},{\"a\":{\"b\":[1]},\"a\":2}]]]",
      s, 2);
  ASSERT_EQ(count, 1);
  ASSERT_EQ(s[0].status, 1);
  ASSERT_STR_EQ(s[0].value,
                "[0,0,9223372036854775807,-9223372036854775808,f1000,f-0.25,f0.125,true,false,"
                "null,fnan,finf,f-inf,\"\",[],{},{\"a\":{\"b\":[1]},\"a\":2}]");
}

TEST(escapes_become_their_bytes) {
  summary s[2];
  size_t count = decode_all(
      "[1,[\"m\",[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"\\u0041\\u00e9\\u20AC\","
      "\"\\ud83d\\ude00\",\"\\ud800\",\"\\udc00x\",\"\\ud800\\u0041\",\"a\\u0000b\"]]]",
      s, 2);
  ASSERT_EQ(count, 1);
  ASSERT_EQ(s[0].status, 1);
  ASSERT_STR_EQ(s[0].value,
                "[\"\"\\/\\x08\\x0c\\x0a\\x0d\\x09\",\"A\\xc3\\xa9\\xe2\\x82\\xac\","
                "\"\\xf0\\x9f\\x98\\x80\",\"\\xed\\xa0\\x80\",\"\\xed\\xb0\\x80x\","
                "\"\\xed\\xa0\\x80A\",\"a\\x00b\"]");
}

TEST(bytes_that_are_not_utf8_pass_through) {
  summary s[2];
  /* A lone continuation byte, a truncated sequence, an overlong '/', 0xff. */
  size_t count = decode_all("[1,[\"m\",[\"\x80 \xe2\x80 \xc0\xaf \xff\"]]]", s, 2);
  ASSERT_EQ(count, 1);
  ASSERT_EQ(s[0].status, 1);
  ASSERT_STR_EQ(s[0].value, "[\"\\x80 \\xe2\\x80 \\xc0\\xaf \\xff\"]");
}

TEST(events_and_id_zero_are_notifications_other_ids_requests) {
  summary s[4];
  size_t count = decode_all("[9,[\"nvim_buf_detach_event\",[3]]]"
                            "[0,[\"poll\",[]]]"
                            "[4294967295,[\"poll\",[]]]", s, 4);
  ASSERT_EQ(count, 3);
  ASSERT_EQ(s[0].kind, RPC_NOTIFICATION);
  ASSERT_STR_EQ(s[0].method, "nvim_buf_detach_event");
  ASSERT_EQ(s[1].kind, RPC_NOTIFICATION);
  ASSERT_EQ(s[2].kind, RPC_REQUEST);
  ASSERT_EQ(s[2].id, 4294967295u);
}

TEST(vim_s_error_answer_is_an_error) {
  summary s[3];
  size_t count = decode_all("[-3,\"ERROR\"][-4,\"ERRORS\"]", s, 3);
  ASSERT_EQ(count, 2);
  ASSERT_EQ(s[0].kind, RPC_RESPONSE);
  ASSERT_EQ(s[0].id, 3);
  ASSERT(s[0].failed);
  ASSERT_STR_EQ(s[0].value, "null");
  ASSERT(!s[1].failed);
  ASSERT_STR_EQ(s[1].value, "\"ERRORS\"");
}

/* Broken messages *************************************************************/

/* Each line is broken; after it, a request that must decode. EXPECTED_ID is
 * the id an error answer goes to (UINT32_MAX: none); FAILED_CALL, for an
 * answer of Vim's, the call it fails (0: none). */
static const struct {
  const char *text;
  uint32_t expected_id;
  uint32_t failed_call;
} broken[] = {
    {"[1,[\"poll\",[}]]", 1, 0},                  /* a bracket that does not match */
    {"[2,[\"poll\",[]]", 2, 0},                   /* one bracket short: the next line breaks it */
    {"[3,[\"poll\",[]]]]", UINT32_MAX, 0},        /* one too many: a new message starts with ']' */
    {"[4,[\"poll,[]]]", 4, 0},                    /* an unterminated string */
    {"[5,[\"poll\",[01]]]", 5, 0},                /* a leading zero */
    {"[6,[\"poll\",[1.]]]", 6, 0},
    {"[7,[\"poll\",[1e]]]", 7, 0},
    {"[8,[\"poll\",[tru]]]", 8, 0},
    {"[9,[\"poll\",[\"\\x\"]]]", 9, 0},           /* a bad escape */
    {"[10,[\"poll\",[\"\\u12g4\"]]]", 10, 0},
    {"[11,[\"poll\",[\"a\tb\"]]]", 11, 0},        /* a raw control character */
    {"[12,[\"poll\" [1]]]", 12, 0},               /* a missing comma */
    {"[13,[\"poll\",[1,]]]", 13, 0},              /* a trailing comma */
    {"[14,[\"poll\",{1:2}]]]", 14, 0},            /* a key that is no string */
    {"[15,[\"poll\",{\"a\" 2}]]]", 15, 0},
    {"[16,[\"nvim_buf_lines_event\",[1,}]]]", UINT32_MAX, 0}, /* an event: no answer */
    {"[-3,]", UINT32_MAX, 3},                  /* an answer: its call fails */
    {"[-5,18446744073709551616]", UINT32_MAX, 5},
    {"[-6,[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
     UINT32_MAX, 6},
    {"}{", UINT32_MAX, 0},
    {"\xff\xfe garbage", UINT32_MAX, 0},
    {"[17,[\"poll\",[]]] x", UINT32_MAX, 0},      /* the message decodes; 'x' is the error */
    /* Well-formed JSON, but not one of Vim's shapes. */
    {"{\"a\":1}", UINT32_MAX, 0},
    {"[18]", 18, 0},
    {"[18,[\"poll\",[]],3]", 18, 0},
    {"[18,[\"a_event\",[]],3]", UINT32_MAX, 0},
    {"[]", UINT32_MAX, 0},
    {"[19,\"poll\"]", 19, 0},
    {"[20,[1,[]]]", 20, 0},
    {"[21,[\"poll\",3]]", 21, 0},
    {"[\"x\",[\"poll\",[]]]", UINT32_MAX, 0},
    {"[1.5,[\"poll\",[]]]", UINT32_MAX, 0},
    {"[4294967296,[\"poll\",[]]]", UINT32_MAX, 0}, /* an id out of range */
    {"[22,[\"poll\",[99999999999999999999]]]", 22, 0},
    {"[-4294967296,1]", UINT32_MAX, 0},
};

TEST(broken_messages_are_refused_and_the_next_line_decodes) {
  for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
    char text[200];
    snprintf(text, sizeof(text), "%s\n[100,[\"after\",[]]]\n", broken[i].text);
    for (size_t cut = 0; cut <= strlen(text); cut++) {
      summary s[4];
      size_t count = decode_cut(text, cut, s, 4, 0, 0);
      uint32_t call = broken[i].failed_call;
      /* "[17,...] x": a message, then 'x' */
      size_t first_error = s[0].status == 1 && call == 0 ? 1 : 0;
      const summary *e = &s[first_error];
      bool error_ok = call != 0 ? e->status == 1 && e->kind == RPC_RESPONSE && e->id == call &&
                                      e->failed && strcmp(e->value, "null") == 0
                                : e->status == WHOSAID_EINVAL && e->id == broken[i].expected_id;
      bool ok = count == first_error + 2 && error_ok &&
                s[count - 1].status == 1 && s[count - 1].id == 100 &&
                strcmp(s[count - 1].method, "after") == 0;
      if (!ok) {
        TEST_FAIL_("'%s' cut at %zu: %zu results, first status %d id %u, last status %d id %u",
                   broken[i].text, cut, count, s[0].status, s[0].id,
                   count > 0 ? s[count - 1].status : 0, count > 0 ? s[count - 1].id : 0);
      }
    }
  }
}

TEST(the_error_says_what_and_where) {
  rpc_json_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed_text(d, "[1,[\"poll\",[}]]]\n"));
  rpc_message m;
  uint32_t id;
  whosaid_error err = {0, ""};
  ASSERT_EQ(rpc_json_decoder_next(d, &m, &id, &err), WHOSAID_EINVAL);
  ASSERT_STR_EQ(err.message, "not JSON: '}' where a value should be at byte 12 of the message; "
                             "skipped to the end of its line");
  rpc_json_decoder_free(d);
}

TEST(a_line_that_ends_inside_a_message_ends_it) {
  /* Vim writes no raw newline inside a message: one there means the
   * message is broken, and the next line is the next message. */
  summary s[8];
  size_t count = decode_all("[\n1,[\"poll\",[]]]\n[2,[\"poll\",[]]]\n[3,[\"poll\",[\n"
                            "[4,[\"poll\",[]]]\n", s, 8);
  ASSERT_EQ(count, 6);
  ASSERT_EQ(s[0].status, WHOSAID_EINVAL); /* "[" and the line's end */
  ASSERT_EQ(s[0].id, UINT32_MAX);
  ASSERT_EQ(s[1].status, WHOSAID_EINVAL); /* "1": a message that is no array */
  ASSERT_EQ(s[2].status, WHOSAID_EINVAL); /* ",": the rest of that line goes */
  ASSERT_EQ(s[3].status, 1);
  ASSERT_EQ(s[3].id, 2);
  ASSERT_EQ(s[4].status, WHOSAID_EINVAL); /* "[3,[...,[" and its line's end */
  ASSERT_EQ(s[4].id, 3);
  ASSERT_EQ(s[5].status, 1);
  ASSERT_EQ(s[5].id, 4);
  /* Whitespace that is not a newline is whitespace. */
  count = decode_all("[ 5 ,\t[\"poll\" ,\r[ ] ] ]", s, 8);
  ASSERT_EQ(count, 1);
  ASSERT_EQ(s[0].status, 1);
}

TEST(garbage_without_a_newline_is_dropped_as_it_comes) {
  rpc_json_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed_text(d, "?"));
  ASSERT_EQ(next_summary(d).status, WHOSAID_EINVAL);
  char junk[4096];
  memset(junk, '[', sizeof(junk));
  for (int i = 0; i < 1000; i++) ASSERT_OK(rpc_json_decoder_feed(d, junk, sizeof(junk)));
  ASSERT_EQ(rpc_json_decoder_pending(d), 0);
  ASSERT_EQ(next_summary(d).status, 0);
  ASSERT_OK(feed_text(d, "\n[1,[\"poll\",[]]]"));
  ASSERT_EQ(next_summary(d).status, 1);
  rpc_json_decoder_free(d);
}

/* Limits ********************************************************************/

/* [1,["m",["xxx..."]]]: six values, 144 bytes of objects, and its bytes. */
static char *message_of_cost(size_t cost) {
  size_t bytes = cost - 6 * sizeof(msgpack_object);
  size_t filler = bytes - strlen("[1,[\"m\",[\"\"]]]");
  char *text = malloc(bytes + 1);
  if (text == NULL) return NULL;
  memcpy(text, "[1,[\"m\",[\"", 10);
  memset(text + 10, 'x', filler);
  memcpy(text + 10 + filler, "\"]]]", 5);
  return text;
}

TEST(the_limit_is_exact) {
  for (size_t cost = 1023; cost <= 1025; cost++) {
    char *text = message_of_cost(cost);
    ASSERT_NOT_NULL(text);
    summary s[3];
    char *both = malloc(strlen(text) + 32);
    ASSERT_NOT_NULL(both);
    sprintf(both, "%s[2,[\"poll\",[]]]", text);
    size_t count = decode_cut(both, 0, s, 3, 1024, 0);
    free(text);
    free(both);
    ASSERT_EQ(count, 2);
    ASSERT_EQ(s[0].status, cost <= 1024 ? 1 : WHOSAID_ETOOBIG);
    ASSERT_EQ(s[0].id, 1);
    ASSERT_EQ(s[1].status, 1);
    ASSERT_EQ(s[1].id, 2);
  }
}

TEST(a_skipped_message_is_reported_in_its_place_however_the_bytes_come) {
  char big[3000];
  memset(big, 'y', sizeof(big));
  big[sizeof(big) - 1] = '\0';
  char text[3200];
  snprintf(text, sizeof(text),
           "[1,[\"poll\",[]]]\n[2,[\"attach\",[42,\"%s\"]]]\n[3,[\"poll\",[]]]\n", big);
  for (size_t cut = 0; cut <= strlen(text); cut += cut < 40 || cut > 3000 ? 1 : 97) {
    summary s[4];
    rpc_json_decoder *d = new_decoder(1024, 0);
    ASSERT_NOT_NULL(d);
    size_t count = 0;
    ASSERT_OK(rpc_json_decoder_feed(d, text, cut));
    count = drain(d, s, count, 4);
    ASSERT(rpc_json_decoder_pending(d) <= 1024);
    ASSERT_OK(rpc_json_decoder_feed(d, text + cut, strlen(text) - cut));
    count = drain(d, s, count, 4);
    rpc_json_decoder_free(d);
    bool ok = count == 3 && s[0].status == 1 && s[0].id == 1 &&
              s[1].status == WHOSAID_ETOOBIG && s[1].id == 2 && s[2].status == 1 && s[2].id == 3;
    if (!ok) TEST_FAIL_("cut at %zu: %zu results", cut, count);
  }
}

TEST(the_report_says_what_was_known) {
  rpc_json_decoder *d = new_decoder(1024, 0);
  ASSERT_NOT_NULL(d);
  char line[2000];
  memset(line, 'z', sizeof(line));
  line[sizeof(line) - 1] = '\0';
  char text[2200];
  snprintf(text, sizeof(text), "[77, [\"nvim_buf_lines_event\", [5, 9, 0, -1, [\"%s\"]]]]", line);
  ASSERT_OK(feed_text(d, text));
  rpc_message m;
  uint32_t id;
  whosaid_error err = {0, ""};
  ASSERT_EQ(rpc_json_decoder_next(d, &m, &id, &err), WHOSAID_ETOOBIG);
  const rpc_oversized *r = rpc_json_decoder_oversized(d);
  ASSERT_NOT_NULL(r);
  ASSERT_EQ(r->kind, RPC_NOTIFICATION);
  ASSERT_EQ(id, UINT32_MAX); /* an event gets no answer */
  ASSERT_SPAN_EQ(r->method, r->method_length, "nvim_buf_lines_event");
  ASSERT(r->has_handle);
  ASSERT_EQ(r->handle, 5);
  ASSERT(r->least_bytes > 1024);
  ASSERT_EQ(rpc_json_decoder_next(d, &m, &id, &err), 0);
  ASSERT(rpc_json_decoder_oversized(d) == NULL);
  /* An answer of Vim's keeps its id. */
  snprintf(text, sizeof(text), "[-12,\"%s\"]", line);
  ASSERT_OK(feed_text(d, text));
  ASSERT_EQ(rpc_json_decoder_next(d, &m, &id, &err), WHOSAID_ETOOBIG);
  r = rpc_json_decoder_oversized(d);
  ASSERT_NOT_NULL(r);
  ASSERT_EQ(r->kind, RPC_RESPONSE);
  ASSERT(r->has_id);
  ASSERT_EQ(r->id, 12);
  ASSERT_EQ(id, UINT32_MAX);
  rpc_json_decoder_free(d);
}

TEST(a_huge_string_is_skipped_in_bounded_memory) {
  rpc_json_decoder *d = new_decoder(1 << 20, 0);
  ASSERT_NOT_NULL(d);
  ASSERT_OK(feed_text(d, "[9,[\"attach\",[\""));
  size_t size = 1 << 20;
  char *chunk = malloc(size);
  ASSERT_NOT_NULL(chunk);
  memset(chunk, 'a', size);
  size_t most = 0;
  summary s[4];
  size_t count = 0;
  for (int i = 0; i < 64; i++) { /* 64 MiB */
    ASSERT_OK(rpc_json_decoder_feed(d, chunk, size));
    if (rpc_json_decoder_pending(d) > most) most = rpc_json_decoder_pending(d);
    count = drain(d, s, count, 4);
  }
  free(chunk);
  ASSERT_OK(feed_text(d, "\"]]]\n[10,[\"poll\",[]]]\n"));
  count = drain(d, s, count, 4);
  rpc_json_decoder_free(d);
  ASSERT(most <= (size_t)1 << 20);
  ASSERT_EQ(count, 2);
  ASSERT_EQ(s[0].status, WHOSAID_ETOOBIG);
  ASSERT_EQ(s[0].id, 9);
  ASSERT_EQ(s[1].status, 1);
  ASSERT_EQ(s[1].id, 10);
}

TEST(many_small_values_count_what_they_take_decoded) {
  /* 100 zeros: 200 bytes of JSON but 2,400 of objects. */
  char text[400] = "[1,[\"m\",[";
  for (int i = 0; i < 100; i++) strcat(text, i ? ",0" : "0");
  strcat(text, "]]][2,[\"poll\",[]]]");
  summary s[3];
  size_t count = decode_cut(text, 0, s, 3, 2048, 0);
  ASSERT_EQ(count, 2);
  ASSERT_EQ(s[0].status, WHOSAID_ETOOBIG);
  ASSERT_EQ(s[1].status, 1);
}

/* [1,["m",[[[...]]]]] with DEPTH arrays and objects open at its deepest. */
static char *nested(size_t depth, bool objects) {
  char *text = malloc(4 * depth + 64);
  if (text == NULL) return NULL;
  strcpy(text, "[1,[\"m\",");
  size_t at = strlen(text);
  for (size_t i = 2; i < depth; i++) {
    if (objects && i % 2 == 1) {
      memcpy(text + at, "{\"k\":", 5);
      at += 5;
    } else {
      text[at++] = '[';
    }
  }
  text[at++] = '1'; /* the innermost value */
  for (size_t i = depth - 1; i >= 2; i--) text[at++] = objects && i % 2 == 1 ? '}' : ']';
  strcpy(text + at, "]]\n[2,[\"after\",[]]]\n");
  return text;
}

TEST(max_depth_is_exact) {
  for (int objects = 0; objects <= 1; objects++) {
    for (size_t depth = 7; depth <= 8; depth++) {
      char *text = nested(depth, objects);
      ASSERT_NOT_NULL(text);
      for (size_t cut = 0; cut <= strlen(text); cut++) {
        summary s[3];
        size_t count = decode_cut(text, cut, s, 3, 0, 7);
        bool ok = count == 2 && s[0].status == (depth == 7 ? 1 : WHOSAID_EINVAL) &&
                  s[0].id == 1 && s[1].status == 1 && strcmp(s[1].method, "after") == 0;
        if (!ok) {
          free(text);
          TEST_FAIL_("depth %zu (objects %d) cut at %zu: %zu results, first %d", depth, objects,
                     cut, count, s[0].status);
        }
      }
      free(text);
    }
  }
}

TEST(the_depth_is_capped_at_msgpack_s) {
  char *text = nested(33, false);
  ASSERT_NOT_NULL(text);
  summary s[3];
  size_t count = decode_cut(text, 0, s, 3, 0, 1000);
  free(text);
  ASSERT_EQ(count, 2);
  ASSERT_EQ(s[0].status, WHOSAID_EINVAL);
  text = nested(32, false);
  ASSERT_NOT_NULL(text);
  count = decode_cut(text, 0, s, 3, 0, 0);
  free(text);
  ASSERT_EQ(count, 2);
  ASSERT_EQ(s[0].status, 1);
}

TEST(a_nesting_bomb_is_refused_in_bounded_memory) {
  rpc_json_decoder *d = new_decoder(0, 0);
  ASSERT_NOT_NULL(d);
  size_t size = 1 << 20;
  char *chunk = malloc(size);
  ASSERT_NOT_NULL(chunk);
  ASSERT_OK(feed_text(d, "[3,[\"poll\",["));
  memset(chunk, '[', size);
  for (int i = 0; i < 16; i++) {
    ASSERT_OK(rpc_json_decoder_feed(d, chunk, size));
    ASSERT(rpc_json_decoder_pending(d) < 100);
  }
  memset(chunk, ']', size);
  for (int i = 0; i < 16; i++) ASSERT_OK(rpc_json_decoder_feed(d, chunk, size));
  free(chunk);
  ASSERT_OK(feed_text(d, "]]]\n[4,[\"poll\",[]]]"));
  summary s[3];
  size_t count = drain(d, s, 0, 3);
  rpc_json_decoder_free(d);
  ASSERT_EQ(count, 2);
  ASSERT_EQ(s[0].status, WHOSAID_EINVAL);
  ASSERT_EQ(s[0].id, 3);
  ASSERT_EQ(s[1].status, 1);
  ASSERT_EQ(s[1].id, 4);
}

TEST(a_skipped_message_broken_inside_a_string_ends_with_its_line) {
  /* Over the limit, then a control character inside its string: the rest
   * of its line goes (not the next line), whole or cut. */
  char text[3000] = "[2,[\"attach\",[\"";
  size_t at = strlen(text);
  memset(text + at, 'y', 2000);
  strcpy(text + at + 2000, "\x01 \"]]] [5,[\"poll\",[]]]\n[3,[\"poll\",[]]]\n");
  for (size_t cut = 0; cut <= strlen(text); cut += cut < 1990 ? 199 : 1) {
    summary s[4];
    size_t count = decode_cut(text, cut, s, 4, 1024, 0);
    bool ok = count == 2 && s[0].status == WHOSAID_ETOOBIG && s[0].id == 2 &&
              s[1].status == 1 && s[1].id == 3;
    if (!ok) TEST_FAIL_("cut at %zu: %zu results, first %d", cut, count, s[0].status);
  }
}

TEST(a_skipped_message_left_unfinished_ends_with_its_line) {
  char text[3000] = "[2,[\"attach\",[\"";
  size_t at = strlen(text);
  memset(text + at, 'y', 2000); /* over the limit, and never closed */
  strcpy(text + at + 2000, "\n[3,[\"poll\",[[[[[[[[[[[[\n[4,[\"poll\",[]]]\n");
  for (size_t cut = 0; cut <= strlen(text); cut += cut < 1990 ? 199 : 1) {
    summary s[4];
    size_t count = decode_cut(text, cut, s, 4, 1024, 8);
    bool ok = count == 3 && s[0].status == WHOSAID_ETOOBIG && s[0].id == 2 &&
              s[1].status == WHOSAID_EINVAL && s[1].id == 3 && s[2].status == 1 && s[2].id == 4;
    if (!ok) TEST_FAIL_("cut at %zu: %zu results, first %d", cut, count, s[0].status);
  }
}

/* Encoding *******************************************************************/

static char *encode(rpc_writer *w, int *status) {
  ws_buffer out = WS_BUFFER_INIT;
  whosaid_error err = {0, ""};
  *status = rpc_json_encode(w->buffer.data, w->buffer.size, "F", &out, &err);
  char *text;
  size_t length;
  if (ws_buffer_finish(&out, &text, &length) != 0) return NULL;
  return text;
}

TEST(the_host_s_messages_in_vim_s_form) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_response(&w, 7);
  msgpack_pack_nil(&w.packer);
  msgpack_pack_map(&w.packer, 2);
  rpc_pack_cstring(&w.packer, "range");
  msgpack_pack_array(&w.packer, 2);
  msgpack_pack_int(&w.packer, -1);
  msgpack_pack_uint64(&w.packer, UINT64_MAX);
  rpc_pack_cstring(&w.packer, "ok");
  msgpack_pack_true(&w.packer);
  rpc_write_error(&w, 8, "buffer 3 is not attached");
  rpc_write_request(&w, 9, "whosaid_update", 2);
  msgpack_pack_int(&w.packer, 3);
  msgpack_pack_double(&w.packer, 2.0);
  rpc_write_notification(&w, "whosaid_notify", 1);
  msgpack_pack_float(&w.packer, 0.5f);
  int status;
  char *text = encode(&w, &status);
  rpc_writer_destroy(&w);
  ASSERT_NOT_NULL(text);
  ASSERT_OK(status);
  ASSERT_STR_EQ(text,
                "[7,[null,{\"range\":[-1,18446744073709551615],\"ok\":true}]]\n"
                "[8,[\"buffer 3 is not attached\",null]]\n"
                "[\"call\",\"F\",[\"whosaid_update\",[3,2.0]],-9]\n"
                "[\"call\",\"F\",[\"whosaid_notify\",[0.5]]]\n");
  ws_free(text);
}

TEST(strings_are_escaped_and_their_bytes_kept) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_response(&w, 1);
  msgpack_pack_nil(&w.packer);
  const char bytes[] = "q\"b\\n\n\t\r\x01\x1f\x7f \xe2\x80\x94 \xff\xc0\xaf \xe2\x80\xa8";
  rpc_pack_string(&w.packer, bytes, sizeof(bytes) - 1);
  int status;
  char *text = encode(&w, &status);
  rpc_writer_destroy(&w);
  ASSERT_NOT_NULL(text);
  ASSERT_OK(status);
  ASSERT_STR_EQ(text, "[1,[null,\"q\\\"b\\\\n\\n\\t\\r\\u0001\\u001f\x7f \xe2\x80\x94 \xff\xc0\xaf "
                      "\xe2\x80\xa8\"]]\n");
  ws_free(text);
}

TEST(special_floats_as_vim_writes_them) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_notification(&w, "m", 4);
  msgpack_pack_double(&w.packer, NAN);
  msgpack_pack_double(&w.packer, INFINITY);
  msgpack_pack_double(&w.packer, -INFINITY);
  msgpack_pack_double(&w.packer, 1e300);
  int status;
  char *text = encode(&w, &status);
  rpc_writer_destroy(&w);
  ASSERT_NOT_NULL(text);
  ASSERT_STR_EQ(text,
                "[\"call\",\"F\",[\"m\",[NaN,Infinity,-Infinity,1.0000000000000001e+300]]]\n");
  ws_free(text);
}

TEST(what_is_no_message_is_refused) {
  rpc_writer w;
  rpc_writer_init(&w);
  msgpack_pack_array(&w.packer, 2);
  msgpack_pack_int(&w.packer, 5);
  msgpack_pack_int(&w.packer, 6);
  int status;
  char *text = encode(&w, &status);
  rpc_writer_destroy(&w);
  ASSERT_EQ(status, WHOSAID_EINVAL);
  ws_free(text);
}

/* What the encoder writes, the decoder reads as the same values: the
 * result of an answer, sent back as Vim's answer [-1, result]. */
TEST(encoded_values_decode_back) {
  rpc_writer w;
  rpc_writer_init(&w);
  rpc_write_response(&w, 42);
  msgpack_pack_nil(&w.packer);
  msgpack_pack_array(&w.packer, 6);
  rpc_pack_cstring(&w.packer, ""); /* unpacked, it has no bytes at all: a NULL pointer */
  rpc_pack_cstring(&w.packer, "\xe2\x80\x9cq\xe2\x80\x9d \xff \"\\\n\x01");
  msgpack_pack_int64(&w.packer, INT64_MIN);
  msgpack_pack_double(&w.packer, 0.25);
  msgpack_pack_map(&w.packer, 1);
  rpc_pack_cstring(&w.packer, "k");
  msgpack_pack_array(&w.packer, 0);
  msgpack_pack_false(&w.packer);
  int status;
  char *text = encode(&w, &status);
  rpc_writer_destroy(&w);
  ASSERT_NOT_NULL(text);
  const char prefix[] = "[42,[null,";
  ASSERT(strncmp(text, prefix, strlen(prefix)) == 0);
  char answer[300];
  snprintf(answer, sizeof(answer), "[-1,%.*s]", (int)(strlen(text) - strlen(prefix) - 3),
           text + strlen(prefix));
  ws_free(text);
  summary s[2];
  size_t count = decode_all(answer, s, 2);
  ASSERT_EQ(count, 1);
  ASSERT_EQ(s[0].status, 1);
  ASSERT_EQ(s[0].kind, RPC_RESPONSE);
  ASSERT_STR_EQ(s[0].value, "[\"\",\"\\xe2\\x80\\x9cq\\xe2\\x80\\x9d \\xff \"\\\\x0a\\x01\","
                            "-9223372036854775808,f0.25,{\"k\":[]},false]");
}

/* Memory *******************************************************************/

TEST(every_allocation_failure_is_reported_and_leaks_nothing) {
  whosaid_set_allocator(&counting);
  size_t n = 1;
  for (;; n++) {
    live_blocks = 0;
    allocation_count = 0;
    failing_allocation = n;
    rpc_json_decoder *d = NULL;
    int status = rpc_json_decoder_new(NULL, &d);
    summary s[4];
    size_t count = 0;
    if (status == 0) status = feed_text(d, three);
    if (status == 0) count = drain(d, s, 0, 4);
    bool failed = allocation_count >= n;
    rpc_json_decoder_free(d);
    if (live_blocks != 0) TEST_FAIL_("allocation %zu failed: %ld blocks leaked", n, live_blocks);
    if (!failed) {
      ASSERT_OK(status);
      ASSERT(is_the_three(s, count));
      break;
    }
    /* The failure shows: at feed, or as a message that reports it. */
    bool reported =
        status == WHOSAID_ENOMEM || (count > 0 && s[count - 1].status == WHOSAID_ENOMEM);
    if (!reported) TEST_FAIL_("allocation %zu failed unreported", n);
  }
  failing_allocation = 0;
  whosaid_set_allocator(NULL);
  ASSERT(n >= 3); /* the decoder, its buffer, the objects */
}

int main(void) {
  RUN(the_three_shapes_decode);
  RUN(three_messages_cut_at_every_byte);
  RUN(three_messages_one_byte_at_a_time);
  RUN(messages_without_newlines_and_with_blanks_between);
  RUN(a_thousand_messages_in_one_feed);
  RUN(each_message_counts_only_its_own_size);
  RUN(a_truncated_message_waits_for_the_rest);
  RUN(a_number_at_the_top_ends_at_the_next_byte);
  RUN(every_kind_of_value);
  RUN(escapes_become_their_bytes);
  RUN(bytes_that_are_not_utf8_pass_through);
  RUN(events_and_id_zero_are_notifications_other_ids_requests);
  RUN(vim_s_error_answer_is_an_error);
  RUN(broken_messages_are_refused_and_the_next_line_decodes);
  RUN(the_error_says_what_and_where);
  RUN(a_line_that_ends_inside_a_message_ends_it);
  RUN(garbage_without_a_newline_is_dropped_as_it_comes);
  RUN(the_limit_is_exact);
  RUN(a_skipped_message_is_reported_in_its_place_however_the_bytes_come);
  RUN(the_report_says_what_was_known);
  RUN(a_huge_string_is_skipped_in_bounded_memory);
  RUN(many_small_values_count_what_they_take_decoded);
  RUN(max_depth_is_exact);
  RUN(the_depth_is_capped_at_msgpack_s);
  RUN(a_nesting_bomb_is_refused_in_bounded_memory);
  RUN(a_skipped_message_left_unfinished_ends_with_its_line);
  RUN(a_skipped_message_broken_inside_a_string_ends_with_its_line);
  RUN(the_host_s_messages_in_vim_s_form);
  RUN(strings_are_escaped_and_their_bytes_kept);
  RUN(special_floats_as_vim_writes_them);
  RUN(what_is_no_message_is_refused);
  RUN(encoded_values_decode_back);
  RUN(every_allocation_failure_is_reported_and_leaks_nothing);
  return test_report();
}
