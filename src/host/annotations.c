/*
 * annotations.c: the requests about a person's corrections to a buffer
 * (doc/host.md, "Annotations"):
 *   annotate(buf, where, change)        {id, annotation, sidecar}
 *   annotations(buf)                    [{id, text, speaker, verdict, note, created,
 *                                         updated, attached, range, line, quote}]
 *   annotations_load(buf, source)       {count, orphans, sidecar}
 *   annotations_save(buf, path, force)  {path, count, written}
 *   export(buf, path[, name[, file]])   {path, format, quotes}
 *
 * The set lives in the buffer (buffers.c), which applies it to every
 * analysis. A request that changes it analyses the buffer again at once,
 * even a large one, since it is one deliberate act of the user, and is
 * answered once the new highlights are applied (marks.c).
 *
 * A sidecar that fails to load leaves the buffer with an empty set and
 * "blocked": saving would replace the person's file (which may only lack a
 * comma) with what is left, so annotations_save refuses until forced.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "host/host.h"

#define SIDECAR_SUFFIX ".whosaid.json"

/* Looking up **********************************************************************/

const char *host_verdict_name(whosaid_verdict verdict) {
  return verdict == WHOSAID_VERDICT_NONE ? NULL : whosaid_verdict_name(verdict);
}

bool host_quote_mentioned(const whosaid_quote *q) {
  return q->has_speaker_mention && !(q->flags & WHOSAID_QUOTE_HUMAN_SPEAKER);
}

/* The set's annotation with ID, and its index; false when there is none. */
static bool find_annotation(const whosaid_annotations *set, uint32_t id, whosaid_annotation *out,
                            size_t *index) {
  size_t count = whosaid_annotations_count(set);
  for (size_t i = 0; i < count; i++) {
    if (whosaid_annotations_get(set, i, out) == 0 && out->id == id) {
      if (index != NULL) *index = i;
      return true;
    }
  }
  return false;
}

bool host_quote_annotation(const host_buffer *b, const whosaid_quote *q, whosaid_annotation *out) {
  whosaid_annotation_place place;
  return q->annotation >= 0 && b->doc != NULL &&
         whosaid_doc_annotation(b->doc, (size_t)q->annotation, &place) == 0 &&
         find_annotation(b->annotations, place.id, out, NULL);
}

/* Where the analysis put the set's annotation A (the I-th); false for an
 * orphan, or when the analysis is of another set (it never should be). */
static bool annotation_placed(const host_buffer *b, size_t i, const whosaid_annotation *a,
                              whosaid_annotation_place *place) {
  return b->doc != NULL && whosaid_doc_annotation(b->doc, i, place) == 0 && place->id == a->id &&
         place->attached;
}

/* The index in quotes(buf) of quoted span INDEX; -1 when it is not direct. */
static int64_t direct_index(const whosaid_doc *doc, int32_t index) {
  whosaid_quote q;
  if (index < 0 || whosaid_doc_quote(doc, (size_t)index, &q) != 0 ||
      !(q.flags & WHOSAID_QUOTE_DIRECT)) {
    return -1;
  }
  int64_t before = 0;
  for (size_t i = 0; i < (size_t)index; i++) {
    if (whosaid_doc_quote(doc, i, &q) == 0 && (q.flags & WHOSAID_QUOTE_DIRECT)) before++;
  }
  return before;
}

bool host_innermost_quote(const whosaid_doc *doc, uint32_t offset, whosaid_quote *out) {
  bool found = false;
  size_t count = whosaid_doc_quote_count(doc);
  for (size_t i = 0; i < count; i++) {
    whosaid_quote q;
    if (whosaid_doc_quote(doc, i, &q) != 0 || offset < q.range.start_byte ||
        offset >= q.range.end_byte) {
      continue;
    }
    uint32_t length = q.range.end_byte - q.range.start_byte;
    if (!found || length < out->range.end_byte - out->range.start_byte) {
      *out = q;
      found = true;
    }
  }
  return found;
}

