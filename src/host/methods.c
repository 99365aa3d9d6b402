/*
 * methods.c: what Neovim may ask the host, and what it tells it.
 *
 * Requests (lowercase verbs; positions are 0-based rows and byte columns;
 * a range is [row, col, end_row, end_col], end exclusive):
 *   poll                          "ok"
 *   version                       {version, protocol, entities, attribution}
 *   attach(buf)                   follow the buffer's edits and highlight it
 *   detach(buf)                   stop, and clear its highlights
 *   analyze(buf)                  analyse now; answers once highlights are applied
 *   quotes(buf)                   [{range, speaker, mention, rule, index, corrected,
 *                                   verdict, note}]
 *   entities(buf)                 [{range, type, text, cluster, name}]
 *   speakers(buf)                 [{name, type, role, cluster, first, quotes}]
 *   names(buf)                    [{name, type, speaker}]: the names a quote may be given
 *   speaker_of(buf, row, col)     the quote there: {quote, speaker, mention, kind, named, first}
 *   mentions_of(buf, row, col)    the entity there: {name, type, ranges}
 *   quote_near(buf, row, col, direction[, speaker])  {range, speaker, wrapped}
 *   speaker_named(buf, name)      the speaker called so ("pompeo"): its name, or nil
 *   quoted_span(buf, row, col)    the span annotate(buf, [row, col]) would change:
 *                                 {range, direct, reason, why}
 *   summary(buf)                  {speakers, quotes, entities, current} of the last analysis
 *   annotate, annotations, annotations_load, annotations_save, export
 *                                 in annotations.c
 * Missing values are nil. Notifications: nvim_buf_lines_event (the edits)
 * and nvim_buf_detach_event, which Neovim sends once a buffer is attached;
 * nvim_buf_changedtick_event says the text did not change and is ignored.
 */
#include <string.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "host/host.h"
#include "text/text.h"

#define PROTOCOL_VERSION 1

/* Arguments ********************************************************************/

static bool method_is(const rpc_message *m, const char *name) {
  return m->method_length == strlen(name) && memcmp(m->method, name, m->method_length) == 0;
}

size_t host_argument_count(const rpc_message *m) { return m->params.via.array.size; }

const msgpack_object *host_argument(const rpc_message *m, size_t i) {
  return &m->params.via.array.ptr[i];
}

/* Check the argument count and that the first argument is an attached
 * buffer; answer with an error and return NULL otherwise. */
host_buffer *host_attached_buffer(host *h, const rpc_message *m, size_t least, size_t most) {
  size_t count = host_argument_count(m);
  if (count < least || count > most) {
    host_respond_error(h, m->id, "%.*s: expected %zu to %zu arguments, got %zu",
                       (int)m->method_length, m->method, least, most, count);
    return NULL;
  }
  int64_t handle;
  if (!rpc_as_int(host_argument(m, 0), &handle)) {
    host_respond_error(h, m->id, "%.*s: the first argument must be a buffer number",
                       (int)m->method_length, m->method);
    return NULL;
  }
  host_buffer *b = host_buffer_find(h, handle);
  if (b == NULL || !b->attached) {
    host_respond_error(h, m->id, "buffer %lld is not attached", (long long)handle);
    return NULL;
  }
  return b;
}

/* Analyse the buffer now if it changed; false after an error answer. */
bool host_fresh_analysis(host *h, const rpc_message *m, host_buffer *b) {
  int status = host_buffer_analyse_now(b);
  if (status == WHOSAID_ETOOBIG) { /* a buffer over the limit (buffers.c) */
    char why[200];
    host_buffer_unavailable(b, why, sizeof(why));
    host_respond_error(h, m->id, "%s", why);
  } else if (status != 0) {
    host_respond_error(h, m->id, "analysis failed: %s", whosaid_strerror(status));
  }
  return status == 0;
}

/* The byte offset of the (row, col) in arguments 1 and 2 of the buffer's
 * analysis (analysed now if it changed); false after an error answer. */
static bool position_argument(host *h, const rpc_message *m, host_buffer *b, uint32_t *offset) {
  int64_t row, col;
  if (!rpc_as_int(host_argument(m, 1), &row) || !rpc_as_int(host_argument(m, 2), &col) || row < 0 ||
      col < 0 || row > UINT32_MAX || col > UINT32_MAX) {
    host_respond_error(h, m->id, "row and column must be integers of 0 or more");
    return false;
  }
  if (!host_fresh_analysis(h, m, b)) return false;
  if (whosaid_doc_offset(b->doc, (whosaid_point){(uint32_t)row, (uint32_t)col}, offset) != 0) {
    host_respond_error(h, m->id, "row %lld is past the end of buffer %lld", (long long)row,
                       (long long)b->handle);
    return false;
  }
  return true;
}

/* Results *****************************************************************/

void host_pack_range(msgpack_packer *pk, const whosaid_range *range) {
  msgpack_pack_array(pk, 4);
  msgpack_pack_uint32(pk, range->start.line);
  msgpack_pack_uint32(pk, range->start.column);
  msgpack_pack_uint32(pk, range->end.line);
  msgpack_pack_uint32(pk, range->end.column);
}

void host_pack_key(msgpack_packer *pk, const char *key) { rpc_pack_cstring(pk, key); }

void host_pack_bool(msgpack_packer *pk, bool value) {
  if (value) {
    msgpack_pack_true(pk);
  } else {
    msgpack_pack_false(pk);
  }
}

