/*
 * quote_cues.c: the speech-cue lexicon, a hash set of lower-case words and
 * phrases parsed from a text file (models/cues.txt), and matching it
 * against tokens.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "quotes/quotes.h"

#define MAX_LIST_BYTES (1u << 20)

/* Cues are stored NUL-separated in BYTES; SLOTS holds offset + 1 (0 empty). */
struct quote_cues {
  char *bytes;
  size_t byte_count;
  uint32_t *slots;
  size_t slot_count; /* a power of two, at least twice the cue count */
  size_t count;
};

static uint32_t hash_lower(const char *s, size_t length) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < length; i++) {
    h = (h ^ text_ascii_lower((unsigned char)s[i])) * 16777619u;
  }
  return h;
}

static bool equal_lower(const char *stored, const char *s, size_t length) {
  for (size_t i = 0; i < length; i++) {
    if ((unsigned char)stored[i] != text_ascii_lower((unsigned char)s[i])) return false;
  }
  return stored[length] == '\0';
}

/* The slot where WORD is, or the empty slot where it would go. */
static size_t find_slot(const quote_cues *cues, const char *word, size_t length) {
  size_t mask = cues->slot_count - 1;
  size_t i = hash_lower(word, length) & mask;
  while (cues->slots[i] != 0 && !equal_lower(cues->bytes + cues->slots[i] - 1, word, length)) {
    i = (i + 1) & mask;
  }
  return i;
}

bool quote_cues_contains(const quote_cues *cues, const char *word, size_t length) {
  if (cues == NULL || length == 0 || length > QUOTE_CUE_MAX_BYTES) return false;
  return cues->slots[find_slot(cues, word, length)] != 0;
}

size_t quote_cues_count(const quote_cues *cues) {
  return cues == NULL ? 0 : cues->count;
}

void quote_cues_free(quote_cues *cues) {
  if (cues == NULL) return;
  ws_free(cues->bytes);
  ws_free(cues->slots);
  ws_free(cues);
}

/* Parsing ***************************************************************/

/* LINE 0 means the whole list. */

static int parse_error(whosaid_error *err, const char *name, size_t line, const char *what) {
  if (err != NULL) {
    err->status = WHOSAID_EMODEL;
    if (line == 0) {
      snprintf(err->message, sizeof(err->message), "%s: %s", name, what);
    } else {
      snprintf(err->message, sizeof(err->message), "%s:%zu: %s", name, line, what);
    }
  }
  return WHOSAID_EMODEL;
}

/* Check one cue line (already trimmed); NULL when it is acceptable. */
static const char *check_cue(const char *s, size_t length) {
  if (length > QUOTE_CUE_MAX_BYTES) return "cue longer than 64 bytes";
  size_t words = 1;
  for (size_t i = 0; i < length; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ') {
      if (i + 1 < length && s[i + 1] == ' ') return "two spaces in a row inside a cue";
      words++;
    } else if (c < 0x20 || c >= 0x7f) {
      return "cues must be printable ASCII";
    } else if (c >= 'A' && c <= 'Z') {
      return "cues must be lower case";
    }
  }
  if (words > QUOTE_CUE_MAX_WORDS) return "a cue has at most 4 words";
  return NULL;
}

static void trim(const char **s, size_t *length) {
  while (*length > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) (*s)++, (*length)--;
  while (*length > 0 && strchr(" \t\r", (*s)[*length - 1]) != NULL) (*length)--;
}

/* Add a checked cue; duplicates are ignored. */
static void insert(quote_cues *cues, const char *s, size_t length) {
  size_t slot = find_slot(cues, s, length);
  if (cues->slots[slot] != 0) return;
  memcpy(cues->bytes + cues->byte_count, s, length);
  cues->bytes[cues->byte_count + length] = '\0';
  cues->slots[slot] = (uint32_t)cues->byte_count + 1;
  cues->byte_count += length + 1;
  cues->count++;
}

static size_t slots_for(size_t line_count) {
  size_t slots = 16;
  while (slots < 2 * line_count) slots *= 2;
  return slots;
}

static quote_cues *cues_new(size_t length, size_t line_count) {
  quote_cues *cues = ws_calloc(1, sizeof(*cues));
  if (cues == NULL) return NULL;
  cues->slot_count = slots_for(line_count);
  cues->bytes = ws_malloc(length + 1);
  cues->slots = ws_calloc(cues->slot_count, sizeof(*cues->slots));
  if (cues->bytes == NULL || cues->slots == NULL) {
    quote_cues_free(cues);
    return NULL;
  }
  return cues;
}

int quote_cues_parse(const char *data, size_t length, const char *name, quote_cues **out,
                     whosaid_error *err) {
  *out = NULL;
  if (length > MAX_LIST_BYTES) return parse_error(err, name, 0, "cue list larger than 1 MiB");
  if (memchr(data, '\0', length) != NULL) return parse_error(err, name, 0, "NUL byte in cue list");
  size_t line_count = 1;
  for (size_t i = 0; i < length; i++) line_count += data[i] == '\n';
  quote_cues *cues = cues_new(length, line_count);
  if (cues == NULL) return WHOSAID_ENOMEM;
  size_t line = 0;
  for (size_t pos = 0; pos < length;) {
    const char *newline = memchr(data + pos, '\n', length - pos);
    size_t end = newline ? (size_t)(newline - data) : length;
    const char *s = data + pos;
    size_t n = end - pos;
    line++;
    pos = end + 1;
    trim(&s, &n);
    if (n == 0 || s[0] == '#') continue;
    const char *problem = check_cue(s, n);
    if (problem != NULL) {
      quote_cues_free(cues);
      return parse_error(err, name, line, problem);
    }
    insert(cues, s, n);
  }
  if (cues->count == 0) {
    quote_cues_free(cues);
    return parse_error(err, name, 0, "no cues in the list");
  }
  *out = cues;
  return 0;
}

/* Matching **************************************************************/

static bool is_word_token(const text_token *token) {
  return token->kind == WHOSAID_TOKEN_WORD || token->kind == WHOSAID_TOKEN_ABBREVIATION ||
         token->kind == WHOSAID_TOKEN_CLITIC;
}

size_t quote_cues_match(const quote_cues *cues, const char *text, const text_token *tokens,
                        size_t token_count, size_t index) {
  if (cues == NULL) return 0;
  char phrase[QUOTE_CUE_MAX_BYTES + 1];
  size_t length = 0, best = 0;
  for (size_t n = 0; n < QUOTE_CUE_MAX_WORDS && index + n < token_count; n++) {
    const text_token *token = &tokens[index + n];
    size_t size = token->end - token->start;
    if (!is_word_token(token) || length + (n > 0) + size > QUOTE_CUE_MAX_BYTES) break;
    if (n > 0) phrase[length++] = ' ';
    memcpy(phrase + length, text + token->start, size);
    length += size;
    if (quote_cues_contains(cues, phrase, length)) best = n + 1;
  }
  return best;
}