/* Packing *************************************************************************/

/* The I-th annotation of the buffer's set, as annotations(buf) lists it. */
static void pack_annotation(msgpack_packer *pk, const host_buffer *b, size_t i) {
  whosaid_annotation a;
  whosaid_annotation_place place;
  if (whosaid_annotations_get(b->annotations, i, &a) != 0) {
    msgpack_pack_nil(pk);
    return;
  }
  bool placed = annotation_placed(b, i, &a, &place);
  int64_t quote = placed ? direct_index(b->doc, place.quote) : -1;
  msgpack_pack_map(pk, 11);
  host_pack_key(pk, "id");
  msgpack_pack_uint32(pk, a.id);
  host_pack_key(pk, "text");
  host_pack_string_or_nil(pk, a.text);
  host_pack_key(pk, "speaker");
  host_pack_string_or_nil(pk, a.speaker);
  host_pack_key(pk, "verdict");
  host_pack_string_or_nil(pk, host_verdict_name(a.verdict));
  host_pack_key(pk, "note");
  host_pack_string_or_nil(pk, a.note);
  host_pack_key(pk, "created");
  host_pack_string_or_nil(pk, a.created);
  host_pack_key(pk, "updated");
  host_pack_string_or_nil(pk, a.updated);
  host_pack_key(pk, "attached");
  host_pack_bool(pk, placed);
  host_pack_key(pk, "range");
  host_pack_range_or_nil(pk, placed ? &place.range : NULL);
  host_pack_key(pk, "line"); /* where its words were last seen */
  msgpack_pack_uint32(pk, a.line);
  host_pack_key(pk, "quote");
  if (quote >= 0) {
    msgpack_pack_int64(pk, quote);
  } else {
    msgpack_pack_nil(pk);
  }
}

/* The buffer's set as sidecar JSON in *JSON (free with whosaid_free); false
 * after an error answer. */
static bool format_sidecar(host *h, const rpc_message *m, const host_buffer *b, char **json,
                           size_t *length) {
  int status = whosaid_annotations_format(b->annotations, json, length);
  if (status != 0) {
    host_respond_error(h, m->id, "%.*s: the annotations cannot be written out: %s",
                       (int)m->method_length, m->method, whosaid_strerror(status));
  }
  return status == 0;
}

static size_t orphan_count(const host_buffer *b) {
  size_t count = whosaid_annotations_count(b->annotations), orphans = 0;
  for (size_t i = 0; i < count; i++) {
    whosaid_annotation a;
    whosaid_annotation_place place;
    if (whosaid_annotations_get(b->annotations, i, &a) == 0 &&
        !annotation_placed(b, i, &a, &place)) {
      orphans++;
    }
  }
  return orphans;
}

/* Arguments *********************************************************************/

/* A NUL-terminated copy of string O in *OUT; false after an error answer
 * (WHAT names the argument). */
static bool string_argument(host *h, const rpc_message *m, const msgpack_object *o,
                            const char *what, char **out) {
  const char *data;
  size_t length;
  if (!rpc_as_string(o, &data, &length) || memchr(data, '\0', length) != NULL) {
    host_respond_error(h, m->id, "%.*s: %s must be a string", (int)m->method_length, m->method,
                       what);
    return false;
  }
  *out = ws_strndup(data, length);
  if (*out == NULL) host_respond_error(h, m->id, "out of memory");
  return *out != NULL;
}

/* WHERE, [row, col] or [row, col, end_row, end_col], as the bytes to annotate:
 * the innermost quoted span under the position, or exactly the range. */
