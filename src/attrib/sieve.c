/*
 * sieve.c: quote -> mention. Each direct quote goes through the rules in
 * order, most precise first; the first that finds a source decides, and
 * the quote keeps its name (WHOSAID_ATTRIBUTION_RULE_MAP in whosaid.h):
 *
 *   TRAILING_CUE      "...," Pompeo said. / "...," said spokesman Geng Shuang
 *                     / "..." ― Sonya Herridge
 *   SPLIT_QUOTE       "A," he said, "B."  (B: the speaker of A)
 *   LEADING_CUE       Pompeo told the news conference further: "..."
 *   REPORTED_SPEECH   Grenell told the minister that Germany "wouldn't ..."
 *   ACCORDING_TO      "...," according to Reuters.
 *   TRANSCRIPT_TURN   "PENCE: Well, look, ..."
 *   CONTINUATION      a quote with no cue of its own, after a quote of the
 *                     same or the previous paragraph
 *   SENTENCE_SUBJECT  In July, Gingrich dismissed Estonia as "the suburbs ..."
 *
 * A quote none of them explains has no speaker: whosaid never guesses.
 */
#include "attrib/attrib.h"

/* How many tokens after a closing mark a trailing cue may come: `," Rep.
 * Gwen Moore (D-Wis.) said` has eight. */
#define TRAILING_WINDOW 14

typedef struct {
  const attrib_input *in;
  attrib_result *out;
} sieve;

static bool found(attrib_mention m) { return m.end_token > m.first_token; }

static bool is_mark(const attrib_input *in, size_t i, char c) {
  const text_token *token = &in->tokens[i];
  return token->end - token->start == 1 && in->text[token->start] == c;
}

static bool ends_clause(const attrib_input *in, size_t i) {
  return is_mark(in, i, '.') || is_mark(in, i, '!') || is_mark(in, i, '?') || is_mark(in, i, ';');
}

static bool is_direct(const quote_span *span) {
  return (span->flags & WHOSAID_QUOTE_DIRECT) && span->parent < 0;
}

static size_t paragraph_end(const attrib_input *in, size_t token) {
  const text_paragraph *p = &in->paragraphs[attrib_paragraph_of(in, token)];
  return p->first_token + p->token_count;
}

static size_t sentence_start(const attrib_input *in, size_t token) {
  return in->sentences[attrib_sentence_of(in, token)].first_token;
}

/* The direct quote before or after quote Q; SIZE_MAX: none. */
static size_t previous_direct(const attrib_input *in, size_t q) {
  while (q-- > 0) {
    if (is_direct(&in->quotes[q])) return q;
  }
  return SIZE_MAX;
}

static size_t next_direct(const attrib_input *in, size_t q) {
  for (q++; q < in->quote_count; q++) {
    if (is_direct(&in->quotes[q])) return q;
  }
  return SIZE_MAX;
}

static void attribute(sieve *s, size_t q, attrib_mention m, whosaid_attribution_rule rule) {
  s->out->quotes.items[q].mention = m;
  s->out->quotes.items[q].rule = rule;
}

/* Subjects *******************************************************************/

/* The mention just before the cue at CUE (adverbs skipped: "Trump also
 * said"), back to FLOOR. */
static attrib_mention subject_before(const attrib_input *in, size_t cue, size_t floor) {
  size_t i = cue;
  while (i > floor && (attrib_is_adverb(in, i - 1) || attrib_is_time_word(in, i - 1))) i--;
  if (i == floor) return (attrib_mention){0, 0, WHOSAID_MENTION_NAME};
  /* "Trump's claim that ...": the possessor of a cue noun. */
  if (in->tokens[i - 1].kind == WHOSAID_TOKEN_CLITIC && i - 1 > floor) i--;
  return attrib_mention_ending_at(in, i - 1, floor);
}

/* The mention just after the cue ending at END (time words skipped: "said
 * Tuesday Sen. Ted Cruz"), up to CEILING. */
static attrib_mention subject_after(const attrib_input *in, size_t end, size_t ceiling) {
  /* Who is told or asked is not who speaks ("telling Reuters:"), except
   * in the passive ("was asked by host Bill Maher"). */
  static const char *const addressing[] = {"tell", "tells", "told", "telling", "ask", "asks",
                                           "asked", "asking", NULL};
  bool passive = end < ceiling && attrib_token_is(in, end, "by");
  if (end > 0 && attrib_token_in(in, end - 1, addressing) && !passive) {
    return (attrib_mention){0, 0, WHOSAID_MENTION_NAME};
  }
  end += passive;
  while (end < ceiling && (attrib_is_time_word(in, end) || attrib_is_adverb(in, end))) end++;
  return attrib_mention_starting_at(in, end, ceiling);
}

