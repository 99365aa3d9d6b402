/*
 * buffers.c: the buffers Neovim sends, one state each. The host keeps its
 * own copy of the lines and applies every nvim_buf_lines_event to it
 * exactly, so it always knows the text Neovim has. After a pause in the
 * typing (the debounce timer) it analyses the text: a small
 * buffer at once, a large one on libuv's thread pool so that requests are
 * still answered meanwhile. A result made before a later edit is dropped:
 * that edit has scheduled a new analysis.
 *
 * Each buffer also owns a set of annotations, a person's corrections, that
 * every analysis applies. A change to the set counts as an edit (an analysis
 * still running with the old set is stale), and after each analysis the
 * set's anchors move to where it found their words, so that they follow
 * the article's edits.
 *
 * A buffer over max_buffer_bytes (or whose lines event was over the message
 * limit) is "lost": the host drops its copy, clears its highlights and tells
 * the user once. Its edits are ignored, but after a pause in them the host
 * asks Neovim the buffer's size (nvim_buf_get_offset, O(1)), and reloads it
 * whole (nvim_buf_get_lines) once it fits: analysis resumes. A buffer whose
 * edit does not fit the copy is lost the same way until its reload comes.
 * Messages from Neovim come in order, so the lines of a reload include every
 * edit before them, and the edits ignored meanwhile are all among those.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "host/host.h"

#define DEFAULT_DEBOUNCE_MS 30
#define DEFAULT_BACKGROUND_BYTES (64u << 10)

host_buffer *host_buffer_find(host *h, int64_t handle) {
  for (host_buffer *b = h->buffers; b != NULL; b = b->next) {
    if (b->handle == handle) return b;
  }
  return NULL;
}

int host_buffer_add(host *h, int64_t handle, host_buffer **out) {
  host_buffer *b = ws_calloc(1, sizeof(*b));
  if (b == NULL || whosaid_annotations_new(&b->annotations) != 0) {
    ws_free(b);
    return WHOSAID_ENOMEM;
  }
  b->h = h;
  b->handle = handle;
  b->next_mark_id = 1;
  uv_timer_init(h->loop, &b->debounce);
  b->debounce.data = b;
  b->next = h->buffers;
  h->buffers = b;
  *out = b;
  return 0;
}

/* Freeing ******************************************************************/

static void free_lines(host_buffer *b) {
  for (size_t i = 0; i < b->lines.len; i++) ws_free(b->lines.items[i].data);
  VEC_FREE(&b->lines);
  b->bytes = 0;
}

static void free_buffer(host_buffer *b) {
  free_lines(b);
  whosaid_doc_free(b->doc);
  ws_free(b->text);
  whosaid_annotations_free(b->annotations);
  ws_free(b->load_error);
  ws_free(b->sidecar);
  VEC_FREE(&b->placed);
  VEC_FREE(&b->waiters);
  ws_free(b);
}

/* The buffer goes once its timer is closed and no analysis runs on it. */
static bool timer_closed(const host_buffer *b) { return b->debounce.data == NULL; }

static void on_timer_closed(uv_handle_t *handle) {
  host_buffer *b = handle->data;
  handle->data = NULL;
  if (!b->analysing) free_buffer(b);
}

void host_buffer_close(host_buffer *b) {
  host *h = b->h;
  for (host_buffer **link = &h->buffers; *link != NULL; link = &(*link)->next) {
    if (*link == b) {
      *link = b->next;
      break;
    }
  }
  b->closing = true;
  host_marks_forget(b);
  for (size_t i = 0; i < b->waiters.len; i++) {
    host_respond_error(h, b->waiters.items[i].request, "buffer %lld was detached",
                       (long long)b->handle);
    ws_free(b->waiters.items[i].message);
  }
  b->waiters.len = 0;
  uv_close((uv_handle_t *)&b->debounce, on_timer_closed);
}

void host_buffer_close_all(host *h) {
  while (h->buffers != NULL) host_buffer_close(h->buffers);
}

/* Edits *********************************************************************/

static int copy_line(const msgpack_object *object, host_line *out) {
  const char *data;
  size_t length;
  if (object->type == MSGPACK_OBJECT_BIN) { /* some clients send bytes as bin */
    data = object->via.bin.ptr;
    length = object->via.bin.size;
  } else if (!rpc_as_string(object, &data, &length)) {
    return WHOSAID_EINVAL;
  }
  out->data = ws_malloc(length + 1);
  if (out->data == NULL) return WHOSAID_ENOMEM;
  /* Neovim sends a NUL byte of the buffer as "\n" inside a line: back to
   * NUL, or the line would count as two and every row after it be off. */
  for (size_t i = 0; i < length; i++) out->data[i] = data[i] == '\n' ? '\0' : data[i];
  out->data[length] = '\0';
  out->length = length;
  return 0;
}