static bool span_argument(host *h, const rpc_message *m, const host_buffer *b,
                          const msgpack_object *where, uint32_t *start, uint32_t *end) {
  int64_t n[4] = {0, 0, 0, 0};
  size_t count = where->type == MSGPACK_OBJECT_ARRAY ? where->via.array.size : 0;
  bool ok = count == 2 || count == 4;
  for (size_t i = 0; ok && i < count; i++) {
    ok = rpc_as_int(&where->via.array.ptr[i], &n[i]) && n[i] >= 0 && n[i] <= UINT32_MAX;
  }
  if (!ok) {
    host_respond_error(h, m->id, "annotate: where must be [row, col] or [row, col, end_row, "
                                 "end_col], 0-based");
    return false;
  }
  whosaid_point from = {(uint32_t)n[0], (uint32_t)n[1]}, to = {(uint32_t)n[2], (uint32_t)n[3]};
  if (whosaid_doc_offset(b->doc, from, start) != 0 ||
      (count == 4 && whosaid_doc_offset(b->doc, to, end) != 0)) {
    host_respond_error(h, m->id, "annotate: row %lld is past the end of buffer %lld",
                       (long long)(count == 4 ? n[2] : n[0]), (long long)b->handle);
    return false;
  }
  if (count == 4) {
    if (*end <= *start) host_respond_error(h, m->id, "annotate: the range is empty");
    return *end > *start;
  }
  whosaid_quote quote;
  if (!host_innermost_quote(b->doc, *start, &quote)) {
    host_respond_error(h, m->id, "no quote under the cursor at line %lld", (long long)n[0] + 1);
    return false;
  }
  *start = quote.range.start_byte;
  *end = quote.range.end_byte;
  return true;
}

/* The strings of a change, owned until the request is answered. */
typedef struct {
  whosaid_annotation_change change;
  char *speaker, *note;
} change_argument;

static bool verdict_argument(host *h, const rpc_message *m, const msgpack_object *o, int *out) {
  for (int v = WHOSAID_VERDICT_NONE; v <= WHOSAID_VERDICT_NOT_QUOTE; v++) {
    if (rpc_string_is(o, whosaid_verdict_name((whosaid_verdict)v))) {
      *out = v;
      return true;
    }
  }
  host_respond_error(h, m->id, "annotate: verdict must be \"quote\", \"not_quote\" or \"none\"");
  return false;
}

/* CHANGE, a dict of speaker, verdict and note (nil values left out). */
static bool change_from(host *h, const rpc_message *m, const msgpack_object *o,
                        change_argument *out) {
  *out = (change_argument){{NULL, NULL, -1}, NULL, NULL};
  if (o->type != MSGPACK_OBJECT_MAP) {
    host_respond_error(h, m->id, "annotate: the change must be a dict of speaker, verdict, note");
    return false;
  }
  for (uint32_t i = 0; i < o->via.map.size; i++) {
    const msgpack_object *key = &o->via.map.ptr[i].key, *value = &o->via.map.ptr[i].val;
    bool ok = true;
    if (value->type == MSGPACK_OBJECT_NIL) continue;
    if (rpc_string_is(key, "speaker") && out->speaker == NULL) {
      ok = string_argument(h, m, value, "the speaker", &out->speaker);
      out->change.speaker = out->speaker;
    } else if (rpc_string_is(key, "note") && out->note == NULL) {
      ok = string_argument(h, m, value, "the note", &out->note);
      out->change.note = out->note;
    } else if (rpc_string_is(key, "verdict") && out->change.verdict < 0) {
      ok = verdict_argument(h, m, value, &out->change.verdict);
    } else {
      host_respond_error(h, m->id, "annotate: a change has only speaker, verdict and note, "
                                   "each once");
      ok = false;
    }
    if (!ok) return false;
  }
  bool empty = out->speaker == NULL && out->note == NULL && out->change.verdict < 0;
  if (empty) host_respond_error(h, m->id, "annotate: the change says nothing");
  return !empty;
}

/* An optional boolean (v:true, or 1 as Vimscript's <bang>0 gives). */
static bool flag_argument(const msgpack_object *o) {
  int64_t number;
  if (o->type == MSGPACK_OBJECT_BOOLEAN) return o->via.boolean;
  return rpc_as_int(o, &number) && number != 0;
}

/* annotate ***********************************************************************/

