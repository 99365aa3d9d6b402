/*
 * annotate.h: the annotation layer. A person's corrections to an article,
 * kept apart from the analysis that applies them (src/api/doc_annotations.c).
 *
 *   set.c          the set: entries with ids, copying, editing fields
 *   sidecar.c      the sidecar file: versioned JSON, read and written
 *   fingerprint.c  the words of a text as hashes, to find them again
 */
#ifndef WHOSAID_ANNOTATE_H
#define WHOSAID_ANNOTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vec.h"
#include "text/text.h"
#include "whosaid.h"

/* One annotation. Strings are owned (ws_malloc), NUL-terminated, valid
 * UTF-8; NULL for none. */
typedef struct {
  uint32_t id;
  char *text;
  uint32_t start, end, line;
  whosaid_verdict verdict;
  char *speaker, *note;
  char *created, *updated;
  /* The JSON fields of this annotation that this version does not know (a
   * json_t object, or NULL), written back unchanged so that a file written by
   * a newer whosaid keeps them. */
  void *unknown_fields;
} annotate_entry;

struct whosaid_annotations {
  VEC(annotate_entry) entries;
  uint32_t next_id;     /* ids start at 1: 0 means none */
  void *unknown_fields; /* unknown top-level fields (a json_t object), or NULL */
};

/* Set ***********************************************************************/

/* Append ENTRY (taking its strings) with a fresh id; on failure ENTRY's
 * strings are freed. */
int annotate_add(whosaid_annotations *set, annotate_entry *entry);

/* Remove entry INDEX, freeing it. */
void annotate_remove(whosaid_annotations *set, size_t index);

/* The index of the entry with id ID, or -1. */
ptrdiff_t annotate_find(const whosaid_annotations *set, uint32_t id);

void annotate_entry_destroy(annotate_entry *entry);

/* Replace *FIELD by a copy of LENGTH bytes at VALUE made valid UTF-8 (each
 * invalid byte and each NUL becomes U+FFFD, so that the JSON can hold it);
 * LENGTH 0 or VALUE NULL sets NULL. */
int annotate_set_string(char **field, const char *value, size_t length);

/* The current time as "2026-11-28T10:00:00Z" in OUT. */
void annotate_now(char out[24]);

/* Sidecar ******************************************************************/

/* See whosaid_annotations_parse and whosaid_annotations_format. */
int annotate_parse(const char *json, size_t length, const char *name, whosaid_annotations **out,
                   whosaid_error *err);
int annotate_format(const whosaid_annotations *set, char **json, size_t *length);

/* Fingerprints *************************************************************/

/* A text's words, each as a hash of its letters and digits case-folded;
 * tokens without a letter or digit (punctuation, quotation marks) are left
 * out, so are white space and line breaks. */
typedef VEC(uint64_t) annotate_words;

/* The hash of token TOKEN's letters and digits, or 0 when it has none. */
uint64_t annotate_word_hash(const char *text, const text_token *token);

/* How many tokens without words (quotation marks, punctuation) stand before
 * a text's first word and after its last: a span found again by its words
 * takes as many back, so that it still includes its quotation marks. */
typedef struct {
  uint32_t lead, trail;
} annotate_edges;

/* The words of LENGTH bytes at TEXT in *OUT (emptied first), and its
 * EDGES (may be NULL). */
int annotate_fingerprint(const char *text, size_t length, annotate_words *out,
                         annotate_edges *edges);

/*
 * How alike two word lists are, whatever their order: the Dice coefficient
 * of their multisets, 2 * shared / (|A| + |B|), in [0, 1]. Sorts both.
 */
double annotate_similarity(uint64_t *a, size_t a_count, uint64_t *b, size_t b_count);

#endif
