/*
 * sidecar.c: the annotation file, versioned JSON read and written with
 * jansson. The format (doc/whosaid.txt, *whosaid-sidecar*):
 *
 *   {"whosaid": "annotations", "version": 1,
 *    "annotations": [{"text": "“...”", "start": 120, "end": 260, "line": 4,
 *                     "speaker": "Heiko Maas", "verdict": "quote",
 *                     "note": "...", "created": "...", "updated": "..."}]}
 *
 * A person may edit the file by hand, so every mistake is reported with the
 * file name and where it is, and nothing is guessed: a file this version
 * cannot read is refused whole, and the caller leaves it on disk as it is.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "annotate/annotate.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/file.h"

/* Sidecars are small; a larger file is not one. */
#define SIDECAR_MAX_BYTES (64u << 20)

/* Reading ******************************************************************/

typedef struct {
  const char *name;
  whosaid_error *err;
} reader;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int refuse(const reader *r, size_t index, const char *format, ...) {
  char what[400];
  va_list args;
  va_start(args, format);
  vsnprintf(what, sizeof(what), format, args);
  va_end(args);
  if (index == 0) return ws_fail(r->err, WHOSAID_EFORMAT, "%s: %s", r->name, what);
  return ws_fail(r->err, WHOSAID_EFORMAT, "%s: annotation %zu: %s", r->name, index, what);
}

/* A string field: absent or null leaves *OUT NULL. */
static int read_string(const reader *r, size_t index, json_t *object, const char *key,
                       char **out) {
  json_t *value = json_object_get(object, key);
  if (value == NULL || json_is_null(value)) return 0;
  if (!json_is_string(value)) return refuse(r, index, "\"%s\" must be a string", key);
  return annotate_set_string(out, json_string_value(value), json_string_length(value));
}

/* An offset field: absent leaves *OUT 0. */
static int read_offset(const reader *r, size_t index, json_t *object, const char *key,
                       uint32_t *out) {
  json_t *value = json_object_get(object, key);
  if (value == NULL) return 0;
  if (!json_is_integer(value) || json_integer_value(value) < 0 ||
      json_integer_value(value) >= UINT32_MAX) {
    return refuse(r, index, "\"%s\" must be a whole number from 0 to %" PRIu32, key,
                  UINT32_MAX - 1);
  }
  *out = (uint32_t)json_integer_value(value);
  return 0;
}

static int read_verdict(const reader *r, size_t index, json_t *object, whosaid_verdict *out) {
  json_t *value = json_object_get(object, "verdict");
  *out = WHOSAID_VERDICT_NONE;
  if (value == NULL || json_is_null(value)) return 0;
  for (int v = 0; v < 3 && json_is_string(value); v++) {
    if (strcmp(json_string_value(value), whosaid_verdict_name((whosaid_verdict)v)) == 0) {
      *out = (whosaid_verdict)v;
      return 0;
    }
  }
  return refuse(r, index, "\"verdict\" must be \"quote\", \"not_quote\" or \"none\"");
}

static const char *const entry_keys[] = {"text",    "start",   "end",     "line",   "speaker",
                                         "verdict", "note",    "created", "updated"};

/* The fields of OBJECT other than KEYS, or NULL when there are none. */
static int unknown_fields(json_t *object, const char *const *keys, size_t key_count,
                          void **out) {
  *out = NULL;
  if (json_object_size(object) == 0) return 0;
  json_t *rest = json_copy(object);
  if (rest == NULL) return WHOSAID_ENOMEM;
  for (size_t k = 0; k < key_count; k++) json_object_del(rest, keys[k]);
  if (json_object_size(rest) == 0) {
    json_decref(rest);
    return 0;
  }
  *out = rest;
  return 0;
}