/* The answer to annotate: {id, annotation, sidecar}, sent once the
 * highlights are applied. */
static void answer_annotate(host *h, const rpc_message *m, host_buffer *b, uint32_t id) {
  char *json;
  size_t length;
  if (!format_sidecar(h, m, b, &json, &length)) return;
  msgpack_packer *pk = &h->writer.packer;
  whosaid_annotation a;
  size_t index;
  bool kept = id != 0 && find_annotation(b->annotations, id, &a, &index);
  host_respond_begin(h, m->id);
  msgpack_pack_map(pk, 3);
  host_pack_key(pk, "id"); /* nil when the change removed it */
  if (kept) {
    msgpack_pack_uint32(pk, id);
  } else {
    msgpack_pack_nil(pk);
  }
  host_pack_key(pk, "annotation");
  if (kept) {
    pack_annotation(pk, b, index);
  } else {
    msgpack_pack_nil(pk);
  }
  host_pack_key(pk, "sidecar");
  rpc_pack_string(pk, json, length);
  whosaid_free(json);
  host_marks_answer_later(b, m->id);
  host_marks_update(b);
}

static void annotate_span(host *h, const rpc_message *m, host_buffer *b, uint32_t start,
                          uint32_t end, const whosaid_annotation_change *change) {
  uint32_t id = 0;
  int status = whosaid_annotations_edit(b->annotations, b->doc, b->text, b->text_length, start,
                                        end, change, &id);
  if (status != 0) {
    host_respond_error(h, m->id, "annotate: %s", whosaid_strerror(status));
    return;
  }
  status = host_buffer_reanalyse(b); /* at once, even a large buffer: the user waits */
  if (status != 0) {
    host_respond_error(h, m->id, "annotate: annotated, but the analysis failed: %s",
                       whosaid_strerror(status));
    return;
  }
  answer_annotate(h, m, b, id);
}

void host_annotate(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 3, 3);
  uint32_t start, end;
  change_argument change;
  if (b == NULL || !host_fresh_analysis(h, m, b) ||
      !span_argument(h, m, b, host_argument(m, 1), &start, &end)) {
    return;
  }
  if (change_from(h, m, host_argument(m, 2), &change)) {
    annotate_span(h, m, b, start, end, &change.change);
  }
  ws_free(change.speaker);
  ws_free(change.note);
}

/* annotations ********************************************************************/

void host_annotations(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL || !host_fresh_analysis(h, m, b)) return;
  msgpack_packer *pk = &h->writer.packer;
  size_t count = whosaid_annotations_count(b->annotations);
  host_respond_begin(h, m->id);
  msgpack_pack_array(pk, count);
  for (size_t i = 0; i < count; i++) pack_annotation(pk, b, i);
  host_send(h);
}

/* annotations_load ***************************************************************/

/* SOURCE, {path} or {json[, name][, blocked]}: its fields, NUL-terminated
 * copies. BLOCKED is the message of an earlier failed load: the editor's
 * copy of a set made after one comes back still refusing to overwrite the
 * file a person must mend. */
typedef struct {
  char *path, *json, *name, *blocked;
  size_t json_length;
} load_source;

static bool source_argument(host *h, const rpc_message *m, const msgpack_object *o,
                            load_source *out) {
  *out = (load_source){NULL, NULL, NULL, NULL, 0};
  for (uint32_t i = 0; o->type == MSGPACK_OBJECT_MAP && i < o->via.map.size; i++) {
    const msgpack_object *key = &o->via.map.ptr[i].key, *value = &o->via.map.ptr[i].val;
    bool ok = true;
    if (rpc_string_is(key, "path") && out->path == NULL) {
      ok = string_argument(h, m, value, "path", &out->path);
    } else if (rpc_string_is(key, "name") && out->name == NULL) {
      ok = string_argument(h, m, value, "name", &out->name);
    } else if (rpc_string_is(key, "blocked") && out->blocked == NULL) {
      ok = string_argument(h, m, value, "blocked", &out->blocked);
    } else if (rpc_string_is(key, "json") && out->json == NULL) {
      const char *data;
      ok = rpc_as_string(value, &data, &out->json_length) &&
           (out->json = ws_strndup(data, out->json_length)) != NULL;
      if (!ok) host_respond_error(h, m->id, "annotations_load: json must be a string");
    }
    if (!ok) return false;
  }
  if ((out->path == NULL) == (out->json == NULL)) {
    host_respond_error(h, m->id, "annotations_load: the source must be {path} or {json, name}");
    return false;
  }
  return true;
}

