/*
 * fuzz_support.c: the checks and the scratch directories the fuzz harnesses
 * share (see fuzz_support.h). The checks are the oracles: a document is
 * walked through the public API only, and each property checked is one
 * include/whosaid.h promises (or, for the nesting of sentences in
 * paragraphs, one src/text/text.h does).
 */
#include "fuzz_support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fuzz_fail(const char *file, int line, const char *format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "fuzz: %s:%d: ", file, line);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  abort();
}

bool fuzz_utf8_valid(const char *text, size_t length) {
  const unsigned char *s = (const unsigned char *)text;
  for (size_t i = 0; i < length;) {
    unsigned lead = s[i];
    size_t more;
    uint32_t code, least;
    if (lead < 0x80) {
      i++;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      more = 1, code = lead & 0x1F, least = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      more = 2, code = lead & 0x0F, least = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      more = 3, code = lead & 0x07, least = 0x10000;
    } else {
      return false;
    }
    if (length - i <= more) return false;
    for (size_t k = 1; k <= more; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      code = code << 6 | (s[i + k] & 0x3F);
    }
    if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += more + 1;
  }
  return true;
}

const whosaid_model *fuzz_repository_model(void) {
  static whosaid_model *model;
  if (model != NULL) return model;
  const char *path = getenv("WHOSAID_MODEL");
  if (path == NULL || *path == '\0') path = WHOSAID_MODEL_DIR;
  whosaid_error err = {0, ""};
  if (whosaid_model_load(path, &model, &err) != 0) {
    fprintf(stderr, "fuzz: cannot load the model %s: %s\n", path, err.message);
    exit(1);
  }
  return model;
}

/* Documents ****************************************************************/

/* What a document is checked against: its text, and the start of each of
 * its lines as counted here, independently of the library. */
typedef struct {
  const whosaid_doc *doc;
  const char *text;
  size_t length;
  uint32_t *line_starts;
  size_t line_count;
} checker;

static void index_lines(checker *c) {
  size_t lines = 1;
  for (size_t i = 0; i < c->length; i++) lines += c->text[i] == '\n';
  c->line_starts = malloc(lines * sizeof(*c->line_starts));
  FUZZ_CHECK(c->line_starts != NULL, "out of memory");
  c->line_starts[0] = 0;
  c->line_count = 1;
  for (size_t i = 0; i < c->length; i++) {
    if (c->text[i] == '\n') c->line_starts[c->line_count++] = (uint32_t)(i + 1);
  }
}

/* The position of byte OFFSET by this file's own count. */
static whosaid_point own_point(const checker *c, uint32_t offset) {
  size_t low = 0, high = c->line_count; /* the last line starting at or before OFFSET */
  while (high - low > 1) {
    size_t middle = low + (high - low) / 2;
    if (c->line_starts[middle] <= offset) low = middle; else high = middle;
  }
  return (whosaid_point){(uint32_t)low, offset - c->line_starts[low]};
}

static bool same_point(whosaid_point a, whosaid_point b) {
  return a.line == b.line && a.column == b.column;
}

/* P is the position of byte OFFSET: by this file's count, by
 * whosaid_doc_point, and back again by whosaid_doc_offset. */
static void check_point(const checker *c, uint32_t offset, whosaid_point p, const char *what,
                        size_t index) {
  whosaid_point own = own_point(c, offset), api = whosaid_doc_point(c->doc, offset);
  FUZZ_CHECK(same_point(p, own) && same_point(p, api),
             "%s %zu: byte %u is at %u:%u, which should be %u:%u (whosaid_doc_point: %u:%u)",
             what, index, offset, p.line, p.column, own.line, own.column, api.line, api.column);
  uint32_t back = UINT32_MAX;
  FUZZ_CHECK(whosaid_doc_offset(c->doc, p, &back) == 0 && back == offset,
             "%s %zu: whosaid_doc_offset(%u:%u) is %u, not %u", what, index, p.line, p.column,
             back, offset);
}

static void check_range(const checker *c, const whosaid_range *r, const char *what,
                        size_t index) {
  FUZZ_CHECK(r->start_byte <= r->end_byte && r->end_byte <= c->length,
             "%s %zu: [%u, %u) is not inside the text of %zu bytes", what, index, r->start_byte,
             r->end_byte, c->length);
  check_point(c, r->start_byte, r->start, what, index);
  check_point(c, r->end_byte, r->end, what, index);
}