/* The bytes LINES take in the buffer, each with its newline (0 for a line
 * that is no string: copy_line refuses it). */
static uint64_t lines_bytes(const msgpack_object *lines) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < lines->via.array.size; i++) {
    const msgpack_object *line = &lines->via.array.ptr[i];
    if (line->type == MSGPACK_OBJECT_STR) total += line->via.str.size + 1;
    if (line->type == MSGPACK_OBJECT_BIN) total += line->via.bin.size + 1;
  }
  return total;
}

static void describe_size(char *out, size_t size, uint64_t bytes) {
  if (bytes >= (1u << 20)) {
    snprintf(out, size, "%.1f MiB", (double)bytes / (1u << 20));
  } else {
    snprintf(out, size, "%.1f KiB", (double)bytes / (1u << 10));
  }
}

/* A Neovim buffer has at least one line, but it reports deleting them all
 * (":%delete") as leaving none: the copy keeps the empty line that remains,
 * so that the next edit, which counts it, applies. (Reserved by the caller.) */
static void keep_one_line(host_buffer *b) {
  char *empty = ws_malloc(1);
  if (empty == NULL) { /* the next edit will not apply: reloaded then */
    host_buffer_lose(b, false, 0);
    return;
  }
  empty[0] = '\0';
  b->lines.items[0] = (host_line){empty, 0};
  b->lines.len = 1;
  b->bytes = 1;
}

int host_buffer_apply_lines(host_buffer *b, int64_t first, int64_t last,
                            const msgpack_object *lines) {
  if (lines->type != MSGPACK_OBJECT_ARRAY) return WHOSAID_EINVAL;
  if (b->lost) { /* no copy to apply it to: its size is asked after a pause */
    b->lost_edits = true;
    return 0;
  }
  size_t have = b->lines.len, count = lines->via.array.size;
  if (last < 0) last = (int64_t)have; /* -1: to the end (the whole buffer at attach) */
  if (first < 0 || first > last || (size_t)last > have) return WHOSAID_ERANGE;
  uint64_t removed_bytes = 0;
  for (size_t i = (size_t)first; i < (size_t)last; i++) {
    removed_bytes += b->lines.items[i].length + 1;
  }
  uint64_t bytes = b->bytes - removed_bytes + lines_bytes(lines);
  if (bytes > b->h->options.max_buffer_bytes) { /* checked before copying it */
    host_buffer_lose(b, true, bytes);
    return 0;
  }
  host_line *copies = ws_calloc(count + 1, sizeof(*copies));
  if (copies == NULL) return WHOSAID_ENOMEM;
  int status = 0;
  for (size_t i = 0; i < count && status == 0; i++) {
    status = copy_line(&lines->via.array.ptr[i], &copies[i]);
  }
  size_t removed = (size_t)(last - first), total = have - removed + count;
  if (status == 0 && VEC_RESERVE(&b->lines, total + 1) != 0) status = WHOSAID_ENOMEM;
  if (status != 0) {
    for (size_t i = 0; i < count; i++) ws_free(copies[i].data);
    ws_free(copies);
    return status;
  }
  for (size_t i = (size_t)first; i < (size_t)last; i++) ws_free(b->lines.items[i].data);
  memmove(b->lines.items + first + count, b->lines.items + last,
          (have - (size_t)last) * sizeof(host_line));
  memcpy(b->lines.items + first, copies, count * sizeof(host_line));
  b->lines.len = total;
  b->bytes = (size_t)bytes;
  ws_free(copies);
  if (total == 0) keep_one_line(b);
  host_marks_edit(b, (uint32_t)first, (uint32_t)last, (uint32_t)count);
  b->edits++;
  b->dirty = true;
  return 0;
}

/* Lines over max_line_bytes: one such line of minified data or base64 is
 * no article text, and highlights in it would slow Neovim's redraw of it
 * down. It is read as blanks, so that every other position stays; the user
 * is told once, until no line is over the limit. Called on the loop thread
 * only (it may call Neovim). */
