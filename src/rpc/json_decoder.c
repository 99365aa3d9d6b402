/*
 * json_decoder.c: whole messages out of the JSON byte stream Vim's channel
 * writes (rpc_json.h has the shapes).
 *
 * Two passes, as in the msgpack decoder. A scan, byte by byte and resumable
 * wherever a read ends, checks the JSON syntax with a fixed stack, counts
 * the message's cost (bytes plus OBJECT_COST per value) and finds where the
 * value ends; only then does a recursive parse build its objects, from
 * bytes known to be whole, well-formed and shallow. So a hostile peer
 * cannot make the decoder hold more than one message under the limit:
 *
 *   - a message over the limit is reported at the byte that takes it over,
 *     with what its first bytes said (kind, id, method, first parameter),
 *     and the rest of it is skipped as it comes, never kept: the skip
 *     follows strings and brackets only, up to the end of the value (or of
 *     its line);
 *   - a container opened deeper than the limit is reported at once, and the
 *     rest of its message skipped the same way;
 *   - bytes that break the JSON syntax are reported with the byte and
 *     where, and the rest of the line is dropped. A message is one line:
 *     Vim writes each on a line of its own and never a raw newline inside
 *     one (json_encode escapes it), so a newline inside a message (a string
 *     left open, a bracket short) means it is broken, and the next line
 *     starts afresh: a broken message can never swallow the next one, nor
 *     keep it waiting for bytes that will not come. Between messages,
 *     newlines are optional: several may share a line.
 *
 * Strings are bytes: whatever is not an escape is copied as it is, valid
 * UTF-8 or not. \uXXXX escapes become UTF-8, a surrogate pair one code
 * point, a lone surrogate its three bytes (as Vim's json_decode does).
 * Besides standard JSON, the scan accepts NaN, Infinity and -Infinity,
 * which Vim's json_encode writes for such floats.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack/unpack_define.h> /* MSGPACK_EMBED_STACK_SIZE */

#include "core/alloc.h"
#include "core/error.h"
#include "core/vec.h"
#include "rpc/rpc_json.h"

#define DEFAULT_MAX_MESSAGE_BYTES ((size_t)64 << 20)
#define DEFAULT_MAX_DEPTH 64
/* The msgpack decoder's limit, so that both paths refuse the same messages. */
#define DEEPEST MSGPACK_EMBED_STACK_SIZE
#define LARGEST_LIMIT ((uint64_t)1 << 62)
#define OBJECT_COST ((uint64_t)sizeof(msgpack_object))
#define METHOD_KEPT 64
/* Bytes appended before the scan runs, so that a large feed is scanned (and
 * refused or skipped) as it is copied, not after. */
#define FEED_PIECE ((size_t)64 << 10)
/* The longest number taken as a float (Vim writes at most about 25 chars). */
#define LONGEST_FLOAT 400

/* Scanning state ***************************************************************/

typedef enum {
  EXPECT_VALUE,          /* at the start, after ':', after ',' in an array */
  EXPECT_VALUE_OR_CLOSE, /* after '[' */
  EXPECT_KEY,            /* after ',' in an object */
  EXPECT_KEY_OR_CLOSE,   /* after '{' */
  EXPECT_COLON,
  EXPECT_COMMA_OR_CLOSE, /* after a value inside a container */
  IN_STRING,
  IN_ESCAPE,
  IN_UNICODE, /* the hex digits of \uXXXX */
  IN_NUMBER,
  IN_LITERAL
} lex_state;

/* Where in a number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
typedef enum {
  NUMBER_SIGN,     /* after '-': a digit, or "Infinity" */
  NUMBER_ZERO,     /* a leading 0 */
  NUMBER_INTEGER,
  NUMBER_POINT,    /* after '.': a digit */
  NUMBER_FRACTION,
  NUMBER_E,        /* after 'e': a sign or a digit */
  NUMBER_E_SIGN,
  NUMBER_EXPONENT
} number_state;

typedef struct {
  bool started;        /* a value began at the decoder's OFF */
  lex_state state;
  number_state number;
  const char *literal; /* IN_LITERAL: the word, and how much of it came */
  size_t literal_at;
  int hex_left;
  bool key;            /* the string scanned is an object's key */
  size_t depth;        /* containers open */
  bool object[DEEPEST + 1]; /* each open container: an object (else an array) */
  uint64_t values;     /* values begun, counted at their first byte */
} scanner;

/* What a step of the scan found. */
typedef enum { STEP_MORE, STEP_END_AFTER, STEP_END_BEFORE, STEP_ERROR, STEP_TOO_DEEP } step_result;

typedef enum { MODE_SCAN, MODE_SKIP, MODE_DISCARD } decoder_mode;

typedef enum { EVENT_NONE, EVENT_VALUE, EVENT_INVALID, EVENT_OVERSIZED } event_kind;

/* Skipping the rest of a value by its strings and brackets alone. */
typedef struct {
  size_t depth;
  bool in_string, escape;
  bool scalar; /* a number or literal at the top, skipped to its end */
} skip_state;

/* The objects of the last message: one block, objects from the front,
 * string bytes after them (a message's decoded strings never outgrow its
 * JSON, nor its objects its values). */
typedef struct {
  char *block;
  size_t capacity;
  msgpack_object *objects;
  size_t objects_left;
  char *strings;
  size_t strings_left;
} arena;

typedef VEC(msgpack_object) object_stack;

/* An object's keys and values are parsed in turn into one array of objects
 * and handed over as its pairs. */
_Static_assert(sizeof(msgpack_object_kv) == 2 * sizeof(msgpack_object),
               "a key-value pair is two objects");

