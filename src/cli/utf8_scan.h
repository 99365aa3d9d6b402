/*
 * utf8_scan.h: UTF-8 validation for the whosaid program, shared by the JSON
 * writer, the text report and the binary-file check. The program never trusts
 * its input to be UTF-8: it must not shift offsets (the library does not) and
 * must never print invalid UTF-8 itself.
 */
#ifndef WHOSAID_CLI_UTF8_SCAN_H
#define WHOSAID_CLI_UTF8_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The length (1 to 4) of the valid UTF-8 sequence at the start of BYTES, of
 * which LENGTH (> 0) bytes are available; 0 when it is invalid. Then
 * *INVALID_LENGTH is the length of the maximal invalid subsequence there: a
 * lead byte and the continuation bytes that could still have completed it,
 * the unit that Unicode (and Python's errors='replace') turn into one U+FFFD.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid.
 */
size_t utf8_scan_sequence(const unsigned char *bytes, size_t length, size_t *invalid_length);

/* Whether BYTE continues a multi-byte sequence (10xxxxxx). */
static inline bool utf8_scan_is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

#endif
