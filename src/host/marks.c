/*
 * marks.c: the highlights of a buffer, as extmarks in the "whosaid"
 * namespace. From an analysis the host computes the marks it wants (an
 * entity, a quote, the speaker's mention at a quote's cue, the speaker's
 * name after a quote), compares them with the marks it placed, and sends
 * the difference in one nvim_exec_lua call: one round trip per analysis,
 * not one per mark (2-6 ms for 1,000 marks, against 70-370 ms for a
 * request each).
 *
 * Neovim 0.7 draws a highlight over several lines unreliably, so a quote
 * that spans lines is one mark per line. Extmarks move with the text when
 * the user types; the host shifts its record of them for each edit, and
 * the next update corrects whatever the edit touched.
 *
 * A request that changes the highlights (analyze, annotate,
 * annotations_load) is answered once Neovim has applied them: Neovim may
 * run a call that arrives with the answer only after rpcrequest() returns.
 *
 * A buffer gets at most max_marks highlights, the first in text order, so
 * that no update can be a call Neovim takes seconds to run (a buffer of a
 * million quotes); the user is told once when some are left out. A buffer
 * with no analysis (too large) wants none: its highlights are cleared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "host/host.h"

static const char *const group_names[HOST_GROUPS] = {
    "WhoSaidPerson", "WhoSaidOrganization", "WhoSaidLocation", "WhoSaidMisc",
    "WhoSaidQuote",  "WhoSaidSpeaker",      "WhoSaidAnnotation", "WhoSaidCorrection"};

/* Quotes below names, names below the speaker's mention. */
static const int group_priority[HOST_GROUPS] = {120, 120, 120, 120, 110, 130, 100, 100};

/* Virtual text at the end of a line, rather than a highlighted span. */
static bool is_virtual(int group) { return group == HOST_ANNOTATION || group == HOST_CORRECTION; }

/* A mark the analysis wants, with its virtual text (annotations). */
typedef struct {
  host_mark mark;
  const char *text; /* borrowed from the analysis */
} wanted;

typedef VEC(wanted) wanted_vec;
typedef VEC(uint32_t) id_vec;
typedef VEC(size_t) index_vec;

/* Applied in Neovim: the options g:/b:whosaid_virtual_text,
 * g:/b:whosaid_types and g:/b:whosaid_correction_marker are read there, at
 * each update, so that the host need not know them. An addition is
 * {id, row, col, label} (a speaker's name after its quote, "— Name"),
 * {id, row, col, name, group} (the same for a speaker a person named: the
 * marker, "✎" by default, then the name) or
 * {id, row, col, end_row, end_col, group, priority} (a highlighted span). */
static const char update_lua[] =
    "local buf, ns, dels, adds = ...\n"
    "local api = vim.api\n"
    "if not api.nvim_buf_is_valid(buf) then return -1 end\n"
    "local function option(name, default)\n"
    "  local ok, value = pcall(api.nvim_buf_get_var, buf, 'whosaid_' .. name)\n"
    "  if not ok then value = vim.g['whosaid_' .. name] end\n"
    "  if value == nil then return default end\n"
    "  return value\n"
    "end\n"
    "local virtual = option('virtual_text', 1)\n"
    "virtual = virtual ~= 0 and virtual ~= false\n"
    "local types = option('types', nil)\n"
    "local marker = option('correction_marker', '\xE2\x9C\x8E')\n"
    "local shown = {WhoSaidQuote = true, WhoSaidSpeaker = true}\n"
    "local groups = {PER = 'WhoSaidPerson', ORG = 'WhoSaidOrganization',\n"
    "                LOC = 'WhoSaidLocation', MISC = 'WhoSaidMisc'}\n"
    "for type, group in pairs(groups) do shown[group] = types == nil end\n"
    "for _, type in ipairs(types or {}) do shown[groups[type] or ''] = true end\n"
    "for _, id in ipairs(dels) do pcall(api.nvim_buf_del_extmark, buf, ns, id) end\n"
    "local failed = 0\n"
    "for _, m in ipairs(adds) do\n"
    "  local opts\n"
    "  if #m == 4 then\n"
    "    if virtual then\n"
    "      opts = {id = m[1], virt_text = {{m[4], 'WhoSaidAnnotation'}}, virt_text_pos = 'eol'}\n"
    "    end\n"
    "  elseif #m == 5 then\n"
    "    if virtual then\n"
    "      local label = marker == '' and m[4] or marker .. ' ' .. m[4]\n"
    "      opts = {id = m[1], virt_text = {{label, m[5]}}, virt_text_pos = 'eol'}\n"
    "    end\n"
    "  elseif shown[m[6]] then\n"
    "    opts = {id = m[1], end_row = m[4], end_col = m[5], hl_group = m[6], priority = m[7]}\n"
    "  end\n"
    "  if opts and not pcall(api.nvim_buf_set_extmark, buf, ns, m[2], m[3], opts) then\n"
    "    failed = failed + 1\n"
    "  end\n"
    "end\n"
    "pcall(vim.cmd, 'silent doautocmd <nomodeline> User WhoSaidDone')\n"
    "return failed\n";

