/*
 * host.h: the msgpack-RPC host that Neovim starts (`whosaid host`), or Vim
 * with its JSON channel (`whosaid host --vim`), the state its files share.
 *
 *   channel.c   stdin and stdout on libuv: reading, the write queue, calls
 *               to Neovim and their replies, and the dispatcher; the codec of
 *               the mode (src/rpc: msgpack, or Vim's JSON)
 *   methods.c   the requests Neovim sends (poll, attach, quotes, ...)
 *   annotations.c  the requests about a person's corrections (annotate,
 *               annotations, annotations_load, annotations_save, export)
 *   buffers.c   each attached buffer: its lines, its edits, its analysis
 *   marks.c     highlights: spans from an analysis, the diff against those
 *               placed, one batched update per analysis
 *   log.c       logging to stderr or $WHOSAID_LOG_FILE
 *   run.c       whosaid_host_run: the loop from start to a clean exit
 *
 * Everything runs on the loop's thread except the analysis of a large
 * buffer, which runs on libuv's thread pool on a copy of the text.
 */
#ifndef WHOSAID_HOST_H
#define WHOSAID_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "core/buffer.h"
#include "core/vec.h"
#include "rpc/rpc.h"
#include "rpc/rpc_json.h"
#include "whosaid.h"

typedef struct host host;
typedef struct host_buffer host_buffer;

/* Logging ********************************************************************/

enum { HOST_LOG_ERROR, HOST_LOG_WARN, HOST_LOG_INFO, HOST_LOG_DEBUG };

/* Open the log: $WHOSAID_LOG_FILE (appended) or stderr, at the level of
 * $WHOSAID_LOG_LEVEL (error, warn, info, debug; default warn). */