static void blank_long_lines(host_buffer *b, char *text) {
  size_t limit = b->h->options.max_line_bytes, count = 0, first = 0, at = 0;
  for (size_t i = 0; i < b->lines.len; i++) {
    size_t length = b->lines.items[i].length;
    if (length > limit) {
      if (count++ == 0) first = i;
      memset(text + at, ' ', length);
    }
    at += length + 1;
  }
  if (count == 0) {
    b->long_lines_told = false;
    return;
  }
  if (b->long_lines_told) return;
  b->long_lines_told = true;
  char limit_text[32], message[200];
  describe_size(limit_text, sizeof(limit_text), limit);
  snprintf(message, sizeof(message),
           "whosaid: buffer %lld: %zu line%s over %s not analysed (the first: line %zu)",
           (long long)b->handle, count, count == 1 ? "" : "s", limit_text, first + 1);
  host_tell_user(b->h, message);
}

/* The lines joined by '\n', as Neovim's buffer text, lines over the limit
 * blank; NULL when out of memory. */
static char *join_lines(host_buffer *b, size_t *length) {
  size_t total = 0;
  for (size_t i = 0; i < b->lines.len; i++) total += b->lines.items[i].length + 1;
  char *text = ws_malloc(total + 1);
  if (text == NULL) return NULL;
  size_t at = 0;
  for (size_t i = 0; i < b->lines.len; i++) {
    if (i > 0) text[at++] = '\n';
    memcpy(text + at, b->lines.items[i].data, b->lines.items[i].length);
    at += b->lines.items[i].length;
  }
  text[at] = '\0';
  *length = at;
  blank_long_lines(b, text);
  return text;
}

/* Lost buffers ****************************************************************/

void host_buffer_unavailable(const host_buffer *b, char *out, size_t size) {
  char limit[32], seen[32];
  describe_size(limit, sizeof(limit), b->h->options.max_buffer_bytes);
  if (!b->too_large) {
    snprintf(out, size, "buffer %lld is being reloaded from Neovim: try again",
             (long long)b->handle);
  } else if (b->size_seen > 0) {
    describe_size(seen, sizeof(seen), b->size_seen);
    snprintf(out, size, "buffer %lld is too large for whosaid (%s, over the limit of %s)",
             (long long)b->handle, seen, limit);
  } else {
    snprintf(out, size, "buffer %lld is too large for whosaid (over the message limit)",
             (long long)b->handle);
  }
}

void host_buffer_lose(host_buffer *b, bool too_large, uint64_t size) {
  free_lines(b);
  b->lost = true;
  b->edits++; /* an analysis running on the thread pool is stale */
  b->dirty = false;
  b->lost_edits = false;
  /* Where its highlights are now, after the edits it ignores, Neovim knows. */
  for (size_t i = 0; i < b->placed.len; i++) b->placed.items[i].row = UINT32_MAX;
  if (b->update != NULL) b->edited_in_update = true;
  if (!too_large) return; /* its last analysis answers until the reload */
  if (size > 0 || !b->too_large) b->size_seen = size;
  whosaid_doc_free(b->doc);
  ws_free(b->text);
  b->doc = NULL;
  b->text = NULL;
  b->text_length = 0;
  if (!b->too_large) { /* short: a message wider than the screen waits for Enter */
    b->too_large = true;
    char limit[32], seen[32], message[200];
    describe_size(limit, sizeof(limit), b->h->options.max_buffer_bytes);
    describe_size(seen, sizeof(seen), b->size_seen);
    if (b->size_seen > 0) {
      snprintf(message, sizeof(message), "whosaid: buffer %lld too large (%s > %s): no highlights",
               (long long)b->handle, seen, limit);
    } else {
      snprintf(message, sizeof(message),
               "whosaid: buffer %lld too large (over the message limit): no highlights",
               (long long)b->handle);
    }
    host_tell_user(b->h, message);
  }
  host_marks_update(b); /* none wanted: clears them, and answers analyze */
}

/* The lines Neovim sent for a reload. */
static void on_reloaded(host *h, void *context, const msgpack_object *error,
                        const msgpack_object *result) {
  host_buffer *b = host_buffer_find(h, (int64_t)(intptr_t)context);
  if (error == NULL || b == NULL || !b->reloading) return; /* shutting down, or gone */
  b->reloading = false;
  if (host_reply_too_large(error)) {
    host_buffer_lose(b, true, 0);
    return;
  }
  if (error->type != MSGPACK_OBJECT_NIL || result->type != MSGPACK_OBJECT_ARRAY) {
    host_log(HOST_LOG_ERROR, "buffer %lld could not be reloaded: it waits for its next edit",
             (long long)b->handle);
    host_marks_update(b); /* answers the requests that waited for the reload */
    return;
  }
  b->lost = false;
  bool edited = b->lost_edits;
  int status = host_buffer_apply_lines(b, 0, -1, result);
  if (status != 0) {
    host_log(HOST_LOG_ERROR, "buffer %lld could not be reloaded: %s", (long long)b->handle,
             whosaid_strerror(status));
    host_buffer_lose(b, false, 0);
    b->lost_edits = edited;
    host_marks_update(b); /* answers the requests that waited for the reload */
    return;
  }
  if (b->lost) return; /* too large after all */
  if (b->too_large) host_log(HOST_LOG_INFO, "buffer %lld fits again", (long long)b->handle);
  b->too_large = false;
  b->size_seen = 0;
  host_buffer_schedule(b);
}

