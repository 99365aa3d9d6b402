/*
 * test_utf8.c: decoding forwards and backwards, invalid input, and the
 * character classes.
 */
#include "test.h"
#include "text/text.h"

#define DECODES(bytes, cp, len)                                   \
  do {                                                            \
    text_char c_ = text_utf8_decode(bytes, sizeof(bytes) - 1, 0); \
    ASSERT_EQ(c_.codepoint, (cp));                                \
    ASSERT_EQ(c_.length, (len));                                  \
  } while (0)

TEST(decodes_each_sequence_length) {
  DECODES("a", 'a', 1);
  DECODES("\x7F", 0x7F, 1);
  DECODES("\xC3\xA9", 0xE9, 2);            /* é */
  DECODES("\xE2\x80\x99", 0x2019, 3);      /* ’ */
  DECODES("\xF0\x9F\x98\x80", 0x1F600, 4); /* 😀 */
  DECODES("\xF4\x8F\xBF\xBF", 0x10FFFF, 4);
}

TEST(nul_is_an_ordinary_character) {
  const char text[] = "\0a";
  text_char c = text_utf8_decode(text, 2, 0);
  ASSERT_EQ(c.codepoint, 0);
  ASSERT_EQ(c.length, 1);
}

TEST(invalid_sequences_are_one_byte_of_minus_one) {
  DECODES("\x80", -1, 1);             /* lone continuation byte */
  DECODES("\xFF", -1, 1);             /* never valid */
  DECODES("\xC0\xAF", -1, 1);         /* overlong "/" */
  DECODES("\xE0\x80\xAF", -1, 1);     /* overlong "/" in three bytes */
  DECODES("\xED\xA0\x80", -1, 1);     /* surrogate U+D800 */
  DECODES("\xF4\x90\x80\x80", -1, 1); /* U+110000 */
  DECODES(
      "\xC3"
      "a",
      -1, 1); /* lead byte without continuation */
}

TEST(truncated_sequence_reads_no_further_than_length) {
  /* The full character is in memory, but LENGTH cuts it. */
  const char text[] = "\xE2\x80\x99";
  text_char c = text_utf8_decode(text, 2, 0);
  ASSERT_EQ(c.codepoint, -1);
  ASSERT_EQ(c.length, 1);
  c = text_utf8_decode(text, 3, 1);
  ASSERT_EQ(c.codepoint, -1);
  ASSERT_EQ(c.length, 1);
}

TEST(decodes_backwards) {
  const char text[] = "a\xC3\xA9\xE2\x80\x99\xF0\x9F\x98\x80";
  text_char c = text_utf8_decode_before(text, 10, 10);
  ASSERT_EQ(c.codepoint, 0x1F600);
  ASSERT_EQ(c.length, 4);
  c = text_utf8_decode_before(text, 10, 6);
  ASSERT_EQ(c.codepoint, 0x2019);
  ASSERT_EQ(c.length, 3);
  c = text_utf8_decode_before(text, 10, 3);
  ASSERT_EQ(c.codepoint, 0xE9);
  ASSERT_EQ(c.length, 2);
  c = text_utf8_decode_before(text, 10, 1);
  ASSERT_EQ(c.codepoint, 'a');
  ASSERT_EQ(c.length, 1);
}

TEST(decodes_invalid_bytes_backwards) {
  /* é followed by a stray continuation byte: the stray byte is its own unit */
  const char text[] = "\xC3\xA9\x80";
  text_char c = text_utf8_decode_before(text, 3, 3);
  ASSERT_EQ(c.codepoint, -1);
  ASSERT_EQ(c.length, 1);
  /* four continuation bytes: no lead byte close enough */
  const char run[] = "\x80\x80\x80\x80\x80";
  c = text_utf8_decode_before(run, 5, 5);
  ASSERT_EQ(c.codepoint, -1);
  ASSERT_EQ(c.length, 1);
  /* a truncated sequence at the start */
  c = text_utf8_decode_before("\xE2\x80", 2, 2);
  ASSERT_EQ(c.codepoint, -1);
  ASSERT_EQ(c.length, 1);
}