static void free_source(load_source *source) {
  ws_free(source->path);
  ws_free(source->json);
  ws_free(source->name);
  ws_free(source->blocked);
}

/* What the messages call SOURCE. */
static const char *source_name(const load_source *source) {
  if (source->path != NULL) return source->path;
  return source->name != NULL ? source->name : "sidecar";
}

/* Read SOURCE into *SET (no file there: an empty set); ERR says why not. */
static int read_source(const load_source *source, whosaid_annotations **set, whosaid_error *err) {
  if (source->json != NULL) {
    return whosaid_annotations_parse(source->json, source->json_length, source_name(source), set,
                                     err);
  }
  int status = whosaid_annotations_read(source->path, set, err);
  if (status == WHOSAID_ENOENT) status = whosaid_annotations_new(set);
  return status;
}

/* Put SET (or, when it failed to load, an empty one) in place, remembering
 * why it failed; 0 or WHOSAID_ENOMEM. */
static int replace_set(host_buffer *b, whosaid_annotations *set, const char *load_error) {
  char *why = load_error != NULL ? ws_strndup(load_error, strlen(load_error)) : NULL;
  if (set == NULL && whosaid_annotations_new(&set) != 0) set = NULL;
  if (set == NULL || (load_error != NULL && why == NULL)) {
    whosaid_annotations_free(set);
    ws_free(why);
    return WHOSAID_ENOMEM;
  }
  whosaid_annotations_free(b->annotations);
  ws_free(b->load_error);
  b->annotations = set;
  b->load_error = why;
  return 0;
}

static void remember_sidecar(host_buffer *b, const char *path) {
  char *copy = path != NULL ? ws_strndup(path, strlen(path)) : NULL;
  if (copy == NULL) return; /* only the name of an export depends on it */
  ws_free(b->sidecar);
  b->sidecar = copy;
}

/* The answer to annotations_load: once the highlights are applied, or with
 * the analysis still to come (LATER: orphans unknown), at once. */
static void answer_load(host *h, const rpc_message *m, host_buffer *b, bool later) {
  char *json;
  size_t length;
  if (!format_sidecar(h, m, b, &json, &length)) return;
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  msgpack_pack_map(pk, 3);
  host_pack_key(pk, "count");
  msgpack_pack_uint64(pk, whosaid_annotations_count(b->annotations));
  host_pack_key(pk, "orphans");
  if (later) {
    msgpack_pack_nil(pk);
  } else {
    msgpack_pack_uint64(pk, orphan_count(b));
  }
  host_pack_key(pk, "sidecar");
  rpc_pack_string(pk, json, length);
  whosaid_free(json);
  if (later) {
    host_send(h);
    return;
  }
  host_marks_answer_later(b, m->id);
  host_marks_update(b);
}