/* A string or a range, or nil for NULL. */
void host_pack_string_or_nil(msgpack_packer *pk, const char *string) {
  if (string != NULL) {
    rpc_pack_cstring(pk, string);
  } else {
    msgpack_pack_nil(pk);
  }
}

void host_pack_range_or_nil(msgpack_packer *pk, const whosaid_range *range) {
  if (range != NULL) {
    host_pack_range(pk, range);
  } else {
    msgpack_pack_nil(pk);
  }
}

static void pack_speaker_name(msgpack_packer *pk, const whosaid_doc *doc, int32_t speaker) {
  whosaid_speaker s;
  if (speaker >= 0 && whosaid_doc_speaker(doc, (size_t)speaker, &s) == 0) {
    rpc_pack_cstring(pk, s.name);
  } else {
    msgpack_pack_nil(pk);
  }
}

/* The direct quotes in text order: from *NEXT on, the next one into *Q
 * (and *NEXT past it); false after the last. */
bool host_next_direct_quote(const whosaid_doc *doc, size_t *next, whosaid_quote *q) {
  for (size_t total = whosaid_doc_quote_count(doc); *next < total;) {
    if (whosaid_doc_quote(doc, (*next)++, q) == 0 && (q->flags & WHOSAID_QUOTE_DIRECT)) {
      return true;
    }
  }
  return false;
}

static size_t direct_quote_count(const whosaid_doc *doc) {
  size_t count = 0, next = 0;
  whosaid_quote q;
  while (host_next_direct_quote(doc, &next, &q)) count++;
  return count;
}

/* Simple requests ******************************************************************/

static void poll(host *h, const rpc_message *m) {
  host_respond_begin(h, m->id);
  rpc_pack_cstring(&h->writer.packer, "ok");
  host_send(h);
}

static void version(host *h, const rpc_message *m) {
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  msgpack_pack_map(pk, 4);
  host_pack_key(pk, "version");
  rpc_pack_cstring(pk, whosaid_version_string());
  host_pack_key(pk, "protocol");
  msgpack_pack_int(pk, PROTOCOL_VERSION);
  host_pack_key(pk, "entities");
  host_pack_bool(pk, whosaid_model_has_entities(h->model));
  host_pack_key(pk, "attribution");
  host_pack_bool(pk, whosaid_model_has_attribution(h->model));
  host_send(h);
}

/* attach and detach ***************************************************************/

typedef struct {
  uint32_t request;
  int64_t handle;
} attaching;

static void refuse_attach(host *h, attaching *a, const char *why) {
  host_buffer *b = host_buffer_find(h, a->handle);
  if (b != NULL && !b->attached) host_buffer_close(b);
  host_respond_error(h, a->request, "cannot attach buffer %lld: %s", (long long)a->handle, why);
  ws_free(a);
}

static void on_buffer_attached(host *h, void *context, const msgpack_object *error,
                               const msgpack_object *result) {
  attaching *a = context;
  if (error == NULL) {
    ws_free(a);
    return;
  } /* shutting down */
  if (error->type != MSGPACK_OBJECT_NIL || result->type != MSGPACK_OBJECT_BOOLEAN ||
      !result->via.boolean) {
    refuse_attach(h, a, "Neovim refused (no such buffer?)");
    return;
  }
  host_buffer *b = host_buffer_find(h, a->handle);
  if (b != NULL) b->attached = true; /* its lines come as nvim_buf_lines_event */
  host_respond_begin(h, a->request);
  msgpack_pack_true(&h->writer.packer);
  host_send(h);
  ws_free(a);
}

static void attach_buffer(host *h, attaching *a) {
  uint32_t id = host_call_begin(h, "nvim_buf_attach", 3);
  msgpack_pack_int64(&h->writer.packer, a->handle);
  msgpack_pack_true(&h->writer.packer); /* send the whole buffer first */
  msgpack_pack_map(&h->writer.packer, 0);
  host_call_end(h, id, on_buffer_attached, a);
}

static void on_namespace(host *h, void *context, const msgpack_object *error,
                         const msgpack_object *result) {
  attaching *a = context;
  if (error == NULL) {
    ws_free(a);
    return;
  }
  int64_t ns;
  if (error->type != MSGPACK_OBJECT_NIL || !rpc_as_int(result, &ns) || ns < 0) {
    refuse_attach(h, a, "no extmark namespace");
    return;
  }
  h->namespace_id = ns;
  attach_buffer(h, a);
}

static void attach(host *h, const rpc_message *m) {
  int64_t handle;
  if (host_argument_count(m) != 1 || !rpc_as_int(host_argument(m, 0), &handle)) {
    host_respond_error(h, m->id, "attach: expected one argument, a buffer number");
    return;
  }
  host_buffer *b = host_buffer_find(h, handle);
  if (b != NULL && b->attached) { /* already: nothing to do */
    host_respond_begin(h, m->id);
    msgpack_pack_true(&h->writer.packer);
    host_send(h);
    return;
  }
  attaching *a = ws_malloc(sizeof(*a));
  if (a == NULL || (b == NULL && host_buffer_add(h, handle, &b) != 0)) {
    ws_free(a);
    host_respond_error(h, m->id, "attach: out of memory");
    return;
  }
  *a = (attaching){m->id, handle};
  if (h->namespace_id >= 0) {
    attach_buffer(h, a);
    return;
  }
  uint32_t id = host_call_begin(h, "nvim_create_namespace", 1);
  rpc_pack_cstring(&h->writer.packer, "whosaid");
  host_call_end(h, id, on_namespace, a);
}