static bool inside(const whosaid_range *outer, const whosaid_range *inner) {
  return outer->start_byte <= inner->start_byte && inner->end_byte <= outer->end_byte;
}

static void check_whole(const checker *c) {
  const whosaid_doc *doc = c->doc;
  FUZZ_CHECK(whosaid_doc_length(doc) == c->length, "the document has %zu bytes, not %zu",
             whosaid_doc_length(doc), c->length);
  FUZZ_CHECK(whosaid_doc_line_count(doc) == c->line_count, "%zu lines, not %zu",
             whosaid_doc_line_count(doc), c->line_count);
  whosaid_point end = own_point(c, (uint32_t)c->length);
  FUZZ_CHECK(same_point(whosaid_doc_point(doc, UINT32_MAX), end), "an offset past the end is "
             "not clamped to the end");
  uint32_t offset;
  whosaid_point past = {(uint32_t)c->line_count, 0};
  FUZZ_CHECK(whosaid_doc_offset(doc, past, &offset) == WHOSAID_ERANGE,
             "a line past the last one is not WHOSAID_ERANGE");
  whosaid_point wide = {end.line, UINT32_MAX};
  FUZZ_CHECK(whosaid_doc_offset(doc, wide, &offset) == 0 && offset == c->length,
             "a column past the last line's end is not clamped to it");
}

static void check_tokens(const checker *c) {
  size_t count = whosaid_doc_token_count(c->doc);
  uint32_t previous_end = 0;
  whosaid_token t;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_doc_token(c->doc, i, &t) == 0, "token %zu of %zu is missing", i, count);
    check_range(c, &t.range, "token", i);
    FUZZ_CHECK(t.range.start_byte < t.range.end_byte, "token %zu is empty", i);
    FUZZ_CHECK(t.range.start_byte >= previous_end, "token %zu starts before the one before ends",
               i);
    FUZZ_CHECK((unsigned)t.kind <= WHOSAID_TOKEN_INVALID, "token %zu has kind %d", i, t.kind);
    FUZZ_CHECK(memchr(c->text + t.range.start_byte, '\n', t.range.end_byte - t.range.start_byte)
                   == NULL, "token %zu holds a line break", i);
    previous_end = t.range.end_byte;
  }
  FUZZ_CHECK(whosaid_doc_token(c->doc, count, &t) == WHOSAID_ERANGE, "token %zu exists", count);
}

static void check_sentences(const checker *c) {
  size_t count = whosaid_doc_sentence_count(c->doc), tokens = whosaid_doc_token_count(c->doc);
  uint64_t next_token = 0;
  whosaid_sentence s;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_doc_sentence(c->doc, i, &s) == 0, "sentence %zu is missing", i);
    check_range(c, &s.range, "sentence", i);
    uint64_t end = (uint64_t)s.first_token + s.token_count;
    FUZZ_CHECK(s.first_token >= next_token && end <= tokens,
               "sentence %zu: tokens [%u, %llu) out of order or out of range", i, s.first_token,
               (unsigned long long)end);
    for (uint32_t k = 0; k < s.token_count; k++) {
      whosaid_token t;
      whosaid_doc_token(c->doc, s.first_token + k, &t);
      FUZZ_CHECK(inside(&s.range, &t.range), "sentence %zu: token %u lies outside it", i,
                 s.first_token + k);
    }
    next_token = end;
  }
  FUZZ_CHECK(whosaid_doc_sentence(c->doc, count, &s) == WHOSAID_ERANGE, "sentence %zu exists",
             count);
}