struct rpc_json_decoder {
  uint64_t max_bytes;
  size_t max_depth;
  char *data;          /* bytes held: [off, used) not yet decoded */
  size_t off, used, capacity;
  size_t scanned;      /* the scan position, >= OFF */
  scanner scan;
  decoder_mode mode;
  skip_state skip;
  event_kind event;    /* found by the scan, waiting for rpc_json_decoder_next */
  size_t event_end;    /* EVENT_VALUE: the value is [off, event_end) */
  uint64_t event_values;
  uint32_t event_id;   /* EVENT_INVALID: a request's id, or UINT32_MAX */
  uint32_t event_answer; /* EVENT_INVALID: the call an answer of Vim's was to, or 0 */
  char event_message[200];
  char answer_error[260]; /* the error of a broken answer's response */
  rpc_oversized report;
  char report_method[METHOD_KEPT];
  rpc_oversized shown; /* the report rpc_json_decoder_next returned */
  char shown_method[METHOD_KEPT];
  bool reported;
  arena arena;
  object_stack stack;  /* the parse's open arrays' and objects' elements */
};

/* Creating and freeing *******************************************************/

int rpc_json_decoder_new(const rpc_limits *limits, rpc_json_decoder **out) {
  *out = NULL;
  rpc_json_decoder *d = ws_calloc(1, sizeof(*d));
  if (d == NULL) return WHOSAID_ENOMEM;
  size_t max_bytes = limits != NULL ? limits->max_message_bytes : 0;
  size_t max_depth = limits != NULL ? limits->max_depth : 0;
  d->max_bytes = max_bytes == 0 ? DEFAULT_MAX_MESSAGE_BYTES : max_bytes;
  if (d->max_bytes > LARGEST_LIMIT) d->max_bytes = LARGEST_LIMIT;
  d->max_depth = max_depth == 0 ? DEFAULT_MAX_DEPTH : max_depth;
  if (d->max_depth > DEEPEST) d->max_depth = DEEPEST;
  *out = d;
  return 0;
}

void rpc_json_decoder_free(rpc_json_decoder *decoder) {
  if (decoder == NULL) return;
  ws_free(decoder->data);
  ws_free(decoder->arena.block);
  VEC_FREE(&decoder->stack);
  ws_free(decoder);
}

size_t rpc_json_decoder_pending(const rpc_json_decoder *decoder) {
  return decoder->used - decoder->off;
}

const rpc_oversized *rpc_json_decoder_oversized(const rpc_json_decoder *decoder) {
  return decoder->reported ? &decoder->shown : NULL;
}

/* The head of a message ******************************************************/

/* What the first bytes of a message say, read leniently from as many as
 * there are: [id, [method, [first, ...  or  [-n, ... */
typedef struct {
  bool has_id;
  int64_t id;
  bool has_method;
  char method[METHOD_KEPT];
  size_t method_length;
  bool has_param;
  int64_t param;
} message_head;

static bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static bool is_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

typedef struct {
  const unsigned char *p, *end;
} head_cursor;

static bool head_char(head_cursor *c, unsigned char expected) {
  while (c->p < c->end && is_space(*c->p)) c->p++;
  if (c->p == c->end || *c->p != expected) return false;
  c->p++;
  return true;
}

/* An integer that ends before the bytes do (else it may go on). */
static bool head_integer(head_cursor *c, int64_t *out) {
  while (c->p < c->end && is_space(*c->p)) c->p++;
  const unsigned char *p = c->p;
  bool negative = p < c->end && *p == '-';
  if (negative) p++;
  uint64_t value = 0;
  const unsigned char *digits = p;
  for (; p < c->end && is_digit(*p); p++) {
    if (value > (uint64_t)INT64_MAX / 10) return false;
    value = value * 10 + (uint64_t)(*p - '0');
  }
  if (p == digits || p == c->end || value > (uint64_t)INT64_MAX) return false;
  if (*p == '.' || *p == 'e' || *p == 'E') return false;
  *out = negative ? -(int64_t)value : (int64_t)value;
  c->p = p;
  return true;
}

/* A short string without escapes. */
static bool head_string(head_cursor *c, message_head *h) {
  if (!head_char(c, '"')) return false;
  const unsigned char *start = c->p;
  while (c->p < c->end && *c->p != '"' && *c->p != '\\' && c->p - start <= METHOD_KEPT) c->p++;
  if (c->p == c->end || *c->p != '"' || c->p - start > METHOD_KEPT) return false;
  h->method_length = (size_t)(c->p - start);
  memcpy(h->method, start, h->method_length);
  h->has_method = true;
  c->p++;
  return true;
}

static void read_head(const char *bytes, size_t length, message_head *h) {
  memset(h, 0, sizeof(*h));
  head_cursor c = {(const unsigned char *)bytes, (const unsigned char *)bytes + length};
  if (!head_char(&c, '[') || !head_integer(&c, &h->id)) return;
  h->has_id = true;
  if (h->id < 0 || !head_char(&c, ',') || !head_char(&c, '[') || !head_string(&c, h)) return;
  if (!head_char(&c, ',') || !head_char(&c, '[')) return;
  h->has_param = head_integer(&c, &h->param);
}

static bool ends_with_event(const char *method, size_t length) {
  static const char suffix[] = "_event";
  size_t n = sizeof(suffix) - 1;
  return length >= n && memcmp(method + length - n, suffix, n) == 0;
}

/* The kind of message a head belongs to, -1 when unknown. A message with a
 * positive id whose method is unknown counts as a request: answering one
 * that was not is harmless (Vim drops an answer nobody waits for). */
static int head_kind(const message_head *h) {
  if (!h->has_id) return -1;
  if (h->id < 0) return RPC_RESPONSE;
  if (h->id == 0 || (h->has_method && ends_with_event(h->method, h->method_length))) {
    return RPC_NOTIFICATION;
  }
  return RPC_REQUEST;
}

/* The id to answer with an error: a request's, else UINT32_MAX. */
static uint32_t head_request_id(const message_head *h) {
  bool request = head_kind(h) == RPC_REQUEST && h->id <= (int64_t)UINT32_MAX;
  return request ? (uint32_t)h->id : UINT32_MAX;
}

/* The call a broken answer was to (its id read), else 0. */
static uint32_t head_answer_id(const message_head *h) {
  bool answer = head_kind(h) == RPC_RESPONSE && h->id >= -(int64_t)UINT32_MAX;
  return answer ? (uint32_t)-h->id : 0;
}