static uint64_t hash_text(const char *text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *text != '\0'; text++) h = (h ^ (unsigned char)*text) * 0x100000001b3ull;
  return h | 1; /* 0 means no text */
}

/* The marks an analysis wants *****************************************************/

/* The byte length of LINE of the analysed text. */
static uint32_t line_length(const host_buffer *b, uint32_t line) {
  uint32_t start = 0, next = 0;
  whosaid_doc_offset(b->doc, (whosaid_point){line, 0}, &start);
  if (whosaid_doc_offset(b->doc, (whosaid_point){line + 1, 0}, &next) != 0) {
    return (uint32_t)b->text_length - start;
  }
  return next - start - 1;
}

static int want(wanted_vec *out, whosaid_point start, whosaid_point end, int group,
                const char *text) {
  wanted w = {{0, start.line, start.column, end.line, end.column, (uint8_t)group,
               text ? hash_text(text) : 0},
              text};
  return VEC_PUSH(out, w);
}

/* A range as one mark per line it touches (empty pieces left out). */
static int want_lines(const host_buffer *b, wanted_vec *out, const whosaid_range *range,
                      int group) {
  for (uint32_t line = range->start.line; line <= range->end.line; line++) {
    uint32_t from = line == range->start.line ? range->start.column : 0;
    uint32_t to = line == range->end.line ? range->end.column : line_length(b, line);
    if (to <= from) continue;
    if (want(out, (whosaid_point){line, from}, (whosaid_point){line, to}, group, NULL) != 0) {
      return WHOSAID_ENOMEM;
    }
  }
  return 0;
}

static int want_entities(const host_buffer *b, wanted_vec *out) {
  static const int groups[] = {HOST_PERSON, HOST_ORGANIZATION, HOST_LOCATION, HOST_MISC};
  size_t count = whosaid_doc_entity_count(b->doc);
  for (size_t i = 0; i < count; i++) {
    whosaid_entity entity;
    if (whosaid_doc_entity(b->doc, i, &entity) != 0 || (unsigned)entity.type > 3) continue;
    if (want_lines(b, out, &entity.range, groups[entity.type]) != 0) return WHOSAID_ENOMEM;
  }
  return 0;
}

