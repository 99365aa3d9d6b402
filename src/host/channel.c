/*
 * channel.c: the host's two pipes. Bytes from Neovim go through the
 * decoder to the dispatcher; messages to Neovim go through a write queue
 * (uv_write copies nothing, so each message keeps its own bytes until
 * written). The loop never blocks: a call to Neovim returns at once and its
 * reply arrives later as a response, while other messages keep coming.
 *
 * With --vim the peer is Vim's JSON channel: the JSON decoder gives the
 * dispatcher the same messages, and each message the host builds (in
 * msgpack, as for Neovim) is turned into Vim's JSON as it is sent. Vim
 * runs the host's calls while it waits for an answer in ch_evalexpr(), as
 * Neovim does in rpcrequest(), so the rules below hold for both.
 *
 * The rules Neovim imposes on a host (verified with Neovim 0.7.2):
 *
 * 1. Keep reading while a call to Neovim is pending. While Vimscript waits
 *    in rpcrequest() for the host, Neovim serves only this channel; if the
 *    host, to answer, calls Neovim (nvim_buf_attach, nvim_exec_lua) and
 *    Neovim, to run that call, sends the host another request, a host that
 *    queued it until its own reply came would deadlock. Here every message
 *    is dispatched as it arrives.
 * 2. Answer nested requests innermost first. Neovim 0.7 closes the channel
 *    on a response whose id is not the innermost pending one. The handlers
 *    answer at once, except attach and analyze, which answer when their own
 *    call returns; a request that arrives meanwhile is answered before them
 *    because it is answered as soon as it arrives.
 * 3. Never call nvim_get_mode (or anything that waits for input) while
 *    handling a request: it blocks Neovim until a key is pressed. The host
 *    calls only nvim_create_namespace, nvim_buf_attach, nvim_buf_detach,
 *    nvim_buf_clear_namespace, nvim_buf_get_lines and nvim_exec_lua.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8_scan.h"
#include "host/host.h"

/* Writing *******************************************************************/

typedef struct {
  uv_write_t request;
  host *h;
  char data[];
} write_request;

static void on_written(uv_write_t *request, int status) {
  write_request *write = (write_request *)request;
  if (status < 0 && status != UV_ECANCELED) {
    host_log(HOST_LOG_ERROR, "writing to %s failed: %s", host_editor(write->h),
             uv_strerror(status));
    write->h->status = WHOSAID_EIO;
    host_channel_stop(write->h);
  }
  ws_free(write);
}

/* The message in h->writer as Vim's JSON, in h->json_out; false (and
 * logged) when it cannot be. */
static bool encode_for_vim(host *h) {
  h->json_out.length = 0;
  h->json_out.failed = false;
  whosaid_error err = {0, ""};
  int status = rpc_json_encode(h->writer.buffer.data, h->writer.buffer.size,
                               RPC_JSON_VIM_FUNCTION, &h->json_out, &err);
  if (status != 0) {
    host_log(HOST_LOG_ERROR, "a message of %zu bytes was not sent: %s", h->writer.buffer.size,
             err.message);
  }
  return status == 0;
}

/* Keep no buffer a large message left behind. */
static void release_json_out(host *h) {
  if (h->json_out.capacity > ((size_t)1 << 20)) ws_buffer_destroy(&h->json_out);
}

void host_send(host *h) {
  if (h->vim && h->output_open && h->writer.buffer.size > 0 && !encode_for_vim(h)) {
    rpc_writer_reset(&h->writer);
    return;
  }
  const char *data = h->vim ? h->json_out.data : h->writer.buffer.data;
  size_t size = h->vim ? h->json_out.length : h->writer.buffer.size;
  if (!h->output_open || size == 0) {
    rpc_writer_reset(&h->writer);
    return;
  }
  write_request *write = ws_malloc(sizeof(*write) + size);
  if (write == NULL) {
    host_log(HOST_LOG_ERROR, "out of memory: a message of %zu bytes was not sent", size);
    rpc_writer_reset(&h->writer);
    return;
  }
  write->h = h;
  memcpy(write->data, data, size);
  rpc_writer_reset(&h->writer);
  if (h->vim) release_json_out(h);
  uv_buf_t buffer = uv_buf_init(write->data, (unsigned)size);
  int status = uv_write(&write->request, (uv_stream_t *)&h->output, &buffer, 1, on_written);
  if (status < 0) {
    host_log(HOST_LOG_ERROR, "writing to %s failed: %s", host_editor(h), uv_strerror(status));
    ws_free(write);
    h->status = WHOSAID_EIO;
    host_channel_stop(h);
  }
}