/* Events *************************************************************************/

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void set_invalid(rpc_json_decoder *d, size_t at, const char *format, ...) {
  message_head h;
  read_head(d->data + d->off, at - d->off, &h);
  d->event = EVENT_INVALID;
  d->event_id = head_request_id(&h);
  d->event_answer = head_answer_id(&h);
  va_list args;
  va_start(args, format);
  vsnprintf(d->event_message, sizeof(d->event_message), format, args);
  va_end(args);
}

/* A printable form of byte C for messages. */
static const char *show_byte(unsigned char c, char out[8]) {
  if (c >= 0x20 && c < 0x7f) {
    snprintf(out, 8, "'%c'", c);
  } else {
    snprintf(out, 8, "0x%02x", c);
  }
  return out;
}

/* The message held from OFF ends here; the scan starts afresh at AT. */
static void restart_at(rpc_json_decoder *d, size_t at) {
  d->off = d->scanned = at;
  d->scan.started = false;
}

/* Skipping and discarding **********************************************************/

/* Skip what of LENGTH bytes belongs to the value being skipped; how many
 * did. The skip ends with the value, or with its line; a control character
 * inside a string means the value is broken: the rest of its line goes. */
static size_t skip_bytes(rpc_json_decoder *d, const unsigned char *p, size_t length) {
  skip_state *k = &d->skip;
  for (size_t i = 0; i < length; i++) {
    unsigned char c = p[i];
    if (c == '\n' && !(k->scalar && k->depth == 0)) { /* the message's line ends: so does it */
      d->mode = MODE_SCAN;
      return i + 1;
    }
    if (k->in_string) {
      if (k->escape) {
        k->escape = false;
      } else if (c == '\\') {
        k->escape = true;
      } else if (c == '"') {
        k->in_string = false;
        if (k->depth == 0) {
          d->mode = MODE_SCAN;
          return i + 1;
        }
      } else if (c < 0x20) { /* broken: the rest of its line goes */
        d->mode = MODE_DISCARD;
        return i + 1;
      }
    } else if (k->scalar) {
      if (!(is_digit(c) || is_letter(c) || c == '.' || c == '-' || c == '+')) {
        d->mode = MODE_SCAN;
        return i;
      }
    } else if (c == '"') {
      k->in_string = true;
    } else if (c == '[' || c == '{') {
      k->depth++;
    } else if (c == ']' || c == '}') {
      if (k->depth > 0 && --k->depth == 0) {
        d->mode = MODE_SCAN;
        return i + 1;
      }
    }
  }
  return length;
}

/* Discard up to the end of the line. */
static size_t discard_bytes(rpc_json_decoder *d, const unsigned char *p, size_t length) {
  const unsigned char *newline = memchr(p, '\n', length);
  if (newline == NULL) return length;
  d->mode = MODE_SCAN;
  return (size_t)(newline - p) + 1;
}

static size_t drop_bytes(rpc_json_decoder *d, const unsigned char *p, size_t length) {
  return d->mode == MODE_SKIP ? skip_bytes(d, p, length) : discard_bytes(d, p, length);
}

/* Skip or discard the held bytes from the scan position, as the mode says. */
static void drop_held(rpc_json_decoder *d) {
  size_t at = d->scanned;
  while (d->mode != MODE_SCAN && at < d->used) { /* a skip may turn into a discard */
    at += drop_bytes(d, (const unsigned char *)d->data + at, d->used - at);
  }
  restart_at(d, at);
}

/* The message went over the limit with its bytes up to END (WHOLE: it
 * ended there): report it and skip the rest. */
static void set_oversized(rpc_json_decoder *d, size_t end, bool whole) {
  scanner *s = &d->scan;
  message_head h;
  read_head(d->data + d->off, end - d->off, &h);
  rpc_oversized *r = &d->report;
  memset(r, 0, sizeof(*r));
  r->kind = head_kind(&h);
  r->least_bytes = (uint64_t)(end - d->off) + s->values * OBJECT_COST;
  if (h.has_id && (r->kind == RPC_REQUEST || r->kind == RPC_RESPONSE)) {
    uint64_t id = h.id < 0 ? (uint64_t)0 - (uint64_t)h.id : (uint64_t)h.id;
    r->has_id = id <= UINT32_MAX;
    r->id = (uint32_t)id;
  }
  if (h.has_method && r->kind != RPC_RESPONSE) {
    memcpy(d->report_method, h.method, h.method_length);
    r->method = d->report_method;
    r->method_length = h.method_length;
  }
  r->has_handle = h.has_param && r->kind != RPC_RESPONSE;
  r->handle = h.param;
  d->event = EVENT_OVERSIZED;
  d->scanned = end;
  if (whole) {
    restart_at(d, end);
    return;
  }
  /* The skip starts where the scan is in the value. */
  bool in_string = s->state == IN_STRING || s->state == IN_ESCAPE || s->state == IN_UNICODE;
  d->skip = (skip_state){s->depth, in_string, s->state == IN_ESCAPE,
                         !in_string && s->depth == 0};
  d->mode = MODE_SKIP;
  drop_held(d);
}

/* A container opened at AT, deeper than the limit: report it and skip the
 * rest of the message. */
static void set_too_deep(rpc_json_decoder *d, size_t at) {
  set_invalid(d, at, "a message nested deeper than %zu arrays and objects", d->max_depth);
  d->skip = (skip_state){d->scan.depth + 1, false, false, false};
  d->mode = MODE_SKIP;
  d->scanned = at + 1;
  drop_held(d);
}

/* A syntax error at byte AT: drop the message and the rest of its line
 * (the next message starts on the next one). */
static void set_syntax_error(rpc_json_decoder *d, size_t at, const char *what) {
  unsigned char c = (unsigned char)d->data[at];
  char shown[8];
  if (c == '\n') {
    set_invalid(d, at, "not JSON: the line ended inside a message (Vim writes one a line) at "
                "byte %zu of it", at - d->off);
    restart_at(d, at + 1);
    return;
  }
  set_invalid(d, at, "not JSON: %s %s at byte %zu of the message; skipped to the end of its line",
              show_byte(c, shown), what, at - d->off);
  d->mode = MODE_DISCARD;
  d->scanned = at;
  drop_held(d);
}

