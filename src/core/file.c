/*
 * file.c: ws_read_file, the one way the library reads its data files, and
 * ws_write_atomic, the one way it replaces one.
 */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h> /* mkstemp */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Writing *****************************************************************/

int ws_write_all(int fd, const void *data, size_t length) {
  const char *bytes = data;
  while (length > 0) {
    ssize_t n = write(fd, bytes, length);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    bytes += n;
    length -= (size_t)n;
  }
  return 0;
}

/* "PATH.tmp.XXXXXX", for mkstemp(); NULL when out of memory. The temporary
 * file must be in PATH's directory: rename() is atomic only within one file
 * system. */
static char *temporary_name(const char *path) {
  static const char suffix[] = ".tmp.XXXXXX";
  size_t length = strlen(path);
  if (length > SIZE_MAX - sizeof(suffix)) return NULL;
  char *name = ws_malloc(length + sizeof(suffix));
  if (name == NULL) return NULL;
  memcpy(name, path, length);
  memcpy(name + length, suffix, sizeof(suffix));
  return name;
}

/* The mode for the new file: the old file's, else 0644. mkstemp() creates
 * files readable by their owner only, which would silently change who can
 * read a file each time it is rewritten. */
static mode_t mode_for(const char *path) {
  struct stat info;
  if (stat(path, &info) == 0 && S_ISREG(info.st_mode)) return info.st_mode & 07777;
  return S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH;
}

/* Fill, flush and close the temporary file FD; 0 or an errno. FD is closed
 * either way. */
static int finish_file(int fd, mode_t mode, ws_file_filler *fill, const void *context) {
  int error_number = fill(fd, context);
  if (error_number == 0 && fchmod(fd, mode) != 0) error_number = errno;
  if (error_number == 0 && fsync(fd) != 0) error_number = errno;
  /* close() can report a delayed write error (NFS), so it counts too. */
  if (close(fd) != 0 && error_number == 0) error_number = errno;
  return error_number;
}

/* Make the rename itself durable; a failure here is not reported, as the
 * file is already complete under its name. TEMPORARY, no longer needed,
 * is cut down to its directory. */
static void sync_directory_of(char *temporary) {
  char *slash = strrchr(temporary, '/');
  const char *directory = ".";
  if (slash == temporary) directory = "/";
  if (slash != NULL && slash != temporary) {
    *slash = '\0';
    directory = temporary;
  }
  int fd = open(directory, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

int ws_write_atomic(const char *path, ws_file_filler *fill, const void *context,
                    whosaid_error *err) {
  if (path == NULL || fill == NULL) return ws_fail(err, WHOSAID_EINVAL, "no file name");
  char *temporary = temporary_name(path);
  if (temporary == NULL) return ws_fail(err, WHOSAID_ENOMEM, "%s: out of memory", path);
  mode_t mode = mode_for(path);
  int fd = mkstemp(temporary);
  int error_number = fd < 0 ? errno : finish_file(fd, mode, fill, context);
  if (error_number == 0 && rename(temporary, path) != 0) error_number = errno;
  if (error_number != 0 && fd >= 0) unlink(temporary);
  if (error_number == 0) sync_directory_of(temporary);
  ws_free(temporary);
  if (error_number == 0) return 0;
  int status = error_number == ENOMEM ? WHOSAID_ENOMEM : WHOSAID_EIO;
  if (error_number == ENOENT || error_number == ENOTDIR) status = WHOSAID_ENOENT;
  return ws_fail(err, status, "%s: cannot write it: %s (the previous file is unchanged)", path,
                 strerror(error_number));
}

typedef struct {
  const char *data;
  size_t length;
} byte_span;

static int write_span(int fd, const void *context) {
  const byte_span *span = context;
  return ws_write_all(fd, span->data, span->length);
}

int whosaid_write_file(const char *path, const char *data, size_t length, whosaid_error *err) {
  if (data == NULL && length > 0) return ws_fail(err, WHOSAID_EINVAL, "no data to write");
  byte_span span = {data, length};
  return ws_write_atomic(path, write_span, &span, err);
}
