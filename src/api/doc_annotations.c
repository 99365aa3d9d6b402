/*
 * doc_annotations.c: where each annotation of a set lands in a document,
 * and what it says about quotes.
 *
 * An annotation remembers the words it was made on and where they were. It
 * lands on the nearest place where those exact words are (compared as
 * fingerprints: letters and digits, case-folded), so that edits elsewhere,
 * reflowing and retyped quotation marks do not lose it; failing that, on
 * the quoted span whose words are most alike, so that a word changed inside
 * the quote does not lose it either. Each quoted span takes one annotation
 * at most, so two annotations on two identical quotes keep to their own.
 * What finds no place is an orphan.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/alloc.h"

/* The words of a quoted span must be this alike (Dice coefficient) to take
 * an annotation whose exact words are nowhere: 3 in 4 shared. */
#define MIN_SIMILARITY 0.75

/* Nor do the words of shorter annotations: "I love you," with one letter
 * changed is as like "You know, I love Larry," as it is like itself, and a
 * correction on the wrong quote is worse than an orphan. */
#define MIN_SIMILAR_WORDS 4

typedef struct {
  uint64_t hash;
  uint32_t token;
} doc_word;

/* "No word": the end of a chain of the word table. */
#define NO_WORD UINT32_MAX

/* What placing works with. */
typedef struct {
  whosaid_doc *doc;
  const char *text;
  VEC(doc_word) words;    /* the document's words in order */
  /* The words by hash, to find where a word occurs without reading the
   * whole document: a chained hash table over the words' indices. */
  uint32_t *heads, *next;
  size_t mask;
  VEC(bool) claimed;      /* per quoted span: an annotation has landed on it */
  annotate_words wanted;  /* the words of the annotation being placed */
  annotate_edges edges;   /* and the tokens around them */
  annotate_words scratch; /* a quoted span's words, to compare */
  bool added;             /* a person's quote was added to the spans */
} placer;

/* A candidate place: bytes [start, end) and the quoted span there (-1: a
 * span to add). */
typedef struct {
  uint32_t start, end;
  int32_t quote;
  uint32_t first_token, last_token;
} candidate;

static int collect_words(placer *p) {
  const text_token *tokens = p->doc->tokens.items;
  for (size_t t = 0; t < p->doc->tokens.len; t++) {
    uint64_t hash = annotate_word_hash(p->text, &tokens[t]);
    if (hash != 0 && VEC_PUSH(&p->words, ((doc_word){hash, (uint32_t)t})) != 0) {
      return WHOSAID_ENOMEM;
    }
  }
  size_t buckets = 64;
  while (buckets < 2 * p->words.len) buckets *= 2;
  p->mask = buckets - 1;
  p->heads = ws_malloc(buckets * sizeof(*p->heads));
  p->next = ws_malloc((p->words.len + 1) * sizeof(*p->next));
  if (p->heads == NULL || p->next == NULL) return WHOSAID_ENOMEM;
  for (size_t b = 0; b < buckets; b++) p->heads[b] = NO_WORD;
  for (size_t w = p->words.len; w-- > 0;) { /* so that chains run in text order */
    size_t bucket = p->words.items[w].hash & p->mask;
    p->next[w] = p->heads[bucket];
    p->heads[bucket] = (uint32_t)w;
  }
  return 0;
}

/* The first word of HASH's chain at or after word W (NO_WORD: none). */
static uint32_t same_word(const placer *p, uint32_t w, uint64_t hash) {
  while (w != NO_WORD && p->words.items[w].hash != hash) w = p->next[w];
  return w;
}

static uint32_t first_occurrence(const placer *p, uint64_t hash) {
  return same_word(p, p->heads[hash & p->mask], hash);
}

static uint32_t next_occurrence(const placer *p, uint32_t w) {
  return same_word(p, p->next[w], p->words.items[w].hash);
}

/* How often HASH occurs, counting no further than LIMIT. */
static size_t count_occurrences(const placer *p, uint64_t hash, size_t limit) {
  size_t count = 0;
  for (uint32_t w = first_occurrence(p, hash); w != NO_WORD && count < limit;
       w = next_occurrence(p, w)) {
    count++;
  }
  return count;
}

/* The wanted word that occurs least often in the document: the exact words
 * can only be where it is. */
