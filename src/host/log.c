/*
 * log.c: the host's log. stdout carries msgpack-RPC only, so messages go to
 * stderr (Neovim shows a job's stderr to the plugin) or, with
 * $WHOSAID_LOG_FILE, to that file; $WHOSAID_LOG_LEVEL sets how much.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/host.h"

static FILE *log_stream;
static int log_level = HOST_LOG_WARN;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void host_log_open(void) {
  const char *level = getenv("WHOSAID_LOG_LEVEL");
  for (int i = 0; level != NULL && i < 4; i++) {
    if (strcmp(level, level_names[i]) == 0) log_level = i;
  }
  const char *path = getenv("WHOSAID_LOG_FILE");
  log_stream = path != NULL && *path != '\0' ? fopen(path, "a") : NULL;
  if (log_stream == NULL) log_stream = stderr;
}

void host_log_close(void) {
  if (log_stream != NULL && log_stream != stderr) fclose(log_stream);
  log_stream = NULL;
}

void host_log(int level, const char *format, ...) {
  if (level > log_level) return;
  FILE *stream = log_stream != NULL ? log_stream : stderr;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  fprintf(stream, "whosaid host %ld.%03ld %s: ", (long)now.tv_sec, now.tv_nsec / 1000000,
          level_names[level]);
  va_list args;
  va_start(args, format);
  vfprintf(stream, format, args);
  va_end(args);
  fputc('\n', stream);
  fflush(stream);
}
