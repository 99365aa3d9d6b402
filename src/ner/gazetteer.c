/*
 * gazetteer.c: the gazetteer's lists of names, loaded from a directory (or
 * a tagger model's GAZT section) and matched against tokens.
 *
 * Every entry of every list lives in one open-addressing hash table, keyed
 * by the entry's token texts joined by single spaces ("New York", "Côte
 * d'Ivoire"), with the lists it is an entry of. The key of the entry in
 * capitals ("NEW YORK") is there too, for headlines, and so is every proper
 * prefix of an entry ("New"), marked as continuing: a scan from a token
 * stops at the first token sequence that no entry starts with, so matching
 * costs about one lookup per token of text, with no allocation.
 */
#include "ner/gazetteer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/file.h"
#include "core/vec.h"

#define INDEX_FILE "lists"
#define LIST_SUFFIX ".txt"
#define MAX_LINE_BYTES 256
#define MAX_FILE_BYTES (4u << 20)
#define MAX_NAME_BYTES 63
/* An entry's line has at most 256 bytes; joining its (at most 8) tokens
 * adds at most 7 spaces, and capitals take at most 3 bytes for 2. */
#define MAX_KEY_BYTES 512
#define FIRST_SLOT_COUNT 1024

enum { EXACT_CONTINUES = 1, CAPS_CONTINUES = 2 };

/* A key of the table; LENGTH 0 marks an empty slot. */
typedef struct {
  uint32_t hash;
  uint32_t offset; /* of the key's bytes in the gazetteer's keys */
  uint16_t length;
  uint16_t exact_lists; /* lists with an entry that is this key */
  uint16_t caps_lists;  /* lists with an entry whose capitals are this key */
  uint8_t continues;    /* EXACT_CONTINUES, CAPS_CONTINUES: a longer entry starts so */
} slot;

struct gazetteer {
  char names[GAZETTEER_MAX_LISTS][MAX_NAME_BYTES + 1];
  size_t list_count;
  size_t entry_count;
  VEC(char) keys;
  slot *slots;
  size_t slot_count; /* a power of two, or 0 before the first key */
  size_t used;
  size_t longest_key;
  bool lower_starts; /* some entry starts with a lower-case ASCII letter */
};

/* Errors ******************************************************************/


static int malformed(whosaid_error *err, const char *source, size_t line, const char *reason) {
  if (line == 0) return ws_fail(err, WHOSAID_EMODEL, "%s: %s", source, reason);
  return ws_fail(err, WHOSAID_EMODEL, "%s:%zu: %s", source, line, reason);
}

/* The hash table **********************************************************/

static uint32_t hash_bytes(uint32_t hash, const char *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) hash = (hash ^ (unsigned char)bytes[i]) * 16777619u;
  return hash;
}

#define HASH_START 2166136261u /* FNV-1a */
#define HASH_SPACE(hash) (((hash) ^ ' ') * 16777619u)

static const slot *lookup(const gazetteer *g, uint32_t hash, const char *key, size_t length) {
  size_t mask = g->slot_count - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const slot *s = &g->slots[i];
    if (s->length == 0) return NULL;
    if (s->hash == hash && s->length == length &&
        memcmp(g->keys.items + s->offset, key, length) == 0) {
      return s;
    }
  }
}

static size_t free_slot(const slot *slots, size_t slot_count, uint32_t hash) {
  size_t i = hash & (slot_count - 1);
  while (slots[i].length != 0) i = (i + 1) & (slot_count - 1);
  return i;
}

/* Double the table (or make the first one) when it is half full. */
static int grow_table(gazetteer *g) {
  if (2 * (g->used + 1) <= g->slot_count) return 0;
  size_t count = g->slot_count == 0 ? FIRST_SLOT_COUNT : 2 * g->slot_count;
  slot *slots = ws_calloc(count, sizeof(*slots));
  if (slots == NULL) return WHOSAID_ENOMEM;
  for (size_t i = 0; i < g->slot_count; i++) {
    if (g->slots[i].length != 0) slots[free_slot(slots, count, g->slots[i].hash)] = g->slots[i];
  }
  ws_free(g->slots);
  g->slots = slots;
  g->slot_count = count;
  return 0;
}