void host_buffer_reload(host_buffer *b) {
  if (!b->lost) host_buffer_lose(b, false, 0);
  if (b->reloading) return;
  b->reloading = true;
  b->lost_edits = false; /* the lines will include them */
  host *h = b->h;
  uint32_t id = host_call_begin(h, "nvim_buf_get_lines", 4);
  msgpack_pack_int64(&h->writer.packer, b->handle);
  msgpack_pack_int(&h->writer.packer, 0);
  msgpack_pack_int(&h->writer.packer, -1);
  msgpack_pack_false(&h->writer.packer);
  host_call_end(h, id, on_reloaded, (void *)(intptr_t)b->handle);
}

/* Its size and line count: {bytes, lines}, or nil for a buffer gone. */
static const char size_lua[] =
    "local buf = ...\n"
    "if not vim.api.nvim_buf_is_loaded(buf) then return nil end\n"
    "local lines = vim.api.nvim_buf_line_count(buf)\n"
    "return {vim.api.nvim_buf_get_offset(buf, lines), lines}\n";

/* What the lines of a buffer of BYTES in LINES lines cost as a message, at
 * most: each line's string header (up to 5 bytes, its newline 1 of them)
 * and object, and the response around them. */
static uint64_t reload_cost(uint64_t bytes, uint64_t lines) {
  return bytes + lines * (4 + sizeof(msgpack_object)) + 256;
}

static void on_sized(host *h, void *context, const msgpack_object *error,
                     const msgpack_object *result) {
  host_buffer *b = host_buffer_find(h, (int64_t)(intptr_t)context);
  if (error == NULL || b == NULL || !b->sizing) return;
  b->sizing = false;
  int64_t bytes, lines;
  if (error->type != MSGPACK_OBJECT_NIL || result->type != MSGPACK_OBJECT_ARRAY ||
      result->via.array.size != 2 || !rpc_as_int(&result->via.array.ptr[0], &bytes) ||
      !rpc_as_int(&result->via.array.ptr[1], &lines) || bytes < 0 || lines < 0) {
    host_log(HOST_LOG_WARN, "buffer %lld: Neovim did not say its size", (long long)b->handle);
    return;
  }
  if (!b->lost) return;
  if ((uint64_t)bytes <= h->options.max_buffer_bytes &&
      reload_cost((uint64_t)bytes, (uint64_t)lines) <= h->options.max_message_bytes) {
    host_buffer_reload(b);
  } else if (!b->too_large) {
    host_buffer_lose(b, true, (uint64_t)bytes);
  } else {
    b->size_seen = (uint64_t)bytes;
  }
}

static void ask_size(host_buffer *b) {
  host *h = b->h;
  b->sizing = true;
  b->lost_edits = false;
  uint32_t id = host_call_lua(h, size_lua, "whosaid_buffer_size", 1);
  msgpack_pack_int64(&h->writer.packer, b->handle);
  host_call_end(h, id, on_sized, (void *)(intptr_t)b->handle);
}

/* Analysis ******************************************************************/

static void keep_analysis(host_buffer *b, whosaid_doc *doc, char *text, size_t length,
                          uint64_t edits) {
  whosaid_doc_free(b->doc);
  ws_free(b->text);
  b->doc = doc;
  b->text = text;
  b->text_length = length;
  b->dirty = edits != b->edits;
  /* The anchors follow the words: a later save writes where they are now,
   * and the next analysis looks for them there first. */
  int status = whosaid_annotations_reanchor(b->annotations, doc, text, length);
  if (status != 0) {
    host_log(HOST_LOG_ERROR, "buffer %lld: annotations not moved: %s", (long long)b->handle,
             whosaid_strerror(status));
  }
}

