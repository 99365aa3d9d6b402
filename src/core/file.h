/*
 * file.h: reading a small data file whole (model lists, cue lists, sidecars), and
 * replacing a file atomically.
 */
#ifndef WHOSAID_CORE_FILE_H
#define WHOSAID_CORE_FILE_H

#include <stddef.h>

#include "whosaid.h"

/*
 * Read the regular file PATH whole into *DATA (LENGTH bytes and a NUL after
 * them; free it with ws_free). A missing file is WHOSAID_ENOENT, one over
 * LIMIT bytes WHOSAID_EMODEL, any other failure WHOSAID_EIO; ERR says which
 * file and why.
 */
int ws_read_file(const char *path, size_t limit, char **data, size_t *length,
                 whosaid_error *err);

/* Writes the contents of a file to FD; returns 0 or an errno value. */
typedef int ws_file_filler(int fd, const void *context);

/*
 * Replace PATH atomically: FILL writes a temporary file in the same
 * directory, which is flushed to disk (fsync) and renamed over PATH, so
 * that a crash, a full disk or a killed process leaves PATH either as it
 * was or whole. The new file keeps the mode of the one it replaces (0644
 * for a new one). On failure the temporary file is removed, PATH is
 * untouched and ERR names PATH and the system error.
 */
int ws_write_atomic(const char *path, ws_file_filler *fill, const void *context,
                    whosaid_error *err);

/* Write all LENGTH bytes at DATA to FD, going on after short writes and
 * interruptions; 0 or an errno value. */
int ws_write_all(int fd, const void *data, size_t length);

#endif