/* Rules **********************************************************************/

static bool names_no_source(const attrib_input *in, size_t cue, attrib_mention m);
static bool sentence_subject(sieve *s, size_t q);

/* Where the clause after quote Q ends: at its punctuation, the next direct
 * quote or the paragraph's end. */
static size_t after_end(const attrib_input *in, size_t q) {
  const quote_span *span = &in->quotes[q];
  size_t next = next_direct(in, q);
  size_t end = next == SIZE_MAX ? in->token_count : in->quotes[next].open_token;
  size_t paragraph = paragraph_end(in, span->close_token);
  if (paragraph < end) end = paragraph;
  for (size_t i = span->close_token + 1; i < end; i++) {
    if (ends_clause(in, i)) return i;
  }
  return end;
}

/* Whether quote Q ends its sentence: its last words end in . ! or ? and a
 * capitalized word follows ("... for him." She says ...). */
static bool ends_its_sentence(const attrib_input *in, size_t q) {
  uint32_t close = in->quotes[q].close_token;
  return close > 0 && close + 1 < in->token_count &&
         (is_mark(in, close - 1, '.') || is_mark(in, close - 1, '!') ||
          is_mark(in, close - 1, '?')) &&
         attrib_is_capitalized(in, close + 1);
}

/* "..." ― Sonya Herridge: a dash and a name that ends the paragraph. */
static bool trailing_dash(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t first = in->quotes[q].close_token + 1, end = paragraph_end(in, first - 1);
  if (first >= end || in->tokens[first].kind != WHOSAID_TOKEN_DASH) return false;
  attrib_mention m = attrib_mention_starting_at(in, first + 1, end);
  if (!found(m) || m.kind != WHOSAID_MENTION_NAME) return false;
  bool ends = m.end_token >= end || ends_clause(in, m.end_token) ||
              is_mark(in, m.end_token, ',') ||
              (in->tokens[m.end_token].flags & WHOSAID_TOKEN_LINE_START);
  if (!ends) return false;
  attribute(s, q, m, WHOSAID_ATTRIBUTION_TRAILING_CUE);
  return true;
}

static bool bare_attribution(const attrib_input *in, size_t cue, size_t length, attrib_mention m,
                             size_t end) {
  static const char *const modifiers[] = {"in", "on", "at", "during", "of", "about", "as",
                                          "after", "before", "while", "when", "from", "with",
                                          "according", "via", "through", NULL};
  size_t after = m.first_token > cue ? m.end_token : cue + length;
  while (after < end && (attrib_is_time_word(in, after) || attrib_is_adverb(in, after))) after++;
  for (size_t i = after; i < in->token_count && !ends_clause(in, i); i++) {
    if (in->tokens[i].kind == WHOSAID_TOKEN_QUOTE) return false; /* it introduces the next */
    if (in->tokens[i].flags & WHOSAID_TOKEN_LINE_START) break;
  }
  return after >= end || is_mark(in, after, ',') || attrib_token_in(in, after, modifiers);
}

static bool trailing_cue(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  const quote_span *span = &in->quotes[q];
  if (span->close_token == QUOTE_NO_TOKEN) return false;
  if (trailing_dash(s, q)) return true;
  size_t first = span->close_token + 1, end = after_end(in, q);
  bool new_sentence = ends_its_sentence(in, q);
  /* ""...," Melanne Verveer, who served as ..., told CBS News": a name with
   * appositions may hold the cue far off. */
  size_t start = first + (first < end && is_mark(in, first, ','));
  size_t window = start < end && attrib_is_name_token(in, start) ? 2 * TRAILING_WINDOW
                                                                   : TRAILING_WINDOW;
  static const char *const subordinators[] = {"when", "while", "because", "after",
                                              "before", "if", "that", "which", "until",
                                              "since", "although", "though", NULL};
  for (size_t i = first; i < end && i < first + window; i++) {
    if (attrib_token_in(in, i, subordinators)) return false; /* another clause's cue */
    int kind;
    size_t length = attrib_cue_at(in, i, &kind);
    if (length == 0 || kind != ATTRIB_CUE_VERB) continue;
    attrib_mention m = subject_before(in, i, first);
    /* Inverted, the cue comes first: "...," said spokesman Geng Shuang. */
    bool inverted = i == first || is_mark(in, i - 1, ',');
    if (!found(m) && inverted) m = subject_after(in, i + length, end);
    if (!found(m) || names_no_source(in, i, m)) return false;
    /* After a quote that ends its sentence, the next sentence belongs to
     * it only as a bare attribution ("Trump said." / "said Bolton as he
     * left"), not when it reports more ("She says it underscores ...") or
     * introduces the next quote ("He added, "..."). */
    if (new_sentence && !bare_attribution(in, i, length, m, end)) return false;
    attribute(s, q, m, WHOSAID_ATTRIBUTION_TRAILING_CUE);
    return true;
  }
  return false;
}