void host_annotations_load(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 2, 2);
  load_source source = {NULL, NULL, NULL, NULL, 0};
  if (b == NULL || !source_argument(h, m, host_argument(m, 1), &source)) {
    free_source(&source);
    return;
  }
  whosaid_annotations *set = NULL;
  whosaid_error err = {0, ""};
  int status = read_source(&source, &set, &err);
  if (status != 0 && err.message[0] == '\0') {
    snprintf(err.message, sizeof(err.message), "%s: %s", source_name(&source),
             whosaid_strerror(status));
  }
  int replaced = replace_set(b, status == 0 ? set : NULL, status != 0 ? err.message : source.blocked);
  if (replaced == 0 && source.path != NULL) remember_sidecar(b, source.path);
  free_source(&source);
  /* A large buffer is analysed on the thread pool: an editor that loads
   * its corrections on opening it does not wait for that. */
  bool later = replaced == 0 && host_buffer_in_background(b);
  if (later) {
    host_buffer_reanalyse_later(b);
  } else if (replaced == 0) {
    replaced = host_buffer_reanalyse(b);
  }
  if (replaced == WHOSAID_ETOOBIG) replaced = 0; /* too large: loaded, not analysed */
  if (replaced != 0) {
    host_respond_error(h, m->id, "annotations_load: %s", whosaid_strerror(replaced));
  } else if (status != 0) { /* "FILE:LINE:COLUMN: what is wrong"; the corrections are gone */
    host_respond_error(h, m->id, "%s", err.message);
    if (!later) host_marks_update(b);
  } else {
    answer_load(h, m, b, later);
  }
}

/* annotations_save ***************************************************************/

static bool file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 || errno != ENOENT; /* unknown: as if it did */
}

static void answer_save(host *h, const rpc_message *m, const char *path, size_t count,
                        bool written) {
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  msgpack_pack_map(pk, 3);
  host_pack_key(pk, "path");
  rpc_pack_cstring(pk, path);
  host_pack_key(pk, "count");
  msgpack_pack_uint64(pk, count);
  host_pack_key(pk, "written");
  host_pack_bool(pk, written);
  host_send(h);
}

static void save_to(host *h, const rpc_message *m, host_buffer *b, const char *path, bool force) {
  if (b->load_error != NULL && !force) {
    host_respond_error(h, m->id,
                       "not saved: the annotation file failed to load (%s), so it is left "
                       "untouched; :WhoSaid! save replaces it",
                       b->load_error);
    return;
  }
  size_t count = whosaid_annotations_count(b->annotations);
  if (count == 0 && !file_exists(path)) { /* nothing to keep: no empty file beside every article */
    answer_save(h, m, path, 0, false);
    return;
  }
  whosaid_error err = {0, ""};
  int status = whosaid_annotations_write(b->annotations, path, &err);
  if (status != 0) { /* ERR says why, and that the previous file is unchanged */
    if (err.message[0] == '\0') {
      snprintf(err.message, sizeof(err.message), "%s: cannot write it: %s", path,
               whosaid_strerror(status));
    }
    host_respond_error(h, m->id, "%s", err.message);
    return;
  }
  ws_free(b->load_error); /* the file is ours again */
  b->load_error = NULL;
  remember_sidecar(b, path);
  answer_save(h, m, path, count, true);
}

void host_annotations_save(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 2, 3);
  char *path = NULL;
  /* With corrections the analysis must be current, so that their anchors
   * are where the words are now. Without, there is nothing to anchor: the
   * editor asks at every :write, which then never waits for an analysis. */
  if (b == NULL ||
      (whosaid_annotations_count(b->annotations) > 0 && !host_fresh_analysis(h, m, b)) ||
      !string_argument(h, m, host_argument(m, 1), "the path", &path)) {
    return;
  }
  bool force = host_argument_count(m) == 3 && flag_argument(host_argument(m, 2));
  save_to(h, m, b, path, force);
  ws_free(path);
}

/* export ****************************************************************************/

static const char *format_name(whosaid_export_format format) {
  switch (format) {
    case WHOSAID_EXPORT_JSON: return "json";
    case WHOSAID_EXPORT_CSV: return "csv";
    default: return "markdown";
  }
}

/* The document's name when the request gives none: the article's, from
 * its sidecar "article.txt.whosaid.json", else the export's file name
 * without its extension. */