const char *host_editor(const host *h) { return h->vim ? "Vim" : "Neovim"; }

void host_respond_begin(host *h, uint32_t id) {
  rpc_write_response(&h->writer, id);
  msgpack_pack_nil(&h->writer.packer); /* no error */
}

/* Make MESSAGE valid UTF-8, each invalid sequence a '?': it may quote what
 * the peer sent (a method name of any bytes), or be cut inside a character. */
static void make_utf8(char *message) {
  unsigned char *bytes = (unsigned char *)message;
  size_t length = strlen(message);
  for (size_t i = 0; i < length;) {
    size_t invalid = 0, valid = utf8_scan_sequence(bytes + i, length - i, &invalid);
    if (valid > 0) {
      i += valid;
      continue;
    }
    bytes[i] = '?';
    memmove(bytes + i + 1, bytes + i + invalid, length - i - invalid + 1);
    length -= invalid - 1;
    i++;
  }
}

void host_respond_error(host *h, uint32_t id, const char *format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  make_utf8(message);
  host_log(HOST_LOG_INFO, "request %u refused: %s", id, message);
  rpc_write_error(&h->writer, id, message);
  host_send(h);
}

/* Calls to Neovim ****************************************************************/

uint32_t host_call_begin(host *h, const char *method, size_t params) {
  uint32_t id = h->next_call_id++;
  rpc_write_request(&h->writer, id, method, params);
  return id;
}

uint32_t host_call_lua(host *h, const char *lua, const char *vim_method, size_t args) {
  if (h->vim) return host_call_begin(h, vim_method, args);
  uint32_t id = host_call_begin(h, "nvim_exec_lua", 2);
  rpc_pack_cstring(&h->writer.packer, lua);
  msgpack_pack_array(&h->writer.packer, args);
  return id;
}

void host_call_end(host *h, uint32_t id, host_reply_fn reply, void *context) {
  host_call call = {id, reply, context};
  if (VEC_PUSH(&h->calls, call) != 0) {
    host_log(HOST_LOG_ERROR, "out of memory: call %u not sent", id);
    rpc_writer_reset(&h->writer);
    if (reply != NULL) reply(h, context, NULL, NULL);
    return;
  }
  host_send(h);
}

static void handle_response(host *h, const rpc_message *message) {
  for (size_t i = 0; i < h->calls.len; i++) {
    if (h->calls.items[i].id != message->id) continue;
    host_call call = h->calls.items[i];
    h->calls.items[i] = h->calls.items[--h->calls.len];
    if (message->error.type != MSGPACK_OBJECT_NIL) {
      host_log(HOST_LOG_WARN, "%s refused call %u", host_editor(h), message->id);
    }
    if (call.reply != NULL) call.reply(h, call.context, &message->error, &message->result);
    return;
  }
  host_log(HOST_LOG_WARN, "a response to no call of ours (id %u): ignored", message->id);
}

/* Telling the user *****************************************************************/

/* vim.schedule: the message is shown after the call returns, so that a
 * hit-enter prompt (a message wider than the screen) waits on no RPC. */
static const char tell_lua[] =
    "local message = ...\n"
    "vim.schedule(function() vim.notify(message, vim.log.levels.WARN) end)\n";

void host_tell_user(host *h, const char *message) {
  host_log(HOST_LOG_WARN, "told the user: %s", message);
  uint32_t id = host_call_lua(h, tell_lua, "whosaid_notify", 1);
  rpc_pack_cstring(&h->writer.packer, message);
  host_call_end(h, id, NULL, NULL);
}