static int read_fields(const reader *r, size_t index, json_t *object, annotate_entry *e) {
  int status = read_string(r, index, object, "text", &e->text);
  if (status == 0 && e->text == NULL) return refuse(r, index, "\"text\" is missing or empty");
  if (status == 0) status = read_offset(r, index, object, "start", &e->start);
  e->end = UINT32_MAX; /* absent: where its words start */
  if (status == 0) status = read_offset(r, index, object, "end", &e->end);
  if (e->end == UINT32_MAX) e->end = e->start;
  if (status == 0) status = read_offset(r, index, object, "line", &e->line);
  if (status == 0 && e->end < e->start) return refuse(r, index, "\"end\" is before \"start\"");
  if (status == 0) status = read_verdict(r, index, object, &e->verdict);
  if (status == 0) status = read_string(r, index, object, "speaker", &e->speaker);
  if (status == 0) status = read_string(r, index, object, "note", &e->note);
  if (status == 0) status = read_string(r, index, object, "created", &e->created);
  if (status == 0) status = read_string(r, index, object, "updated", &e->updated);
  if (status == 0) {
    status = unknown_fields(object, entry_keys, sizeof(entry_keys) / sizeof(*entry_keys),
                            &e->unknown_fields);
  }
  return status;
}

static int read_entry(const reader *r, size_t index, json_t *object, whosaid_annotations *set) {
  if (!json_is_object(object)) return refuse(r, index, "must be an object");
  annotate_entry entry = {0};
  int status = read_fields(r, index, object, &entry);
  if (status != 0) {
    annotate_entry_destroy(&entry);
    return status;
  }
  return annotate_add(set, &entry);
}

static int read_header(const reader *r, json_t *root) {
  if (!json_is_object(root)) return refuse(r, 0, "not a whosaid annotation file (not an object)");
  json_t *kind = json_object_get(root, "whosaid");
  if (!json_is_string(kind) || strcmp(json_string_value(kind), "annotations") != 0) {
    return refuse(r, 0, "not a whosaid annotation file (no \"whosaid\": \"annotations\")");
  }
  json_t *version = json_object_get(root, "version");
  if (!json_is_integer(version) || json_integer_value(version) < 1) {
    return refuse(r, 0, "\"version\" must be a whole number from 1");
  }
  if (json_integer_value(version) > WHOSAID_SIDECAR_VERSION) {
    return refuse(r, 0,
                  "format version %" JSON_INTEGER_FORMAT " is newer than this whosaid reads "
                  "(%d): upgrade whosaid",
                  json_integer_value(version), WHOSAID_SIDECAR_VERSION);
  }
  if (!json_is_array(json_object_get(root, "annotations"))) {
    return refuse(r, 0, "\"annotations\" must be a list");
  }
  return 0;
}

static const char *const root_keys[] = {"whosaid", "version", "annotations"};

static int read_root(const reader *r, json_t *root, whosaid_annotations *set) {
  int status = read_header(r, root);
  json_t *list = json_object_get(root, "annotations");
  for (size_t i = 0; status == 0 && i < json_array_size(list); i++) {
    status = read_entry(r, i + 1, json_array_get(list, i), set);
  }
  if (status == 0) status = unknown_fields(root, root_keys, 3, &set->unknown_fields);
  return status;
}

int annotate_parse(const char *json, size_t length, const char *name, whosaid_annotations **out,
                   whosaid_error *err) {
  reader r = {name != NULL ? name : "annotations", err};
  json_error_t problem;
  /* NUL is allowed inside strings: it is made U+FFFD like any other byte
   * that cannot be shown, rather than refusing the whole file. */
  json_t *root = json_loadb(json, length, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &problem);
  if (root == NULL) {
    return ws_fail(err, WHOSAID_EFORMAT, "%s:%d:%d: %s", r.name, problem.line, problem.column,
                   problem.text);
  }
  whosaid_annotations *set = NULL;
  int status = whosaid_annotations_new(&set);
  if (status == 0) status = read_root(&r, root, set);
  json_decref(root);
  if (status != 0) {
    whosaid_annotations_free(set);
    return status;
  }
  *out = set;
  return 0;
}

int whosaid_annotations_parse(const char *json, size_t length, const char *name,
                              whosaid_annotations **out, whosaid_error *err) {
  if (out == NULL) return ws_fail(err, WHOSAID_EINVAL, "no place for the annotations");
  *out = NULL;
  if (json == NULL) return ws_fail(err, WHOSAID_EINVAL, "no annotation text");
  return annotate_parse(json, length, name, out, err);
}

