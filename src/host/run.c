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

/* Decoder limits: a buffer of 64 MiB in one message is far more than an
 * article; anything larger is a broken or hostile peer. */
static const rpc_limits limits = {64u << 20, 64};

static void release(host *h) {
  for (size_t i = 0; i < h->calls.len; i++) {
    if (h->calls.items[i].reply != NULL) h->calls.items[i].reply(h, h->calls.items[i].context, NULL, NULL);
  }
  VEC_FREE(&h->calls);
  rpc_decoder_free(h->decoder);
  rpc_writer_destroy(&h->writer);
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
  h.namespace_id = -1;
  h.next_call_id = 1;
  rpc_writer_init(&h.writer);
  int status = uv_loop_init(&loop);
  if (status != 0) {
    host_log(HOST_LOG_ERROR, "cannot start the event loop: %s", uv_strerror(status));
    rpc_writer_destroy(&h.writer);
    host_log_close();
    return WHOSAID_EIO;
  }
  if (rpc_decoder_new(&limits, &h.decoder) != 0) {
    h.status = WHOSAID_ENOMEM;
  } else if (host_channel_start(&h) == 0) {
    host_log(HOST_LOG_INFO, "serving (whosaid %s)", whosaid_version_string());
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