static void detach(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL) return;
  uint32_t id = host_call_begin(h, "nvim_buf_detach", 1);
  msgpack_pack_int64(&h->writer.packer, b->handle);
  host_call_end(h, id, NULL, NULL);
  id = host_call_begin(h, "nvim_buf_clear_namespace", 4);
  msgpack_pack_int64(&h->writer.packer, b->handle);
  msgpack_pack_int64(&h->writer.packer, h->namespace_id);
  msgpack_pack_int(&h->writer.packer, 0);
  msgpack_pack_int(&h->writer.packer, -1);
  host_call_end(h, id, NULL, NULL);
  host_buffer_close(b);
  host_respond_begin(h, m->id);
  msgpack_pack_true(&h->writer.packer);
  host_send(h);
}

/* analyze ***********************************************************************/

static void analyze(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL) return;
  int status = host_buffer_analyse_now(b);
  if (status != 0 && status != WHOSAID_ETOOBIG) { /* too large: true, its highlights cleared */
    host_respond_error(h, m->id, "analysis failed: %s", whosaid_strerror(status));
    return;
  }
  host_waiter waiter = {m->id, NULL, 0};
  if (VEC_PUSH(&b->waiters, waiter) != 0) {
    host_respond_error(h, m->id, "analyze: out of memory");
    return;
  }
  host_marks_update(b); /* answers once Neovim has applied the highlights */
}

/* Lists **************************************************************************/

static void quotes(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL || !host_fresh_analysis(h, m, b)) return;
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  msgpack_pack_array(pk, direct_quote_count(b->doc));
  size_t next = 0, index = 0;
  whosaid_quote q;
  while (host_next_direct_quote(b->doc, &next, &q)) {
    whosaid_annotation a;
    bool annotated = host_quote_annotation(b, &q, &a);
    msgpack_pack_map(pk, 8);
    host_pack_key(pk, "range");
    host_pack_range(pk, &q.range);
    host_pack_key(pk, "speaker");
    pack_speaker_name(pk, b->doc, q.speaker);
    host_pack_key(pk, "mention");
    if (host_quote_mentioned(&q)) {
      host_pack_range(pk, &q.speaker_mention);
    } else {
      msgpack_pack_nil(pk);
    }
    host_pack_key(pk, "rule");
    rpc_pack_cstring(pk, whosaid_attribution_rule_name(q.rule));
    host_pack_key(pk, "index");
    msgpack_pack_uint64(pk, index++);
    host_pack_key(pk, "corrected"); /* a person named its speaker */
    host_pack_bool(pk, (q.flags & WHOSAID_QUOTE_HUMAN_SPEAKER) != 0);
    host_pack_key(pk, "verdict");
    host_pack_string_or_nil(pk, annotated ? host_verdict_name(a.verdict) : NULL);
    host_pack_key(pk, "note");
    host_pack_string_or_nil(pk, annotated ? a.note : NULL);
  }
  host_send(h);
}

/* A name names(buf) gives: its bytes, its type, whether it is a speaker's,
 * and its place in the list. */
typedef struct {
  const char *text;
  size_t length;
  whosaid_entity_type type;
  bool speaker;
  size_t order;
} listed_name;