/* Messages over the limit *********************************************************/

/* The error a call gets when Neovim's answer was skipped for its size. */
static const char too_large_text[] = "the answer was over the message limit (--max-message)";
static const msgpack_object too_large_error = {
    MSGPACK_OBJECT_STR, {.str = {sizeof(too_large_text) - 1, too_large_text}}};
static const msgpack_object nil_object = {MSGPACK_OBJECT_NIL, {.u64 = 0}};

bool host_reply_too_large(const msgpack_object *error) { return error == &too_large_error; }

/* The decoder skipped a message over the limit (REASON says so): answer a
 * request with an error, a call with one, and lose the buffer whose lines
 * event it was, since its copy no longer matches. */
static void handle_oversized(host *h, const rpc_oversized *o, const char *reason) {
  int method_length = (int)(o->method != NULL ? o->method_length : 1);
  const char *method = o->method != NULL ? o->method : "?";
  host_log(HOST_LOG_WARN, "%s %s%.*s%s: %s",
           o->kind == RPC_REQUEST ? "request" : o->kind == RPC_RESPONSE ? "response"
           : o->kind == RPC_NOTIFICATION ? "notification" : "message",
           o->method != NULL ? "'" : "", o->method != NULL ? method_length : 0, method,
           o->method != NULL ? "'" : "", reason);
  if (o->kind == RPC_REQUEST && o->has_id) {
    host_respond_error(h, o->id, "%s (whosaid host --max-message)", reason);
  } else if (o->kind == RPC_RESPONSE && o->has_id) {
    for (size_t i = 0; i < h->calls.len; i++) {
      if (h->calls.items[i].id != o->id) continue;
      host_call call = h->calls.items[i];
      h->calls.items[i] = h->calls.items[--h->calls.len];
      if (call.reply != NULL) call.reply(h, call.context, &too_large_error, &nil_object);
      break;
    }
  } else if (o->kind == RPC_NOTIFICATION && o->method != NULL &&
             o->method_length == strlen("nvim_buf_lines_event") &&
             memcmp(o->method, "nvim_buf_lines_event", o->method_length) == 0) {
    /* Its buffer, or when the handle is unknown every buffer: they reload
     * once they fit. */
    for (host_buffer *b = h->buffers, *next; b != NULL; b = next) {
      next = b->next;
      if (!o->has_handle || b->handle == o->handle) host_buffer_lose(b, true, 0);
    }
  }
}

/* Reading ******************************************************************/

static void dispatch(host *h, const rpc_message *message) {
  switch (message->kind) {
    case RPC_REQUEST: host_handle_request(h, message); break;
    case RPC_NOTIFICATION: host_handle_notification(h, message); break;
    case RPC_RESPONSE: handle_response(h, message); break;
  }
}

/* The decoder of the host's mode: msgpack-RPC, or Vim's JSON. */
static int decoder_feed(host *h, const char *data, size_t length) {
  if (h->vim) return rpc_json_decoder_feed(h->json_decoder, data, length);
  return rpc_decoder_feed(h->decoder, data, length);
}

static int decoder_next(host *h, rpc_message *message, uint32_t *id, whosaid_error *err) {
  if (h->vim) return rpc_json_decoder_next(h->json_decoder, message, id, err);
  return rpc_decoder_next(h->decoder, message, id, err);
}

static const rpc_oversized *decoder_oversized(const host *h) {
  if (h->vim) return rpc_json_decoder_oversized(h->json_decoder);
  return rpc_decoder_oversized(h->decoder);
}