static size_t rarest_wanted(const placer *p) {
  size_t best = 0, fewest = count_occurrences(p, p->wanted.items[0], SIZE_MAX);
  for (size_t k = 1; k < p->wanted.len && fewest > 1; k++) {
    size_t count = count_occurrences(p, p->wanted.items[k], fewest);
    if (count < fewest) {
      best = k;
      fewest = count;
    }
  }
  return best;
}

/* The first word whose token starts at or after byte OFFSET. */
static size_t word_at(const placer *p, uint32_t offset) {
  size_t low = 0, high = p->words.len;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (p->doc->tokens.items[p->words.items[middle].token].start < offset) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

static bool is_word_token(const placer *p, size_t t) {
  return annotate_word_hash(p->text, &p->doc->tokens.items[t]) != 0;
}

/* The bytes of words [FIRST, FIRST + COUNT), widened by as many tokens
 * without words (quotation marks, punctuation) as the annotation had
 * around its words. */
static candidate span_of_words(const placer *p, size_t first, size_t count) {
  const text_token *tokens = p->doc->tokens.items;
  uint32_t from = p->words.items[first].token, to = p->words.items[first + count - 1].token;
  for (uint32_t n = 0; n < p->edges.lead && from > 0 && !is_word_token(p, from - 1); n++) from--;
  for (uint32_t n = 0; n < p->edges.trail && to + 1 < p->doc->tokens.len && !is_word_token(p, to + 1);
       n++) {
    to++;
  }
  return (candidate){tokens[from].start, tokens[to].end, -1, from, to};
}

/* Whether [A, B) and [C, D) overlap by at least half of the longer. */
static bool overlap_half(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  uint32_t from = a > c ? a : c, to = b < d ? b : d;
  uint32_t longer = (b - a) > (d - c) ? (b - a) : (d - c);
  return to > from && 2 * (uint64_t)(to - from) >= longer;
}

/* The quoted span that is mostly [START, END), the innermost of equals;
 * -1 when none is. Spans are in order of their starts, and one that starts
 * more than END - START before START is too long to be mostly it, so only
 * the spans starting in [START - (END - START), END) are read. */
static int32_t quote_over(const placer *p, uint32_t start, uint32_t end) {
  const quote_span *spans = p->doc->quotes.items;
  uint32_t from = start > end - start ? start - (end - start) : 0;
  size_t low = 0, high = p->doc->quotes.len;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (spans[middle].start < from) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  int32_t best = -1;
  uint32_t best_overlap = 0;
  for (size_t q = low; q < p->doc->quotes.len && spans[q].start < end; q++) {
    if (!overlap_half(spans[q].start, spans[q].end, start, end)) continue;
    uint32_t overlap = (spans[q].end < end ? spans[q].end : end) -
                       (spans[q].start > start ? spans[q].start : start);
    if (overlap >= best_overlap) {
      best = (int32_t)q;
      best_overlap = overlap;
    }
  }
  return best;
}

static bool words_match(const placer *p, size_t first) {
  for (size_t i = 0; i < p->wanted.len; i++) {
    if (p->words.items[first + i].hash != p->wanted.items[i]) return false;
  }
  return true;
}

static uint64_t distance(uint32_t a, uint32_t b) {
  return a > b ? (uint64_t)a - b : (uint64_t)b - a;
}

/* Whether quoted span Q may take annotation E. A speaker and a "not a
 * quote" are said of direct quotes (whosaid_annotations_edit makes a
 * speaker on any other span a quote by verdict as well), so they look among
 * direct quotes alone: the same words in a headline or a scare quote are
 * not theirs. Notes and quotes by verdict may be on any span. */
static bool may_take(const placer *p, const annotate_entry *e, int32_t q) {
  if (p->claimed.items[q]) return false;
  bool about_a_quote = e->verdict == WHOSAID_VERDICT_NOT_QUOTE ||
                       (e->verdict == WHOSAID_VERDICT_NONE && e->speaker != NULL);
  return !about_a_quote || (p->doc->quotes.items[q].flags & WHOSAID_QUOTE_DIRECT);
}

/* Where the exact words are, nearest to START, on a span that may take
 * them. A person's quote may land where no quoted span is; any other
 * annotation needs one. */
static bool find_exact(const placer *p, const annotate_entry *e, candidate *out) {
  bool found = false;
  size_t m = p->wanted.len, k = rarest_wanted(p);
  for (uint32_t at = first_occurrence(p, p->wanted.items[k]); at != NO_WORD;
       at = next_occurrence(p, at)) {
    if (at < k || at - k + m > p->words.len || !words_match(p, at - k)) continue;
    candidate c = span_of_words(p, at - k, m);
    c.quote = quote_over(p, c.start, c.end);
    if (c.quote >= 0 && !may_take(p, e, c.quote)) continue;
    if (c.quote < 0 && e->verdict != WHOSAID_VERDICT_QUOTE) continue;
    if (found && distance(c.start, e->start) >= distance(out->start, e->start)) continue;
    *out = c;
    found = true;
  }
  return found;
}

/* How alike quoted span Q's words are to the wanted ones; -1 when their
 * counts alone rule a match out. */
static double similarity_to(placer *p, const quote_span *span) {
  size_t first = word_at(p, span->start), end = first;
  while (end < p->words.len && p->doc->tokens.items[p->words.items[end].token].end <= span->end) {
    end++;
  }
  size_t count = end - first, m = p->wanted.len;
  /* Dice >= 0.75 needs the smaller list to be at least 0.6 of the larger. */
  if (count == 0 || 5 * (count < m ? count : m) < 3 * (count > m ? count : m)) return -1;
  p->scratch.len = 0;
  if (VEC_RESERVE(&p->scratch, count) != 0) return -2;
  for (size_t w = first; w < end; w++) p->scratch.items[p->scratch.len++] = p->words.items[w].hash;
  return annotate_similarity(p->scratch.items, count, p->wanted.items, m);
}

/* The free quoted span whose words are most like the wanted ones, nearest
 * to START among equals. WHOSAID_ENOMEM, or 0 with OUT->quote -1 when
 * none is alike enough. Reorders the wanted words. */
static int find_similar(placer *p, const annotate_entry *e, candidate *out) {
  double best = MIN_SIMILARITY;
  out->quote = -1;
  if (p->wanted.len < MIN_SIMILAR_WORDS) return 0;
  for (size_t q = 0; q < p->doc->quotes.len; q++) {
    if (!may_take(p, e, (int32_t)q)) continue;
    const quote_span *span = &p->doc->quotes.items[q];
    double alike = similarity_to(p, span);
    if (alike == -2) return WHOSAID_ENOMEM;
    bool better = alike > best || (alike == best && (out->quote < 0 ||
                                                     distance(span->start, e->start) <
                                                         distance(out->start, e->start)));
    if (!better) continue;
    best = alike;
    *out = (candidate){span->start, span->end, (int32_t)q, span->open_token, span->close_token};
  }
  return 0;
}

/* Add the span a person says is a quote, which the detector did not find. */
static int add_quote(placer *p, candidate *c) {
  quote_span span = {c->start, c->end, c->first_token, c->last_token, -1,
                     WHOSAID_QUOTE_DIRECT | WHOSAID_QUOTE_HUMAN_VERDICT, WHOSAID_QUOTE_ANNOTATED};
  if (VEC_PUSH(&p->doc->quotes, span) != 0 || VEC_PUSH(&p->claimed, false) != 0) {
    return WHOSAID_ENOMEM;
  }
  c->quote = (int32_t)(p->doc->quotes.len - 1);
  p->added = true;
  return 0;
}

static int place_one(placer *p, const annotate_entry *e, api_place *out) {
  *out = (api_place){e->id, false, 0, 0, -1};
  int status = annotate_fingerprint(e->text, strlen(e->text), &p->wanted, &p->edges);
  if (status != 0 || p->wanted.len == 0) return status;
  candidate c = {0, 0, -1, 0, 0};
  if (!find_exact(p, e, &c)) {
    status = find_similar(p, e, &c);
    if (status != 0 || c.quote < 0) return status;
  }
  if (c.quote < 0) status = add_quote(p, &c);
  if (status != 0) return status;
  p->claimed.items[c.quote] = true;
  *out = (api_place){e->id, true, c.start, c.end, c.quote};
  return 0;
}

/* Sorting the spans again after a person's quotes were added ***************/

typedef struct {
  uint32_t start, end, index;
} span_key;

/* In order of their starts, the longer first, so that a span comes after
 * the spans that hold it. */
static int compare_spans(const void *a, const void *b) {
  const span_key *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  return x->index < y->index ? -1 : 1;
}

/* Each span's parent: the nearest span before it that holds it. */
static void link_parents(quote_span *spans, size_t count, int32_t *stack) {
  size_t depth = 0;
  for (size_t i = 0; i < count; i++) {
    while (depth > 0 && !(spans[stack[depth - 1]].start <= spans[i].start &&
                          spans[i].end <= spans[stack[depth - 1]].end)) {
      depth--;
    }
    spans[i].parent = depth > 0 ? stack[depth - 1] : -1;
    stack[depth++] = (int32_t)i;
  }
}

static int sort_spans(whosaid_doc *doc) {
  size_t count = doc->quotes.len;
  span_key *keys = ws_malloc(count * sizeof(*keys));
  int32_t *new_index = ws_malloc(count * sizeof(*new_index));
  quote_span *sorted = ws_malloc(count * sizeof(*sorted));
  int status = keys == NULL || new_index == NULL || sorted == NULL ? WHOSAID_ENOMEM : 0;
  for (size_t i = 0; status == 0 && i < count; i++) {
    keys[i] = (span_key){doc->quotes.items[i].start, doc->quotes.items[i].end, (uint32_t)i};
  }
  if (status == 0 && count > 1) qsort(keys, count, sizeof(*keys), compare_spans);
  for (size_t i = 0; status == 0 && i < count; i++) {
    sorted[i] = doc->quotes.items[keys[i].index];
    new_index[keys[i].index] = (int32_t)i;
  }
  for (size_t p = 0; status == 0 && p < doc->places.len; p++) {
    api_place *place = &doc->places.items[p];
    if (place->quote >= 0) place->quote = new_index[place->quote];
  }
  if (status == 0) {
    memcpy(doc->quotes.items, sorted, count * sizeof(*sorted));
    link_parents(doc->quotes.items, count, new_index); /* done with it: a stack now */
  }
  ws_free(keys);
  ws_free(new_index);
  ws_free(sorted);
  return status;
}

/* Verdicts *****************************************************************/

static void apply_verdict(quote_span *span, const annotate_entry *e) {
  if (e->verdict == WHOSAID_VERDICT_NOT_QUOTE) {
    span->flags &= ~(uint32_t)WHOSAID_QUOTE_DIRECT;
  } else if (e->verdict == WHOSAID_VERDICT_QUOTE) {
    span->flags |= WHOSAID_QUOTE_DIRECT;
  } else {
    return;
  }
  span->flags |= WHOSAID_QUOTE_HUMAN_VERDICT;
  span->reason = WHOSAID_QUOTE_ANNOTATED;
}

static int place_all(placer *p, const whosaid_annotations *set) {
  whosaid_doc *doc = p->doc;
  int status = collect_words(p);
  if (status == 0) status = VEC_RESERVE(&p->claimed, doc->quotes.len);
  if (status == 0) status = VEC_RESERVE(&doc->places, set->entries.len);
  if (status != 0) return status;
  /* Without quoted spans ITEMS may be NULL, which memset must never get. */
  if (doc->quotes.len > 0) memset(p->claimed.items, 0, doc->quotes.len * sizeof(bool));
  p->claimed.len = doc->quotes.len;
  for (size_t i = 0; status == 0 && i < set->entries.len; i++) {
    status = place_one(p, &set->entries.items[i], &doc->places.items[i]);
    if (status == 0) doc->places.len++;
  }
  if (status == 0 && p->added) status = sort_spans(doc);
  for (size_t i = 0; status == 0 && i < doc->places.len; i++) {
    const api_place *place = &doc->places.items[i];
    if (place->attached) apply_verdict(&doc->quotes.items[place->quote], &set->entries.items[i]);
  }
  return status;
}

int api_place_annotations(whosaid_doc *doc, const char *text, const whosaid_annotations *set) {
  placer p = {.doc = doc, .text = text}; /* the rest empty */
  int status = place_all(&p, set);
  VEC_FREE(&p.words);
  ws_free(p.heads);
  ws_free(p.next);
  VEC_FREE(&p.claimed);
  VEC_FREE(&p.wanted);
  VEC_FREE(&p.scratch);
  return status;
}