static int compare_names(const void *a, const void *b) {
  const listed_name *x = a, *y = b;
  int c = memcmp(x->text, y->text, x->length < y->length ? x->length : y->length);
  if (c == 0) c = (x->length > y->length) - (x->length < y->length);
  return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

static int compare_order(const void *a, const void *b) {
  const listed_name *x = a, *y = b;
  return (x->order > y->order) - (x->order < y->order);
}

/* Keep the first of each name in LIST, in their order; the new count. */
static size_t drop_repeated_names(listed_name *list, size_t count) {
  qsort(list, count, sizeof(*list), compare_names);
  size_t kept = 0;
  for (size_t i = 0; i < count; i++) {
    if (kept > 0 && list[kept - 1].length == list[i].length &&
        memcmp(list[kept - 1].text, list[i].text, list[i].length) == 0) {
      continue; /* a later one of the same name (sorted by order within a name) */
    }
    list[kept++] = list[i];
  }
  qsort(list, kept, sizeof(*list), compare_order);
  return kept;
}

/* The number of clusters DOC's entities and speakers use. */
static size_t cluster_count(const whosaid_doc *doc) {
  int32_t most = -1;
  for (size_t i = 0, n = whosaid_doc_entity_count(doc); i < n; i++) {
    whosaid_entity e;
    if (whosaid_doc_entity(doc, i, &e) == 0 && e.cluster > most) most = e.cluster;
  }
  for (size_t i = 0, n = whosaid_doc_speaker_count(doc); i < n; i++) {
    whosaid_speaker s;
    if (whosaid_doc_speaker(doc, i, &s) == 0 && s.cluster > most) most = s.cluster;
  }
  return (size_t)(most + 1);
}

/* For each cluster of B's analysis, in SPOKEN its speaker (-1: none) and
 * in LONGEST its longest mention (-1: none); a slot each. A cluster's name
 * is its speaker's name, else its longest mention's words. */
static void find_cluster_names(const host_buffer *b, int32_t *longest, int32_t *spoken) {
  whosaid_speaker s;
  whosaid_entity e, other;
  for (size_t i = 0, n = whosaid_doc_speaker_count(b->doc); i < n; i++) {
    if (whosaid_doc_speaker(b->doc, i, &s) == 0 && s.cluster >= 0) spoken[s.cluster] = (int32_t)i;
  }
  for (size_t i = 0, n = whosaid_doc_entity_count(b->doc); i < n; i++) {
    if (whosaid_doc_entity(b->doc, i, &e) != 0 || e.cluster < 0) continue;
    if (longest[e.cluster] < 0 ||
        (whosaid_doc_entity(b->doc, (size_t)longest[e.cluster], &other) == 0 &&
         e.range.end_byte - e.range.start_byte > other.range.end_byte - other.range.start_byte)) {
      longest[e.cluster] = (int32_t)i;
    }
  }
}

/* The name of entity E (see find_cluster_names): *TEXT and *LENGTH. */
static void entity_name(const host_buffer *b, const whosaid_entity *e, const int32_t *longest,
                        const int32_t *spoken, const char **text, size_t *length) {
  whosaid_speaker s;
  whosaid_entity named = *e; /* no cluster: its own words */
  if (e->cluster >= 0 && spoken[e->cluster] >= 0 &&
      whosaid_doc_speaker(b->doc, (size_t)spoken[e->cluster], &s) == 0) {
    *text = s.name, *length = strlen(s.name);
    return;
  }
  if (e->cluster >= 0 && longest[e->cluster] >= 0) {
    whosaid_doc_entity(b->doc, (size_t)longest[e->cluster], &named);
  }
  *text = b->text + named.range.start_byte;
  *length = named.range.end_byte - named.range.start_byte;
}

/* Into LIST (room for every speaker and entity): each speaker's name, then
 * the name of each person and organisation the text names that is no
 * speaker, in the order of its first mention. The count. */
static size_t gather_names(const host_buffer *b, const int32_t *longest, const int32_t *spoken,
                           bool *listed, listed_name *list) {
  size_t count = 0;
  whosaid_speaker s;
  whosaid_entity e;
  for (size_t i = 0, n = whosaid_doc_speaker_count(b->doc); i < n; i++) {
    if (whosaid_doc_speaker(b->doc, i, &s) != 0) continue;
    list[count] = (listed_name){s.name, strlen(s.name), s.type, true, count};
    count++;
  }
  for (size_t i = 0, n = whosaid_doc_entity_count(b->doc); i < n; i++) {
    if (whosaid_doc_entity(b->doc, i, &e) != 0 ||
        (e.type != WHOSAID_ENTITY_PER && e.type != WHOSAID_ENTITY_ORG) ||
        (e.cluster >= 0 && (listed[e.cluster] || spoken[e.cluster] >= 0))) {
      continue;
    }
    list[count] = (listed_name){NULL, 0, e.type, false, count};
    entity_name(b, &e, longest, spoken, &list[count].text, &list[count].length);
    count++;
    if (e.cluster >= 0) listed[e.cluster] = true;
  }
  return count;
}

/* LONGEST and SPOKEN for B (find_cluster_names), allocated; false when out
 * of memory. */
static bool cluster_names(const host_buffer *b, int32_t **longest, int32_t **spoken) {
  size_t clusters = cluster_count(b->doc);
  *longest = ws_malloc((clusters + 1) * sizeof(**longest));
  *spoken = ws_malloc((clusters + 1) * sizeof(**spoken));
  if (*longest == NULL || *spoken == NULL) return false;
  for (size_t c = 0; c < clusters; c++) (*longest)[c] = (*spoken)[c] = -1;
  find_cluster_names(b, *longest, *spoken);
  return true;
}

static void entities(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL || !host_fresh_analysis(h, m, b)) return;
  int32_t *longest = NULL, *spoken = NULL;
  if (!cluster_names(b, &longest, &spoken)) {
    host_respond_error(h, m->id, "entities: out of memory");
    ws_free(longest);
    ws_free(spoken);
    return;
  }
  msgpack_packer *pk = &h->writer.packer;
  size_t count = whosaid_doc_entity_count(b->doc);
  host_respond_begin(h, m->id);
  msgpack_pack_array(pk, count);
  for (size_t i = 0; i < count; i++) {
    whosaid_entity e;
    whosaid_doc_entity(b->doc, i, &e);
    const char *name;
    size_t name_length;
    entity_name(b, &e, longest, spoken, &name, &name_length);
    msgpack_pack_map(pk, 5);
    host_pack_key(pk, "name"); /* its entity's: see find_cluster_names */
    rpc_pack_string(pk, name, name_length);
    host_pack_key(pk, "range");
    host_pack_range(pk, &e.range);
    host_pack_key(pk, "type");
    rpc_pack_cstring(pk, whosaid_entity_type_name(e.type));
    host_pack_key(pk, "text");
    rpc_pack_string(pk, b->text + e.range.start_byte, e.range.end_byte - e.range.start_byte);
    host_pack_key(pk, "cluster");
    msgpack_pack_int32(pk, e.cluster);
  }
  host_send(h);
  ws_free(longest);
  ws_free(spoken);
}

