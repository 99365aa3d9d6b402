/*
 * error.h: filling a whosaid_error, for the functions that can say more
 * than a status (which file, which line, which system error).
 */
#ifndef WHOSAID_CORE_ERROR_H
#define WHOSAID_CORE_ERROR_H

#include "whosaid.h"

/* Set ERR (which may be NULL) to STATUS and the formatted message; returns
 * STATUS, so that callers can write "return ws_fail(err, ...)". */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int ws_fail(whosaid_error *err, int status, const char *format, ...);

#endif
