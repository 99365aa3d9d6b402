/*
 * set.c: the annotation set as a list of entries with ids, and the public
 * functions that create, copy and read it.
 */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "annotate/annotate.h"
#include "core/alloc.h"

void annotate_entry_destroy(annotate_entry *entry) {
  ws_free(entry->text);
  ws_free(entry->speaker);
  ws_free(entry->note);
  ws_free(entry->created);
  ws_free(entry->updated);
  json_decref(entry->unknown_fields);
  memset(entry, 0, sizeof(*entry));
}

int annotate_add(whosaid_annotations *set, annotate_entry *entry) {
  entry->id = set->next_id++;
  if (VEC_PUSH(&set->entries, *entry) != 0) {
    annotate_entry_destroy(entry);
    return WHOSAID_ENOMEM;
  }
  return 0;
}

void annotate_remove(whosaid_annotations *set, size_t index) {
  annotate_entry_destroy(&set->entries.items[index]);
  memmove(&set->entries.items[index], &set->entries.items[index + 1],
          (set->entries.len - index - 1) * sizeof(set->entries.items[0]));
  set->entries.len--;
}

ptrdiff_t annotate_find(const whosaid_annotations *set, uint32_t id) {
  for (size_t i = 0; i < set->entries.len; i++) {
    if (set->entries.items[i].id == id) return (ptrdiff_t)i;
  }
  return -1;
}

/* The length of the valid UTF-8 sequence at S (at most LEFT bytes), or 0
 * when the byte there starts none (or is NUL). */
static size_t valid_sequence(const unsigned char *s, size_t left) {
  unsigned char c = s[0];
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  size_t need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (need == 0 || need > left) return 0;
  for (size_t i = 1; i < need; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
  }
  /* Overlong three- and four-byte forms, surrogates, and past U+10FFFF. */
  if (c == 0xE0 && s[1] < 0xA0) return 0;
  if (c == 0xED && s[1] >= 0xA0) return 0;
  if (c == 0xF0 && s[1] < 0x90) return 0;
  if (c == 0xF4 && s[1] >= 0x90) return 0;
  return need;
}

int annotate_set_string(char **field, const char *value, size_t length) {
  ws_free(*field);
  *field = NULL;
  if (value == NULL || length == 0) return 0;
  if (length > (SIZE_MAX - 1) / 3) return WHOSAID_ENOMEM;
  char *copy = ws_malloc(length * 3 + 1); /* each bad byte may become 3 */
  if (copy == NULL) return WHOSAID_ENOMEM;
  size_t n = 0;
  for (size_t i = 0; i < length;) {
    size_t run = valid_sequence((const unsigned char *)value + i, length - i);
    if (run == 0) {
      memcpy(copy + n, "\xEF\xBF\xBD", 3);
      n += 3;
      i++;
    } else {
      memcpy(copy + n, value + i, run);
      n += run;
      i += run;
    }
  }
  copy[n] = '\0';
  *field = copy;
  return 0;
}

void annotate_now(char out[24]) {
  time_t now = time(NULL);
  struct tm utc;
  if (gmtime_r(&now, &utc) == NULL || strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) {
    strcpy(out, "1970-01-01T00:00:00Z");
  }
}

/* Public functions *********************************************************/

const char *whosaid_verdict_name(whosaid_verdict verdict) {
  static const char *const names[] = {"none", "quote", "not_quote"};
  return (unsigned)verdict < 3 ? names[verdict] : "?";
}

int whosaid_annotations_new(whosaid_annotations **out) {
  if (out == NULL) return WHOSAID_EINVAL;
  *out = ws_calloc(1, sizeof(**out));
  if (*out == NULL) return WHOSAID_ENOMEM;
  (*out)->next_id = 1;
  return 0;
}

void whosaid_annotations_free(whosaid_annotations *set) {
  if (set == NULL) return;
  for (size_t i = 0; i < set->entries.len; i++) annotate_entry_destroy(&set->entries.items[i]);
  VEC_FREE(&set->entries);
  json_decref(set->unknown_fields);
  ws_free(set);
}

static int copy_string(char **to, const char *from) {
  return from == NULL ? 0 : annotate_set_string(to, from, strlen(from));
}

static int copy_entry(annotate_entry *to, const annotate_entry *from) {
  *to = (annotate_entry){from->id, NULL, from->start, from->end, from->line, from->verdict,
                         NULL, NULL, NULL, NULL, NULL};
  int status = copy_string(&to->text, from->text);
  if (status == 0) status = copy_string(&to->speaker, from->speaker);
  if (status == 0) status = copy_string(&to->note, from->note);
  if (status == 0) status = copy_string(&to->created, from->created);
  if (status == 0) status = copy_string(&to->updated, from->updated);
  if (status == 0 && from->unknown_fields != NULL) {
    to->unknown_fields = json_deep_copy(from->unknown_fields);
    if (to->unknown_fields == NULL) status = WHOSAID_ENOMEM;
  }
  if (status != 0) annotate_entry_destroy(to);
  return status;
}

int whosaid_annotations_copy(const whosaid_annotations *set, whosaid_annotations **out) {
  if (out == NULL) return WHOSAID_EINVAL;
  *out = NULL;
  if (set == NULL) return WHOSAID_EINVAL;
  whosaid_annotations *copy = NULL;
  int status = whosaid_annotations_new(&copy);
  if (status == 0) status = VEC_RESERVE(&copy->entries, set->entries.len);
  for (size_t i = 0; status == 0 && i < set->entries.len; i++) {
    status = copy_entry(&copy->entries.items[i], &set->entries.items[i]);
    if (status == 0) copy->entries.len++;
  }
  if (status == 0 && set->unknown_fields != NULL) {
    copy->unknown_fields = json_deep_copy(set->unknown_fields);
    if (copy->unknown_fields == NULL) status = WHOSAID_ENOMEM;
  }
  if (status != 0) {
    whosaid_annotations_free(copy);
    return status;
  }
  copy->next_id = set->next_id;
  *out = copy;
  return 0;
}

size_t whosaid_annotations_count(const whosaid_annotations *set) {
  return set == NULL ? 0 : set->entries.len;
}

int whosaid_annotations_get(const whosaid_annotations *set, size_t index,
                            whosaid_annotation *out) {
  if (set == NULL || out == NULL) return WHOSAID_EINVAL;
  if (index >= set->entries.len) return WHOSAID_ERANGE;
  const annotate_entry *e = &set->entries.items[index];
  *out = (whosaid_annotation){e->id,      e->text ? e->text : "", e->start,   e->end,
                              e->line,    e->verdict,             e->speaker, e->note,
                              e->created, e->updated};
  return 0;
}