void host_log_open(void);
void host_log_close(void);
void host_log(int level, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Calls to Neovim ***************************************************************/

/* What to do with Neovim's reply to a call; ERROR is nil on success. Called
 * with both NULL when the host shuts down before the reply came. */
typedef void (*host_reply_fn)(host *h, void *context, const msgpack_object *error,
                              const msgpack_object *result);

typedef struct {
  uint32_t id;
  host_reply_fn reply;
  void *context;
} host_call;

/* One highlight the host placed (an extmark in Neovim). */
typedef struct {
  uint32_t id;
  uint32_t row, col, end_row, end_col; /* row UINT32_MAX: moved by an edit, unknown */
  uint8_t group;                       /* host_group */
  uint64_t text_hash;                  /* of its virtual text, 0 for none */
} host_mark;

typedef VEC(host_mark) host_mark_vec;

enum host_group {
  HOST_PERSON,
  HOST_ORGANIZATION,
  HOST_LOCATION,
  HOST_MISC,
  HOST_QUOTE,
  HOST_SPEAKER,
  HOST_ANNOTATION, /* virtual text: the speaker's name after a quote */
  HOST_CORRECTION, /* the same, for a speaker a person named */
  HOST_GROUPS
};

/* A response to send once the buffer's highlights are applied (analyze,
 * annotate, annotations_load): Neovim then has them when its rpcrequest()
 * returns. */
typedef struct {
  uint32_t request;
  char *message; /* the whole response, packed; NULL: answer true */
  size_t length;
} host_waiter;

/* Buffers ***********************************************************************/

typedef struct {
  char *data;
  size_t length;
} host_line;

struct host_buffer {
  host_buffer *next;
  host *h;
  int64_t handle;          /* Neovim's buffer number */
  VEC(host_line) lines;    /* the buffer as Neovim last told it */
  uint64_t edits;          /* edits applied so far: an analysis of fewer is stale */
  bool attached;           /* Neovim sends its edits */
  bool dirty;              /* the lines changed since the last analysis */
  whosaid_doc *doc;        /* the last analysis, of TEXT with ANNOTATIONS, or NULL */
  char *text;
  size_t text_length;
  whosaid_annotations *annotations; /* a person's corrections, applied by every analysis */
  char *load_error;        /* why the sidecar failed to load (saving it is refused), or NULL */
  char *sidecar;           /* the sidecar path last loaded or saved, or NULL */
  uv_timer_t debounce;     /* waits for a pause in the typing */
  bool analysing;          /* an analysis runs on the thread pool */
  uv_work_t work;
  char *work_text;
  size_t work_length;
  whosaid_annotations *work_annotations; /* a copy: the loop thread may edit the set */
  whosaid_doc *work_doc;
  int work_status;
  uint64_t work_edits;
  host_mark_vec placed;    /* the highlights Neovim has */
  uint32_t next_mark_id;
  void *update;            /* the update whose reply is awaited, or NULL (marks.c) */
  bool update_again;       /* a newer analysis waits for that reply */
  bool edited_in_update;   /* an edit came while the update was on its way */
  VEC(host_waiter) waiters; /* answered once highlights are applied */
  bool closing;            /* freed once its timer is closed and no work runs */
  /* Limits (buffers.c): a buffer over max_buffer_bytes is "lost": the host
   * keeps no copy of its lines, ignores its edits but for asking Neovim its
   * size after a pause, and reloads it whole once it fits. A buffer whose
   * edit did not fit the copy is lost too, until its reload comes. */
  size_t bytes;            /* of LINES, each line's length and its newline */
  bool lost;               /* no copy of its lines: too large, or out of step */
  bool too_large;          /* lost for its size: its highlights are cleared, the user told */
  uint64_t size_seen;      /* its size when last seen too large; 0: over the message limit */
  bool lost_edits;         /* edits came while it was lost */
  bool sizing;             /* Neovim was asked its size */
  bool reloading;          /* Neovim was asked its lines */
  bool marks_capped;       /* more highlights than max_marks: the user was told */
  bool long_lines_told;    /* lines over max_line_bytes were read as blanks: the user was told */
};

/* The state of the host ************************************************************/

struct host {
  uv_loop_t *loop;
  uv_pipe_t input, output;
  bool input_open, output_open;
  bool vim;            /* Vim's JSON channel (--vim), not msgpack-RPC */
  rpc_decoder *decoder; /* msgpack-RPC in, or NULL in Vim mode */
  rpc_json_decoder *json_decoder; /* Vim mode: JSON in */
  rpc_writer writer;   /* the message being built, msgpack even for Vim */
  ws_buffer json_out;  /* Vim mode: that message as JSON, being sent */
  const whosaid_model *model;
  whosaid_host_options options;
  uint32_t next_call_id;
  VEC(host_call) calls; /* calls to Neovim awaiting their reply */
  host_buffer *buffers;
  int64_t namespace_id; /* the "whosaid" extmark namespace, or -1 */
  bool stopping;
  int status;           /* what whosaid_host_run returns */
};

/* channel.c */
int host_channel_start(host *h);
void host_channel_stop(host *h);
/* Send the message built in h->writer (and reset it). */
void host_send(host *h);
/* Begin a call to Neovim's API: pack PARAMS objects after this, then
 * host_call_end. */
uint32_t host_call_begin(host *h, const char *method, size_t params);
void host_call_end(host *h, uint32_t id, host_reply_fn reply, void *context);
/* Begin a call of the Lua code LUA (nvim_exec_lua) with ARGS arguments,
 * which the caller packs next, then host_call_end. Vim runs no Lua: there
 * the host calls VIM_METHOD with the same arguments, which the Vim plugin
 * implements as the Lua does. */
uint32_t host_call_lua(host *h, const char *lua, const char *vim_method, size_t args);
/* The editor's name, for messages: "Vim" or "Neovim". */
const char *host_editor(const host *h);
/* Answer request ID with an error / begin a success (then pack the result
 * with h->writer.packer and host_send). */
void host_respond_error(host *h, uint32_t id, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void host_respond_begin(host *h, uint32_t id);
/* Show MESSAGE to the person in Neovim (vim.notify, as a warning, once the
 * call returns so that no prompt can block it). */
void host_tell_user(host *h, const char *message);
/* Whether a reply's ERROR says that Neovim's answer was over the message
 * limit, and skipped. */
bool host_reply_too_large(const msgpack_object *error);

/* methods.c: answer a request, or handle a notification. */
void host_handle_request(host *h, const rpc_message *message);
void host_handle_notification(host *h, const rpc_message *message);

/* methods.c: what the request handlers share. */
size_t host_argument_count(const rpc_message *m);
const msgpack_object *host_argument(const rpc_message *m, size_t i);
/* Check the argument count and that the first argument is an attached
 * buffer; answer with an error and return NULL otherwise. */
host_buffer *host_attached_buffer(host *h, const rpc_message *m, size_t least, size_t most);
/* Analyse the buffer now if it changed; false after an error answer. */
bool host_fresh_analysis(host *h, const rpc_message *m, host_buffer *b);
void host_pack_key(msgpack_packer *pk, const char *key);
void host_pack_bool(msgpack_packer *pk, bool value);
void host_pack_range(msgpack_packer *pk, const whosaid_range *range);
void host_pack_range_or_nil(msgpack_packer *pk, const whosaid_range *range);
void host_pack_string_or_nil(msgpack_packer *pk, const char *string);
/* The direct quotes in text order: from *NEXT on, the next one into *Q
 * (and *NEXT past it); false after the last. */
bool host_next_direct_quote(const whosaid_doc *doc, size_t *next, whosaid_quote *q);

/* annotations.c: the requests about annotations, and what quotes and
 * speaker_of say of them. */
void host_annotate(host *h, const rpc_message *m);
void host_annotations(host *h, const rpc_message *m);
void host_annotations_load(host *h, const rpc_message *m);
void host_annotations_save(host *h, const rpc_message *m);
void host_export(host *h, const rpc_message *m);
/* The innermost quoted span, direct or not, that contains OFFSET: the
 * span annotate(buf, [row, col], ...) changes. */
bool host_innermost_quote(const whosaid_doc *doc, uint32_t offset, whosaid_quote *out);
/* The annotation of the buffer's set that applies to quote Q; false when
 * none does. */
bool host_quote_annotation(const host_buffer *b, const whosaid_quote *q, whosaid_annotation *out);
/* Whether Q's speaker mention (the words at its cue) names its speaker:
 * not when a person named another one. */
bool host_quote_mentioned(const whosaid_quote *q);
/* "quote", "not_quote", or NULL for none. */
const char *host_verdict_name(whosaid_verdict verdict);

/* buffers.c */
host_buffer *host_buffer_find(host *h, int64_t handle);
int host_buffer_add(host *h, int64_t handle, host_buffer **out);
void host_buffer_close(host_buffer *buffer);
void host_buffer_close_all(host *h);
/* Apply nvim_buf_lines_event's edit; returns 0 or an error status. A lost
 * buffer ignores it; an edit that takes it over max_buffer_bytes loses it. */
int host_buffer_apply_lines(host_buffer *buffer, int64_t first, int64_t last,
                            const msgpack_object *lines);
/* Analyse now if the text changed since the last analysis; WHOSAID_ETOOBIG
 * for a lost buffer that has no analysis to give (host_buffer_unavailable
 * says why). */
int host_buffer_analyse_now(host_buffer *buffer);
/* Why a lost buffer has no analysis, as an error message. */
void host_buffer_unavailable(const host_buffer *buffer, char *out, size_t size);
/* Drop the copy of the lines: TOO_LARGE (SIZE bytes, 0 when unknown) clears
 * the highlights and tells the user once; else the copy is out of step. */
void host_buffer_lose(host_buffer *buffer, bool too_large, uint64_t size);
/* An edit did not fit the copy: drop it and ask Neovim for the lines. */
void host_buffer_reload(host_buffer *buffer);
/* Analyse now because the set of annotations changed. */
int host_buffer_reanalyse(host_buffer *buffer);
/* Whether BUFFER is large enough to be analysed on the thread pool. */
bool host_buffer_in_background(const host_buffer *buffer);
/* The same as host_buffer_reanalyse, for such a buffer: on the thread pool
 * after the debounce delay, not on the loop while Neovim waits. */
void host_buffer_reanalyse_later(host_buffer *buffer);
/* Analyse after the debounce delay (on the thread pool if large). */
void host_buffer_schedule(host_buffer *buffer);

/* marks.c: bring Neovim's highlights in line with the buffer's analysis. */
void host_marks_update(host_buffer *buffer);
/* Shift the placed marks for an edit of lines [FIRST, LAST) into COUNT lines. */
void host_marks_edit(host_buffer *buffer, uint32_t first, uint32_t last, uint32_t count);
/* The buffer goes: its update's reply, if one is awaited, will find nobody. */
void host_marks_forget(host_buffer *buffer);
/* Keep the response built in h->writer for request ID, to be sent once the
 * buffer's highlights are applied; answers with an error when out of memory.
 * Call host_marks_update next. */
void host_marks_answer_later(host_buffer *buffer, uint32_t id);

#endif