static int want_quotes(const host_buffer *b, wanted_vec *out) {
  size_t count = whosaid_doc_quote_count(b->doc);
  for (size_t i = 0; i < count; i++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(b->doc, i, &quote) != 0 || !(quote.flags & WHOSAID_QUOTE_DIRECT)) {
      continue;
    }
    if (want_lines(b, out, &quote.range, HOST_QUOTE) != 0) return WHOSAID_ENOMEM;
    if (host_quote_mentioned(&quote) &&
        want_lines(b, out, &quote.speaker_mention, HOST_SPEAKER) != 0) {
      return WHOSAID_ENOMEM;
    }
    whosaid_speaker speaker;
    int group = quote.flags & WHOSAID_QUOTE_HUMAN_SPEAKER ? HOST_CORRECTION : HOST_ANNOTATION;
    if (quote.speaker >= 0 && whosaid_doc_speaker(b->doc, (size_t)quote.speaker, &speaker) == 0 &&
        want(out, (whosaid_point){quote.range.end.line, 0},
             (whosaid_point){quote.range.end.line, 0}, group, speaker.name) != 0) {
      return WHOSAID_ENOMEM;
    }
  }
  return 0;
}

/* Diffing *******************************************************************/

static int compare_marks(const host_mark *x, const host_mark *y) {
  const uint32_t a[] = {x->row, x->col, x->end_row, x->end_col, x->group};
  const uint32_t c[] = {y->row, y->col, y->end_row, y->end_col, y->group};
  for (int i = 0; i < 5; i++) {
    if (a[i] != c[i]) return a[i] < c[i] ? -1 : 1;
  }
  return (x->text_hash > y->text_hash) - (x->text_hash < y->text_hash);
}

static int compare_placed(const void *a, const void *b) { return compare_marks(a, b); }
static int compare_wanted(const void *a, const void *b) {
  return compare_marks(&((const wanted *)a)->mark, &((const wanted *)b)->mark);
}

/* Two quotes of one speaker that end on one line want one label there,
 * "— Name", not the name twice. WANT_ALL is sorted: repeats are neighbours. */
static void drop_repeats(wanted_vec *want_all) {
  size_t kept = 0;
  for (size_t i = 0; i < want_all->len; i++) {
    if (kept > 0 && compare_marks(&want_all->items[kept - 1].mark, &want_all->items[i].mark) == 0) {
      continue;
    }
    want_all->items[kept++] = want_all->items[i];
  }
  want_all->len = kept;
}

/* The first max_marks marks in text order (WANT_ALL sorted); the user is
 * told once when there are more. */
static void cap_marks(host_buffer *b, wanted_vec *want_all) {
  size_t most = b->h->options.max_marks;
  if (want_all->len <= most) {
    if (b->doc != NULL) b->marks_capped = false; /* not while it is too large */
    return;
  }
  if (!b->marks_capped) {
    b->marks_capped = true;
    char message[200];
    snprintf(message, sizeof(message),
             "whosaid: buffer %lld has %zu highlights: only the first %zu are shown",
             (long long)b->handle, want_all->len, most);
    host_tell_user(b->h, message);
  }
  want_all->len = most;
}

/* The ids to delete and the marks to add (given new ids), in WANTED order
 * (sorted). */
static void diff(host_buffer *b, wanted_vec *want_all, id_vec *deletions, index_vec *additions,
                 int *status) {
  if (b->placed.len > 1) qsort(b->placed.items, b->placed.len, sizeof(host_mark), compare_placed);
  size_t i = 0, j = 0;
  while (*status == 0 && (i < b->placed.len || j < want_all->len)) {
    int order = i == b->placed.len   ? 1
                : j == want_all->len ? -1
                                     : compare_marks(&b->placed.items[i], &want_all->items[j].mark);
    if (order < 0) {
      if (VEC_PUSH(deletions, b->placed.items[i].id) != 0) *status = WHOSAID_ENOMEM;
      i++;
    } else if (order > 0) {
      want_all->items[j].mark.id = b->next_mark_id++;
      if (VEC_PUSH(additions, j) != 0) *status = WHOSAID_ENOMEM;
      j++;
    } else { /* placed already: keep its id */
      want_all->items[j++].mark.id = b->placed.items[i++].id;
    }
  }
}

/* Sending *********************************************************************/

/* The update's arguments, what update_lua receives as `...` (Vim's
 * whosaid_update as well): buf, ns, dels, adds. */