/* Scanning ********************************************************************/

static step_result open_container(scanner *s, bool object, size_t max_depth) {
  if (s->depth == max_depth) return STEP_TOO_DEEP;
  s->object[s->depth++] = object;
  s->state = object ? EXPECT_KEY_OR_CLOSE : EXPECT_VALUE_OR_CLOSE;
  return STEP_MORE;
}

/* A value ended: the message, or the next element of its container. */
static step_result end_value(scanner *s) {
  if (s->depth == 0) return STEP_END_AFTER;
  s->state = EXPECT_COMMA_OR_CLOSE;
  return STEP_MORE;
}

static step_result begin_literal(scanner *s, const char *word) {
  s->state = IN_LITERAL;
  s->literal = word;
  s->literal_at = 1;
  return STEP_MORE;
}

static step_result begin_value(scanner *s, unsigned char c, size_t max_depth, const char **why) {
  s->values++;
  switch (c) {
    case '"': s->state = IN_STRING; s->key = false; return STEP_MORE;
    case '[': return open_container(s, false, max_depth);
    case '{': return open_container(s, true, max_depth);
    case '-': s->state = IN_NUMBER; s->number = NUMBER_SIGN; return STEP_MORE;
    case '0': s->state = IN_NUMBER; s->number = NUMBER_ZERO; return STEP_MORE;
    case 't': return begin_literal(s, "true");
    case 'f': return begin_literal(s, "false");
    case 'n': return begin_literal(s, "null");
    case 'N': return begin_literal(s, "NaN");
    case 'I': return begin_literal(s, "Infinity");
    default:
      if (c >= '1' && c <= '9') {
        s->state = IN_NUMBER;
        s->number = NUMBER_INTEGER;
        return STEP_MORE;
      }
      s->values--;
      *why = "where a value should be";
      return STEP_ERROR;
  }
}

static step_result close_container(scanner *s, unsigned char c, const char **why) {
  bool object = s->object[s->depth - 1];
  if (c != (object ? '}' : ']')) {
    *why = object ? "where an object should go on or end" : "where an array should go on or end";
    return STEP_ERROR;
  }
  s->depth--;
  return end_value(s);
}

/* The number ends before C: the number is whole, or C is an error. */
static step_result end_number(scanner *s, unsigned char c, size_t max_depth, const char **why);

static step_result number_step(scanner *s, unsigned char c, size_t max_depth, const char **why) {
  bool digit = is_digit(c);
  switch (s->number) {
    case NUMBER_SIGN:
      if (c == 'I') return begin_literal(s, "Infinity");
      if (!digit) break;
      s->number = c == '0' ? NUMBER_ZERO : NUMBER_INTEGER;
      return STEP_MORE;
    case NUMBER_ZERO:
    case NUMBER_INTEGER:
    case NUMBER_FRACTION:
      if (digit && s->number != NUMBER_ZERO) return STEP_MORE;
      if (c == '.' && s->number != NUMBER_FRACTION) {
        s->number = NUMBER_POINT;
        return STEP_MORE;
      }
      if (c == 'e' || c == 'E') {
        s->number = NUMBER_E;
        return STEP_MORE;
      }
      if (digit) break; /* a leading zero */
      return end_number(s, c, max_depth, why);
    case NUMBER_POINT:
    case NUMBER_E_SIGN:
      if (!digit) break;
      s->number = s->number == NUMBER_POINT ? NUMBER_FRACTION : NUMBER_EXPONENT;
      return STEP_MORE;
    case NUMBER_E:
      if (c == '+' || c == '-') {
        s->number = NUMBER_E_SIGN;
        return STEP_MORE;
      }
      if (!digit) break;
      s->number = NUMBER_EXPONENT;
      return STEP_MORE;
    case NUMBER_EXPONENT:
      if (digit) return STEP_MORE;
      return end_number(s, c, max_depth, why);
  }
  *why = "inside a number";
  return STEP_ERROR;
}

static step_result step(scanner *s, unsigned char c, size_t max_depth, const char **why);

static step_result end_number(scanner *s, unsigned char c, size_t max_depth, const char **why) {
  if (s->depth == 0) return STEP_END_BEFORE;
  s->state = EXPECT_COMMA_OR_CLOSE;
  return step(s, c, max_depth, why); /* C belongs to the container */
}

static step_result string_step(scanner *s, unsigned char c, const char **why) {
  if (c == '"') {
    if (!s->key) return end_value(s);
    s->state = EXPECT_COLON;
    return STEP_MORE;
  }
  if (c == '\\') {
    s->state = IN_ESCAPE;
    return STEP_MORE;
  }
  if (c < 0x20) {
    *why = "(a control character) inside a string";
    return STEP_ERROR;
  }
  return STEP_MORE;
}

static step_result escape_step(scanner *s, unsigned char c, const char **why) {
  if (c == 'u') {
    s->state = IN_UNICODE;
    s->hex_left = 4;
    return STEP_MORE;
  }
  if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
    *why = "after a backslash";
    return STEP_ERROR;
  }
  s->state = IN_STRING;
  return STEP_MORE;
}