int whosaid_annotations_read(const char *path, whosaid_annotations **out, whosaid_error *err) {
  if (out == NULL || path == NULL) return ws_fail(err, WHOSAID_EINVAL, "no annotation file");
  *out = NULL;
  char *data = NULL;
  size_t length = 0;
  int status = ws_read_file(path, SIDECAR_MAX_BYTES, &data, &length, err);
  if (status == WHOSAID_EMODEL) {
    status = ws_fail(err, WHOSAID_EFORMAT, "%s: larger than %u bytes: not an annotation file",
                     path, SIDECAR_MAX_BYTES);
  }
  if (status == 0) status = annotate_parse(data, length, path, out, err);
  ws_free(data);
  return status;
}

/* Writing ******************************************************************/

/* Set KEY to the string VALUE when it is not NULL; false when out of memory. */
static bool put_string(json_t *object, const char *key, const char *value) {
  return value == NULL || json_object_set_new(object, key, json_string(value)) == 0;
}

static bool put_number(json_t *object, const char *key, uint32_t value) {
  return json_object_set_new(object, key, json_integer(value)) == 0;
}

static json_t *entry_json(const annotate_entry *e) {
  json_t *object = json_object();
  bool ok = object != NULL && put_string(object, "text", e->text) &&
            put_number(object, "start", e->start) && put_number(object, "end", e->end) &&
            put_number(object, "line", e->line) && put_string(object, "speaker", e->speaker);
  if (ok && e->verdict != WHOSAID_VERDICT_NONE) {
    ok = put_string(object, "verdict", whosaid_verdict_name(e->verdict));
  }
  ok = ok && put_string(object, "note", e->note) && put_string(object, "created", e->created) &&
       put_string(object, "updated", e->updated);
  if (ok && e->unknown_fields != NULL) ok = json_object_update_missing(object, e->unknown_fields) == 0;
  if (!ok) {
    json_decref(object);
    return NULL;
  }
  return object;
}

static json_t *set_json(const whosaid_annotations *set) {
  json_t *root = json_object(), *list = json_array();
  bool ok = root != NULL && list != NULL && put_string(root, "whosaid", "annotations") &&
            put_number(root, "version", WHOSAID_SIDECAR_VERSION);
  for (size_t i = 0; ok && i < set->entries.len; i++) {
    ok = json_array_append_new(list, entry_json(&set->entries.items[i])) == 0;
  }
  ok = ok && json_object_set(root, "annotations", list) == 0;
  if (ok && set->unknown_fields != NULL) ok = json_object_update_missing(root, set->unknown_fields) == 0;
  json_decref(list);
  if (!ok) {
    json_decref(root);
    return NULL;
  }
  return root;
}

int annotate_format(const whosaid_annotations *set, char **json, size_t *length) {
  json_t *root = set_json(set);
  /* Two-space indentation: the file is meant to be read, diffed and, now
   * and then, mended by hand. */
  char *text = root == NULL ? NULL : json_dumps(root, JSON_INDENT(2));
  json_decref(root);
  if (text == NULL) return WHOSAID_ENOMEM;
  size_t n = strlen(text);
  char *copy = ws_malloc(n + 2); /* through the library's allocator, for whosaid_free */
  if (copy != NULL) {
    memcpy(copy, text, n);
    copy[n] = '\n';
    copy[n + 1] = '\0';
  }
  json_free_t jansson_free = NULL;
  json_get_alloc_funcs(NULL, &jansson_free);
  jansson_free(text);
  if (copy == NULL) return WHOSAID_ENOMEM;
  *json = copy;
  if (length != NULL) *length = n + 1;
  return 0;
}

int whosaid_annotations_format(const whosaid_annotations *set, char **json, size_t *length) {
  if (set == NULL || json == NULL) return WHOSAID_EINVAL;
  *json = NULL;
  return annotate_format(set, json, length);
}

int whosaid_annotations_write(const whosaid_annotations *set, const char *path,
                              whosaid_error *err) {
  if (set == NULL || path == NULL) return ws_fail(err, WHOSAID_EINVAL, "no annotations or no path");
  char *json = NULL;
  size_t length = 0;
  int status = annotate_format(set, &json, &length);
  if (status != 0) return ws_fail(err, status, "%s: out of memory", path);
  status = whosaid_write_file(path, json, length, err);
  ws_free(json);
  return status;
}