int host_buffer_analyse_now(host_buffer *b) {
  /* Out of step, the last analysis still answers until the reload. */
  if (b->lost) return b->too_large || b->doc == NULL ? WHOSAID_ETOOBIG : 0;
  if (!b->dirty && b->doc != NULL) return 0;
  size_t length = 0;
  char *text = join_lines(b, &length);
  if (text == NULL) return WHOSAID_ENOMEM;
  whosaid_doc *doc = NULL;
  uint64_t start = uv_hrtime();
  int status = whosaid_analyze_annotated(b->h->model, text, length, b->annotations, &doc);
  if (status != 0) {
    ws_free(text);
    return status;
  }
  host_log(HOST_LOG_DEBUG, "buffer %lld: %zu bytes analysed in %.2f ms", (long long)b->handle,
           length, (double)(uv_hrtime() - start) / 1e6);
  keep_analysis(b, doc, text, length, b->edits);
  return 0;
}

int host_buffer_reanalyse(host_buffer *b) {
  b->edits++; /* an analysis running with the old set is stale */
  b->dirty = true;
  return host_buffer_analyse_now(b);
}

static size_t background_bytes(const host *h) {
  return h->options.background_bytes ? h->options.background_bytes : DEFAULT_BACKGROUND_BYTES;
}

bool host_buffer_in_background(const host_buffer *b) {
  return !b->lost && b->bytes > background_bytes(b->h);
}

void host_buffer_reanalyse_later(host_buffer *b) {
  b->edits++;
  b->dirty = true;
  host_buffer_schedule(b);
}

static void analyse_in_background(uv_work_t *work) {
  host_buffer *b = work->data;
  b->work_doc = NULL;
  b->work_status = whosaid_analyze_annotated(b->h->model, b->work_text, b->work_length,
                                             b->work_annotations, &b->work_doc);
}

static void after_background(uv_work_t *work, int status) {
  host_buffer *b = work->data;
  b->analysing = false;
  bool fresh = status == 0 && b->work_status == 0 && !b->closing &&
               b->work_edits == b->edits;
  if (fresh) {
    keep_analysis(b, b->work_doc, b->work_text, b->work_length, b->work_edits);
    host_marks_update(b);
  } else {
    whosaid_doc_free(b->work_doc);
    ws_free(b->work_text);
    if (b->work_status != 0) {
      host_log(HOST_LOG_ERROR, "analysis failed: %s", whosaid_strerror(b->work_status));
    }
  }
  whosaid_annotations_free(b->work_annotations);
  b->work_doc = NULL;
  b->work_text = NULL;
  b->work_annotations = NULL;
  if (b->closing) {
    if (timer_closed(b)) free_buffer(b);
  } else if (b->dirty) {
    host_buffer_schedule(b); /* edits came while it ran */
  }
}

static void on_debounce(uv_timer_t *timer) {
  host_buffer *b = timer->data;
  if (b->analysing || b->closing) return; /* a running one reschedules */
  if (b->lost) { /* edited meanwhile: does it fit now? */
    if (b->lost_edits && !b->sizing && !b->reloading) ask_size(b);
    return;
  }
  if (!b->dirty) { /* a request analysed the edit already: only highlight it */
    host_marks_update(b);
    return;
  }
  if (!host_buffer_in_background(b)) {
    int status = host_buffer_analyse_now(b);
    if (status != 0) host_log(HOST_LOG_ERROR, "analysis failed: %s", whosaid_strerror(status));
    else host_marks_update(b);
    return;
  }
  b->work_text = join_lines(b, &b->work_length);
  if (b->work_text == NULL ||
      whosaid_annotations_copy(b->annotations, &b->work_annotations) != 0) {
    ws_free(b->work_text);
    b->work_text = NULL;
    host_log(HOST_LOG_ERROR, "out of memory: buffer %lld not analysed", (long long)b->handle);
    return;
  }
  b->work_edits = b->edits;
  b->work.data = b;
  b->analysing = true;
  int status = uv_queue_work(b->h->loop, &b->work, analyse_in_background, after_background);
  if (status != 0) {
    b->analysing = false;
    ws_free(b->work_text);
    whosaid_annotations_free(b->work_annotations);
    b->work_text = NULL;
    b->work_annotations = NULL;
    host_log(HOST_LOG_ERROR, "cannot start an analysis: %s", uv_strerror(status));
  }
}

void host_buffer_schedule(host_buffer *b) {
  if (b->closing) return;
  unsigned delay = b->h->options.debounce_ms ? b->h->options.debounce_ms : DEFAULT_DEBOUNCE_MS;
  uv_timer_start(&b->debounce, on_debounce, delay, 0);
}
