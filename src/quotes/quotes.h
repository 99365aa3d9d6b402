/*
 * quotes.h: the quote layer. Finds quoted spans by pairing quotation marks,
 * and tells direct quotes from scare quotes, terms and titles.
 *
 *   quote_cues_load     the speech-cue lexicon (said, told, according to)
 *   quote_find_spans    pair the marks: nested, multi-paragraph, unbalanced
 *   quote_classify      direct or not, with the reason for each decision
 */
#ifndef WHOSAID_QUOTES_H
#define WHOSAID_QUOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vec.h"
#include "text/text.h"
#include "whosaid.h"

/* Speech cues ***********************************************************/

/* A set of cues: single words and phrases of up to QUOTE_CUE_MAX_WORDS words,
 * matched case-insensitively (ASCII) against tokens. Immutable once built. */
typedef struct quote_cues quote_cues;

#define QUOTE_CUE_MAX_WORDS 4
#define QUOTE_CUE_MAX_BYTES 64

/*
 * Parse a cue list (one cue per line, '#' comments, blank lines ignored) of
 * LENGTH bytes. NAME is used in error messages ("cues.txt:12: ..."). Returns
 * 0 with *out set, WHOSAID_EMODEL for a malformed list (ERR says where), or
 * WHOSAID_ENOMEM.
 */
int quote_cues_parse(const char *data, size_t length, const char *name, quote_cues **out,
                     whosaid_error *err);
void quote_cues_free(quote_cues *cues);
size_t quote_cues_count(const quote_cues *cues);

/* Whether the exact words WORD (LENGTH bytes, words separated by single
 * spaces) are a cue. */
bool quote_cues_contains(const quote_cues *cues, const char *word, size_t length);

/* The number of tokens, starting at tokens[INDEX], that form a cue (the
 * longest one), or 0. */
size_t quote_cues_match(const quote_cues *cues, const char *text, const text_token *tokens,
                        size_t token_count, size_t index);

/* Quoted spans ***********************************************************/

#define QUOTE_NO_TOKEN UINT32_MAX

typedef struct {
  uint32_t start, end;  /* from the opening mark to past the closing mark */
  uint32_t open_token;  /* the opening mark */
  uint32_t close_token; /* the closing mark; QUOTE_NO_TOKEN when unbalanced */
  int32_t parent;       /* index of the enclosing span, or -1 */
  uint32_t flags;       /* WHOSAID_QUOTE_* flags */
  uint32_t reason;      /* whosaid_quote_reason, set by quote_classify */
} quote_span;

typedef VEC(quote_span) quote_span_vec;

/*
 * Pair the QUOTE tokens of each paragraph into spans, in order of their
 * opening marks (a nested span comes after its parent):
 * - a mark of the family (double or single) of the innermost open quote
 *   closes it when it can close; otherwise a mark that can open opens one;
 * - single marks that never close were apostrophes, not quotes: dropped;
 * - a double quote still open at a paragraph's end continues into the next
 *   paragraph when that one starts with an opening mark (the news
 *   convention for a quote over several paragraphs) that does not begin a
 *   transcript turn ("PENCE: ...); otherwise it ends at its paragraph's end
 *   and is flagged unbalanced, so that a missing mark never swallows the
 *   rest of the article;
 * - a closing double glyph with nothing to close, standing where an opening
 *   mark belongs (space before, a word after), opens a quote: a common typo.
 */
int quote_find_spans(const char *text, const text_token *tokens, size_t token_count,
                     const text_paragraph *paragraphs, size_t paragraph_count,
                     quote_span_vec *out);

/*
 * Decide for each span whether it is a direct quote, setting its reason and
 * the WHOSAID_QUOTE_DIRECT flag (see WHOSAID_QUOTE_REASON_MAP in whosaid.h).
 * CUES may be NULL: the rules that need speech cues then never fire.
 */
void quote_classify(const char *text, const text_token *tokens, size_t token_count,
                    const text_sentence *sentences, size_t sentence_count,
                    const quote_cues *cues, quote_span *spans, size_t span_count);

#endif