static void check_paragraphs(const checker *c) {
  size_t count = whosaid_doc_paragraph_count(c->doc);
  size_t sentences = whosaid_doc_sentence_count(c->doc);
  uint64_t next_sentence = 0;
  uint32_t previous_end = 0;
  whosaid_paragraph p;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_doc_paragraph(c->doc, i, &p) == 0, "paragraph %zu is missing", i);
    check_range(c, &p.range, "paragraph", i);
    FUZZ_CHECK(p.range.start_byte >= previous_end, "paragraph %zu overlaps the one before", i);
    uint64_t end = (uint64_t)p.first_sentence + p.sentence_count;
    FUZZ_CHECK(p.first_sentence >= next_sentence && end <= sentences,
               "paragraph %zu: sentences [%u, %llu) out of order or out of range", i,
               p.first_sentence, (unsigned long long)end);
    for (uint32_t k = 0; k < p.sentence_count; k++) { /* a sentence never crosses a paragraph */
      whosaid_sentence s;
      whosaid_doc_sentence(c->doc, p.first_sentence + k, &s);
      FUZZ_CHECK(inside(&p.range, &s.range), "paragraph %zu: sentence %u lies outside it", i,
                 p.first_sentence + k);
    }
    next_sentence = end;
    previous_end = p.range.end_byte;
  }
  FUZZ_CHECK(whosaid_doc_paragraph(c->doc, count, &p) == WHOSAID_ERANGE, "paragraph %zu exists",
             count);
}

/* The enclosing quote, the speaker and the annotation a quote points to. */
static void check_quote_links(const checker *c, const whosaid_quote *q, size_t i) {
  if (q->parent >= 0) {
    whosaid_quote parent;
    FUZZ_CHECK((size_t)q->parent < i && whosaid_doc_quote(c->doc, (size_t)q->parent, &parent) == 0,
               "quote %zu: its parent %d does not come before it", i, q->parent);
    FUZZ_CHECK(inside(&parent.range, &q->range), "quote %zu lies outside its parent %d", i,
               q->parent);
  }
  FUZZ_CHECK(q->parent >= -1, "quote %zu: parent %d", i, q->parent);
  FUZZ_CHECK(q->speaker >= -1 && (q->speaker < 0 ||
                                  (size_t)q->speaker < whosaid_doc_speaker_count(c->doc)),
             "quote %zu: speaker %d out of range", i, q->speaker);
  if (q->annotation >= 0) {
    whosaid_annotation_place place;
    FUZZ_CHECK(whosaid_doc_annotation(c->doc, (size_t)q->annotation, &place) == 0 &&
                   place.attached && place.quote == (int32_t)i,
               "quote %zu: annotation %d is not attached to it", i, q->annotation);
  }
  FUZZ_CHECK(q->annotation >= -1, "quote %zu: annotation %d", i, q->annotation);
}

static void check_quotes(const checker *c) {
  size_t count = whosaid_doc_quote_count(c->doc);
  uint32_t previous_start = 0;
  whosaid_quote q;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_doc_quote(c->doc, i, &q) == 0, "quote %zu is missing", i);
    check_range(c, &q.range, "quote", i);
    FUZZ_CHECK(q.range.start_byte < q.range.end_byte, "quote %zu is empty", i);
    FUZZ_CHECK(q.range.start_byte >= previous_start, "quote %zu is out of order", i);
    FUZZ_CHECK((q.flags >> 6) == 0, "quote %zu: unknown flags %#x", i, q.flags);
    FUZZ_CHECK((unsigned)q.reason <= WHOSAID_QUOTE_ANNOTATED, "quote %zu: reason %d", i, q.reason);
    FUZZ_CHECK((unsigned)q.rule <= WHOSAID_ATTRIBUTION_ANNOTATED, "quote %zu: rule %d", i, q.rule);
    if (q.has_speaker_mention) {
      check_range(c, &q.speaker_mention, "speaker mention of quote", i);
      FUZZ_CHECK((unsigned)q.speaker_mention_kind <= WHOSAID_MENTION_NOMINAL,
                 "quote %zu: mention kind %d", i, q.speaker_mention_kind);
    }
    check_quote_links(c, &q, i);
    previous_start = q.range.start_byte;
  }
  FUZZ_CHECK(whosaid_doc_quote(c->doc, count, &q) == WHOSAID_ERANGE, "quote %zu exists", count);
}

static void check_entities(const checker *c) {
  size_t count = whosaid_doc_entity_count(c->doc);
  uint32_t previous_end = 0;
  whosaid_entity e;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_doc_entity(c->doc, i, &e) == 0, "entity %zu is missing", i);
    check_range(c, &e.range, "entity", i);
    FUZZ_CHECK(e.range.start_byte < e.range.end_byte, "entity %zu is empty", i);
    FUZZ_CHECK(e.range.start_byte >= previous_end, "entity %zu is out of text order", i);
    FUZZ_CHECK((unsigned)e.type <= WHOSAID_ENTITY_MISC, "entity %zu: type %d", i, e.type);
    FUZZ_CHECK(e.cluster >= -1, "entity %zu: cluster %d", i, e.cluster);
    previous_end = e.range.end_byte;
  }
  FUZZ_CHECK(whosaid_doc_entity(c->doc, count, &e) == WHOSAID_ERANGE, "entity %zu exists", count);
}