/* Where the sentence of quote Q's opening mark starts, not before the
 * previous direct quote or its paragraph. */
static size_t before_start(const attrib_input *in, size_t q) {
  const quote_span *span = &in->quotes[q];
  size_t start = sentence_start(in, span->open_token);
  size_t previous = previous_direct(in, q);
  if (previous != SIZE_MAX && in->quotes[previous].close_token != QUOTE_NO_TOKEN &&
      in->quotes[previous].close_token + 1 > start) {
    start = in->quotes[previous].close_token + 1;
  }
  size_t paragraph = in->paragraphs[attrib_paragraph_of(in, span->open_token)].first_token;
  return start > paragraph ? start : paragraph;
}

/* "A," he said, "B.": B goes to the speaker whose cue stands alone
 * between the two (A may be a quote too short to count: "a "change
 * agent," Cole said. "That's exactly ..."). */
static bool split_quote(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t previous = q;
  while (previous-- > 0 && in->quotes[previous].parent >= 0) {
  }
  if (previous == SIZE_MAX || in->quotes[previous].close_token == QUOTE_NO_TOKEN) return false;
  size_t first = in->quotes[previous].close_token + 1, open = in->quotes[q].open_token;
  if (open <= first || open - first > 10 ||
      attrib_paragraph_of(in, first) != attrib_paragraph_of(in, open)) {
    return false;
  }
  const attrib_quote *before = &s->out->quotes.items[previous];
  attrib_mention m = before->mention;
  bool inherited = is_direct(&in->quotes[previous]) &&
                   before->rule == WHOSAID_ATTRIBUTION_TRAILING_CUE && m.first_token >= first &&
                   m.end_token <= open;
  for (size_t i = first; !inherited && i < open; i++) {
    int kind;
    size_t length = attrib_cue_at(in, i, &kind);
    if (length == 0 || kind != ATTRIB_CUE_VERB) continue;
    m = subject_before(in, i, first);
    if (!found(m) && i <= first + 1) m = subject_after(in, i + length, open);
    if (!found(m) || names_no_source(in, i, m)) return false;
    inherited = true;
  }
  if (!inherited) return false;
  attribute(s, q, m, WHOSAID_ATTRIBUTION_SPLIT_QUOTE);
  return true;
}

/* A cue's subject, where the cue does not stand next to it: a participle
 * ("..., saying") or a second verb ("outlined his plan and vowed") shares
 * the sentence's subject. */
static attrib_mention cue_subject(const attrib_input *in, size_t cue, size_t floor) {
  const text_token *token = &in->tokens[cue];
  size_t length = token->end - token->start;
  bool participle = length > 4 && in->text[token->end - 1] == 'g' &&
                    in->text[token->end - 2] == 'n' && in->text[token->end - 3] == 'i';
  bool coordinated = cue > floor && (attrib_token_is(in, cue - 1, "and") ||
                                     attrib_token_is(in, cue - 1, "but"));
  if (participle || coordinated) return attrib_sentence_subject(in, cue);
  return subject_before(in, cue, floor);
}

/* A narrator's aside ("As we reported previously, ...") or an impersonal
 * passive ("It was noted that ...") names no source. */
static bool names_no_source(const attrib_input *in, size_t cue, attrib_mention m) {
  static const char *const narrators[] = {"we", "i", "you", NULL};
  static const char *const be[] = {"is", "was", "were", "are", "been", "be", NULL};
  if (m.kind != WHOSAID_MENTION_PRONOUN) return false;
  if (attrib_token_in(in, m.first_token, narrators)) {
    return m.first_token > 0 && attrib_token_is(in, m.first_token - 1, "as");
  }
  if (!attrib_token_is(in, m.first_token, "it")) return false;
  for (size_t i = m.end_token; i < cue; i++) {
    if (attrib_token_in(in, i, be)) return true;
  }
  return false;
}