static char *document_name(const host_buffer *b, const char *path) {
  const char *from = b->sidecar != NULL ? b->sidecar : path;
  const char *base = strrchr(from, '/') != NULL ? strrchr(from, '/') + 1 : from;
  size_t length = strlen(base), suffix = strlen(SIDECAR_SUFFIX);
  if (b->sidecar != NULL && length > suffix &&
      strcmp(base + length - suffix, SIDECAR_SUFFIX) == 0) {
    length -= suffix;
  } else if (b->sidecar == NULL && strrchr(base, '.') != NULL && strrchr(base, '.') != base) {
    length = (size_t)(strrchr(base, '.') - base);
  }
  return ws_strndup(base, length);
}

/* The file the buffer was read from, as FILE describes it ({crlf, cr,
 * bom}, a flag left out being false; nil: its bytes are the buffer's), into
 * OPTIONS: the JSON's offsets and texts are then the file's. */
static bool file_argument(host *h, const rpc_message *m, const msgpack_object *file,
                          whosaid_export_options *options) {
  bool ok = file->type == MSGPACK_OBJECT_NIL || file->type == MSGPACK_OBJECT_MAP;
  for (uint32_t i = 0; ok && file->type == MSGPACK_OBJECT_MAP && i < file->via.map.size; i++) {
    const msgpack_object *key = &file->via.map.ptr[i].key, *value = &file->via.map.ptr[i].val;
    if (rpc_string_is(key, "crlf")) {
      options->crlf = flag_argument(value);
    } else if (rpc_string_is(key, "cr")) {
      options->cr = flag_argument(value);
    } else if (rpc_string_is(key, "bom")) {
      options->bom = flag_argument(value);
    } else {
      ok = false;
    }
  }
  if (!ok) host_respond_error(h, m->id, "export: the file must be a dict of crlf, cr and bom");
  return ok;
}

static void export_to(host *h, const rpc_message *m, host_buffer *b, const char *path,
                      const char *name, whosaid_export_format format,
                      const whosaid_export_options *options) {
  char *data = NULL;
  size_t length = 0;
  whosaid_error err = {0, ""};
  int status = whosaid_export_with(b->doc, b->text, b->text_length, b->annotations, name,
                                   format, options, &data, &length);
  if (status == 0) status = whosaid_write_file(path, data, length, &err);
  whosaid_free(data);
  if (status != 0) {
    host_respond_error(h, m->id, "export: %s",
                       err.message[0] != '\0' ? err.message : whosaid_strerror(status));
    return;
  }
  size_t quotes = 0, next = 0;
  whosaid_quote q;
  while (host_next_direct_quote(b->doc, &next, &q)) quotes++;
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  msgpack_pack_map(pk, 3);
  host_pack_key(pk, "path");
  rpc_pack_cstring(pk, path);
  host_pack_key(pk, "format");
  rpc_pack_cstring(pk, format_name(format));
  host_pack_key(pk, "quotes");
  msgpack_pack_uint64(pk, quotes);
  host_send(h);
}

void host_export(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 2, 4);
  char *path = NULL, *name = NULL;
  whosaid_export_format format;
  whosaid_export_options options = {0};
  if (b == NULL || !host_fresh_analysis(h, m, b) ||
      !string_argument(h, m, host_argument(m, 1), "the path", &path)) {
    return;
  }
  bool named = host_argument_count(m) >= 3 && host_argument(m, 2)->type != MSGPACK_OBJECT_NIL;
  bool ok = true;
  if (host_argument_count(m) == 4 && !file_argument(h, m, host_argument(m, 3), &options)) {
    ok = false;
  } else if (whosaid_export_format_of(path, &format) != 0) {
    host_respond_error(h, m->id, "export: %s: the extension names no format (.json, .csv, .md)",
                       path);
    ok = false;
  } else if (named) {
    ok = string_argument(h, m, host_argument(m, 2), "the name", &name);
  } else if ((name = document_name(b, path)) == NULL) {
    host_respond_error(h, m->id, "export: out of memory");
    ok = false;
  }
  if (ok) export_to(h, m, b, path, name, format, &options);
  ws_free(path);
  ws_free(name);
}
