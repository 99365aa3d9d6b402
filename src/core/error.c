/*
 * error.c: ws_fail, the one way errors get their message.
 */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

int ws_fail(whosaid_error *err, int status, const char *format, ...) {
  if (err != NULL) {
    va_list args;
    va_start(args, format);
    err->status = status;
    vsnprintf(err->message, sizeof(err->message), format, args);
    va_end(args);
  }
  return status;
}
