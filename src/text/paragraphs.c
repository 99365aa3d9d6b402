/*
 * paragraphs.c: paragraphs are runs of non-blank lines separated by blank
 * lines; a text that never separates two non-blank lines by a blank one is
 * taken as one paragraph per line (the other usual layout of news files).
 *
 * "Blank" means white space or format characters (a BOM, a zero-width
 * space) only, the same characters the tokenizer skips, so that every token
 * lies in exactly one paragraph and every paragraph holds a token.
 */
#include <string.h>

#include "core/alloc.h"
#include "text/text.h"

/* One line: [start, end), end at its '\n' or the end of the text. */
typedef struct {
  uint32_t start, end;
} line_span;

static bool is_blank_character(int32_t cp) {
  return text_is_space(cp) || text_is_format(cp);
}

/* The line starting at START (< LENGTH). */
static line_span line_at(const char *text, size_t length, uint32_t start) {
  const char *newline = memchr(text + start, '\n', length - start);
  uint32_t end = newline == NULL ? (uint32_t)length : (uint32_t)(newline - text);
  return (line_span){start, end};
}

/* Offset of the first non-blank byte of LINE, or LINE.end if it is blank. */
static uint32_t first_non_blank(const char *text, size_t length, line_span line) {
  uint32_t pos = line.start;
  while (pos < line.end) {
    text_char c = text_utf8_decode(text, length, pos);
    if (!is_blank_character(c.codepoint)) return pos;
    pos += c.length;
  }
  return line.end;
}

/* Offset just past the last non-blank character of a non-blank LINE. A line
 * starts after a '\n', so decoding backwards never crosses its start. */
static uint32_t last_non_blank_end(const char *text, size_t length, line_span line) {
  uint32_t pos = line.end;
  while (pos > line.start) {
    text_char c = text_utf8_decode_before(text, length, pos);
    if (!is_blank_character(c.codepoint)) return pos;
    pos -= c.length;
  }
  return pos;
}

/* Whether some blank line lies between two non-blank lines. */
static bool has_separating_blank_line(const char *text, size_t length) {
  bool seen_text = false, blank_after_text = false;
  for (uint32_t pos = 0; pos < length;) {
    line_span line = line_at(text, length, pos);
    bool blank = first_non_blank(text, length, line) == line.end;
    if (!blank && blank_after_text) return true;
    if (blank && seen_text) blank_after_text = true;
    if (!blank) seen_text = true;
    pos = line.end + 1;
  }
  return false;
}

int text_find_paragraphs(const char *text, size_t length, text_paragraph_vec *out) {
  out->len = 0;
  bool by_blank_lines = has_separating_blank_line(text, length);
  text_paragraph open = {0};
  bool is_open = false;
  for (uint32_t pos = 0; pos < length;) {
    line_span line = line_at(text, length, pos);
    uint32_t first = first_non_blank(text, length, line);
    if (first < line.end) {
      if (!is_open) open = (text_paragraph){.start = first};
      open.end = last_non_blank_end(text, length, line);
      is_open = true;
    }
    /* A paragraph ends at a blank line, or at every line in the one
     * paragraph per line layout. */
    if (is_open && (first == line.end || !by_blank_lines)) {
      if (VEC_PUSH(out, open) != 0) goto out_of_memory;
      is_open = false;
    }
    pos = line.end + 1;
  }
  if (is_open && VEC_PUSH(out, open) != 0) goto out_of_memory;
  return 0;

out_of_memory:
  VEC_FREE(out);
  return WHOSAID_ENOMEM;
}