/* Speaker S's direct quotes, and the index of its first quote (SIZE_MAX
 * when it has none). */
static size_t speaker_quotes(const checker *c, size_t s, size_t *first) {
  size_t count = whosaid_doc_quote_count(c->doc), direct = 0;
  *first = SIZE_MAX;
  for (size_t i = 0; i < count; i++) {
    whosaid_quote q;
    whosaid_doc_quote(c->doc, i, &q);
    if (q.speaker != (int32_t)s) continue;
    if (*first == SIZE_MAX) *first = i;
    direct += (q.flags & WHOSAID_QUOTE_DIRECT) != 0;
  }
  return direct;
}

static void check_speakers(const checker *c) {
  size_t count = whosaid_doc_speaker_count(c->doc), previous_first = 0;
  whosaid_speaker s;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_doc_speaker(c->doc, i, &s) == 0, "speaker %zu is missing", i);
    FUZZ_CHECK(s.name != NULL, "speaker %zu has no name", i);
    FUZZ_CHECK((unsigned)s.type <= WHOSAID_ENTITY_MISC, "speaker %zu: type %d", i, s.type);
    if (!s.unnamed) check_range(c, &s.first_mention, "first mention of speaker", i);
    size_t first;
    size_t direct = speaker_quotes(c, i, &first);
    FUZZ_CHECK(s.quote_count == direct, "speaker %zu: quote_count %zu, but %zu direct quotes",
               i, s.quote_count, direct);
    FUZZ_CHECK(first != SIZE_MAX && (i == 0 || first > previous_first),
               "speaker %zu is not in the order of its first quote", i);
    previous_first = first;
  }
  FUZZ_CHECK(whosaid_doc_speaker(c->doc, count, &s) == WHOSAID_ERANGE, "speaker %zu exists",
             count);
}

static void check_places(const checker *c) {
  size_t count = whosaid_doc_annotation_count(c->doc);
  size_t quotes = whosaid_doc_quote_count(c->doc);
  whosaid_annotation_place p;
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(whosaid_doc_annotation(c->doc, i, &p) == 0, "annotation place %zu is missing", i);
    FUZZ_CHECK(p.quote >= -1 && (p.quote < 0 || (size_t)p.quote < quotes),
               "annotation place %zu: quote %d out of range", i, p.quote);
    if (p.attached) check_range(c, &p.range, "annotation place", i);
  }
  FUZZ_CHECK(whosaid_doc_annotation(c->doc, count, &p) == WHOSAID_ERANGE,
             "annotation place %zu exists", count);
}

void fuzz_check_doc(const whosaid_doc *doc, const char *text, size_t length) {
  checker c = {doc, text, length, NULL, 0};
  index_lines(&c);
  check_whole(&c);
  check_tokens(&c);
  check_sentences(&c);
  check_paragraphs(&c);
  check_quotes(&c);
  check_entities(&c);
  check_speakers(&c);
  check_places(&c);
  free(c.line_starts);
}

/* Exports ******************************************************************/

/* The records of an RFC 4180 table whose every record has FIELDS fields
 * and ends in CRLF; aborts at anything else. */
static size_t csv_records(const char *csv, size_t length, size_t fields) {
  size_t records = 0, field = 1, i = 0;
  bool field_start = true;
  while (i < length) {
    char ch = csv[i];
    if (ch == '"' && field_start) { /* a quoted field: "" is a quotation mark */
      for (i++;; i++) {
        FUZZ_CHECK(i < length, "CSV: a quoted field is not closed");
        if (csv[i] == '"' && i + 1 < length && csv[i + 1] == '"') {
          i++;
        } else if (csv[i] == '"') {
          break;
        }
      }
      i++;
      FUZZ_CHECK(i < length && (csv[i] == ',' || csv[i] == '\r'),
                 "CSV: a quoted field is followed by more than a comma or CRLF");
      field_start = false;
    } else if (ch == ',') {
      field++, i++, field_start = true;
    } else if (ch == '\r') {
      FUZZ_CHECK(i + 1 < length && csv[i + 1] == '\n', "CSV: CR without LF");
      FUZZ_CHECK(field == fields, "CSV: record %zu has %zu fields, not %zu", records, field,
                 fields);
      records++, field = 1, i += 2, field_start = true;
    } else {
      FUZZ_CHECK(ch != '"' && ch != '\n', "CSV: a quotation mark or a line feed unquoted");
      field_start = false, i++;
    }
  }
  FUZZ_CHECK(field_start && field == 1, "CSV: the last record does not end in CRLF");
  return records;
}

