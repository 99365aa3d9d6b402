/*
 * text.h: the text layer. Everything the analysis knows about the raw bytes:
 * UTF-8 decoding, the line index, paragraphs, tokens and sentences.
 *
 * Every function here takes the text as (pointer, length) and never reads
 * past LENGTH; NUL bytes are ordinary bytes. Offsets are uint32_t byte
 * offsets: callers guarantee LENGTH < UINT32_MAX (whosaid_analyze checks).
 * A function that fills an output vector first empties it (keeping its
 * memory); when it fails (WHOSAID_ENOMEM) it frees it and leaves it empty.
 *
 * The pipeline, in the order whosaid_analyze runs it:
 *   text_line_index_build   line starts, for byte <-> (line, column)
 *   text_find_paragraphs    blank-line (or one-per-line) paragraphs
 *   text_tokenize           tokens with kinds and flags
 *   text_split_sentences    sentences inside paragraphs; fills the
 *                           paragraphs' token and sentence ranges
 */
#ifndef WHOSAID_TEXT_H
#define WHOSAID_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vec.h"
#include "whosaid.h"

/* UTF-8 ******************************************************************/

/* One decoded character: CODEPOINT is -1 for a byte that does not start a
 * valid UTF-8 sequence, and LENGTH (>= 1) is how many bytes it covers (1 for
 * an invalid byte, so that offsets never shift). */
typedef struct {
  int32_t codepoint;
  uint32_t length;
} text_char;

/* Decode the character at byte POS (< LENGTH). Uses utf8proc. */
text_char text_utf8_decode(const char *text, size_t length, size_t pos);

/* Decode the character that ends just before byte POS (> 0). */
text_char text_utf8_decode_before(const char *text, size_t length, size_t pos);

/* Character classes, all on code points (utf8proc categories); -1 is none. */
bool text_is_letter(int32_t cp);
bool text_is_upper(int32_t cp);
bool text_is_lower(int32_t cp);
bool text_is_digit(int32_t cp);
bool text_is_space(int32_t cp);  /* Unicode Zs Zl Zp, \t \n \v \f \r, NUL, U+0085 */
bool text_is_format(int32_t cp); /* Cf: soft hyphen, LRM, zero-width joiners */

/* ASCII case, for the engine's word lists (cues, titles, states), which are
 * ASCII and lower case and match an article's words whatever their case:
 * byte C lowered if it is an ASCII capital, any other byte as it is. */
static inline unsigned char text_ascii_lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Whether the LENGTH bytes at A and at B are the same but for ASCII case. */
static inline bool text_same_caseless(const char *a, const char *b, size_t length) {
  for (size_t k = 0; k < length; k++) {
    if (text_ascii_lower((unsigned char)a[k]) != text_ascii_lower((unsigned char)b[k])) {
      return false;
    }
  }
  return true;
}

/* Line index ************************************************************/

/* Offsets at which lines start; lines end at '\n' (a '\r' before it is part
 * of the line, as in a Neovim buffer with 'fileformat' unix). */
typedef struct {
  VEC(uint32_t) starts; /* starts.items[0] == 0; one entry per line */
  uint32_t length;      /* length of the text */
} text_line_index;

int text_line_index_build(text_line_index *index, const char *text, size_t length);
void text_line_index_destroy(text_line_index *index);

/* Position of OFFSET (clamped to the text length); binary search. */
whosaid_point text_line_index_point(const text_line_index *index, uint32_t offset);

/* Offset of POINT; WHOSAID_ERANGE for a line past the last, and a column
 * past the end of its line is clamped to the end (the '\n' excluded). */
int text_line_index_offset(const text_line_index *index, whosaid_point point, uint32_t *offset);

/* Paragraphs **********************************************************/

typedef struct {
  uint32_t start, end;                     /* from its first to past its last non-blank byte */
  uint32_t first_token, token_count;       /* filled by text_split_sentences */
  uint32_t first_sentence, sentence_count; /* filled by text_split_sentences */
} text_paragraph;

typedef VEC(text_paragraph) text_paragraph_vec;

/*
 * Paragraphs are separated by blank lines (lines of white space only). A text
 * with no blank line between two non-blank lines anywhere is taken as one
 * paragraph per line, the other common layout of news text files.
 */
int text_find_paragraphs(const char *text, size_t length, text_paragraph_vec *out);

/* Tokens **************************************************************/

typedef struct {
  uint32_t start, end;
  uint16_t kind;  /* whosaid_token_kind */
  uint16_t flags; /* WHOSAID_TOKEN_* flags */
} text_token;

typedef VEC(text_token) text_token_vec;

/*
 * Split the text into tokens (see whosaid_token_kind in whosaid.h for what
 * each kind covers). White space and Cf format characters separate tokens and
 * are not part of any. A quotation mark that cannot be told from an
 * apostrophe (the ’ of "the Smiths’ house") is a QUOTE token with only the
 * QUOTE_CLOSE flag; the quote layer decides by pairing.
 */
int text_tokenize(const char *text, size_t length, text_token_vec *out);

/* Abbreviations that never end a sentence (titles: Mr. Dr. Gen. Sen.), that
 * may (Inc. U.S. Jan.), or none: what a token's text is, as the sentence
 * splitter needs it. */
typedef enum {
  TEXT_ABBREVIATION_NONE,
  TEXT_ABBREVIATION_TITLE,
  TEXT_ABBREVIATION_OTHER
} text_abbreviation_class;

text_abbreviation_class text_abbreviation_classify(const char *word, size_t length);

/* Whether WORD is a common sentence opener ("The", "He", "But", ...): after
 * "Inc." it starts a new sentence, and after "A." it shows that the A was
 * no initial. */
bool text_is_sentence_starter(const char *word, size_t length);

/* Whether WORD is one of the small words a headline in Title Case leaves in
 * lower case ("of", "the", "for"): any other word in lower case shows that
 * a line is a sentence, not a headline. */
bool text_is_headline_small_word(const char *word, size_t length);

/* Sentences ***********************************************************/

typedef struct {
  uint32_t start, end;
  uint32_t first_token, token_count;
} text_sentence;

typedef VEC(text_sentence) text_sentence_vec;

/*
 * Split each paragraph into sentences (a sentence never crosses a paragraph
 * boundary, so a headline line without final punctuation is a sentence of
 * its own) and fill the paragraphs' token and sentence ranges.
 */
int text_split_sentences(const char *text, size_t length, const text_token *tokens,
                         size_t token_count, text_paragraph *paragraphs, size_t paragraph_count,
                         text_sentence_vec *out);

#endif