static bool is_hex(unsigned char c) {
  return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* One byte of the value; WHY says what was wrong on STEP_ERROR. */
static step_result step(scanner *s, unsigned char c, size_t max_depth, const char **why) {
  switch (s->state) {
    case IN_STRING: return string_step(s, c, why);
    case IN_ESCAPE: return escape_step(s, c, why);
    case IN_UNICODE:
      if (!is_hex(c)) break;
      if (--s->hex_left == 0) s->state = IN_STRING;
      return STEP_MORE;
    case IN_NUMBER: return number_step(s, c, max_depth, why);
    case IN_LITERAL:
      if ((unsigned char)s->literal[s->literal_at] != c) break;
      if (s->literal[++s->literal_at] == '\0') return end_value(s);
      return STEP_MORE;
    default: break;
  }
  if (s->state >= IN_STRING) {
    *why = s->state == IN_LITERAL ? "inside a word (true, false, null)" : "inside a \\u escape";
    return STEP_ERROR;
  }
  if (c == '\n') {
    *why = "(the end of a line) inside a message";
    return STEP_ERROR;
  }
  if (is_space(c)) return STEP_MORE;
  switch (s->state) {
    case EXPECT_VALUE_OR_CLOSE:
      if (c == ']') return close_container(s, c, why);
      return begin_value(s, c, max_depth, why);
    case EXPECT_VALUE: return begin_value(s, c, max_depth, why);
    case EXPECT_KEY_OR_CLOSE:
    case EXPECT_KEY:
      if (c == '}' && s->state == EXPECT_KEY_OR_CLOSE) return close_container(s, c, why);
      if (c != '"') {
        *why = "where an object's key (a string) should be";
        return STEP_ERROR;
      }
      s->values++;
      s->state = IN_STRING;
      s->key = true;
      return STEP_MORE;
    case EXPECT_COLON:
      if (c != ':') {
        *why = "where ':' should follow a key";
        return STEP_ERROR;
      }
      s->state = EXPECT_VALUE;
      return STEP_MORE;
    default: /* EXPECT_COMMA_OR_CLOSE */
      if (c != ',') return close_container(s, c, why);
      s->state = s->object[s->depth - 1] ? EXPECT_KEY : EXPECT_VALUE;
      return STEP_MORE;
  }
}

/* The first position whose byte would take the message over the limit. */
static size_t limit_position(const rpc_json_decoder *d) {
  uint64_t objects = d->scan.values * OBJECT_COST;
  if (objects >= d->max_bytes) return d->off;
  uint64_t room = d->max_bytes - objects;
  return room >= d->used - d->off ? d->used + 1 : d->off + (size_t)room;
}

/* Inside a string, the bytes that need no step, up to the limit. */
static size_t plain_string_bytes(const rpc_json_decoder *d, size_t from) {
  size_t stop = limit_position(d);
  if (stop > d->used) stop = d->used;
  size_t at = from;
  while (at < stop) {
    unsigned char c = (unsigned char)d->data[at];
    if (c < 0x20 || c == '"' || c == '\\') break;
    at++;
  }
  return at - from;
}

/* Scan the held bytes until a message is found whole, or something to
 * report, or the bytes end. */
static void scan(rpc_json_decoder *d) {
  scanner *s = &d->scan;
  while (d->event == EVENT_NONE && d->mode == MODE_SCAN && d->scanned < d->used) {
    size_t at = d->scanned;
    unsigned char c = (unsigned char)d->data[at];
    if (!s->started) {
      if (is_space(c)) { /* between messages: dropped */
        restart_at(d, at + 1);
        continue;
      }
      s->started = true;
      s->state = EXPECT_VALUE;
      s->depth = 0;
      s->values = 0;
    }
    if (s->state == IN_STRING) {
      size_t plain = plain_string_bytes(d, at);
      d->scanned += plain;
      if (plain > 0) continue;
    }
    const char *why = "";
    step_result r = step(s, c, d->max_depth, &why);
    if (r == STEP_ERROR) {
      set_syntax_error(d, at, why);
      return;
    }
    if (r == STEP_TOO_DEEP) {
      set_too_deep(d, at);
      return;
    }
    size_t end = r == STEP_END_BEFORE ? at : at + 1;
    if ((uint64_t)(end - d->off) + s->values * OBJECT_COST > d->max_bytes) {
      set_oversized(d, end, r != STEP_MORE);
      return;
    }
    d->scanned = end;
    if (r != STEP_MORE) {
      d->event = EVENT_VALUE;
      d->event_end = end;
      d->event_values = s->values;
    }
  }
}

/* Feeding ************************************************************************/

/* Room for LENGTH more bytes; what OFF leaves behind is reclaimed first. */
static int reserve(rpc_json_decoder *d, size_t length) {
  if (d->off > 0) {
    memmove(d->data, d->data + d->off, d->used - d->off);
    d->used -= d->off;
    d->scanned -= d->off;
    if (d->event == EVENT_VALUE) d->event_end -= d->off;
    d->off = 0;
  }
  if (d->capacity - d->used >= length) return 0;
  size_t capacity = d->capacity < 4096 ? 4096 : d->capacity;
  while (capacity - d->used < length) {
    if (capacity > SIZE_MAX / 2) return WHOSAID_ENOMEM;
    capacity *= 2;
  }
  char *data = ws_realloc(d->data, capacity);
  if (data == NULL) return WHOSAID_ENOMEM;
  d->data = data;
  d->capacity = capacity;
  return 0;
}

/* Give back memory a large message left behind, once nothing is held. */
static void shrink(rpc_json_decoder *d) {
  if (d->off != d->used || d->capacity <= ((size_t)1 << 20)) return;
  ws_free(d->data);
  d->data = NULL;
  d->capacity = d->used = d->off = d->scanned = 0;
}

int rpc_json_decoder_feed(rpc_json_decoder *decoder, const char *data, size_t length) {
  rpc_json_decoder *d = decoder;
  d->reported = false;
  while (length > 0) {
    if (d->mode != MODE_SCAN) { /* never kept */
      size_t used = drop_bytes(d, (const unsigned char *)data, length);
      data += used;
      length -= used;
      continue;
    }
    size_t piece = d->event == EVENT_NONE && length > FEED_PIECE ? FEED_PIECE : length;
    shrink(d);
    if (reserve(d, piece) != 0) return WHOSAID_ENOMEM;
    memcpy(d->data + d->used, data, piece);
    d->used += piece;
    data += piece;
    length -= piece;
    if (d->event == EVENT_NONE) scan(d);
  }
  return 0;
}

/* The arena *********************************************************************/

static int arena_reset(arena *a, uint64_t objects, size_t string_bytes) {
  if (objects > (SIZE_MAX - string_bytes) / sizeof(msgpack_object)) return WHOSAID_ENOMEM;
  size_t need = (size_t)objects * sizeof(msgpack_object) + string_bytes;
  if (need > a->capacity || (a->capacity > ((size_t)1 << 20) && need < a->capacity / 4)) {
    ws_free(a->block);
    a->block = ws_malloc(need > 0 ? need : 1);
    a->capacity = a->block != NULL ? need : 0;
    if (a->block == NULL) return WHOSAID_ENOMEM;
  }
  a->objects = (msgpack_object *)(void *)a->block;
  a->objects_left = (size_t)objects;
  a->strings = a->block + (size_t)objects * sizeof(msgpack_object);
  a->strings_left = string_bytes;
  return 0;
}

static msgpack_object *arena_objects(arena *a, size_t count) {
  if (count > a->objects_left) return NULL; /* the scan's count makes it impossible */
  msgpack_object *objects = a->objects;
  a->objects += count;
  a->objects_left -= count;
  return objects;
}

/* Parsing ************************************************************************/

/* The parse of one value the scan found whole and well-formed. */
typedef struct {
  const unsigned char *p, *end;
  rpc_json_decoder *d;
  whosaid_error *err;
} parser;

static void skip_space(parser *c) {
  while (c->p < c->end && is_space(*c->p)) c->p++;
}

static int parse_value(parser *c, msgpack_object *out);

static unsigned hex_value(unsigned char c) {
  return is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static unsigned read_hex4(const unsigned char *p) {
  return hex_value(p[0]) << 12 | hex_value(p[1]) << 8 | hex_value(p[2]) << 4 | hex_value(p[3]);
}

static size_t put_utf8(char *out, uint32_t code) {
  if (code < 0x80) {
    out[0] = (char)code;
    return 1;
  }
  if (code < 0x800) {
    out[0] = (char)(0xc0 | code >> 6);
    out[1] = (char)(0x80 | (code & 0x3f));
    return 2;
  }
  if (code < 0x10000) {
    out[0] = (char)(0xe0 | code >> 12);
    out[1] = (char)(0x80 | (code >> 6 & 0x3f));
    out[2] = (char)(0x80 | (code & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | code >> 18);
  out[1] = (char)(0x80 | (code >> 12 & 0x3f));
  out[2] = (char)(0x80 | (code >> 6 & 0x3f));
  out[3] = (char)(0x80 | (code & 0x3f));
  return 4;
}

/* \uXXXX at P (after the backslash and the u), and a low surrogate's
 * escape after a high one; how many bytes it took go to *USED. */
static uint32_t read_unicode(const unsigned char *p, const unsigned char *end, size_t *used) {
  uint32_t code = read_hex4(p);
  *used = 4;
  bool high = code >= 0xd800 && code <= 0xdbff;
  if (high && end - (p + 4) >= 6 && p[4] == '\\' && p[5] == 'u') {
    uint32_t low = read_hex4(p + 6);
    if (low >= 0xdc00 && low <= 0xdfff) {
      *used = 10;
      return 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
    }
  }
  return code; /* a lone surrogate stays its own three bytes */
}

static char escaped_byte(unsigned char c) {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return (char)c; /* " \ / */
  }
}

static int parse_string(parser *c, msgpack_object *out) {
  arena *a = &c->d->arena;
  char *start = a->strings, *w = start;
  c->p++; /* the opening quote */
  for (;;) {
    const unsigned char *run = c->p;
    while (*c->p != '"' && *c->p != '\\') c->p++;
    memcpy(w, run, (size_t)(c->p - run));
    w += c->p - run;
    if (*c->p == '"') break;
    unsigned char kind = c->p[1];
    if (kind == 'u') {
      size_t used;
      w += put_utf8(w, read_unicode(c->p + 2, c->end, &used));
      c->p += 2 + used;
    } else {
      *w++ = escaped_byte(kind);
      c->p += 2;
    }
  }
  c->p++;
  size_t length = (size_t)(w - start);
  if (length > UINT32_MAX) {
    return ws_fail(c->err, WHOSAID_EINVAL, "a string of %zu bytes (msgpack holds at most 4 GiB)",
                   length);
  }
  a->strings += length;
  a->strings_left -= length;
  out->type = MSGPACK_OBJECT_STR;
  out->via.str.ptr = start;
  out->via.str.size = (uint32_t)length;
  return 0;
}

static int parse_float(parser *c, const unsigned char *start, msgpack_object *out) {
  while (c->p < c->end && (is_digit(*c->p) || *c->p == '.' || *c->p == 'e' || *c->p == 'E' ||
                           *c->p == '+' || *c->p == '-')) {
    c->p++;
  }
  size_t length = (size_t)(c->p - start);
  if (length > LONGEST_FLOAT) {
    return ws_fail(c->err, WHOSAID_EINVAL, "a number of %zu characters (at most %d)", length,
                   LONGEST_FLOAT);
  }
  char text[LONGEST_FLOAT + 1];
  memcpy(text, start, length);
  text[length] = '\0';
  out->type = MSGPACK_OBJECT_FLOAT64;
  out->via.f64 = strtod(text, NULL); /* the C locale: whosaid never sets another */
  return 0;
}

static int parse_number(parser *c, msgpack_object *out) {
  const unsigned char *start = c->p;
  bool negative = *c->p == '-';
  if (negative) c->p++;
  if (*c->p == 'I') { /* -Infinity */
    c->p += strlen("Infinity");
    out->type = MSGPACK_OBJECT_FLOAT64;
    out->via.f64 = -INFINITY;
    return 0;
  }
  uint64_t value = 0;
  bool overflow = false;
  for (; c->p < c->end && is_digit(*c->p); c->p++) {
    unsigned digit = (unsigned)(*c->p - '0');
    if (value > (UINT64_MAX - digit) / 10) overflow = true;
    value = value * 10 + digit;
  }
  if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E')) {
    return parse_float(c, start, out);
  }
  uint64_t most = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  if (overflow || value > most) {
    return ws_fail(c->err, WHOSAID_EINVAL, "the integer %.*s is out of the 64-bit range",
                   (int)(c->p - start > 40 ? 40 : c->p - start), (const char *)start);
  }
  if (negative && value > 0) {
    out->type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
    out->via.i64 = value == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)value;
  } else {
    out->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
    out->via.u64 = value;
  }
  return 0;
}

static int parse_literal(parser *c, msgpack_object *out) {
  static const struct {
    const char *word;
    msgpack_object_type type;
    bool value;
    double number;
  } words[] = {{"true", MSGPACK_OBJECT_BOOLEAN, true, 0},
               {"false", MSGPACK_OBJECT_BOOLEAN, false, 0},
               {"null", MSGPACK_OBJECT_NIL, false, 0},
               {"NaN", MSGPACK_OBJECT_FLOAT64, false, NAN},
               {"Infinity", MSGPACK_OBJECT_FLOAT64, false, INFINITY}};
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    if (*c->p != (unsigned char)words[i].word[0]) continue;
    c->p += strlen(words[i].word);
    memset(out, 0, sizeof(*out));
    out->type = words[i].type;
    if (words[i].type == MSGPACK_OBJECT_BOOLEAN) out->via.boolean = words[i].value;
    if (words[i].type == MSGPACK_OBJECT_FLOAT64) out->via.f64 = words[i].number;
    return 0;
  }
  return ws_fail(c->err, WHOSAID_EINVAL, "not JSON"); /* the scan let nothing else through */
}