static size_t direct_quote_count(const whosaid_doc *doc) {
  size_t count = 0;
  for (size_t i = 0; i < whosaid_doc_quote_count(doc); i++) {
    whosaid_quote q;
    whosaid_doc_quote(doc, i, &q);
    count += (q.flags & WHOSAID_QUOTE_DIRECT) != 0;
  }
  return count;
}

static const char *const format_names[] = {"JSON", "CSV", "Markdown"};

/* One export; its text is checked for what every format shares. */
static char *export_checked(const whosaid_doc *doc, const char *text, size_t length,
                            const whosaid_annotations *set, whosaid_export_format format,
                            const whosaid_export_options *options, size_t *out_length) {
  /* A name with what every format must escape or clean: a quotation mark,
   * a line break, a comma, a formula sign and a byte that is not UTF-8. */
  static const char name[] = "=fuzz, \"doc\"\n\xff";
  char *out = NULL;
  int status = whosaid_export_with(doc, text, length, set, name, format, options, &out,
                                   out_length);
  FUZZ_CHECK(status == 0 && out != NULL, "%s export failed: %s", format_names[format],
             whosaid_strerror(status));
  FUZZ_CHECK(strlen(out) == *out_length, "%s export: a NUL byte at %zu of %zu",
             format_names[format], strlen(out), *out_length);
  FUZZ_CHECK(fuzz_utf8_valid(out, *out_length), "%s export is not valid UTF-8",
             format_names[format]);
  return out;
}

static void check_json_export(const whosaid_doc *doc, const char *text, size_t length,
                              const whosaid_annotations *set,
                              const whosaid_export_options *options) {
  size_t n;
  char *out = export_checked(doc, text, length, set, WHOSAID_EXPORT_JSON, options, &n);
  json_error_t problem;
  json_t *root = json_loadb(out, n, JSON_ALLOW_NUL, &problem); /* \u0000 is valid JSON */
  FUZZ_CHECK(json_is_object(root), "JSON export does not parse (%d:%d: %s)", problem.line,
             problem.column, problem.text);
  json_decref(root);
  whosaid_free(out);
}

void fuzz_check_exports(const whosaid_doc *doc, const char *text, size_t length,
                        const whosaid_annotations *set) {
  /* {pretty, explain, plain, crlf, bom, cr} */
  static const whosaid_export_options json_options[] = {{false, false, false, false, false, false},
                                                        {true, true, false, false, false, true},
                                                        {false, true, true, true, true, true}};
  for (size_t i = 0; i < sizeof(json_options) / sizeof(*json_options); i++) {
    check_json_export(doc, text, length, set, &json_options[i]);
  }
  size_t n;
  char *csv = export_checked(doc, text, length, set, WHOSAID_EXPORT_CSV, NULL, &n);
  size_t records = csv_records(csv, n, 7), quotes = direct_quote_count(doc);
  FUZZ_CHECK(records == quotes + 1, "CSV: %zu records for %zu direct quotes", records, quotes);
  whosaid_free(csv);
  whosaid_free(export_checked(doc, text, length, set, WHOSAID_EXPORT_MARKDOWN, NULL, &n));
}

/* Scratch directories ******************************************************/

#define MAX_TEMP_DIRS 4
static char temp_dirs[MAX_TEMP_DIRS][512];
static int temp_dir_count;

static void remove_temp_dirs(void) {
  for (int i = 0; i < temp_dir_count; i++) {
    fuzz_empty_dir(temp_dirs[i]);
    rmdir(temp_dirs[i]);
  }
}

static bool is_writable_dir(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISDIR(info.st_mode) && access(path, W_OK | X_OK) == 0;
}

