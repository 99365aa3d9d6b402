/*
 * file.h: reading a small data file whole (model lists, cue lists).
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

#endif