/* The elements from BASE on of the parse's stack, moved into the arena. */
static int take_elements(parser *c, size_t base, msgpack_object **out, size_t *count) {
  object_stack *stack = &c->d->stack;
  *count = stack->len - base;
  *out = NULL;
  if (*count == 0) return 0;
  *out = arena_objects(&c->d->arena, *count);
  if (*out == NULL) return ws_fail(c->err, WHOSAID_EINVAL, "more values than the scan counted");
  memcpy(*out, stack->items + base, *count * sizeof(msgpack_object));
  stack->len = base;
  return 0;
}

static int push(parser *c, const msgpack_object *o) {
  if (VEC_PUSH(&c->d->stack, *o) == 0) return 0;
  return ws_fail(c->err, WHOSAID_ENOMEM, "out of memory decoding a message");
}

/* An array or an object: its elements (an object's keys and values, in
 * turn) go on the stack, and into the arena when it closes. */
static int parse_container(parser *c, msgpack_object *out) {
  bool object = *c->p == '{';
  size_t base = c->d->stack.len;
  c->p++;
  skip_space(c);
  while (*c->p != (object ? '}' : ']')) {
    msgpack_object element;
    int status = parse_value(c, &element);
    if (status == 0) status = push(c, &element);
    if (status != 0) return status;
    skip_space(c);
    if (*c->p == ',' || *c->p == ':') c->p++;
    skip_space(c);
  }
  c->p++;
  msgpack_object *items;
  size_t count;
  int status = take_elements(c, base, &items, &count);
  if (status != 0) return status;
  if (count > UINT32_MAX) {
    return ws_fail(c->err, WHOSAID_EINVAL, "an array or object of %zu values (at most 2^32)",
                   count);
  }
  if (object) {
    out->type = MSGPACK_OBJECT_MAP;
    out->via.map.size = (uint32_t)(count / 2);
    out->via.map.ptr = (msgpack_object_kv *)(void *)items; /* key, value, key, value... */
  } else {
    out->type = MSGPACK_OBJECT_ARRAY;
    out->via.array.size = (uint32_t)count;
    out->via.array.ptr = items;
  }
  return 0;
}

