/*
 * bench_analyze.c: throughput of whosaid_analyze on news text.
 *
 *   bench_analyze [--model DIR] [--megabytes N] [--runs N] FILE...
 *
 * Analyses each FILE as a document of its own (as the editor does, one
 * article at a time), over and over until N MB (default 10) have been
 * analysed, RUNS times (default 5), on one thread: with no model (text
 * layer and quotes), with the model's tagger file alone (DIR/ner.bin:
 * entities, but no speech cues, so no attribution) and with the whole
 * model. Prints the three throughputs, the tagger's own share and the
 * share of speech cues and attribution (the differences), the time to load
 * the model and the peak resident memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "whosaid.h"

typedef struct {
  char *data;
  size_t length;
} text;

static text read_file(const char *path) {
  text t = {NULL, 0};
  t.data = read_whole_file(path, &t.length);
  return t;
}

/* Seconds to analyse the texts round-robin until BYTES bytes are done. */
static double analyse_all(const whosaid_model *model, const text *texts, int count,
                          double bytes, size_t *entities) {
  double done = 0, start = now_seconds();
  *entities = 0;
  for (int i = 0; done < bytes; i = (i + 1) % count) {
    whosaid_doc *doc = NULL;
    int status = whosaid_analyze(model, texts[i].data, texts[i].length, &doc);
    if (status != 0) {
      fprintf(stderr, "analyze: %s\n", whosaid_strerror(status));
      exit(1);
    }
    *entities += whosaid_doc_entity_count(doc);
    whosaid_doc_free(doc);
    done += (double)texts[i].length;
  }
  return now_seconds() - start;
}

/* The median of RUNS timings, in MB/s. */
static double median_speed(const whosaid_model *model, const text *texts, int count,
                           double bytes, int runs, size_t *entities) {
  double *seconds = calloc((size_t)runs, sizeof(*seconds));
  for (int r = 0; r < runs; r++) seconds[r] = analyse_all(model, texts, count, bytes, entities);
  qsort(seconds, (size_t)runs, sizeof(*seconds), compare_doubles);
  double median = seconds[runs / 2];
  free(seconds);
  return bytes / 1e6 / median;
}

int main(int argc, char **argv) {
  const char *model_dir = NULL;
  double megabytes = 10;
  int runs = 5, first = 1;
  for (; first + 1 < argc && strncmp(argv[first], "--", 2) == 0; first += 2) {
    if (strcmp(argv[first], "--model") == 0) model_dir = argv[first + 1];
    if (strcmp(argv[first], "--megabytes") == 0) megabytes = atof(argv[first + 1]);
    if (strcmp(argv[first], "--runs") == 0) runs = atoi(argv[first + 1]);
  }
  if (first >= argc || runs < 1 || runs > 1000 || megabytes <= 0) {
    fprintf(stderr, "usage: bench_analyze [--model DIR] [--megabytes N] [--runs N] FILE...\n");
    return 2;
  }
  int count = argc - first;
  text *texts = calloc((size_t)count, sizeof(*texts));
  size_t total = 0;
  for (int i = 0; i < count; i++) total += (texts[i] = read_file(argv[first + i])).length;
  whosaid_model *model = NULL;
  whosaid_error err;
  double load_start = now_seconds();
  if (model_dir != NULL && whosaid_model_load(model_dir, &model, &err) != 0) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  double load_ms = (now_seconds() - load_start) * 1e3;
  size_t entities = 0, none = 0;
  double bytes = megabytes * 1e6;
  double plain = median_speed(NULL, texts, count, bytes, runs, &none);
  printf("%d documents, %.2f MB; analysed %.0f MB per run, median of %d runs\n", count,
         (double)total / 1e6, megabytes, runs);
  printf("without a model (text layer, quotes): %7.1f MB/s\n", plain);
  if (model != NULL) {
    /* The tagger file alone: the same analysis without cues or attribution. */
    char tagger_path[4096];
    snprintf(tagger_path, sizeof(tagger_path), "%s/ner.bin", model_dir);
    whosaid_model *tagger_model = NULL;
    if (whosaid_model_load(tagger_path, &tagger_model, &err) != 0) {
      fprintf(stderr, "%s\n", err.message);
      return 1;
    }
    double entities_only = median_speed(tagger_model, texts, count, bytes, runs, &none);
    double full = median_speed(model, texts, count, bytes, runs, &entities);
    double tagger = 1.0 / (1.0 / entities_only - 1.0 / plain);
    double added = 100.0 * (entities_only / full - 1.0);
    printf("with the model %s:\n", model_dir);
    printf("  whole analysis:                    %7.1f MB/s\n", full);
    printf("  without cues and attribution:      %7.1f MB/s (attribution adds %.1f%% time)\n",
           entities_only, added);
    printf("  entity tagger alone (difference):  %7.1f MB/s\n", tagger);
    printf("  model load:                        %7.2f ms\n", load_ms);
    printf("  entities in the last run:          %zu\n", entities);
    whosaid_model_free(tagger_model);
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("peak resident memory: %.1f MB (the texts themselves: %.1f MB)\n",
         (double)usage.ru_maxrss / 1024.0, (double)total / 1e6);
  whosaid_model_free(model);
  for (int i = 0; i < count; i++) free(texts[i].data);
  free(texts);
  return 0;
}