static void speakers(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL || !host_fresh_analysis(h, m, b)) return;
  msgpack_packer *pk = &h->writer.packer;
  size_t count = whosaid_doc_speaker_count(b->doc);
  host_respond_begin(h, m->id);
  msgpack_pack_array(pk, count);
  for (size_t s = 0; s < count; s++) {
    whosaid_speaker speaker;
    whosaid_doc_speaker(b->doc, s, &speaker);
    msgpack_pack_map(pk, 6);
    host_pack_key(pk, "name");
    rpc_pack_cstring(pk, speaker.name);
    host_pack_key(pk, "type");
    rpc_pack_cstring(pk, whosaid_entity_type_name(speaker.type));
    host_pack_key(pk, "role");
    host_pack_string_or_nil(pk, speaker.role);
    host_pack_key(pk, "cluster");
    msgpack_pack_int32(pk, speaker.cluster);
    host_pack_key(pk, "first"); /* none for a speaker only an annotation names */
    host_pack_range_or_nil(pk, speaker.unnamed ? NULL : &speaker.first_mention);
    host_pack_key(pk, "quotes");
    msgpack_pack_array(pk, speaker.quote_count);
    size_t next = 0, index = 0;
    whosaid_quote q;
    for (; host_next_direct_quote(b->doc, &next, &q); index++) {
      if (q.speaker == (int32_t)s) msgpack_pack_uint64(pk, index);
    }
  }
  host_send(h);
}

/* The names a person may give a quote (:WhoSaid assign, and its
 * completion): each speaker's, then each person's and organisation's the
 * article names, each name once: [{name, type, speaker}]. The editor built
 * the list from every entity (a second in a 5 MB buffer). */
static void names(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL || !host_fresh_analysis(h, m, b)) return;
  int32_t *longest = NULL, *spoken = NULL;
  size_t room = whosaid_doc_speaker_count(b->doc) + whosaid_doc_entity_count(b->doc);
  listed_name *list = ws_malloc((room + 1) * sizeof(*list));
  bool *listed = ws_calloc(cluster_count(b->doc) + 1, sizeof(*listed));
  if (!cluster_names(b, &longest, &spoken) || list == NULL || listed == NULL) {
    host_respond_error(h, m->id, "names: out of memory");
  } else {
    size_t count = drop_repeated_names(list, gather_names(b, longest, spoken, listed, list));
    msgpack_packer *pk = &h->writer.packer;
    host_respond_begin(h, m->id);
    msgpack_pack_array(pk, count);
    for (size_t i = 0; i < count; i++) {
      msgpack_pack_map(pk, 3);
      host_pack_key(pk, "name");
      rpc_pack_string(pk, list[i].text, list[i].length);
      host_pack_key(pk, "type");
      rpc_pack_cstring(pk, whosaid_entity_type_name(list[i].type));
      host_pack_key(pk, "speaker");
      host_pack_bool(pk, list[i].speaker);
    }
    host_send(h);
  }
  ws_free(longest);
  ws_free(spoken);
  ws_free(listed);
  ws_free(list);
}

/* For a statusline, which asks at every redraw: the counts of the last
 * analysis, never an analysis (after each keystroke in a 5 MB buffer, one
 * took 300 ms). CURRENT says whether that analysis is of the text as it is
 * now; nil before the first, or for a buffer too large to analyse. */
static void summary(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 1, 1);
  if (b == NULL) return;
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  if (b->doc == NULL || b->too_large) {
    msgpack_pack_nil(pk);
    host_send(h);
    return;
  }
  msgpack_pack_map(pk, 4);
  host_pack_key(pk, "speakers");
  msgpack_pack_uint64(pk, whosaid_doc_speaker_count(b->doc));
  host_pack_key(pk, "quotes");
  msgpack_pack_uint64(pk, direct_quote_count(b->doc));
  host_pack_key(pk, "entities");
  msgpack_pack_uint64(pk, whosaid_doc_entity_count(b->doc));
  host_pack_key(pk, "current");
  host_pack_bool(pk, !b->dirty && !b->lost && !b->analysing);
  host_send(h);
}

/* Navigation ************************************************************************/

/* The direct quote containing OFFSET, or -1. */
static bool quote_at(const whosaid_doc *doc, uint32_t offset, whosaid_quote *out) {
  size_t next = 0;
  while (host_next_direct_quote(doc, &next, out)) {
    if (out->range.start_byte <= offset && offset < out->range.end_byte) return true;
  }
  return false;
}

/* The cluster's mention by name to jump to from a quote whose speaker is
 * named at [FROM, TO): the one inside that span ("Geng Shuang" of
 * "spokesman Geng Shuang"), else the nearest before it ("he": the latest
 * "Pompeo"), else its first. */
static bool named_mention(const whosaid_doc *doc, int32_t cluster, uint32_t from, uint32_t to,
                          whosaid_range *out) {
  bool found = false;
  size_t count = whosaid_doc_entity_count(doc);
  for (size_t i = 0; i < count && cluster >= 0; i++) {
    whosaid_entity e;
    if (whosaid_doc_entity(doc, i, &e) != 0 || e.cluster != cluster) continue;
    if (found && e.range.start_byte >= to) break;
    *out = e.range;
    found = true;
    if (e.range.start_byte >= from) break; /* inside the span */
  }
  return found;
}