static int parse_value(parser *c, msgpack_object *out) {
  skip_space(c);
  memset(out, 0, sizeof(*out));
  unsigned char first = *c->p;
  if (first == '"') return parse_string(c, out);
  if (first == '[' || first == '{') return parse_container(c, out);
  if (first == '-' || is_digit(first)) return parse_number(c, out);
  return parse_literal(c, out);
}

/* Checking messages ****************************************************************/

static const char *type_name(msgpack_object_type type) {
  switch (type) {
    case MSGPACK_OBJECT_NIL: return "null";
    case MSGPACK_OBJECT_BOOLEAN: return "a boolean";
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "an integer";
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return "a number";
    case MSGPACK_OBJECT_STR: return "a string";
    case MSGPACK_OBJECT_ARRAY: return "an array";
    case MSGPACK_OBJECT_MAP: return "an object";
    default: return "something else";
  }
}

/* The error of a call Vim could not run: it answers "ERROR" then. */
static const char vim_error_text[] = "Vim could not run the call (it answered \"ERROR\")";
static const msgpack_object vim_error = {
    MSGPACK_OBJECT_STR, {.str = {sizeof(vim_error_text) - 1, vim_error_text}}};

/* [-n, result]: the answer to the host's call n. */
static int read_response(const msgpack_object *a, rpc_message *out, whosaid_error *err) {
  if (a[0].via.i64 < -(int64_t)UINT32_MAX) {
    return ws_fail(err, WHOSAID_EINVAL, "the answer's id %" PRId64 " is out of range",
                   a[0].via.i64);
  }
  out->kind = RPC_RESPONSE;
  out->id = (uint32_t)-a[0].via.i64;
  bool failed = rpc_string_is(&a[1], "ERROR");
  out->error = failed ? vim_error : (msgpack_object){.type = MSGPACK_OBJECT_NIL};
  out->result = failed ? (msgpack_object){.type = MSGPACK_OBJECT_NIL} : a[1];
  return 1;
}

/* [id, [method, params]]: a request, or a notification (an event's method,
 * or id 0). A request's id goes to *ID_OUT as soon as it is known. */
