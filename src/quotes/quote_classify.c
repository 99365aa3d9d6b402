/*
 * quote_classify.c: direct quote or not, and why.
 *
 * The rules follow how news text uses quotation marks (and how PolNeAR's
 * annotators drew the line): three or more quoted words reproduce someone's
 * words, even inside a paraphrase; one or two words are a quote only when
 * they stand as an utterance of their own ("No," he said / told reporters:
 * "Never."), and are otherwise a scare quote or a term ("back door"). Names
 * and titles ("a film called ...", "Face the Nation") are never quotes. The
 * first rule that decides gives the reason, so each decision can be
 * explained.
 */
#include <string.h>

#include "quotes/quotes.h"

/* How far from a quotation mark a speech cue may stand: `," the former
 * secretary of state said` has six tokens between the mark and the cue. */
#define CUE_WINDOW 7

typedef struct {
  const char *text;
  const text_token *tokens;
  size_t token_count;
  const text_sentence *sentences;
  size_t sentence_count;
  const quote_cues *cues;
} context;

/* What the classifier needs to know about the inside of a span. */
typedef struct {
  size_t words;             /* word-like tokens inside the marks */
  size_t capitalized_words; /* of those, capitalized ones */
  size_t lower_words;       /* lower-case words that are not function words */
  size_t clause_punctuation; /* . , ; : ! ? inside, except a final one */
  int last_char;            /* the last inside token's first byte, or -1 */
} inside;

static bool token_is(const context *c, size_t index, const char *s) {
  const text_token *token = &c->tokens[index];
  size_t length = token->end - token->start;
  return length == strlen(s) && text_same_caseless(c->text + token->start, s, length);
}

static bool token_in(const context *c, size_t index, const char *const *words) {
  for (; *words != NULL; words++) {
    if (token_is(c, index, *words)) return true;
  }
  return false;
}

static bool is_wordlike(const text_token *token) {
  switch (token->kind) {
    case WHOSAID_TOKEN_WORD:
    case WHOSAID_TOKEN_NUMBER:
    case WHOSAID_TOKEN_ABBREVIATION:
    case WHOSAID_TOKEN_INITIAL:
    case WHOSAID_TOKEN_URL:
    case WHOSAID_TOKEN_EMAIL:
    case WHOSAID_TOKEN_HANDLE:
    case WHOSAID_TOKEN_HASHTAG:
      return true;
    default:
      return false;
  }
}

/* Small words that a title in Title Case leaves in lower case. */
static const char *const function_words[] = {
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from",
    "as", "vs.", NULL};

static bool is_clause_punctuation(const context *c, size_t index) {
  return c->tokens[index].kind == WHOSAID_TOKEN_PUNCTUATION &&
         strchr(".,;:!?", c->text[c->tokens[index].start]) != NULL;
}

static void count_word(const context *c, size_t index, inside *in) {
  const text_token *token = &c->tokens[index];
  in->words++;
  if (token->flags & WHOSAID_TOKEN_CAPITALIZED) {
    in->capitalized_words++;
  } else if (token->kind == WHOSAID_TOKEN_WORD && !token_in(c, index, function_words)) {
    in->lower_words++;
  }
}

/* The tokens strictly inside SPAN's marks (up to its end when unbalanced). */
static inside look_inside(const context *c, const quote_span *span) {
  inside in = {0, 0, 0, 0, -1};
  bool last_is_punctuation = false;
  for (size_t i = span->open_token + 1; i < c->token_count; i++) {
    const text_token *token = &c->tokens[i];
    if (i == span->close_token || token->start >= span->end) break;
    if (is_wordlike(token)) count_word(c, i, &in);
    last_is_punctuation = is_clause_punctuation(c, i);
    in.clause_punctuation += last_is_punctuation;
    in.last_char = (unsigned char)c->text[token->start];
  }
  /* `"Face the Nation,"`: American style puts the sentence's comma inside. */
  in.clause_punctuation -= last_is_punctuation;
  return in;
}

/* Context before and after the marks ****************************************/