static void speaker_of(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 3, 3);
  uint32_t offset;
  if (b == NULL || !position_argument(h, m, b, &offset)) return;
  msgpack_packer *pk = &h->writer.packer;
  whosaid_quote q;
  host_respond_begin(h, m->id);
  if (!quote_at(b->doc, offset, &q)) {
    msgpack_pack_nil(pk); /* not in a quote */
    host_send(h);
    return;
  }
  whosaid_speaker speaker;
  bool known = q.speaker >= 0 && whosaid_doc_speaker(b->doc, (size_t)q.speaker, &speaker) == 0;
  /* A person named the speaker: the engine's mention at the cue (if any)
   * is not the speaker's; jump to its name before the quote instead. */
  bool corrected = (q.flags & WHOSAID_QUOTE_HUMAN_SPEAKER) != 0;
  bool mentioned = host_quote_mentioned(&q);
  whosaid_range named;
  uint32_t from = mentioned ? q.speaker_mention.start_byte : q.range.start_byte;
  uint32_t to = mentioned ? q.speaker_mention.end_byte : q.range.start_byte;
  bool has_named = known && !speaker.unnamed &&
                   named_mention(b->doc, speaker.cluster, from, to, &named);
  msgpack_pack_map(pk, 7);
  host_pack_key(pk, "quote");
  host_pack_range(pk, &q.range);
  host_pack_key(pk, "speaker");
  host_pack_string_or_nil(pk, known ? speaker.name : NULL);
  host_pack_key(pk, "mention");
  host_pack_range_or_nil(pk, mentioned ? &q.speaker_mention : NULL);
  host_pack_key(pk, "kind");
  host_pack_string_or_nil(pk, mentioned ? whosaid_mention_kind_name(q.speaker_mention_kind) : NULL);
  host_pack_key(pk, "named"); /* where to jump: a mention by name */
  host_pack_range_or_nil(pk, has_named ? &named : NULL);
  host_pack_key(pk, "first");
  host_pack_range_or_nil(pk, known && !speaker.unnamed ? &speaker.first_mention : NULL);
  host_pack_key(pk, "corrected");
  host_pack_bool(pk, corrected);
  host_send(h);
}

/* By start, then the shorter first. */
static int compare_ranges(const void *a, const void *b) {
  const whosaid_range *x = a, *y = b;
  if (x->start_byte != y->start_byte) return (x->start_byte > y->start_byte) ? 1 : -1;
  return (x->end_byte > y->end_byte) - (x->end_byte < y->end_byte);
}

/* RANGES in text order, each start once: a speaker mention may be an
 * entity too, and the two parts of a split quote share theirs ("he
 * said"). The new count. */
static size_t sorted_without_repeats(whosaid_range *ranges, size_t count) {
  qsort(ranges, count, sizeof(*ranges), compare_ranges);
  size_t kept = 0;
  for (size_t i = 0; i < count; i++) {
    if (kept == 0 || ranges[kept - 1].start_byte != ranges[i].start_byte) ranges[kept++] = ranges[i];
  }
  return kept;
}

/* The cluster under OFFSET: an entity's, or a speaker mention's; -1. */
static int32_t cluster_at(const whosaid_doc *doc, uint32_t offset, const char **name,
                          whosaid_entity_type *type) {
  size_t count = whosaid_doc_entity_count(doc);
  for (size_t i = 0; i < count; i++) {
    whosaid_entity e;
    if (whosaid_doc_entity(doc, i, &e) == 0 && e.range.start_byte <= offset &&
        offset < e.range.end_byte) {
      *type = e.type;
      return e.cluster;
    }
  }
  size_t total = whosaid_doc_quote_count(doc);
  for (size_t i = 0; i < total; i++) {
    whosaid_quote q;
    whosaid_speaker s;
    if (whosaid_doc_quote(doc, i, &q) == 0 && host_quote_mentioned(&q) && q.speaker >= 0 &&
        q.speaker_mention.start_byte <= offset && offset < q.speaker_mention.end_byte &&
        whosaid_doc_speaker(doc, (size_t)q.speaker, &s) == 0) {
      *name = s.name;
      *type = s.type;
      return s.cluster;
    }
  }
  return -1;
}

static void mentions_of(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 3, 3);
  uint32_t offset;
  if (b == NULL || !position_argument(h, m, b, &offset)) return;
  const char *name = NULL;
  whosaid_entity_type type = WHOSAID_ENTITY_PER;
  int32_t cluster = cluster_at(b->doc, offset, &name, &type);
  size_t entities = whosaid_doc_entity_count(b->doc), quotes = whosaid_doc_quote_count(b->doc);
  whosaid_range *ranges = ws_malloc((entities + quotes + 1) * sizeof(*ranges));
  if (ranges == NULL) {
    host_respond_error(h, m->id, "mentions_of: out of memory");
    return;
  }
  size_t count = 0;
  for (size_t i = 0; i < entities && cluster >= 0; i++) {
    whosaid_entity e;
    if (whosaid_doc_entity(b->doc, i, &e) == 0 && e.cluster == cluster) ranges[count++] = e.range;
  }
  for (size_t i = 0; i < quotes && cluster >= 0; i++) {
    whosaid_quote q;
    whosaid_speaker s;
    if (whosaid_doc_quote(b->doc, i, &q) == 0 && host_quote_mentioned(&q) && q.speaker >= 0 &&
        whosaid_doc_speaker(b->doc, (size_t)q.speaker, &s) == 0 && s.cluster == cluster) {
      if (name == NULL) name = s.name;
      ranges[count++] = q.speaker_mention;
    }
  }
  count = sorted_without_repeats(ranges, count);
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  if (cluster < 0) {
    msgpack_pack_nil(pk);
  } else {
    msgpack_pack_map(pk, 3);
    host_pack_key(pk, "type");
    rpc_pack_cstring(pk, whosaid_entity_type_name(type));
    host_pack_key(pk, "name");
    if (name != NULL) {
      rpc_pack_cstring(pk, name);
    } else { /* an entity that never speaks: its first mention's words */
      rpc_pack_string(pk, b->text + ranges[0].start_byte,
                      ranges[0].end_byte - ranges[0].start_byte);
    }
    host_pack_key(pk, "ranges");
    msgpack_pack_array(pk, count);
    for (size_t i = 0; i < count; i++) host_pack_range(pk, &ranges[i]);
  }
  ws_free(ranges);
  host_send(h);
}