static int read_call(const msgpack_object *a, rpc_message *out, uint32_t *id_out,
                     whosaid_error *err) {
  uint64_t id = a[0].via.u64;
  const msgpack_object *body = &a[1];
  const msgpack_object *method = body->type == MSGPACK_OBJECT_ARRAY && body->via.array.size > 0
                                     ? &body->via.array.ptr[0] : NULL;
  bool event = method != NULL && method->type == MSGPACK_OBJECT_STR &&
               ends_with_event(method->via.str.ptr, method->via.str.size);
  bool request = id > 0 && !event;
  if (request && id > UINT32_MAX) {
    return ws_fail(err, WHOSAID_EINVAL, "the request id %" PRIu64 " is out of range", id);
  }
  if (request) *id_out = (uint32_t)id;
  if (body->type != MSGPACK_OBJECT_ARRAY || body->via.array.size != 2) {
    bool array = body->type == MSGPACK_OBJECT_ARRAY;
    return ws_fail(err, WHOSAID_EINVAL, "a message is [id, [method, params]], not [id, %s%s]",
                   type_name(body->type), array ? " of another size" : "");
  }
  const msgpack_object *params = &body->via.array.ptr[1];
  if (method->type != MSGPACK_OBJECT_STR) {
    return ws_fail(err, WHOSAID_EINVAL, "the method name is %s, not a string",
                   type_name(method->type));
  }
  if (params->type != MSGPACK_OBJECT_ARRAY) {
    return ws_fail(err, WHOSAID_EINVAL, "the parameters of '%.*s' are %s, not an array",
                   (int)(method->via.str.size > 100 ? 100 : method->via.str.size),
                   method->via.str.ptr, type_name(params->type));
  }
  out->kind = request ? RPC_REQUEST : RPC_NOTIFICATION;
  out->id = request ? (uint32_t)id : 0;
  out->method = method->via.str.ptr;
  out->method_length = method->via.str.size;
  out->params = *params;
  return 1;
}

/* The id of a message of the wrong size whose first element is a request's
 * id (an error answer goes to it), else UINT32_MAX. */
static uint32_t misshapen_request_id(const msgpack_object *o) {
  if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size == 0) return UINT32_MAX;
  const msgpack_object *a = o->via.array.ptr;
  if (a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[0].via.u64 == 0 ||
      a[0].via.u64 > UINT32_MAX) {
    return UINT32_MAX;
  }
  if (o->via.array.size > 1 && a[1].type == MSGPACK_OBJECT_ARRAY && a[1].via.array.size > 0) {
    const msgpack_object *method = &a[1].via.array.ptr[0];
    if (method->type == MSGPACK_OBJECT_STR &&
        ends_with_event(method->via.str.ptr, method->via.str.size)) {
      return UINT32_MAX;
    }
  }
  return (uint32_t)a[0].via.u64;
}

static int read_message(const msgpack_object *o, rpc_message *out, uint32_t *id_out,
                        whosaid_error *err) {
  if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 2) {
    *id_out = misshapen_request_id(o);
    return ws_fail(err, WHOSAID_EINVAL, "a message is an array [id, body], not %s%s",
                   type_name(o->type), o->type == MSGPACK_OBJECT_ARRAY ? " of another size" : "");
  }
  const msgpack_object *a = o->via.array.ptr;
  if (a[0].type == MSGPACK_OBJECT_NEGATIVE_INTEGER) return read_response(a, out, err);
  if (a[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER) return read_call(a, out, id_out, err);
  return ws_fail(err, WHOSAID_EINVAL, "a message begins with its id, an integer, not %s",
                 type_name(a[0].type));
}

/* Decoding ***********************************************************************/

/* An answer of Vim's to call ID that could not be read (WHY): a response
 * with that error, so that the call fails rather than waits forever. */
static int failed_answer(rpc_json_decoder *d, uint32_t id, const char *why, rpc_message *out) {
  int length = snprintf(d->answer_error, sizeof(d->answer_error), "Vim's answer unread: %s", why);
  if (length < 0 || (size_t)length >= sizeof(d->answer_error)) {
    length = (int)strlen(d->answer_error);
  }
  out->kind = RPC_RESPONSE;
  out->id = id;
  out->error.type = MSGPACK_OBJECT_STR;
  out->error.via.str.ptr = d->answer_error;
  out->error.via.str.size = (uint32_t)length;
  out->result.type = MSGPACK_OBJECT_NIL;
  return 1;
}

/* Parse the value the scan found, [off, event_end), into *OUT. */
static int decode_value(rpc_json_decoder *d, rpc_message *out, uint32_t *id_out,
                        whosaid_error *err) {
  size_t end = d->event_end;
  parser c = {(const unsigned char *)d->data + d->off, (const unsigned char *)d->data + end, d,
              err};
  int status = arena_reset(&d->arena, d->event_values, end - d->off);
  msgpack_object root;
  d->stack.len = 0;
  if (status != 0) {
    status = ws_fail(err, WHOSAID_ENOMEM, "out of memory decoding a message");
  } else {
    status = parse_value(&c, &root);
  }
  uint32_t answer = 0;
  if (status == WHOSAID_EINVAL) { /* an integer out of range, a number too long */
    message_head h;
    read_head(d->data + d->off, end - d->off, &h);
    *id_out = head_request_id(&h);
    answer = head_answer_id(&h);
  }
  restart_at(d, end);
  if (answer != 0) return failed_answer(d, answer, err->message, out);
  if (status != 0) return status;
  return read_message(&root, out, id_out, err);
}

int rpc_json_decoder_next(rpc_json_decoder *decoder, rpc_message *out, uint32_t *id_out,
                          whosaid_error *err) {
  rpc_json_decoder *d = decoder;
  uint32_t unused_id;
  if (id_out == NULL) id_out = &unused_id;
  *id_out = UINT32_MAX;
  memset(out, 0, sizeof(*out));
  d->reported = false;
  if (d->event == EVENT_NONE && d->mode == MODE_SCAN) scan(d);
  event_kind event = d->event;
  d->event = EVENT_NONE;
  switch (event) {
    case EVENT_VALUE: return decode_value(d, out, id_out, err);
    case EVENT_INVALID:
      if (d->event_answer != 0) return failed_answer(d, d->event_answer, d->event_message, out);
      *id_out = d->event_id;
      return ws_fail(err, WHOSAID_EINVAL, "%s", d->event_message);
    case EVENT_OVERSIZED: {
      d->reported = true;
      d->shown = d->report;
      if (d->report.method != NULL) {
        memcpy(d->shown_method, d->report.method, d->report.method_length);
        d->shown.method = d->shown_method;
      }
      if (d->shown.kind == RPC_REQUEST && d->shown.has_id) *id_out = d->shown.id;
      return ws_fail(err, WHOSAID_ETOOBIG,
                     "a message of at least %llu bytes, over the limit of %llu: skipped",
                     (unsigned long long)d->shown.least_bytes, (unsigned long long)d->max_bytes);
    }
    default: return 0;
  }
}