static void pack_update(host *h, const host_buffer *b, const wanted_vec *want_all,
                        const uint32_t *deletions, size_t deletion_count, const size_t *additions,
                        size_t addition_count) {
  msgpack_packer *pk = &h->writer.packer;
  msgpack_pack_int64(pk, b->handle);
  msgpack_pack_int64(pk, h->namespace_id);
  msgpack_pack_array(pk, deletion_count);
  for (size_t i = 0; i < deletion_count; i++) msgpack_pack_uint32(pk, deletions[i]);
  msgpack_pack_array(pk, addition_count);
  for (size_t i = 0; i < addition_count; i++) {
    const wanted *w = &want_all->items[additions[i]];
    bool annotation = w->mark.group == HOST_ANNOTATION;
    bool correction = w->mark.group == HOST_CORRECTION;
    msgpack_pack_array(pk, annotation ? 4 : correction ? 5 : 7);
    msgpack_pack_uint32(pk, w->mark.id);
    msgpack_pack_uint32(pk, w->mark.row);
    msgpack_pack_uint32(pk, w->mark.col);
    if (annotation) {
      char label[300];
      snprintf(label, sizeof(label), "\xE2\x80\x94 %s", w->text); /* "— Name" */
      rpc_pack_cstring(pk, label);
      continue;
    }
    if (correction) { /* the marker is an option, read in Neovim */
      rpc_pack_cstring(pk, w->text);
      rpc_pack_cstring(pk, group_names[HOST_CORRECTION]);
      continue;
    }
    msgpack_pack_uint32(pk, w->mark.end_row);
    msgpack_pack_uint32(pk, w->mark.end_col);
    rpc_pack_cstring(pk, group_names[w->mark.group]);
    msgpack_pack_int(pk, group_priority[w->mark.group]);
  }
}

/* The update's new record of placed marks, until Neovim confirms it. */
typedef struct {
  host_buffer *buffer;
  host_mark_vec marks;
  uint64_t started;
} update;

static void answer_waiters(host_buffer *b) {
  host *h = b->h;
  for (size_t i = 0; i < b->waiters.len; i++) {
    host_waiter *w = &b->waiters.items[i];
    if (w->message != NULL) {
      msgpack_sbuffer_write(&h->writer.buffer, w->message, w->length);
      ws_free(w->message);
    } else {
      host_respond_begin(h, w->request);
      msgpack_pack_true(&h->writer.packer);
    }
    host_send(h);
  }
  b->waiters.len = 0;
}

void host_marks_answer_later(host_buffer *b, uint32_t id) {
  host *h = b->h;
  host_waiter w = {id, ws_malloc(h->writer.buffer.size + 1), h->writer.buffer.size};
  if (w.message != NULL) memcpy(w.message, h->writer.buffer.data, w.length);
  rpc_writer_reset(&h->writer);
  if (w.message == NULL || VEC_PUSH(&b->waiters, w) != 0) {
    ws_free(w.message);
    host_respond_error(h, id, "out of memory");
  }
}

static void on_updated(host *h, void *context, const msgpack_object *error,
                       const msgpack_object *result) {
  update *u = context;
  host_buffer *b = u->buffer;
  (void)h;
  (void)result;
  if (b == NULL) { /* the buffer went meanwhile */
    VEC_FREE(&u->marks);
    ws_free(u);
    return;
  }
  b->update = NULL;
  if (error != NULL && error->type == MSGPACK_OBJECT_NIL && !b->closing) {
    VEC_FREE(&b->placed);
    b->placed = u->marks; /* what Neovim has now */
    u->marks = (host_mark_vec)VEC_INIT;
    if (b->edited_in_update) { /* they moved with that edit: where to, Neovim knows */
      for (size_t i = 0; i < b->placed.len; i++) b->placed.items[i].row = UINT32_MAX;
    }
    host_log(HOST_LOG_DEBUG, "buffer %lld: %zu marks, applied %.2f ms after sending",
             (long long)b->handle, b->placed.len, (double)(uv_hrtime() - u->started) / 1e6);
  } else if (!b->closing) {
    /* Unknown what Neovim applied: forget positions, so all is redone. */
    for (size_t i = 0; i < b->placed.len; i++) b->placed.items[i].row = UINT32_MAX;
  }
  VEC_FREE(&u->marks);
  ws_free(u);
  if (b->closing) return;
  if (b->update_again) { /* the waiters wait for the newer highlights */
    b->update_again = false;
    host_marks_update(b);
  }
  if (b->update == NULL) answer_waiters(b);
}