/* Whether quote Q's speaker is called NAME (NULL: any quote). */
static bool spoken_by(const whosaid_doc *doc, const whosaid_quote *q, const char *name,
                      size_t length) {
  if (name == NULL) return true;
  whosaid_speaker s;
  return q->speaker >= 0 && whosaid_doc_speaker(doc, (size_t)q->speaker, &s) == 0 &&
         strlen(s.name) == length && memcmp(s.name, name, length) == 0;
}

static void quote_near(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 4, 5);
  uint32_t offset;
  int64_t direction;
  if (b == NULL || !position_argument(h, m, b, &offset)) return;
  if (!rpc_as_int(host_argument(m, 3), &direction) || direction == 0) {
    host_respond_error(h, m->id, "quote_near: direction must be 1 or -1");
    return;
  }
  const char *name = NULL;
  size_t length = 0;
  if (host_argument_count(m) == 5 && host_argument(m, 4)->type != MSGPACK_OBJECT_NIL &&
      !rpc_as_string(host_argument(m, 4), &name, &length)) {
    host_respond_error(h, m->id, "quote_near: the speaker must be a name");
    return;
  }
  /* Like n and N: the nearest quote that starts after (or before) the
   * cursor, wrapping around the buffer's end. */
  size_t next = 0;
  whosaid_quote q, best, wrap;
  bool found = false, wrapped = false;
  while (host_next_direct_quote(b->doc, &next, &q)) {
    if (!spoken_by(b->doc, &q, name, length)) continue;
    bool ahead = direction > 0 ? q.range.start_byte > offset : q.range.start_byte < offset;
    if (ahead && (!found || (direction > 0) == (q.range.start_byte < best.range.start_byte))) {
      best = q, found = true;
    }
    if (!wrapped || (direction > 0) == (q.range.start_byte < wrap.range.start_byte)) {
      wrap = q, wrapped = true;
    }
  }
  msgpack_packer *pk = &h->writer.packer;
  host_respond_begin(h, m->id);
  if (!found && !wrapped) {
    msgpack_pack_nil(pk);
    host_send(h);
    return;
  }
  const whosaid_quote *target = found ? &best : &wrap;
  msgpack_pack_map(pk, 3);
  host_pack_key(pk, "range");
  host_pack_range(pk, &target->range);
  host_pack_key(pk, "speaker");
  pack_speaker_name(pk, b->doc, target->speaker);
  host_pack_key(pk, "wrapped");
  host_pack_bool(pk, !found);
  host_send(h);
}

/* Whether TEXT is WANTED, whatever the case ("pompeo" is "Pompeo"). An
 * invalid byte is only itself. */
static bool same_but_case(const char *text, size_t length, const char *wanted,
                          size_t wanted_length) {
  size_t i = 0, j = 0;
  while (i < length && j < wanted_length) {
    text_char a = text_utf8_decode(text, length, i), b = text_utf8_decode(wanted, wanted_length, j);
    bool same = a.codepoint < 0 || b.codepoint < 0
                    ? a.codepoint == b.codepoint && text[i] == wanted[j]
                    : utf8proc_tolower(a.codepoint) == utf8proc_tolower(b.codepoint);
    if (!same) return false;
    i += a.length, j += b.length;
  }
  return i == length && j == wanted_length;
}

/* Move *AT back over the characters of NAME that are (or are not) spaces. */
static void back_over(const char *name, size_t length, bool spaces, size_t *at) {
  while (*at > 0) {
    text_char c = text_utf8_decode_before(name, length, *at);
    if (text_is_space(c.codepoint) != spaces) break;
    *at -= c.length;
  }
}

/* Whether NAME, or its last word, is WANTED: "Pompeo" calls "Mike Pompeo". */
static bool called(const char *name, size_t length, const char *wanted, size_t wanted_length) {
  if (same_but_case(name, length, wanted, wanted_length)) return true;
  size_t end = length;
  back_over(name, length, true, &end);
  size_t start = end;
  back_over(name, length, false, &start);
  return start > 0 && same_but_case(name + start, end - start, wanted, wanted_length);
}

/* The speaker NAME calls: the first whose name, or one of whose mentions by
 * name, is NAME or ends with it as a word, whatever the case. For ":WhoSaid
 * quote next pompeo", which fetched every entity to find out (0.5 s in a
 * 5 MB buffer). The speaker's name as speakers(buf) gives it, or nil. */
