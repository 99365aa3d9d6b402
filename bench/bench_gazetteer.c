/*
 * bench_gazetteer.c: load time of the gazetteer and the throughput of
 * gazetteer_match, which runs on every edit of a document in the editor.
 *
 *   bench_gazetteer [--lists DIR] [--megabytes N] [--runs N] FILE...
 *
 * Loads DIR (default: the repository's models/gazetteers) RUNS times,
 * concatenates the files (blank line between them) until the text is at
 * least N MB (default 10), tokenizes it once and matches it RUNS times
 * (default 5), as written and in capitals (every token then also takes
 * the headline path). Prints the best and median of each.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "ner/gazetteer.h"
#include "text/text.h"

#define MAX_RUNS 1000

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

/* Sort the RUNS times and report the best and the median. */
static void report(const char *what, double *seconds, int runs, double scale, const char *unit) {
  qsort(seconds, (size_t)runs, sizeof(*seconds), compare_doubles);
  printf("%-22s best %8.1f %s, median %8.1f %s\n", what, scale / seconds[0], unit,
         scale / seconds[runs / 2], unit);
}

static gazetteer *bench_load(const char *dir, int runs) {
  double seconds[MAX_RUNS];
  gazetteer *g = NULL;
  for (int run = 0; run < runs; run++) {
    gazetteer_free(g);
    whosaid_error err;
    double start = now_seconds();
    if (gazetteer_load(dir, &g, &err) != 0) {
      fprintf(stderr, "bench_gazetteer: %s\n", err.message);
      exit(1);
    }
    seconds[run] = now_seconds() - start;
  }
  qsort(seconds, (size_t)runs, sizeof(*seconds), compare_doubles);
  printf("load %s: %zu lists, %zu entries: best %.2f ms, median %.2f ms\n", dir,
         gazetteer_list_count(g), gazetteer_entry_count(g), seconds[0] * 1e3,
         seconds[runs / 2] * 1e3);
  return g;
}

static void bench_match(const gazetteer *g, const char *what, const buffer *text, int runs) {
  text_token_vec tokens = VEC_INIT;
  if (text_tokenize(text->data, text->length, &tokens) != 0) {
    fprintf(stderr, "bench_gazetteer: out of memory\n");
    exit(1);
  }
  uint32_t *matches = malloc(tokens.len * sizeof(*matches) + 1);
  double seconds[MAX_RUNS];
  for (int run = 0; run < runs && matches != NULL; run++) {
    double start = now_seconds();
    gazetteer_match(g, text->data, tokens.items, tokens.len, matches);
    seconds[run] = now_seconds() - start;
  }
  size_t matched = 0;
  for (size_t i = 0; matches != NULL && i < tokens.len; i++) matched += matches[i] != 0;
  printf("match %s: %zu tokens, %zu in a match\n", what, tokens.len, matched);
  report("  throughput", seconds, runs, (double)text->length / 1e6, "MB/s");
  free(matches);
  VEC_FREE(&tokens);
}

int main(int argc, char **argv) {
  const char *dir = WHOSAID_GAZETTEER_DIR;
  double megabytes = 10;
  int runs = 5, first_file = 1;
  for (; first_file + 1 < argc && strncmp(argv[first_file], "--", 2) == 0; first_file += 2) {
    if (strcmp(argv[first_file], "--lists") == 0) dir = argv[first_file + 1];
    if (strcmp(argv[first_file], "--megabytes") == 0) megabytes = atof(argv[first_file + 1]);
    if (strcmp(argv[first_file], "--runs") == 0) runs = atoi(argv[first_file + 1]);
  }
  if (first_file >= argc || runs < 1 || runs > MAX_RUNS) {
    fprintf(stderr, "usage: bench_gazetteer [--lists DIR] [--megabytes N] [--runs N] FILE...\n");
    return 2;
  }
  buffer one = {0}, text = {0};
  for (int i = first_file; i < argc; i++) append_file(&one, argv[i]);
  while (text.length < megabytes * 1e6) append(&text, one.data, one.length);
  gazetteer *g = bench_load(dir, runs);
  bench_match(g, "as written", &text, runs);
  for (size_t i = 0; i < text.length; i++) {
    text.data[i] = (char)toupper((unsigned char)text.data[i]);
  }
  bench_match(g, "in capitals", &text, runs);
  gazetteer_free(g);
  free(one.data);
  free(text.data);
  return 0;
}