const char *fuzz_temp_dir(const char *prefix) {
  const char *base = getenv("TMPDIR");
  if (base == NULL || *base == '\0') base = is_writable_dir("/dev/shm") ? "/dev/shm" : "/tmp";
  FUZZ_CHECK(temp_dir_count < MAX_TEMP_DIRS, "too many scratch directories");
  char *path = temp_dirs[temp_dir_count];
  snprintf(path, sizeof(temp_dirs[0]), "%s/%s-XXXXXX", base, prefix);
  FUZZ_CHECK(mkdtemp(path) != NULL, "cannot make a directory %s: %s", path, strerror(errno));
  if (temp_dir_count++ == 0) atexit(remove_temp_dirs);
  return path;
}

void fuzz_empty_dir(const char *directory) {
  DIR *dir = opendir(directory);
  if (dir == NULL) return;
  for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
    const char *name = entry->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", directory, name);
    if (unlink(path) != 0 && (errno == EISDIR || errno == EPERM)) {
      fuzz_empty_dir(path);
      rmdir(path);
    }
  }
  closedir(dir);
}

void fuzz_write_file(const char *path, const void *data, size_t size) {
  FILE *file = fopen(path, "wb");
  FUZZ_CHECK(file != NULL, "cannot write %s: %s", path, strerror(errno));
  FUZZ_CHECK(fwrite(data, 1, size, file) == size && fclose(file) == 0, "cannot write %s", path);
}

/* Shared by the RPC harnesses ***************************************************/

uint64_t fuzz_next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t fuzz_hash_bytes(uint64_t hash, const void *data, size_t size) {
  const unsigned char *bytes = data;
  for (size_t i = 0; i < size; i++) hash = (hash ^ bytes[i]) * 0x100000001B3ull;
  return hash;
}

bool fuzz_escapes(const char *s, size_t n) {
  if (n > 0 && s[0] == '/') return true;
  for (size_t start = 0; start <= n;) {
    const char *slash = start < n ? memchr(s + start, '/', n - start) : NULL;
    size_t end = slash != NULL ? (size_t)(slash - s) : n;
    if (end - start == 2 && s[start] == '.' && s[start + 1] == '.') return true;
    start = end + 1;
  }
  return false;
}

bool fuzz_object_safe(const msgpack_object *o) {
  switch (o->type) {
    case MSGPACK_OBJECT_STR: return !fuzz_escapes(o->via.str.ptr, o->via.str.size);
    case MSGPACK_OBJECT_ARRAY:
      for (uint32_t i = 0; i < o->via.array.size; i++) {
        if (!fuzz_object_safe(&o->via.array.ptr[i])) return false;
      }
      return true;
    case MSGPACK_OBJECT_MAP:
      for (uint32_t i = 0; i < o->via.map.size; i++) {
        if (!fuzz_object_safe(&o->via.map.ptr[i].key) ||
            !fuzz_object_safe(&o->via.map.ptr[i].val)) {
          return false;
        }
      }
      return true;
    default: return true;
  }
}

typedef struct {
  int fd;
  const uint8_t *data;
  size_t size;
} feeder;

/* Write the input into the host's pipe and close it: the end of input. */
static void *feed(void *context) {
  feeder *f = context;
  for (size_t at = 0; at < f->size;) {
    ssize_t n = write(f->fd, f->data + at, f->size - at);
    if (n <= 0) break; /* the host closed its end: it stopped reading */
    at += (size_t)n;
  }
  close(f->fd);
  return NULL;
}

int fuzz_serve(const uint8_t *data, size_t size, whosaid_host_options options,
               const char *scratch) {
  int input[2], output[2];
  FUZZ_CHECK(pipe(input) == 0 && pipe(output) == 0, "no pipes");
  feeder f = {input[1], data, size};
  pthread_t thread;
  FUZZ_CHECK(pthread_create(&thread, NULL, feed, &f) == 0, "no thread");
  int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  FUZZ_CHECK(cwd >= 0 && chdir(scratch) == 0, "cannot enter %s", scratch);
  options.input_fd = input[0];
  options.output_fd = output[1];
  int status = whosaid_host_run(fuzz_repository_model(), &options);
  FUZZ_CHECK(fchdir(cwd) == 0, "cannot leave %s", scratch);
  close(cwd);
  pthread_join(thread, NULL);
  close(output[0]); /* libuv closed input[0] and output[1], the ends it was given */
  fuzz_empty_dir(scratch);
  return status;
}
