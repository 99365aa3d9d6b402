/*
 * utf8_scan.c: UTF-8 validation by maximal subparts (see utf8_scan.h).
 */
#include "cli/utf8_scan.h"

size_t utf8_scan_sequence(const unsigned char *bytes, size_t length, size_t *invalid_length) {
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