static void speaker_named(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 2, 2);
  const char *wanted;
  size_t length;
  if (b == NULL) return;
  if (!rpc_as_string(host_argument(m, 1), &wanted, &length)) {
    host_respond_error(h, m->id, "speaker_named: the name must be a string");
    return;
  }
  if (!host_fresh_analysis(h, m, b)) return;
  size_t speakers = whosaid_doc_speaker_count(b->doc), best = speakers;
  whosaid_speaker s;
  for (size_t i = 0; i < speakers && best == speakers; i++) {
    if (whosaid_doc_speaker(b->doc, i, &s) == 0 && called(s.name, strlen(s.name), wanted, length)) {
      best = i;
    }
  }
  /* An earlier speaker called so in the text comes first. */
  size_t entities = whosaid_doc_entity_count(b->doc);
  for (size_t i = 0; i < entities && best > 0; i++) {
    whosaid_entity e;
    if (whosaid_doc_entity(b->doc, i, &e) != 0 || e.cluster < 0 ||
        !called(b->text + e.range.start_byte, e.range.end_byte - e.range.start_byte, wanted,
                length)) {
      continue;
    }
    for (size_t k = 0; k < best; k++) {
      if (whosaid_doc_speaker(b->doc, k, &s) == 0 && s.cluster == e.cluster) {
        best = k;
        break;
      }
    }
  }
  host_respond_begin(h, m->id);
  pack_speaker_name(&h->writer.packer, b->doc, best < speakers ? (int32_t)best : -1);
  host_send(h);
}

/* The quoted span under the position, direct or not, as annotate takes it
 * (nil when there is none), and why it is a direct quote or not: the
 * editor asks before it asks the user for a speaker (rather than refuse
 * the name once chosen), and to explain a span that is no quote. */
static void quoted_span(host *h, const rpc_message *m) {
  host_buffer *b = host_attached_buffer(h, m, 3, 3);
  uint32_t offset;
  if (b == NULL || !position_argument(h, m, b, &offset)) return;
  msgpack_packer *pk = &h->writer.packer;
  whosaid_quote span;
  host_respond_begin(h, m->id);
  if (!host_innermost_quote(b->doc, offset, &span)) {
    msgpack_pack_nil(pk);
    host_send(h);
    return;
  }
  msgpack_pack_map(pk, 4);
  host_pack_key(pk, "range");
  host_pack_range(pk, &span.range);
  host_pack_key(pk, "direct");
  host_pack_bool(pk, (span.flags & WHOSAID_QUOTE_DIRECT) != 0);
  host_pack_key(pk, "reason");
  rpc_pack_cstring(pk, whosaid_quote_reason_name(span.reason));
  host_pack_key(pk, "why");
  rpc_pack_cstring(pk, whosaid_quote_reason_text(span.reason));
  host_send(h);
}

/* Dispatch ************************************************************************/

typedef struct {
  const char *name;
  void (*handle)(host *h, const rpc_message *m);
} method;

static const method methods[] = {
    {"poll", poll},           {"version", version},         {"attach", attach},
    {"detach", detach},       {"analyze", analyze},         {"quotes", quotes},
    {"entities", entities},   {"speakers", speakers},       {"speaker_of", speaker_of},
    {"mentions_of", mentions_of}, {"quote_near", quote_near},   {"quoted_span", quoted_span},
    {"summary", summary},         {"speaker_named", speaker_named},
    {"names", names},
    {"annotate", host_annotate},  {"annotations", host_annotations},
    {"annotations_load", host_annotations_load},
    {"annotations_save", host_annotations_save},
    {"export", host_export},
};

void host_handle_request(host *h, const rpc_message *m) {
  for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
    if (method_is(m, methods[i].name)) {
      methods[i].handle(h, m);
      return;
    }
  }
  host_respond_error(h, m->id, "unknown method '%.*s'", (int)m->method_length, m->method);
}

/* Notifications from Neovim about attached buffers ***********************************/

static void lines_event(host *h, const rpc_message *m) {
  int64_t handle, first, last;
  if (host_argument_count(m) < 5 || !rpc_as_int(host_argument(m, 0), &handle) ||
      !rpc_as_int(host_argument(m, 2), &first) || !rpc_as_int(host_argument(m, 3), &last)) {
    host_log(HOST_LOG_WARN, "nvim_buf_lines_event with unexpected arguments: ignored");
    return;
  }
  host_buffer *b = host_buffer_find(h, handle);
  if (b == NULL) return;
  int status = host_buffer_apply_lines(b, first, last, host_argument(m, 4));
  if (status != 0) {
    /* The copy no longer matches Neovim's buffer: fetch it whole again. */
    host_log(HOST_LOG_ERROR, "buffer %lld: an edit could not be applied (%s); reloading it",
             (long long)handle, whosaid_strerror(status));
    host_buffer_reload(b);
    return;
  }
  host_buffer_schedule(b);
}

static void detach_event(host *h, const rpc_message *m) {
  int64_t handle;
  if (host_argument_count(m) < 1 || !rpc_as_int(host_argument(m, 0), &handle)) return;
  host_buffer *b = host_buffer_find(h, handle);
  if (b != NULL) host_buffer_close(b); /* unloaded or wiped out */
}

void host_handle_notification(host *h, const rpc_message *m) {
  if (method_is(m, "nvim_buf_lines_event")) {
    lines_event(h, m);
    return;
  }
  if (method_is(m, "nvim_buf_detach_event")) {
    detach_event(h, m);
    return;
  }
  host_log(HOST_LOG_DEBUG, "notification '%.*s' ignored", (int)m->method_length, m->method);
}