/* The slot of KEY, added (with no lists) when it is new; NULL when out of
 * memory. */
static slot *find_or_add(gazetteer *g, const char *key, size_t length) {
  uint32_t hash = hash_bytes(HASH_START, key, length);
  if (g->slot_count != 0) {
    slot *found = (slot *)lookup(g, hash, key, length);
    if (found != NULL) return found;
  }
  if (g->keys.len > UINT32_MAX - length) return NULL; /* offsets are 32 bits */
  if (grow_table(g) != 0 || VEC_RESERVE(&g->keys, length) != 0) return NULL;
  slot *s = &g->slots[free_slot(g->slots, g->slot_count, hash)];
  *s = (slot){hash, (uint32_t)g->keys.len, (uint16_t)length, 0, 0, 0};
  memcpy(g->keys.items + g->keys.len, key, length);
  g->keys.len += length;
  g->used++;
  if (length > g->longest_key) g->longest_key = length;
  return s;
}

/* Loading entries *********************************************************/

/* Append the capitals of the LENGTH bytes at S (valid UTF-8) to KEY. */
static size_t append_capitals(char *key, size_t at, const char *s, size_t length) {
  for (size_t i = 0; i < length;) {
    text_char c = text_utf8_decode(s, length, i);
    if (c.codepoint < 0x80) {
      char byte = s[i];
      key[at++] = byte >= 'a' && byte <= 'z' ? (char)(byte - 'a' + 'A') : byte;
    } else {
      utf8proc_int32_t upper = utf8proc_toupper(c.codepoint);
      at += (size_t)utf8proc_encode_char(upper, (utf8proc_uint8_t *)key + at);
    }
    i += c.length;
  }
  return at;
}

/* Add the keys of one entry (each prefix, exact or in capitals) for LIST. */
static int add_keys(gazetteer *g, const char *line, const text_token *tokens, size_t count,
                    size_t list, bool capitals) {
  char key[MAX_KEY_BYTES];
  size_t length = 0;
  for (size_t n = 0; n < count; n++) {
    const char *text = line + tokens[n].start;
    size_t size = tokens[n].end - tokens[n].start;
    if (n > 0) key[length++] = ' ';
    if (capitals) {
      length = append_capitals(key, length, text, size);
    } else {
      memcpy(key + length, text, size);
      length += size;
    }
    slot *s = find_or_add(g, key, length);
    if (s == NULL) return WHOSAID_ENOMEM;
    if (n + 1 < count) {
      s->continues |= capitals ? CAPS_CONTINUES : EXACT_CONTINUES;
    } else if (capitals) {
      s->caps_lists |= (uint16_t)(1u << list);
    } else {
      if ((s->exact_lists & (1u << list)) == 0) g->entry_count++;
      s->exact_lists |= (uint16_t)(1u << list);
    }
  }
  return 0;
}

/* Parsing lists ***********************************************************/

typedef struct {
  gazetteer *g;
  whosaid_error *err;
  text_token_vec tokens; /* reused for every entry */
} loader;

typedef struct {
  const char *data;
  size_t length, pos;
  size_t number; /* of the line last returned, from 1 */
} line_reader;

static bool next_line(line_reader *r, const char **line, size_t *length) {
  if (r->pos >= r->length) return false;
  const char *start = r->data + r->pos;
  const char *newline = memchr(start, '\n', r->length - r->pos);
  *line = start;
  *length = newline != NULL ? (size_t)(newline - start) : r->length - r->pos;
  r->pos += *length + 1;
  r->number++;
  return true;
}

