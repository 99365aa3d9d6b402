/*
 * model.c: whosaid_model, the directory of data files the analysis reads.
 * For now it holds the speech-cue lexicon (cues.txt); trained weights join
 * it as they come.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/file.h"

#define CUES_FILE "cues.txt"
#define NER_FILE "ner.bin"
#define MAX_DATA_FILE (1u << 20)


/* A model is a directory, or a tagger file alone. */
static int check_path(const char *path, bool *is_directory, whosaid_error *err) {
  struct stat info;
  if (stat(path, &info) != 0) {
    int status = errno == ENOENT ? WHOSAID_ENOENT : WHOSAID_EIO;
    return ws_fail(err, status, "model %s: %s", path, strerror(errno));
  }
  if (!S_ISDIR(info.st_mode) && !S_ISREG(info.st_mode)) {
    return ws_fail(err, WHOSAID_EMODEL, "model %s: neither a directory nor a file", path);
  }
  *is_directory = S_ISDIR(info.st_mode);
  return 0;
}

static int load_cues(whosaid_model *model, whosaid_error *err) {
  size_t size = strlen(model->path) + sizeof("/" CUES_FILE);
  char *file = ws_malloc(size);
  if (file == NULL) return WHOSAID_ENOMEM;
  snprintf(file, size, "%s/%s", model->path, CUES_FILE);
  char *data = NULL;
  size_t length = 0;
  int status = ws_read_file(file, MAX_DATA_FILE, &data, &length, err);
  if (status == 0) status = quote_cues_parse(data, length, file, &model->cues, err);
  ws_free(data);
  ws_free(file);
  return status;
}

/* The tagger, ner.bin, is optional: without it there are no entities. */
static int load_tagger(whosaid_model *model, whosaid_error *err) {
  size_t size = strlen(model->path) + sizeof("/" NER_FILE);
  char *file = ws_malloc(size);
  if (file == NULL) return WHOSAID_ENOMEM;
  snprintf(file, size, "%s/%s", model->path, NER_FILE);
  struct stat info;
  int status = stat(file, &info) == 0 ? ner_model_load(file, &model->ner, err) : 0;
  ws_free(file);
  return status;
}

static int load_parts(whosaid_model *model, bool is_directory, whosaid_error *err) {
  if (!is_directory) return ner_model_load(model->path, &model->ner, err);
  int status = load_cues(model, err);
  return status != 0 ? status : load_tagger(model, err);
}

int whosaid_model_load(const char *path, whosaid_model **out, whosaid_error *err) {
  if (err != NULL) err->status = 0, err->message[0] = '\0';
  if (out == NULL) return WHOSAID_EINVAL;
  *out = NULL;
  if (path == NULL || path[0] == '\0') {
    return ws_fail(err, WHOSAID_EINVAL, "model path is empty");
  }
  bool is_directory = false;
  int status = check_path(path, &is_directory, err);
  if (status != 0) return status;
  whosaid_model *model = ws_calloc(1, sizeof(*model));
  if (model == NULL) return WHOSAID_ENOMEM;
  model->path = ws_strndup(path, strlen(path));
  status = model->path == NULL ? WHOSAID_ENOMEM : load_parts(model, is_directory, err);
  if (status != 0) {
    if (status == WHOSAID_ENOMEM) ws_fail(err, status, "loading model %s: out of memory", path);
    whosaid_model_free(model);
    return status;
  }
  *out = model;
  return 0;
}

void whosaid_model_free(whosaid_model *model) {
  if (model == NULL) return;
  quote_cues_free(model->cues);
  ner_model_free(model->ner);
  ws_free(model->path);
  ws_free(model);
}

const char *whosaid_model_path(const whosaid_model *model) {
  return model == NULL ? NULL : model->path;
}

size_t whosaid_model_cue_count(const whosaid_model *model) {
  return model == NULL ? 0 : quote_cues_count(model->cues);
}

bool whosaid_model_has_entities(const whosaid_model *model) {
  return model != NULL && model->ner != NULL;
}

bool whosaid_model_has_attribution(const whosaid_model *model) {
  return model != NULL && model->cues != NULL; /* the sieve needs the speech cues */
}
