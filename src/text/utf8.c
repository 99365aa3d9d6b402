/*
 * utf8.c: UTF-8 decoding (forwards and backwards) and the character classes
 * the text layer uses, all on top of utf8proc.
 *
 * Every function keeps an ASCII fast path, since news text is mostly ASCII
 * and the whole analysis has to run at several megabytes a second; anything
 * above U+007F is left to utf8proc's tables.
 */
#include <utf8proc.h>

#include "text/text.h"

/* The category of CP; an invalid byte (-1) has none (Cn). */
static utf8proc_category_t category(int32_t cp) {
  if (cp < 0) return UTF8PROC_CATEGORY_CN;
  return utf8proc_category(cp);
}

static bool is_continuation_byte(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

text_char text_utf8_decode(const char *text, size_t length, size_t pos) {
  unsigned char byte = (unsigned char)text[pos];
  if (byte < 0x80) return (text_char){byte, 1};
  utf8proc_int32_t cp;
  /* utf8proc_iterate rejects overlong forms, surrogates and truncated
   * sequences, and reads no further than the length it is given. */
  utf8proc_ssize_t size =
      utf8proc_iterate((const utf8proc_uint8_t *)text + pos, (utf8proc_ssize_t)(length - pos), &cp);
  if (size < 1) return (text_char){-1, 1};
  return (text_char){cp, (uint32_t)size};
}

text_char text_utf8_decode_before(const char *text, size_t length, size_t pos) {
  unsigned char last = (unsigned char)text[pos - 1];
  if (last < 0x80) return (text_char){last, 1};
  /* A lead byte is always a boundary of the forward decoding, so the
   * character ending at POS is the one decoded from the nearest lead byte
   * (at most 3 bytes further back), if it ends exactly at POS. */
  size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && is_continuation_byte((unsigned char)text[start])) {
    start--;
  }
  text_char c = text_utf8_decode(text, length, start);
  if (c.codepoint >= 0 && start + c.length == pos) return c;
  return (text_char){-1, 1};
}

bool text_is_letter(int32_t cp) {
  if (cp < 0x80) return cp >= 0 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  utf8proc_category_t cat = category(cp);
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Title-case letters (the Dž of "Džemal") count as upper case: they start a
 * capitalized word. */
bool text_is_upper(int32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  utf8proc_category_t cat = category(cp);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

bool text_is_lower(int32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  return category(cp) == UTF8PROC_CATEGORY_LL;
}

bool text_is_digit(int32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return category(cp) == UTF8PROC_CATEGORY_ND;
}

bool text_is_space(int32_t cp) {
  if (cp < 0x80) return cp == ' ' || cp == 0 || (cp >= '\t' && cp <= '\r');
  if (cp == 0x85) return true;
  utf8proc_category_t cat = category(cp);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

bool text_is_format(int32_t cp) {
  return cp >= 0x80 && category(cp) == UTF8PROC_CATEGORY_CF;
}
