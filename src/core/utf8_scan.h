/*
 * utf8_scan.h: UTF-8 validation by maximal subparts, for whatever writes
 * text out: the library's exports (JSON, CSV, Markdown) and the whosaid
 * program (its text report and its binary-file check). Neither trusts its
 * input to be UTF-8: offsets must not shift, and invalid UTF-8 must never be
 * printed.
 *
 * The functions are static inline, in this header alone, because the
 * program sees only the library's public symbols: this way both use one copy
 * of the source.
 */
#ifndef WHOSAID_CORE_UTF8_SCAN_H
#define WHOSAID_CORE_UTF8_SCAN_H

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
static inline size_t utf8_scan_sequence(const unsigned char *bytes, size_t length,
                                        size_t *invalid_length) {
  unsigned char lead = bytes[0];
  if (lead < 0x80) return 1;
  size_t needed;
  unsigned char low = 0x80, high = 0xBF; /* the allowed range of the second byte */
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    if (lead == 0xE0) low = 0xA0;  /* no overlong forms */
    if (lead == 0xED) high = 0x9F; /* no surrogates */
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    if (lead == 0xF0) low = 0x90;  /* no overlong forms */
    if (lead == 0xF4) high = 0x8F; /* nothing past U+10FFFF */
  } else {
    *invalid_length = 1; /* a stray continuation byte, C0, C1 or F5..FF */
    return 0;
  }
  for (size_t index = 1; index <= needed; index++) {
    if (index >= length || bytes[index] < low || bytes[index] > high) {
      *invalid_length = index;
      return 0;
    }
    low = 0x80;
    high = 0xBF;
  }
  return needed + 1;
}

/* Whether BYTE continues a multi-byte sequence (10xxxxxx). */
static inline bool utf8_scan_is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

#endif
