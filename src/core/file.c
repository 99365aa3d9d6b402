/*
 * file.c: ws_read_file, the one way the library reads its data files.
 */
#include "core/file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/error.h"

static int system_error(whosaid_error *err, const char *path) {
  int status = errno == ENOENT || errno == ENOTDIR ? WHOSAID_ENOENT : WHOSAID_EIO;
  return ws_fail(err, status, "%s: %s", path, strerror(errno));
}

static int read_open_file(FILE *file, const char *path, size_t limit, char **data,
                          size_t *length, whosaid_error *err) {
  struct stat info;
  if (fstat(fileno(file), &info) != 0) return system_error(err, path);
  if (!S_ISREG(info.st_mode)) return ws_fail(err, WHOSAID_EIO, "%s: not a regular file", path);
  if ((uintmax_t)info.st_size > limit) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: larger than %zu bytes", path, limit);
  }
  char *bytes = ws_malloc((size_t)info.st_size + 1);
  if (bytes == NULL) return WHOSAID_ENOMEM;
  size_t n = fread(bytes, 1, (size_t)info.st_size, file);
  if (n != (size_t)info.st_size) {
    ws_free(bytes);
    return ws_fail(err, WHOSAID_EIO, "%s: read error", path);
  }
  bytes[n] = '\0';
  *data = bytes;
  *length = n;
  return 0;
}

int ws_read_file(const char *path, size_t limit, char **data, size_t *length,
                 whosaid_error *err) {
  *data = NULL;
  *length = 0;
  FILE *file = fopen(path, "rb");
  if (file == NULL) return system_error(err, path);
  int status = read_open_file(file, path, limit, data, length, err);
  fclose(file);
  return status;
}