/* A cue before the quote in its sentence, the nearest first. With a colon
 * or a comma right before the quote, it introduces the quote
 * (LEADING_CUE); otherwise the quote is part of what it reports. */
static bool leading_cue(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t open = in->quotes[q].open_token, start = before_start(in, q);
  size_t floor = sentence_start(in, open);
  if (floor > start) floor = start;
  bool introduces = open > start && (is_mark(in, open - 1, ':') || is_mark(in, open - 1, ','));
  for (size_t i = open; i-- > start;) {
    int kind;
    size_t length = attrib_cue_at(in, i, &kind);
    /* "Trump's claim that ...": a cue noun whose content the quote is. */
    bool possessed = kind == ATTRIB_CUE_PHRASE && i > floor && i + length < open &&
                     in->tokens[i - 1].kind == WHOSAID_TOKEN_CLITIC &&
                     (attrib_token_is(in, i + length, "that") || is_mark(in, i + length, ':'));
    if (length == 0 || (kind != ATTRIB_CUE_VERB && !possessed)) continue;
    attrib_mention m = cue_subject(in, i, floor);
    /* "said Trump:" — inverted only right before the colon. */
    if (!found(m) && introduces) {
      attrib_mention after = subject_after(in, i + length, open);
      if (found(after) && after.end_token + 1 == open) m = after;
    }
    if (!found(m) || names_no_source(in, i, m)) continue;
    attribute(s, q, m,
              introduces ? WHOSAID_ATTRIBUTION_LEADING_CUE : WHOSAID_ATTRIBUTION_REPORTED_SPEECH);
    return true;
  }
  return false;
}

/* "President Obama is rolling out a new message: "It's about me."": a
 * colon with no cue before it still introduces the subject's words. */
static bool leading_colon(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t open = in->quotes[q].open_token;
  if (open == 0 || !is_mark(in, open - 1, ':') || sentence_start(in, open) == open) return false;
  /* "Pollsters agree - Carl Bialik: "..."": the name before the colon. */
  attrib_mention m = open >= 2 ? attrib_mention_ending_at(in, open - 2, sentence_start(in, open))
                               : (attrib_mention){0, 0, WHOSAID_MENTION_NAME};
  if (found(m) && m.kind == WHOSAID_MENTION_NAME) {
    attribute(s, q, m, WHOSAID_ATTRIBUTION_LEADING_CUE);
    return true;
  }
  m = attrib_sentence_subject(in, open);
  if (!found(m) || m.kind == WHOSAID_MENTION_NOMINAL || m.end_token >= open) return false;
  attribute(s, q, m, WHOSAID_ATTRIBUTION_SENTENCE_SUBJECT);
  return true;
}

/* A quote that opens a paragraph after one that ends with a colon and a
 * cue: "Caddell continued:" / "The New York Times reports:". */
static bool leading_paragraph(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t open = in->quotes[q].open_token;
  size_t paragraph = attrib_paragraph_of(in, open);
  if (paragraph == 0 || in->paragraphs[paragraph].first_token != open) return false;
  const text_paragraph *before = &in->paragraphs[paragraph - 1];
  if (before->token_count == 0) return false;
  size_t colon = before->first_token + before->token_count - 1;
  if (!is_mark(in, colon, ':')) return false;
  size_t floor = sentence_start(in, colon);
  for (size_t i = colon; i-- > floor;) {
    int kind;
    size_t length = attrib_cue_at(in, i, &kind);
    if (length == 0 || kind != ATTRIB_CUE_VERB) continue;
    attrib_mention m = cue_subject(in, i, floor);
    if (!found(m)) m = subject_after(in, i + length, colon);
    if (!found(m)) return false;
    attribute(s, q, m, WHOSAID_ATTRIBUTION_LEADING_CUE);
    return true;
  }
  /* No cue: "Cruz called them on it:" still introduces Cruz's words. */
  attrib_mention m = attrib_sentence_subject(in, colon);
  if (!found(m) || m.kind == WHOSAID_MENTION_NOMINAL) return false;
  attribute(s, q, m, WHOSAID_ATTRIBUTION_SENTENCE_SUBJECT);
  return true;
}

