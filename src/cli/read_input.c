/*
 * read_input.c: reading a whole input file (or standard input) into memory,
 * byte for byte, and the check that an input looks like text at all.
 *
 * Files are read with open/read rather than stdio so that a directory is
 * recognised as such (fopen would happily open one) and so that the size of
 * a regular file is known before a single byte is read: a file over the
 * library's 4 GiB - 1 limit is refused without reading it.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* the build defines it too */
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/utf8_scan.h"

/* How much of an input the binary check looks at. */
#define BINARY_SAMPLE_SIZE (64 * 1024)

/* The first read buffer for inputs of unknown size (pipes, terminals). */
#define INITIAL_CAPACITY (64 * 1024)

static int fail_with_errno(int error_number, char *message, size_t message_size) {
  snprintf(message, message_size, "%s", strerror(error_number));
  return -1;
}

static int fail_too_large(uintmax_t size, char *message, size_t message_size) {
  if (size > 0) {
    snprintf(message, message_size, "%s; this file has %ju bytes",
             whosaid_strerror(WHOSAID_ETOOBIG), size);
  } else {
    snprintf(message, message_size, "%s", whosaid_strerror(WHOSAID_ETOOBIG));
  }
  return -1;
}

/* Make room for more bytes after LENGTH, keeping one byte for a NUL. The
 * capacity is capped just past the limit: reading one byte more than the
 * limit is how an input of unknown size is found to be too large. */
static int grow(cli_input *input, size_t *capacity) {
  const size_t cap_limit = CLI_INPUT_MAX_LENGTH + 2;
  size_t new_capacity = *capacity * 2;
  if (new_capacity > cap_limit) new_capacity = cap_limit;
  char *bytes = realloc(input->bytes, new_capacity);
  if (bytes == NULL) return -1;
  input->bytes = bytes;
  *capacity = new_capacity;
  return 0;
}

static int read_all(int descriptor, size_t capacity, cli_input *input, char *message,
                    size_t message_size) {
  input->bytes = malloc(capacity);
  if (input->bytes == NULL) return fail_with_errno(ENOMEM, message, message_size);
  for (;;) {
    if (input->length + 1 >= capacity && grow(input, &capacity) != 0) {
      return fail_with_errno(ENOMEM, message, message_size);
    }
    ssize_t got = read(descriptor, input->bytes + input->length, capacity - 1 - input->length);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail_with_errno(errno, message, message_size);
    }
    input->length += (size_t)got;
    if (input->length > CLI_INPUT_MAX_LENGTH) return fail_too_large(0, message, message_size);
  }
  input->bytes[input->length] = '\0';
  return 0;
}

static int read_descriptor(int descriptor, cli_input *input, char *message, size_t message_size) {
  struct stat info;
  if (fstat(descriptor, &info) != 0) return fail_with_errno(errno, message, message_size);
  if (S_ISDIR(info.st_mode)) return fail_with_errno(EISDIR, message, message_size);
  size_t capacity = INITIAL_CAPACITY;
  if (S_ISREG(info.st_mode)) {
    if ((uintmax_t)info.st_size > CLI_INPUT_MAX_LENGTH) {
      return fail_too_large((uintmax_t)info.st_size, message, message_size);
    }
    /* Room for the whole file, its NUL, and the read that finds the end. */
    capacity = (size_t)info.st_size + 2;
  }
  return read_all(descriptor, capacity, input, message, message_size);
}

int cli_input_read(const char *path, cli_input *input, char *message, size_t message_size) {
  input->bytes = NULL;
  input->length = 0;
  bool is_stdin = strcmp(path, "-") == 0;
  int descriptor = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return fail_with_errno(errno, message, message_size);
  int status = read_descriptor(descriptor, input, message, message_size);
  if (!is_stdin) close(descriptor);
  if (status != 0) cli_input_free(input);
  return status;
}

void cli_input_free(cli_input *input) {
  free(input->bytes);
  input->bytes = NULL;
  input->length = 0;
}

/* C0 control characters that plain text does not contain; tab, line feed,
 * carriage return and form feed (a page break in old texts) are fine. */
static bool is_unexpected_control(unsigned char byte) {
  return byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f';
}

/* Count, in the first SAMPLE bytes, NUL bytes and the bytes that are neither
 * valid UTF-8 nor expected control characters. A sequence cut by the end of
 * the sample is judged with the bytes that follow it. */
static void count_suspicious(const unsigned char *bytes, size_t length, size_t sample,
                             size_t *nul_count, size_t *suspicious_count) {
  size_t index = 0;
  while (index < sample) {
    unsigned char byte = bytes[index];
    if (byte < 0x80) {
      if (byte == 0) (*nul_count)++;
      if (is_unexpected_control(byte)) (*suspicious_count)++;
      index++;
      continue;
    }
    size_t invalid_length = 0;
    size_t valid_length = utf8_scan_sequence(bytes + index, length - index, &invalid_length);
    if (valid_length == 0) {
      *suspicious_count += invalid_length;
      index += invalid_length;
    } else {
      index += valid_length;
    }
  }
}

const char *cli_input_binary_reason(const char *bytes, size_t length) {
  const unsigned char *text = (const unsigned char *)bytes;
  if (length >= 2 &&
      ((text[0] == 0xFF && text[1] == 0xFE) || (text[0] == 0xFE && text[1] == 0xFF))) {
    return "UTF-16 text; convert it to UTF-8 first";
  }
  size_t sample = length < BINARY_SAMPLE_SIZE ? length : BINARY_SAMPLE_SIZE;
  size_t nul_count = 0, suspicious_count = 0;
  count_suspicious(text, length, sample, &nul_count, &suspicious_count);
  /* A stray NUL or a few bad bytes happen in real news text and must not
   * stop the analysis; only a real proportion of them means binary data. */
  if (nul_count * 100 > sample) return "NUL bytes";
  if (suspicious_count * 10 > sample)
    return "not text: control characters or bytes that are not UTF-8";
  return NULL;
}