/* Decode and dispatch every whole message the decoder holds. */
static void drain(host *h) {
  while (!h->stopping) {
    rpc_message message;
    uint32_t id = UINT32_MAX;
    whosaid_error err = {0, ""};
    int status = decoder_next(h, &message, &id, &err);
    if (status == 0) return;
    if (status == 1) {
      dispatch(h, &message);
    } else if (status == WHOSAID_ETOOBIG && decoder_oversized(h) != NULL) {
      handle_oversized(h, decoder_oversized(h), err.message);
    } else if (status == WHOSAID_EINVAL) { /* a bad message, but the stream goes on */
      host_log(HOST_LOG_WARN, "malformed message: %s", err.message);
      if (id != UINT32_MAX) host_respond_error(h, id, "malformed request: %s", err.message);
    } else {
      host_log(HOST_LOG_ERROR, "the input is not %s, closing: %s",
               h->vim ? "Vim's JSON channel" : "msgpack-RPC",
               err.message[0] ? err.message : whosaid_strerror(status));
      h->status = status;
      host_channel_stop(h);
      return;
    }
  }
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buffer) {
  (void)handle;
  buffer->base = ws_malloc(suggested);
  buffer->len = buffer->base != NULL ? suggested : 0;
}

static void on_read(uv_stream_t *stream, ssize_t length, const uv_buf_t *buffer) {
  host *h = stream->data;
  if (length > 0) {
    int status = decoder_feed(h, buffer->base, (size_t)length);
    if (status != 0) {
      host_log(HOST_LOG_ERROR, "input refused, closing: %s", whosaid_strerror(status));
      h->status = status == WHOSAID_ENOMEM ? status : WHOSAID_EFORMAT;
      host_channel_stop(h);
    } else {
      drain(h);
    }
  } else if (length == UV_EOF) {
    host_log(HOST_LOG_INFO, "the input ended: exiting");
    host_channel_stop(h);
  } else if (length < 0) {
    host_log(HOST_LOG_ERROR, "reading from %s failed: %s", host_editor(h),
             uv_strerror((int)length));
    h->status = WHOSAID_EIO;
    host_channel_stop(h);
  }
  ws_free(buffer->base);
}

/* Start and stop ******************************************************************/

/* Whether FD can be watched by the loop: a pipe or a socket, as an editor's
 * job gives; a regular file or /dev/null cannot (epoll refuses them). */
static bool is_stream(int fd) {
  uv_handle_type type = uv_guess_handle(fd);
  return type == UV_NAMED_PIPE || type == UV_TCP || type == UV_TTY;
}

int host_channel_start(host *h) {
  if (!is_stream(h->options.input_fd) || !is_stream(h->options.output_fd)) {
    host_log(HOST_LOG_ERROR, "standard input and output must be pipes: the editor starts the "
                             "host (jobstart([prog, 'host'], {'rpc': v:true}), or in Vim "
                             "job_start([prog, 'host', '--vim'], {'mode': 'json'}))");
    h->status = WHOSAID_EINVAL;
    h->stopping = true;
    return WHOSAID_EINVAL;
  }
  /* A handle is closed once initialised, whatever happens next. */
  int status = uv_pipe_init(h->loop, &h->input, 0);
  h->input_open = status == 0;
  if (status == 0) status = uv_pipe_open(&h->input, h->options.input_fd);
  if (status == 0) status = uv_pipe_init(h->loop, &h->output, 0);
  h->output_open = h->input_open && status == 0;
  if (status == 0) status = uv_pipe_open(&h->output, h->options.output_fd);
  h->input.data = h->output.data = h;
  if (status == 0) status = uv_read_start((uv_stream_t *)&h->input, on_alloc, on_read);
  if (status != 0) {
    host_log(HOST_LOG_ERROR, "cannot use the standard input and output: %s", uv_strerror(status));
    h->status = WHOSAID_EIO;
    host_channel_stop(h);
    return WHOSAID_EIO;
  }
  return 0;
}

void host_channel_stop(host *h) {
  if (h->stopping) return;
  h->stopping = true;
  if (h->input_open) uv_close((uv_handle_t *)&h->input, NULL);
  if (h->output_open) uv_close((uv_handle_t *)&h->output, NULL);
  h->input_open = h->output_open = false;
  /* Calls still waiting for Neovim get their answer: none. */
  while (h->calls.len > 0) {
    host_call call = h->calls.items[--h->calls.len];
    if (call.reply != NULL) call.reply(h, call.context, NULL, NULL);
  }
  host_buffer_close_all(h);
}