/* "according to X" in the quote's sentence, after or before it. */
static bool according_to(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  const quote_span *span = &in->quotes[q];
  size_t first = before_start(in, q);
  size_t end = span->close_token == QUOTE_NO_TOKEN ? span->open_token : after_end(in, q);
  for (size_t i = first; i < end; i++) {
    if (i == span->open_token && span->close_token != QUOTE_NO_TOKEN) i = span->close_token;
    int kind;
    size_t length = attrib_cue_at(in, i, &kind);
    if (length == 0 || kind != ATTRIB_CUE_ACCORDING_TO) continue;
    attrib_mention m = attrib_mention_starting_at(in, i + length, in->token_count);
    if (!found(m)) continue;
    attribute(s, q, m, WHOSAID_ATTRIBUTION_ACCORDING_TO);
    return true;
  }
  return false;
}

/* "PENCE: Well, look, ...": a name in capitals and a colon open the quote. */
static bool transcript_turn(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t first = in->quotes[q].open_token + 1, end = first;
  while (end < in->token_count && end < first + 4 &&
         (in->tokens[end].flags & WHOSAID_TOKEN_ALL_CAPS)) {
    end++;
  }
  if (end == first || end >= in->token_count || !is_mark(in, end, ':')) return false;
  attribute(s, q, (attrib_mention){(uint32_t)first, (uint32_t)end, WHOSAID_MENTION_NAME},
            WHOSAID_ATTRIBUTION_TRANSCRIPT_TURN);
  return true;
}

/* A quote with no cue of its own continues the speaker of the direct quote
 * before it, in the same paragraph or, when it opens its paragraph, the
 * previous one (the news convention for a quote-only paragraph). */
static bool continuation(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t previous = previous_direct(in, q);
  if (previous == SIZE_MAX) return false;
  const attrib_quote *before = &s->out->quotes.items[previous];
  if (!found(before->mention) || before->rule == WHOSAID_ATTRIBUTION_TRANSCRIPT_TURN) {
    return false;
  }
  size_t open = in->quotes[q].open_token;
  size_t here = attrib_paragraph_of(in, open);
  uint32_t end = in->quotes[previous].close_token;
  size_t there = attrib_paragraph_of(in, end == QUOTE_NO_TOKEN ? in->quotes[previous].open_token
                                                               : end);
  bool opens = in->paragraphs[here].first_token == open;
  if (here != there && !(opens && here == there + 1)) return false;
  /* Inside a sentence that names someone, the quote is that one's. */
  if (!opens && sentence_subject(s, q)) return true;
  attribute(s, q, before->mention, WHOSAID_ATTRIBUTION_CONTINUATION);
  return true;
}

/* The subject of the sentence that holds the quote, when the quote does not
 * open it: "Reid has gone after Trump as a "human leech ..."". */
static bool sentence_subject(sieve *s, size_t q) {
  const attrib_input *in = s->in;
  size_t open = in->quotes[q].open_token;
  if (sentence_start(in, open) == open) return false;
  attrib_mention m = attrib_sentence_subject(in, open);
  if (!found(m) || m.end_token > open) return false;
  /* "It was noted at the time that ...": no one. */
  if (m.kind == WHOSAID_MENTION_PRONOUN && attrib_token_is(in, m.first_token, "it")) return false;
  if (m.kind == WHOSAID_MENTION_NOMINAL && !attrib_is_role_noun(in, m.end_token - 1)) return false;
  attribute(s, q, m, WHOSAID_ATTRIBUTION_SENTENCE_SUBJECT);
  return true;
}

int attrib_find_mentions(const attrib_input *in, attrib_result *out) {
  out->quotes.len = 0;
  if (VEC_RESERVE(&out->quotes, in->quote_count) != 0) return WHOSAID_ENOMEM;
  for (size_t q = 0; q < in->quote_count; q++) {
    out->quotes.items[out->quotes.len++] =
        (attrib_quote){{0, 0, WHOSAID_MENTION_NAME}, WHOSAID_ATTRIBUTION_NONE, -1};
  }
  if (in->sentence_count == 0 || in->paragraph_count == 0) return 0;
  sieve s = {in, out};
  for (size_t q = 0; q < in->quote_count; q++) {
    if (!is_direct(&in->quotes[q])) continue;
    (void)(trailing_cue(&s, q) || split_quote(&s, q) || leading_cue(&s, q) ||
           leading_paragraph(&s, q) || according_to(&s, q) || transcript_turn(&s, q) ||
           leading_colon(&s, q) ||
           continuation(&s, q) || sentence_subject(&s, q));
  }
  return 0;
}
