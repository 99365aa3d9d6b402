/*
 * run.c: whosaid_host_run, the host from its start to a clean exit. The
 * loop runs until the input ends; then every handle is closed and every
 * analysis still running is waited for, so that uv_loop_close finds
 * nothing left (a leaked handle would show as its failure).
 */
#include <signal.h>
#include <string.h>

#include "core/alloc.h"
#include "host/host.h"

/* The limits' defaults (doc/host.md, "Limits", has the figures). A message
 * of 64 MiB is far more than an article; a larger one is skipped. A buffer
 * of 16 MiB (five times War and Peace) is highlighted about 0.9 s after its
 * lines come, the host at 260 MB; text with a token every two bytes takes
 * three times that memory. Neovim places 100,000 highlights in about 0.1 s. */
#define DEFAULT_MAX_MESSAGE ((size_t)64 << 20)
#define DEFAULT_MAX_BUFFER ((size_t)16 << 20)
#define DEFAULT_MAX_MARKS 100000
#define DEFAULT_MAX_LINE ((size_t)1 << 20)
#define MAX_DEPTH 64

static void default_limits(whosaid_host_options *options) {
  if (options->max_message_bytes == 0) options->max_message_bytes = DEFAULT_MAX_MESSAGE;
  if (options->max_buffer_bytes == 0) options->max_buffer_bytes = DEFAULT_MAX_BUFFER;
  if (options->max_marks == 0) options->max_marks = DEFAULT_MAX_MARKS;
  if (options->max_line_bytes == 0) options->max_line_bytes = DEFAULT_MAX_LINE;
}

static void release(host *h) {
  for (size_t i = 0; i < h->calls.len; i++) {
    if (h->calls.items[i].reply != NULL) h->calls.items[i].reply(h, h->calls.items[i].context, NULL, NULL);
  }
  VEC_FREE(&h->calls);
  rpc_decoder_free(h->decoder);
  rpc_json_decoder_free(h->json_decoder);
  rpc_writer_destroy(&h->writer);
  ws_buffer_destroy(&h->json_out);
}

/* The decoder of the host's mode; false when out of memory. */
static bool start_decoder(host *h, const rpc_limits *limits) {
  if (h->vim) return rpc_json_decoder_new(limits, &h->json_decoder) == 0; /* it always skips */
  if (rpc_decoder_new(limits, &h->decoder) != 0) return false;
  rpc_decoder_skip_oversized(h->decoder, true); /* the stream goes on after one */
  return true;
}

int whosaid_host_run(const whosaid_model *model, const whosaid_host_options *options) {
  if (options == NULL) return WHOSAID_EINVAL;
  /* A closed pipe must be an error to handle, not a signal that kills; so
   * must a file that would grow past the size limit (RLIMIT_FSIZE): the
   * write fails with EFBIG and the save says so, the old sidecar intact. */
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);
  host_log_open();
  uv_loop_t loop;
  host h;
  memset(&h, 0, sizeof(h));
  h.loop = &loop;
  h.model = model;
  h.options = *options;
  default_limits(&h.options);
  h.namespace_id = -1;
  h.vim = options->vim;
  h.next_call_id = 1;
  rpc_writer_init(&h.writer);
  int status = uv_loop_init(&loop);
  if (status != 0) {
    host_log(HOST_LOG_ERROR, "cannot start the event loop: %s", uv_strerror(status));
    rpc_writer_destroy(&h.writer);
    host_log_close();
    return WHOSAID_EIO;
  }
  rpc_limits limits = {h.options.max_message_bytes, MAX_DEPTH};
  if (!start_decoder(&h, &limits)) {
    h.status = WHOSAID_ENOMEM;
  } else {
    if (host_channel_start(&h) == 0) {
      host_log(HOST_LOG_INFO, "serving (whosaid %s)", whosaid_version_string());
    }
  }
  uv_run(&loop, UV_RUN_DEFAULT); /* until every handle is closed */
  host_channel_stop(&h);
  uv_run(&loop, UV_RUN_DEFAULT); /* the close callbacks */
  release(&h);
  status = uv_loop_close(&loop);
  if (status != 0) host_log(HOST_LOG_ERROR, "handles left open at exit: %s", uv_strerror(status));
  host_log(HOST_LOG_INFO, "exiting with status %d", h.status);
  host_log_close();
  return status != 0 && h.status == 0 ? WHOSAID_EIO : h.status;
}
