/*
 * quote_pairs.c: pairing quotation marks into quoted spans.
 *
 * One pass over the QUOTE tokens of each paragraph with a stack of open
 * quotes. A span is appended when its opening mark is seen, so the spans
 * come out in text order with parents before children; spans that turn out
 * not to be quotes (single marks that never close: apostrophes) are marked
 * dropped and compacted away at the end.
 */
#include "core/alloc.h"
#include "quotes/quotes.h"

#define DROPPED (1u << 31) /* internal flag, never seen outside this file */

typedef struct {
  const char *text;
  const text_token *tokens;
  quote_span_vec *spans;
  VEC(uint32_t) open; /* indices into spans, innermost last */
  size_t skip_token;  /* a reopening mark already consumed, or SIZE_MAX */
} pairing;

static bool is_double(const text_token *token) {
  return (token->flags & WHOSAID_TOKEN_QUOTE_DOUBLE) != 0;
}

static quote_span *open_span(pairing *p, size_t depth_from_top) {
  return &p->spans->items[p->open.items[p->open.len - 1 - depth_from_top]];
}

static bool span_is_double(const pairing *p, const quote_span *span) {
  return is_double(&p->tokens[span->open_token]);
}

static int open_quote(pairing *p, size_t index) {
  const text_token *mark = &p->tokens[index];
  quote_span span = {mark->start, mark->end, (uint32_t)index, QUOTE_NO_TOKEN, -1, 0, 0};
  if (p->open.len > 0) span.parent = (int32_t)p->open.items[p->open.len - 1];
  if (!is_double(mark)) span.flags |= WHOSAID_QUOTE_SINGLE_MARKS;
  if (VEC_PUSH(p->spans, span) != 0) return WHOSAID_ENOMEM;
  return VEC_PUSH(&p->open, (uint32_t)(p->spans->len - 1));
}

static void close_top(pairing *p, size_t index) {
  quote_span *span = open_span(p, 0);
  span->close_token = (uint32_t)index;
  span->end = p->tokens[index].end;
  p->open.len--;
}

static void drop_top(pairing *p) {
  open_span(p, 0)->flags |= DROPPED;
  p->open.len--;
}

/* How deep below the top the innermost open double quote is, or -1. */
static long innermost_double(const pairing *p) {
  for (size_t depth = 0; depth < p->open.len; depth++) {
    if (span_is_double(p, open_span((pairing *)p, depth))) return (long)depth;
  }
  return -1;
}

/* White space before and a word right after: where an opening mark stands. */
static bool stands_as_opening(const text_token *mark) {
  return (mark->flags & WHOSAID_TOKEN_SPACE_BEFORE) && !(mark->flags & WHOSAID_TOKEN_SPACE_AFTER);
}

static int handle_mark(pairing *p, size_t index) {
  const text_token *mark = &p->tokens[index];
  bool can_close = (mark->flags & WHOSAID_TOKEN_QUOTE_CLOSE) != 0;
  if (can_close && p->open.len > 0 && span_is_double(p, open_span(p, 0)) == is_double(mark)) {
    close_top(p, index);
    return 0;
  }
  if (can_close && is_double(mark) && innermost_double(p) > 0) {
    /* A double mark closes across open single marks: those were apostrophes. */
    for (long depth = innermost_double(p); depth > 0; depth--) drop_top(p);
    close_top(p, index);
    return 0;
  }
  if (mark->flags & WHOSAID_TOKEN_QUOTE_OPEN) return open_quote(p, index);
  if (is_double(mark) && innermost_double(p) < 0 && stands_as_opening(mark)) {
    return open_quote(p, index); /* a closing glyph typed where an opening one belongs */
  }
  return 0; /* a closing mark with nothing to close: a stray mark or an apostrophe */
}

/* A transcript turn: `"WALLACE: ...` (an all-caps name and a colon). */
static bool starts_with_speaker_label(const char *text, const text_token *tokens,
                                      const text_paragraph *paragraph) {
  if (paragraph->token_count < 3) return false;
  const text_token *name = &tokens[paragraph->first_token + 1];
  const text_token *colon = &tokens[paragraph->first_token + 2];
  return name->kind == WHOSAID_TOKEN_WORD && (name->flags & WHOSAID_TOKEN_ALL_CAPS) &&
         text[colon->start] == ':' && colon->start == name->end;
}

/* Whether NEXT continues a quote left open: it starts with an opening
 * double mark, and not with the label of a new speaker's turn. */
static bool reopens(const char *text, const text_token *tokens, const text_paragraph *next) {
  if (next->token_count == 0) return false;
  const text_token *first = &tokens[next->first_token];
  return first->kind == WHOSAID_TOKEN_QUOTE && is_double(first) &&
         (first->flags & WHOSAID_TOKEN_QUOTE_OPEN) && !starts_with_speaker_label(text, tokens, next);
}

/* At a paragraph's end, inner and single-mark quotes still open are dropped;
 * an outermost double quote continues or ends unbalanced here. */
static void end_paragraph(pairing *p, const text_paragraph *paragraph,
                          const text_paragraph *next) {
  while (p->open.len > 1) drop_top(p);
  if (p->open.len == 0) return;
  quote_span *span = open_span(p, 0);
  if (!span_is_double(p, span)) {
    drop_top(p);
  } else if (next != NULL && reopens(p->text, p->tokens, next)) {
    span->flags |= WHOSAID_QUOTE_MULTI_PARAGRAPH;
    p->skip_token = next->first_token;
  } else {
    span->end = paragraph->end;
    span->flags |= WHOSAID_QUOTE_UNBALANCED;
    p->open.len--;
  }
}

/* Remove dropped spans, pointing children of a dropped span at its parent. */
static int compact(quote_span_vec *spans) {
  int32_t *new_index = ws_calloc(spans->len, sizeof(*new_index));
  if (new_index == NULL && spans->len > 0) return WHOSAID_ENOMEM;
  size_t kept = 0;
  for (size_t i = 0; i < spans->len; i++) {
    quote_span span = spans->items[i];
    int32_t parent = span.parent;
    /* Parents come first, so new_index[parent] is final (or a kept ancestor). */
    span.parent = parent < 0 ? -1 : new_index[parent];
    if (span.flags & DROPPED) {
      new_index[i] = span.parent; /* children of a dropped span move up */
      continue;
    }
    new_index[i] = (int32_t)kept;
    spans->items[kept++] = span;
  }
  spans->len = kept;
  ws_free(new_index);
  return 0;
}

int quote_find_spans(const char *text, const text_token *tokens, size_t token_count,
                     const text_paragraph *paragraphs, size_t paragraph_count,
                     quote_span_vec *out) {
  pairing p = {text, tokens, out, VEC_INIT, SIZE_MAX};
  int status = 0;
  for (size_t pi = 0; pi < paragraph_count && status == 0; pi++) {
    const text_paragraph *paragraph = &paragraphs[pi];
    size_t end = (size_t)paragraph->first_token + paragraph->token_count;
    for (size_t i = paragraph->first_token; i < end && i < token_count && status == 0; i++) {
      if (tokens[i].kind == WHOSAID_TOKEN_QUOTE && i != p.skip_token) {
        status = handle_mark(&p, i);
      }
    }
    if (status == 0) end_paragraph(&p, paragraph, pi + 1 < paragraph_count ? &paragraphs[pi + 1] : NULL);
  }
  VEC_FREE(&p.open);
  if (status == 0) status = compact(out);
  if (status != 0) out->len = 0;
  return status;
}
