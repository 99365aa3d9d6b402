/*
 * bench_analyze.c: throughput of whosaid_analyze on news text.
 *
 *   bench_analyze [--model DIR] [--megabytes N] [--runs N] FILE...
 *
 * Concatenates the files (blank line between them) until the text is at
 * least N MB (default 10), analyses it RUNS times (default 5) on one thread
 * and prints the best and median throughput and the peak resident memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "whosaid.h"

typedef struct {
  char *data;
  size_t length, capacity;
} buffer;

static void append(buffer *b, const char *data, size_t length) {
  if (b->length + length > b->capacity) {
    b->capacity = (b->length + length) * 2;
    b->data = realloc(b->data, b->capacity);
    if (b->data == NULL) {
      perror("realloc");
      exit(1);
    }
  }
  memcpy(b->data + b->length, data, length);
  b->length += length;
}

static void append_file(buffer *b, const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    perror(path);
    exit(1);
  }
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0) append(b, chunk, n);
  fclose(file);
  append(b, "\n\n", 2);
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  const char *model_dir = NULL;
  double megabytes = 10;
  int runs = 5, first_file = 1;
  for (; first_file < argc && strncmp(argv[first_file], "--", 2) == 0; first_file += 2) {
    if (first_file + 1 >= argc) break;
    if (strcmp(argv[first_file], "--model") == 0) model_dir = argv[first_file + 1];
    if (strcmp(argv[first_file], "--megabytes") == 0) megabytes = atof(argv[first_file + 1]);
    if (strcmp(argv[first_file], "--runs") == 0) runs = atoi(argv[first_file + 1]);
  }
  if (first_file >= argc || runs < 1 || runs > 1000) {
    fprintf(stderr, "usage: bench_analyze [--model DIR] [--megabytes N] [--runs N] FILE...\n");
    return 2;
  }
  buffer one = {0}, text = {0};
  for (int i = first_file; i < argc; i++) append_file(&one, argv[i]);
  while (text.length < megabytes * 1e6) append(&text, one.data, one.length);

  whosaid_model *model = NULL;
  whosaid_error err;
  if (model_dir != NULL && whosaid_model_load(model_dir, &model, &err) != 0) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  double *seconds = calloc((size_t)runs, sizeof(*seconds));
  size_t tokens = 0, quotes = 0;
  for (int r = 0; r < runs; r++) {
    whosaid_doc *doc = NULL;
    double start = now_seconds();
    int status = whosaid_analyze(model, text.data, text.length, &doc);
    seconds[r] = now_seconds() - start;
    if (status != 0) {
      fprintf(stderr, "analyze: %s\n", whosaid_strerror(status));
      return 1;
    }
    tokens = whosaid_doc_token_count(doc);
    quotes = whosaid_doc_quote_count(doc);
    whosaid_doc_free(doc);
  }
  qsort(seconds, (size_t)runs, sizeof(*seconds), compare_doubles);
  double mb = (double)text.length / 1e6;
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("text: %.1f MB, %zu tokens, %zu quoted spans, model: %s\n", mb, tokens, quotes,
         model_dir ? model_dir : "none");
  printf("analyze: best %.1f MB/s, median %.1f MB/s over %d runs\n", mb / seconds[0],
         mb / seconds[runs / 2], runs);
  printf("peak resident memory: %.1f MB (text buffers included: %.1f MB)\n",
         (double)usage.ru_maxrss / 1024.0, 2 * mb);
  whosaid_model_free(model);
  free(seconds);
  free(one.data);
  free(text.data);
  return 0;
}