/* Backward decoding agrees with the forward segmentation everywhere. */
TEST(backwards_agrees_with_forwards) {
  const char text[] =
      "x\xE2\xE2\x82\xAC\xC3\xA9\x80\xF0\x9F\x98\x80\x80\xFF\xC3"
      "a\xED\xA0\x80\xE2\x80\x99z\xF0\x9F";
  size_t length = sizeof text - 1;
  for (size_t pos = 0; pos < length;) {
    text_char forward = text_utf8_decode(text, length, pos);
    pos += forward.length;
    text_char backward = text_utf8_decode_before(text, length, pos);
    ASSERT_EQ(backward.codepoint, forward.codepoint);
    ASSERT_EQ(backward.length, forward.length);
  }
}

TEST(letters) {
  ASSERT(text_is_letter('a'));
  ASSERT(text_is_letter('Z'));
  ASSERT(text_is_letter(0xE9));   /* é */
  ASSERT(text_is_letter(0x3A9));  /* Ω */
  ASSERT(text_is_letter(0x6771)); /* 東 */
  ASSERT(text_is_letter(0x2BC));  /* ʼ modifier letter apostrophe */
  ASSERT(!text_is_letter('1'));
  ASSERT(!text_is_letter('-'));
  ASSERT(!text_is_letter(0x301)); /* a combining mark is no letter */
  ASSERT(!text_is_letter(-1));
  ASSERT(!text_is_letter(-2));
}

TEST(upper_and_lower_case) {
  ASSERT(text_is_upper('A'));
  ASSERT(text_is_upper(0xC9));  /* É */
  ASSERT(text_is_upper(0x1C5)); /* Dž, title case */
  ASSERT(!text_is_upper('a'));
  ASSERT(!text_is_upper('1'));
  ASSERT(!text_is_upper(0x6771));
  ASSERT(!text_is_upper(-1));
  ASSERT(text_is_lower('a'));
  ASSERT(text_is_lower(0xDF)); /* ß */
  ASSERT(!text_is_lower('A'));
  ASSERT(!text_is_lower(0x1C5));
  ASSERT(!text_is_lower(-1));
}

TEST(digits) {
  ASSERT(text_is_digit('0'));
  ASSERT(text_is_digit('9'));
  ASSERT(text_is_digit(0x663)); /* Arabic-Indic three */
  ASSERT(!text_is_digit(0xB2)); /* superscript two is no decimal digit */
  ASSERT(!text_is_digit('a'));
  ASSERT(!text_is_digit(-1));
}

TEST(spaces) {
  const int32_t spaces[] = {' ',  '\t', '\n',   '\v',   '\f',   '\r',  0,
                            0x85, 0xA0, 0x2003, 0x3000, 0x2028, 0x2029};
  for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) ASSERT(text_is_space(spaces[i]));
  ASSERT(!text_is_space('a'));
  ASSERT(!text_is_space(0x200B)); /* zero width space is a format character */
  ASSERT(!text_is_space(0x1));
  ASSERT(!text_is_space(-1));
  ASSERT(!text_is_space(-2));
}

TEST(format_characters) {
  ASSERT(text_is_format(0x200B)); /* zero width space */
  ASSERT(text_is_format(0xAD));   /* soft hyphen */
  ASSERT(text_is_format(0xFEFF)); /* byte order mark */
  ASSERT(text_is_format(0x200E)); /* left-to-right mark */
  ASSERT(text_is_format(0x200D)); /* zero width joiner */
  ASSERT(!text_is_format(' '));
  ASSERT(!text_is_format('a'));
  ASSERT(!text_is_format(-1));
}

int main(void) {
  RUN(decodes_each_sequence_length);
  RUN(nul_is_an_ordinary_character);
  RUN(invalid_sequences_are_one_byte_of_minus_one);
  RUN(truncated_sequence_reads_no_further_than_length);
  RUN(decodes_backwards);
  RUN(decodes_invalid_bytes_backwards);
  RUN(backwards_agrees_with_forwards);
  RUN(letters);
  RUN(upper_and_lower_case);
  RUN(digits);
  RUN(spaces);
  RUN(format_characters);
  return test_report();
}
