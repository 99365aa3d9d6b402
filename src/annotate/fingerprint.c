/*
 * fingerprint.c: the words of a text as hashes, so that an annotation finds
 * its words again after the article changes around them. Only letters and
 * digits count, case-folded: a reflowed paragraph, straight quotes made
 * curly, or a comma added do not change a fingerprint; a word changed does.
 */
#include <stdlib.h>
#include <utf8proc.h>

#include "annotate/annotate.h"

/* FNV-1a, 64 bits, over code points. */
#define FNV_OFFSET 14695981039346656037ull
#define FNV_PRIME 1099511628211ull

uint64_t annotate_word_hash(const char *text, const text_token *token) {
  uint64_t hash = FNV_OFFSET;
  bool any = false;
  for (size_t pos = token->start; pos < token->end;) {
    text_char c = text_utf8_decode(text, token->end, pos);
    pos += c.length;
    if (c.codepoint < 0 || !(text_is_letter(c.codepoint) || text_is_digit(c.codepoint))) continue;
    uint32_t folded = (uint32_t)utf8proc_tolower(c.codepoint);
    for (int shift = 0; shift < 32; shift += 8) {
      hash = (hash ^ ((folded >> shift) & 0xFF)) * FNV_PRIME;
    }
    any = true;
  }
  /* 0 means "no word": a real hash of 0 is moved aside. */
  if (any && hash == 0) hash = 1;
  return any ? hash : 0;
}

int annotate_fingerprint(const char *text, size_t length, annotate_words *out,
                         annotate_edges *edges) {
  out->len = 0;
  text_token_vec tokens = VEC_INIT;
  int status = text_tokenize(text, length, &tokens);
  size_t first = tokens.len, last = 0;
  for (size_t t = 0; status == 0 && t < tokens.len; t++) {
    uint64_t hash = annotate_word_hash(text, &tokens.items[t]);
    if (hash == 0) continue;
    status = VEC_PUSH(out, hash);
    if (first == tokens.len) first = t;
    last = t;
  }
  if (edges != NULL) {
    *edges = (annotate_edges){0, 0};
    if (out->len > 0) *edges = (annotate_edges){(uint32_t)first, (uint32_t)(tokens.len - 1 - last)};
  }
  VEC_FREE(&tokens);
  return status;
}

static int compare_hashes(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

double annotate_similarity(uint64_t *a, size_t a_count, uint64_t *b, size_t b_count) {
  if (a_count + b_count == 0) return 1.0;
  if (a_count > 1) qsort(a, a_count, sizeof(*a), compare_hashes);
  if (b_count > 1) qsort(b, b_count, sizeof(*b), compare_hashes);
  size_t shared = 0;
  for (size_t i = 0, j = 0; i < a_count && j < b_count;) {
    if (a[i] == b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i] < b[j]) {
      i++;
    } else {
      j++;
    }
  }
  return 2.0 * (double)shared / (double)(a_count + b_count);
}