static bool stops_cue_search(const context *c, size_t index) {
  const text_token *token = &c->tokens[index];
  if (token->kind == WHOSAID_TOKEN_QUOTE) return true;
  return token->kind == WHOSAID_TOKEN_PUNCTUATION && strchr(".;!?", c->text[token->start]);
}

/* A cue among the few tokens from FIRST on (`," Pompeo said`, `," said X`). */
static bool cue_follows(const context *c, size_t first) {
  for (size_t i = first; i < first + CUE_WINDOW && i < c->token_count; i++) {
    if (stops_cue_search(c, i)) return false;
    if (quote_cues_match(c->cues, c->text, c->tokens, c->token_count, i) > 0) return true;
  }
  return false;
}

/* A cue among the few tokens that end just before LAST + 1
 * (`Pompeo told the news conference further:`). */
static bool cue_precedes(const context *c, size_t last) {
  for (size_t back = 0; back < CUE_WINDOW && back <= last; back++) {
    size_t i = last - back;
    if (stops_cue_search(c, i)) return false;
    if (quote_cues_match(c->cues, c->text, c->tokens, c->token_count, i) > 0) return true;
  }
  return false;
}

static bool is_punctuation(const context *c, size_t index, char ch) {
  return c->tokens[index].kind == WHOSAID_TOKEN_PUNCTUATION && c->text[c->tokens[index].start] == ch;
}

/* A speech cue that introduces the quote: `told reporters: "`, `said, "`,
 * or a cue word right before the opening mark. */
static bool has_leading_cue(const context *c, const quote_span *span) {
  if (c->cues == NULL || span->open_token == 0) return false;
  size_t before = span->open_token - 1;
  if (is_punctuation(c, before, ',') || is_punctuation(c, before, ':')) {
    return before > 0 && cue_precedes(c, before - 1);
  }
  return quote_cues_match(c->cues, c->text, c->tokens, c->token_count, before) > 0;
}

/* A speech cue right after the closing mark of a quote that ends like a
 * sentence or clause: `," Pompeo said`, `?" asked the senator`. */
static bool has_trailing_cue(const context *c, const quote_span *span, const inside *in) {
  if (c->cues == NULL || span->close_token == QUOTE_NO_TOKEN) return false;
  size_t after = span->close_token + 1;
  if (after < c->token_count && is_punctuation(c, after, ',')) {
    return cue_follows(c, after + 1);
  }
  return in->last_char >= 0 && strchr(",!?", in->last_char) != NULL && cue_follows(c, after);
}

/* Whether the opening mark is the first token of its sentence. */
static bool opens_sentence(const context *c, size_t token) {
  size_t low = 0, high = c->sentence_count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (c->sentences[middle].first_token <= token) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low > 0 && c->sentences[low - 1].first_token == token;
}

/* Words after which quotation marks hold a name or a title: `a film titled
 * "..."`, `known as "..."`. */
static const char *const naming_words[] = {
    "titled", "entitled", "nicknamed", "headlined", "slogan", "motto", "hashtag", "book",
    "film", "movie", "song", "album", "column", "headline", "series", NULL};

/* Words that name or characterise: `a group called "..."` is a name, but
 * `what it called "a clear threat to peace"` quotes someone's words. */
static const char *const characterizing_words[] = {
    "called", "dubbed", "named", "labeled", "labelled", "branded", "so-called", "term",
    "phrase", "word", NULL};

/* Naming words count only inside the quote's own sentence: a headline that
 * ends in "Film" says nothing about the quote below it. */
static bool after_naming_words(const context *c, const quote_span *span) {
  size_t open = span->open_token;
  if (open == 0 || opens_sentence(c, open)) return false;
  if (token_in(c, open - 1, naming_words)) return true;
  return open >= 2 && token_is(c, open - 1, "as") && token_is(c, open - 2, "known");
}

static bool after_characterizing_words(const context *c, const quote_span *span) {
  size_t open = span->open_token;
  return open > 0 && !opens_sentence(c, open) && token_in(c, open - 1, characterizing_words);
}