/* What is wrong with a raw line, or NULL. */
static const char *check_line(const char *line, size_t length) {
  if (length > MAX_LINE_BYTES) return "line longer than 256 bytes";
  if (memchr(line, '\0', length) != NULL) return "NUL byte";
  for (size_t i = 0; i < length;) {
    text_char c = text_utf8_decode(line, length, i);
    if (c.codepoint < 0) return "invalid UTF-8";
    if ((c.codepoint < 0x20 && c.codepoint != '\t' && c.codepoint != '\r') || c.codepoint == 0x7f) {
      return "control character";
    }
    i += c.length;
  }
  return NULL;
}

/* Strip blanks at both ends; a comment or blank line becomes empty. */
static void trim(const char **line, size_t *length) {
  while (*length > 0 && ((*line)[0] == ' ' || (*line)[0] == '\t')) (*line)++, (*length)--;
  while (*length > 0 && strchr(" \t\r", (*line)[*length - 1]) != NULL) (*length)--;
  if (*length > 0 && (*line)[0] == '#') *length = 0;
}

static int add_entry(loader *l, size_t list, const char *line, size_t length, const char *source,
                     size_t number) {
  if (text_tokenize(line, length, &l->tokens) != 0) return WHOSAID_ENOMEM;
  size_t count = l->tokens.len;
  if (count == 0) return malformed(l->err, source, number, "an entry of no tokens");
  if (count > GAZETTEER_MAX_TOKENS) {
    char reason[64];
    snprintf(reason, sizeof(reason), "an entry of %zu tokens (at most %d)", count,
             GAZETTEER_MAX_TOKENS);
    return malformed(l->err, source, number, reason);
  }
  if (line[l->tokens.items[0].start] >= 'a' && line[l->tokens.items[0].start] <= 'z') {
    l->g->lower_starts = true;
  }
  int status = add_keys(l->g, line, l->tokens.items, count, list, false);
  if (status == 0) status = add_keys(l->g, line, l->tokens.items, count, list, true);
  return status;
}

/* Add every entry of the text of LIST; SOURCE names it in errors. */
static int parse_list(loader *l, size_t list, const char *data, size_t length, const char *source) {
  line_reader r = {data, length, 0, 0};
  const char *line;
  size_t size;
  while (next_line(&r, &line, &size)) {
    const char *problem = check_line(line, size);
    if (problem != NULL) return malformed(l->err, source, r.number, problem);
    trim(&line, &size);
    if (size == 0) continue;
    int status = add_entry(l, list, line, size, source, r.number);
    if (status != 0) return status;
  }
  return 0;
}