void host_marks_update(host_buffer *b) {
  host *h = b->h;
  if (h->namespace_id < 0 || b->closing) return;
  if (b->update != NULL) {
    b->update_again = true;
    return;
  }
  if (b->lost && !b->too_large) { /* out of step with Neovim */
    /* Reloading: the update after the reload answers the waiters, with the
     * highlights of what the buffer holds now. Else it waits for an edit:
     * they get the last highlights. */
    if (!b->reloading) answer_waiters(b);
    return;
  }
  wanted_vec want_all = VEC_INIT;
  id_vec deletions = VEC_INIT;
  index_vec additions = VEC_INIT;
  int status = b->doc != NULL ? want_entities(b, &want_all) : 0;
  if (status == 0 && b->doc != NULL) status = want_quotes(b, &want_all);
  if (status == 0 && want_all.len > 1) {
    qsort(want_all.items, want_all.len, sizeof(wanted), compare_wanted);
    drop_repeats(&want_all);
  }
  if (status == 0) cap_marks(b, &want_all);
  if (status == 0) diff(b, &want_all, &deletions, &additions, &status);
  update *u = status == 0 ? ws_calloc(1, sizeof(*u)) : NULL;
  if (u != NULL && VEC_RESERVE(&u->marks, want_all.len + 1) == 0) {
    for (size_t i = 0; i < want_all.len; i++) {
      u->marks.items[u->marks.len++] = want_all.items[i].mark;
    }
  } else if (u != NULL) {
    ws_free(u);
    u = NULL;
  }
  if (u == NULL) {
    host_log(HOST_LOG_ERROR, "out of memory: buffer %lld not highlighted", (long long)b->handle);
    answer_waiters(b); /* they would wait forever */
  } else if (deletions.len == 0 && additions.len == 0) {
    VEC_FREE(&u->marks);
    ws_free(u);
    answer_waiters(b); /* nothing to change */
  } else {
    u->buffer = b;
    u->started = uv_hrtime();
    b->update = u;
    b->edited_in_update = false;
    uint32_t id = host_call_lua(h, update_lua, "whosaid_update", 4);
    pack_update(h, b, &want_all, deletions.items, deletions.len, additions.items, additions.len);
    host_call_end(h, id, on_updated, u);
  }
  VEC_FREE(&want_all);
  VEC_FREE(&deletions);
  VEC_FREE(&additions);
}

void host_marks_edit(host_buffer *b, uint32_t first, uint32_t last, uint32_t count) {
  int64_t shift = (int64_t)count - (int64_t)(last - first);
  for (size_t i = 0; i < b->placed.len; i++) {
    host_mark *m = &b->placed.items[i];
    if (m->row == UINT32_MAX || m->end_row < first) continue;
    if (m->row >= last && !(is_virtual(m->group) && m->row == last && first == last)) {
      m->row = (uint32_t)((int64_t)m->row + shift);
      m->end_row = (uint32_t)((int64_t)m->end_row + shift);
    } else {
      m->row = UINT32_MAX; /* the edit touched it: where it is now is Neovim's business */
    }
  }
  if (b->update != NULL) b->update_again = b->edited_in_update = true;
}

void host_marks_forget(host_buffer *b) {
  if (b->update != NULL) ((update *)b->update)->buffer = NULL;
  b->update = NULL;
}