/* Decisions ****************************************************************/

/* "Face the Nation", "State of the Union.": every word capitalized but
 * the small ones, and no punctuation but a final one. */
static bool is_title_case(const inside *in) {
  return in->clause_punctuation == 0 && in->lower_words == 0 && in->capitalized_words >= 2;
}

/* Whether one or two quoted words stand as an utterance of their own
 * (`"No," he said`, `told reporters: "Never."`, `"Why?"`) rather than as a
 * term inside someone else's sentence. */
static bool stands_alone(const context *c, const quote_span *span, const inside *in) {
  if (in->last_char == '!' || in->last_char == '?') return true;
  size_t open = span->open_token;
  if (open > 0 && is_punctuation(c, open - 1, ':')) return true;
  if (open > 0 && is_punctuation(c, open - 1, ',') && in->last_char == '.') return true;
  return opens_sentence(c, open) && in->last_char >= 0 && strchr(",.", in->last_char);
}

static whosaid_quote_reason classify_short(const context *c, const quote_span *span,
                                           const inside *in) {
  if (!stands_alone(c, span, in)) return WHOSAID_QUOTE_SHORT_TERM;
  bool cue = has_leading_cue(c, span) || has_trailing_cue(c, span, in);
  return cue ? WHOSAID_QUOTE_CUE : WHOSAID_QUOTE_UTTERANCE;
}

/* Three words or more reproduce someone's words, unless they are a name:
 * title case outranks a cue after the quote (`appeared on "Fox News
 * Sunday," he said`) but not a cue that introduces it. */
static whosaid_quote_reason classify_long(const context *c, const quote_span *span,
                                          const inside *in) {
  if (has_leading_cue(c, span)) return WHOSAID_QUOTE_CUE;
  if (is_title_case(in)) return WHOSAID_QUOTE_TITLE;
  return has_trailing_cue(c, span, in) ? WHOSAID_QUOTE_CUE : WHOSAID_QUOTE_LONG;
}

static whosaid_quote_reason classify_one(const context *c, const quote_span *span,
                                         bool text_has_double_quotes) {
  if (span->parent >= 0) return WHOSAID_QUOTE_NESTED;
  inside in = look_inside(c, span);
  if (in.words == 0) return WHOSAID_QUOTE_EMPTY;
  if ((span->flags & WHOSAID_QUOTE_SINGLE_MARKS) && text_has_double_quotes) {
    return WHOSAID_QUOTE_SINGLE_QUOTES;
  }
  if (after_naming_words(c, span)) return WHOSAID_QUOTE_TITLE;
  if (after_characterizing_words(c, span) && (in.words <= 2 || is_title_case(&in))) {
    return WHOSAID_QUOTE_TITLE;
  }
  return in.words <= 2 ? classify_short(c, span, &in) : classify_long(c, span, &in);
}

static bool is_direct_reason(whosaid_quote_reason reason) {
  return reason == WHOSAID_QUOTE_LONG || reason == WHOSAID_QUOTE_CUE ||
         reason == WHOSAID_QUOTE_UTTERANCE;
}

void quote_classify(const char *text, const text_token *tokens, size_t token_count,
                    const text_sentence *sentences, size_t sentence_count,
                    const quote_cues *cues, quote_span *spans, size_t span_count) {
  context c = {text, tokens, token_count, sentences, sentence_count, cues};
  bool text_has_double_quotes = false;
  for (size_t i = 0; i < span_count; i++) {
    if (!(spans[i].flags & WHOSAID_QUOTE_SINGLE_MARKS)) text_has_double_quotes = true;
  }
  for (size_t i = 0; i < span_count; i++) {
    whosaid_quote_reason reason = classify_one(&c, &spans[i], text_has_double_quotes);
    spans[i].reason = (uint32_t)reason;
    spans[i].flags &= ~(uint32_t)WHOSAID_QUOTE_DIRECT;
    if (is_direct_reason(reason)) spans[i].flags |= WHOSAID_QUOTE_DIRECT;
  }
}
