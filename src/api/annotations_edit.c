/*
 * annotations_edit.c: changing a set through a document analysed with it:
 * a person's edit lands on the annotation already on that span, and anchors
 * follow the words as the article changes.
 */
#include <string.h>

#include "api/api.h"
#include "core/alloc.h"

/* The set's entry attached at [START, END) of DOC (or to the quoted span
 * there), or -1. */
static ptrdiff_t entry_at(const whosaid_annotations *set, const whosaid_doc *doc, uint32_t start,
                          uint32_t end) {
  for (size_t p = 0; p < doc->places.len; p++) {
    const api_place *place = &doc->places.items[p];
    if (!place->attached) continue;
    bool here = place->start == start && place->end == end;
    if (!here && place->quote >= 0) {
      const quote_span *span = &doc->quotes.items[place->quote];
      here = span->start == start && span->end == end;
    }
    if (here) return annotate_find(set, place->id);
  }
  return -1;
}

/* Point E's anchor at bytes [START, END) of TEXT. */
static int anchor_at(annotate_entry *e, const whosaid_doc *doc, const char *text, uint32_t start,
                     uint32_t end) {
  int status = annotate_set_string(&e->text, text + start, end - start);
  if (status != 0) return status;
  e->start = start;
  e->end = end;
  e->line = whosaid_doc_point(doc, start).line;
  return 0;
}

/* Apply one string field of a change: NULL keeps, "" clears. */
static int change_string(char **field, const char *value) {
  if (value == NULL) return 0;
  return annotate_set_string(field, value, strlen(value));
}

static int apply_change(annotate_entry *e, const whosaid_annotation_change *change) {
  int status = change_string(&e->speaker, change->speaker);
  if (status == 0) status = change_string(&e->note, change->note);
  if (status == 0 && change->verdict >= 0) e->verdict = (whosaid_verdict)change->verdict;
  char now[24];
  annotate_now(now);
  if (status == 0 && e->created == NULL) status = annotate_set_string(&e->created, now, strlen(now));
  if (status == 0) status = annotate_set_string(&e->updated, now, strlen(now));
  return status;
}

/* Whether [START, END) is a quoted span of DOC that it counts as direct. */
static bool is_direct_quote(const whosaid_doc *doc, uint32_t start, uint32_t end) {
  for (size_t q = 0; q < doc->quotes.len; q++) {
    const quote_span *span = &doc->quotes.items[q];
    if (span->start == start && span->end == end) return (span->flags & WHOSAID_QUOTE_DIRECT) != 0;
  }
  return false;
}

static bool says_nothing(const annotate_entry *e) {
  return e->speaker == NULL && e->note == NULL && e->verdict == WHOSAID_VERDICT_NONE;
}

static bool valid_change(const whosaid_annotation_change *change) {
  return change != NULL && change->verdict >= -1 && change->verdict <= WHOSAID_VERDICT_NOT_QUOTE;
}

int whosaid_annotations_edit(whosaid_annotations *set, const whosaid_doc *doc, const char *text,
                             size_t length, uint32_t start, uint32_t end,
                             const whosaid_annotation_change *change, uint32_t *id) {
  if (id != NULL) *id = 0;
  if (set == NULL || doc == NULL || text == NULL || !valid_change(change)) return WHOSAID_EINVAL;
  if (length != doc->length || start >= end || end > length) return WHOSAID_ERANGE;
  ptrdiff_t index = entry_at(set, doc, start, end);
  if (index < 0) {
    annotate_entry fresh = {0};
    int status = annotate_add(set, &fresh);
    if (status != 0) return status;
    index = (ptrdiff_t)set->entries.len - 1;
  }
  annotate_entry *e = &set->entries.items[index];
  bool was_direct = is_direct_quote(doc, start, end) && e->verdict != WHOSAID_VERDICT_QUOTE;
  int status = anchor_at(e, doc, text, start, end);
  if (status == 0) status = apply_change(e, change);
  /* Naming the speaker of words the engine does not count as a quote says
   * that they are one. */
  if (status == 0 && e->speaker != NULL && !was_direct && e->verdict == WHOSAID_VERDICT_NONE) {
    e->verdict = WHOSAID_VERDICT_QUOTE;
  }
  if (status == 0 && says_nothing(e)) {
    annotate_remove(set, (size_t)index);
    return 0;
  }
  if (status != 0 && e->text == NULL) annotate_remove(set, (size_t)index);
  if (status == 0 && id != NULL) *id = e->id;
  return status;
}

int whosaid_annotations_reanchor(whosaid_annotations *set, const whosaid_doc *doc,
                                 const char *text, size_t length) {
  if (set == NULL || doc == NULL || (text == NULL && length > 0)) return WHOSAID_EINVAL;
  if (length != doc->length) return WHOSAID_ERANGE;
  for (size_t p = 0; p < doc->places.len; p++) {
    const api_place *place = &doc->places.items[p];
    ptrdiff_t index = place->attached ? annotate_find(set, place->id) : -1;
    if (index < 0) continue;
    int status = anchor_at(&set->entries.items[index], doc, text, place->start, place->end);
    if (status != 0) return status;
  }
  return 0;
}