static bool valid_name(const char *name, size_t length) {
  if (length == 0 || length > MAX_NAME_BYTES || name[0] == '.') return false;
  for (size_t i = 0; i < length; i++) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

/* Register the next list; SOURCE and LINE say where it was named. */
static int add_list(loader *l, const char *name, size_t length, const char *source, size_t line) {
  gazetteer *g = l->g;
  if (!valid_name(name, length)) {
    return malformed(l->err, source, line, "a list name is 1 to 63 of A-Z a-z 0-9 . _ -");
  }
  for (size_t i = 0; i < g->list_count; i++) {
    if (strlen(g->names[i]) == length && memcmp(g->names[i], name, length) == 0) {
      return malformed(l->err, source, line, "a list named twice");
    }
  }
  if (g->list_count == GAZETTEER_MAX_LISTS) {
    return malformed(l->err, source, line, "more than 16 lists");
  }
  memcpy(g->names[g->list_count], name, length);
  g->names[g->list_count][length] = '\0';
  g->list_count++;
  return 0;
}

/* Loading from a directory ************************************************/

/* DIR/NAME (LENGTH bytes of it) SUFFIX, allocated. */
static char *path_join(const char *dir, const char *name, size_t length, const char *suffix) {
  size_t size = strlen(dir) + 1 + length + strlen(suffix) + 1;
  char *path = ws_malloc(size);
  if (path != NULL) snprintf(path, size, "%s/%.*s%s", dir, (int)length, name, suffix);
  return path;
}

static int load_list_file(loader *l, const char *dir, size_t list) {
  const char *name = l->g->names[list];
  char *path = path_join(dir, name, strlen(name), LIST_SUFFIX);
  if (path == NULL) return WHOSAID_ENOMEM;
  char *data = NULL;
  size_t length = 0;
  int status = ws_read_file(path, MAX_FILE_BYTES, &data, &length, l->err);
  if (status == 0) status = parse_list(l, list, data, length, path);
  ws_free(data);
  ws_free(path);
  return status;
}

/* Read DIR/lists and register the lists it names. */
static int load_index(loader *l, const char *dir) {
  char *path = path_join(dir, INDEX_FILE, strlen(INDEX_FILE), "");
  if (path == NULL) return WHOSAID_ENOMEM;
  char *data = NULL;
  size_t length = 0;
  int status = ws_read_file(path, MAX_FILE_BYTES, &data, &length, l->err);
  line_reader r = {data, length, 0, 0};
  const char *line;
  size_t size;
  while (status == 0 && next_line(&r, &line, &size)) {
    const char *problem = check_line(line, size);
    if (problem != NULL) status = malformed(l->err, path, r.number, problem);
    trim(&line, &size);
    if (status == 0 && size > 0) status = add_list(l, line, size, path, r.number);
  }
  if (status == 0 && l->g->list_count == 0) status = malformed(l->err, path, 0, "no lists");
  ws_free(data);
  ws_free(path);
  return status;
}

/* The GAZT section (see gazetteer_write_blob) ********************************/

static int append_sized(gazetteer_bytes *out, const char *data, size_t size) {
  uint32_t length = (uint32_t)size;
  if (VEC_RESERVE(out, sizeof(length) + size) != 0) return WHOSAID_ENOMEM;
  memcpy(out->items + out->len, &length, sizeof(length));
  memcpy(out->items + out->len + sizeof(length), data, size);
  out->len += sizeof(length) + size;
  return 0;
}

static int append_list(const char *dir, const char *name, size_t size, gazetteer_bytes *out,
                       whosaid_error *err) {
  char *path = path_join(dir, name, size, LIST_SUFFIX);
  if (path == NULL) return WHOSAID_ENOMEM;
  char *data = NULL;
  size_t length = 0;
  int status = ws_read_file(path, MAX_FILE_BYTES, &data, &length, err);
  if (status == 0) status = append_sized(out, name, size);
  if (status == 0) status = append_sized(out, data, length);
  ws_free(data);
  ws_free(path);
  return status;
}

int gazetteer_write_blob(const char *dir, gazetteer_bytes *out, whosaid_error *err) {
  char *path = path_join(dir, INDEX_FILE, strlen(INDEX_FILE), "");
  if (path == NULL) return WHOSAID_ENOMEM;
  char *data = NULL;
  size_t length = 0;
  int status = ws_read_file(path, MAX_FILE_BYTES, &data, &length, err);
  line_reader r = {data, length, 0, 0};
  const char *line;
  size_t size;
  while (status == 0 && next_line(&r, &line, &size)) {
    const char *problem = check_line(line, size);
    if (problem != NULL) status = malformed(err, path, r.number, problem);
    trim(&line, &size);
    if (status == 0 && size > 0) status = append_list(dir, line, size, out, err);
  }
  ws_free(data);
  ws_free(path);
  return status;
}

/* Free G after a failure, and say so in ERR when it was memory. */
static int abandon(gazetteer *g, int status, const char *what, whosaid_error *err) {
  gazetteer_free(g);
  if (status == WHOSAID_ENOMEM) ws_fail(err, status, "loading gazetteer %s: out of memory", what);
  return status;
}

int gazetteer_load(const char *dir, gazetteer **out, whosaid_error *err) {
  if (err != NULL) err->status = 0, err->message[0] = '\0';
  if (out == NULL) return WHOSAID_EINVAL;
  *out = NULL;
  if (dir == NULL || dir[0] == '\0') return ws_fail(err, WHOSAID_EINVAL, "gazetteer path is empty");
  gazetteer *g = ws_calloc(1, sizeof(*g));
  if (g == NULL) return abandon(NULL, WHOSAID_ENOMEM, dir, err);
  loader l = {g, err, VEC_INIT};
  int status = load_index(&l, dir);
  for (size_t list = 0; status == 0 && list < g->list_count; list++) {
    status = load_list_file(&l, dir, list);
  }
  VEC_FREE(&l.tokens);
  if (status != 0) return abandon(g, status, dir, err);
  *out = g;
  return 0;
}

/* Loading from a model's section ******************************************/

static bool read_u32(const unsigned char **at, const unsigned char *end, uint32_t *value) {
  if (end - *at < 4) return false;
  const unsigned char *p = *at;
  *value = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  *at += 4;
  return true;
}

/* The next sized string of the section, or false when it is cut short. */
static bool read_sized(const unsigned char **at, const unsigned char *end, const char **data,
                       size_t *length) {
  uint32_t size;
  if (!read_u32(at, end, &size) || (size_t)(end - *at) < size) return false;
  *data = (const char *)*at;
  *length = size;
  *at += size;
  return true;
}

static int load_blob_list(loader *l, const char *name, size_t name_length, const char *text,
                          size_t text_length, const char *model) {
  size_t list = l->g->list_count;
  int status = add_list(l, name, name_length, model, 0);
  if (status != 0) return status;
  /* Errors in the list then read "MODEL:LIST:LINE: reason". */
  size_t size = strlen(model) + 1 + name_length + 1;
  char *source = ws_malloc(size);
  if (source == NULL) return WHOSAID_ENOMEM;
  snprintf(source, size, "%s:%.*s", model, (int)name_length, name);
  status = parse_list(l, list, text, text_length, source);
  ws_free(source);
  return status;
}

static int load_blob_lists(loader *l, const void *blob, size_t size, const char *model) {
  const unsigned char *at = blob, *end = at + size;
  while (at < end) {
    const char *name, *text;
    size_t name_length, text_length;
    if (!read_sized(&at, end, &name, &name_length) || !read_sized(&at, end, &text, &text_length)) {
      return malformed(l->err, model, 0, "gazetteer section cut short");
    }
    int status = load_blob_list(l, name, name_length, text, text_length, model);
    if (status != 0) return status;
  }
  if (l->g->list_count == 0) return malformed(l->err, model, 0, "gazetteer section has no lists");
  return 0;
}

int gazetteer_load_blob(const void *blob, size_t size, const char *name, gazetteer **out,
                        whosaid_error *err) {
  if (err != NULL) err->status = 0, err->message[0] = '\0';
  if (out == NULL) return WHOSAID_EINVAL;
  *out = NULL;
  if ((blob == NULL && size > 0) || name == NULL) return WHOSAID_EINVAL;
  gazetteer *g = ws_calloc(1, sizeof(*g));
  if (g == NULL) return abandon(NULL, WHOSAID_ENOMEM, name, err);
  loader l = {g, err, VEC_INIT};
  int status = load_blob_lists(&l, blob, size, name);
  VEC_FREE(&l.tokens);
  if (status != 0) return abandon(g, status, name, err);
  *out = g;
  return 0;
}

/* Access ******************************************************************/

void gazetteer_free(gazetteer *g) {
  if (g == NULL) return;
  VEC_FREE(&g->keys);
  ws_free(g->slots);
  ws_free(g);
}

size_t gazetteer_list_count(const gazetteer *g) {
  return g == NULL ? 0 : g->list_count;
}

const char *gazetteer_list_name(const gazetteer *g, size_t list) {
  return g == NULL || list >= g->list_count ? NULL : g->names[list];
}

size_t gazetteer_entry_count(const gazetteer *g) {
  return g == NULL ? 0 : g->entry_count;
}

/* Matching ****************************************************************/

/* The longest match of each list from one token: LENGTH[list] tokens for
 * the lists in FOUND. */
typedef struct {
  uint32_t found;
  uint8_t length[GAZETTEER_MAX_LISTS];
} longest;

static void record(longest *best, uint32_t lists, size_t length) {
  for (size_t list = 0; (lists >> list) != 0; list++) {
    if ((lists >> list & 1) == 0) continue;
    if ((best->found >> list & 1) == 0 || best->length[list] < length) {
      best->length[list] = (uint8_t)length;
    }
  }
  best->found |= lists;
}

/* Whether TOKEN has no lower-case letter, so that its text is its own
 * capitals: a headline's "GERMANY", "U.S." or "2024" but not "Germany". */
static bool in_capitals(const char *text, const text_token *token) {
  if (token->flags & WHOSAID_TOKEN_ALL_CAPS) return true;
  size_t length = token->end - token->start;
  const char *s = text + token->start;
  for (size_t i = 0; i < length;) {
    text_char c = text_utf8_decode(s, length, i);
    if (text_is_lower(c.codepoint)) return false;
    i += c.length;
  }
  return true;
}

/* Extend a key from TOKENS[0] while some entry starts so, recording the
 * entries met. With CAPITALS the tokens must be in capitals and are looked
 * up among the entries' capitals. */
static void scan(const gazetteer *g, const char *text, const text_token *tokens, size_t count,
                 bool capitals, longest *best) {
  char key[MAX_KEY_BYTES];
  size_t length = 0;
  uint32_t hash = HASH_START;
  if (count > GAZETTEER_MAX_TOKENS) count = GAZETTEER_MAX_TOKENS;
  for (size_t n = 0; n < count; n++) {
    size_t size = tokens[n].end - tokens[n].start;
    if (length + (n > 0) + size > g->longest_key) return;
    if (capitals && n > 0 && !in_capitals(text, &tokens[n])) return;
    if (n > 0) key[length++] = ' ', hash = HASH_SPACE(hash);
    memcpy(key + length, text + tokens[n].start, size);
    hash = hash_bytes(hash, key + length, size);
    length += size;
    const slot *s = lookup(g, hash, key, length);
    if (s == NULL) return;
    uint16_t lists = capitals ? s->caps_lists : s->exact_lists;
    if (lists != 0) record(best, lists, n + 1);
    if ((s->continues & (capitals ? CAPS_CONTINUES : EXACT_CONTINUES)) == 0) return;
  }
}

/* Mark the longest match of each list from token AT, unless a match of the
 * same list begun earlier already covers AT. */
static void mark(const longest *best, size_t at, size_t *covered_until, uint32_t *matches) {
  for (size_t list = 0; (best->found >> list) != 0; list++) {
    if ((best->found >> list & 1) == 0 || at < covered_until[list]) continue;
    size_t length = best->length[list];
    matches[at] |= 1u << (2 * list);
    for (size_t i = 1; i < length; i++) matches[at + i] |= 1u << (2 * list + 1);
    covered_until[list] = at + length;
  }
}

/* A sequence matches an entry as written or, from a token in capitals
 * (ALL_CAPS), wholly in capitals, as headlines write: "NEW YORK" matches
 * "New York" and "New York" does, but a mix such as "New YORK" does not. */
void gazetteer_match(const gazetteer *g, const char *text, const text_token *tokens, size_t count,
                     uint32_t *matches) {
  if (count == 0) return;
  memset(matches, 0, count * sizeof(*matches));
  if (g == NULL || g->slot_count == 0) return;
  size_t covered_until[GAZETTEER_MAX_LISTS] = {0};
  for (size_t at = 0; at < count; at++) {
    /* Most words of a text start in lower case, and names do not. */
    char first = text[tokens[at].start];
    if (!g->lower_starts && first >= 'a' && first <= 'z') continue;
    longest best = {0, {0}};
    scan(g, text, tokens + at, count - at, false, &best);
    if (tokens[at].flags & WHOSAID_TOKEN_ALL_CAPS) {
      scan(g, text, tokens + at, count - at, true, &best);
    }
    if (best.found != 0) mark(&best, at, covered_until, matches);
  }
}
