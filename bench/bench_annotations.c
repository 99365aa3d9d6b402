/*
 * bench_annotations.c: what a person's corrections cost.
 *
 *   bench_annotations [--model DIR] [--runs N] FILE
 *
 * Annotates every direct quote of FILE (a speaker named on each, as a
 * person correcting the whole article would) and measures, as medians of
 * RUNS (default 7): analysing FILE without the set and with it (every
 * annotation found again by its words), the same after a paragraph is
 * inserted at the top (every anchor has moved), writing the sidecar
 * (atomically, with fsync) and reading it back. Then counts how many
 * annotations land on their own quote after the text is reflowed to 60
 * columns, and after one letter of a word inside every quote is changed
 * (both edits keep every offset, so "their own quote" is the one that
 * starts where it did).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "whosaid.h"

static void check(int status, const char *what) {
  if (status != 0) {
    fprintf(stderr, "bench_annotations: %s: %s\n", what, whosaid_strerror(status));
    exit(1);
  }
}

/* A speaker named on every direct quote of TEXT. */
static whosaid_annotations *annotate_all(const whosaid_model *model, const char *text,
                                         size_t length) {
  whosaid_annotations *set = NULL;
  whosaid_doc *doc = NULL;
  check(whosaid_annotations_new(&set), "new set");
  check(whosaid_analyze_annotated(model, text, length, set, &doc), "analyze");
  whosaid_annotation_change change = {"A Person", NULL, -1};
  for (size_t q = 0; q < whosaid_doc_quote_count(doc); q++) {
    whosaid_quote quote;
    whosaid_doc_quote(doc, q, &quote);
    if (!(quote.flags & WHOSAID_QUOTE_DIRECT)) continue;
    check(whosaid_annotations_edit(set, doc, text, length, quote.range.start_byte,
                                   quote.range.end_byte, &change, NULL),
          "edit");
  }
  whosaid_doc_free(doc);
  return set;
}

/* Median seconds of one analysis of TEXT with SET (or NULL); *ATTACHED
 * gets how many annotations found their place. */
static double time_analysis(const whosaid_model *model, const char *text, size_t length,
                            const whosaid_annotations *set, int runs, size_t *attached) {
  double *times = malloc((size_t)runs * sizeof(*times));
  for (int r = 0; r < runs; r++) {
    whosaid_doc *doc = NULL;
    double start = now_seconds();
    check(whosaid_analyze_annotated(model, text, length, set, &doc), "analyze");
    times[r] = now_seconds() - start;
    *attached = 0;
    for (size_t i = 0; i < whosaid_doc_annotation_count(doc); i++) {
      whosaid_annotation_place place;
      whosaid_doc_annotation(doc, i, &place);
      *attached += place.attached;
    }
    whosaid_doc_free(doc);
  }
  qsort(times, (size_t)runs, sizeof(*times), compare_doubles);
  double median = times[runs / 2];
  free(times);
  return median;
}

static void time_files(const whosaid_annotations *set, int runs) {
  char path[] = "/tmp/bench-annotations-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    perror(path);
    exit(1);
  }
  close(fd);
  double *writes = malloc((size_t)runs * sizeof(*writes));
  double *reads = malloc((size_t)runs * sizeof(*reads));
  for (int r = 0; r < runs; r++) {
    whosaid_error err;
    double start = now_seconds();
    check(whosaid_annotations_write(set, path, &err), err.message);
    writes[r] = now_seconds() - start;
    whosaid_annotations *read = NULL;
    start = now_seconds();
    check(whosaid_annotations_read(path, &read, &err), err.message);
    reads[r] = now_seconds() - start;
    whosaid_annotations_free(read);
  }
  char *json = NULL;
  size_t bytes = 0;
  check(whosaid_annotations_format(set, &json, &bytes), "format");
  qsort(writes, (size_t)runs, sizeof(*writes), compare_doubles);
  qsort(reads, (size_t)runs, sizeof(*reads), compare_doubles);
  printf("sidecar: %zu bytes; write (atomic, fsync) %.2f ms, read %.2f ms\n", bytes,
         writes[runs / 2] * 1e3, reads[runs / 2] * 1e3);
  whosaid_free(json);
  free(writes);
  free(reads);
  unlink(path);
}

/* Break the lines of COPY anew at about 60 columns: spaces become line
 * breaks and line breaks inside paragraphs spaces. */
static void reflow(char *copy, size_t length, const whosaid_doc *doc) {
  (void)doc;
  size_t column = 0;
  for (size_t i = 0; i < length; i++) {
    bool paragraph_end = copy[i] == '\n' && ((i + 1 < length && copy[i + 1] == '\n') ||
                                             (i > 0 && copy[i - 1] == '\n'));
    if (copy[i] == '\n' && !paragraph_end) copy[i] = ' ';
    if (copy[i] == ' ' && column >= 60) {
      copy[i] = '\n';
      column = 0;
    } else {
      column = copy[i] == '\n' ? 0 : column + 1;
    }
  }
}

/* In every direct quote, the first ASCII letter of its third word made
 * another letter. */
static void reword(char *copy, size_t length, const whosaid_doc *doc) {
  for (size_t q = 0; q < whosaid_doc_quote_count(doc); q++) {
    whosaid_quote quote;
    whosaid_doc_quote(doc, q, &quote);
    if (!(quote.flags & WHOSAID_QUOTE_DIRECT)) continue;
    int spaces = 0;
    for (size_t i = quote.range.start_byte; i < quote.range.end_byte && i < length; i++) {
      spaces += copy[i] == ' ';
      if (spaces == 2 && copy[i] >= 'a' && copy[i] < 'z') {
        copy[i]++;
        break;
      }
    }
  }
}

/* How many annotations land on the quote they were made on (the one that
 * starts at the same byte) after EDIT changed TEXT in place. */
static void count_faithful(const whosaid_model *model, const char *text, size_t length,
                           const whosaid_annotations *set, const char *what,
                           void (*edit)(char *, size_t, const whosaid_doc *)) {
  whosaid_doc *before = NULL, *after = NULL;
  check(whosaid_analyze_annotated(model, text, length, set, &before), "analyze");
  char *copy = malloc(length + 1);
  memcpy(copy, text, length);
  edit(copy, length, before);
  check(whosaid_analyze_annotated(model, copy, length, set, &after), "analyze");
  size_t same = 0, orphans = 0, count = whosaid_doc_annotation_count(after);
  for (size_t i = 0; i < count; i++) {
    whosaid_annotation_place was, now;
    whosaid_doc_annotation(before, i, &was);
    whosaid_doc_annotation(after, i, &now);
    orphans += !now.attached;
    same += now.attached && was.attached && now.range.start_byte == was.range.start_byte;
  }
  printf("%s: %zu of %zu on their own quote, %zu orphans\n", what, same, count, orphans);
  whosaid_doc_free(before);
  whosaid_doc_free(after);
  free(copy);
}

int main(int argc, char **argv) {
  const char *model_dir = "models", *file = NULL;
  int runs = 7;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      model_dir = argv[++i];
    } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else {
      file = argv[i];
    }
  }
  if (file == NULL || runs < 1) {
    fprintf(stderr, "usage: bench_annotations [--model DIR] [--runs N] FILE\n");
    return 2;
  }
  whosaid_model *model = NULL;
  whosaid_error err;
  check(whosaid_model_load(model_dir, &model, &err), err.message);
  size_t length = 0;
  char *text = read_whole_file(file, &length);
  whosaid_annotations *set = annotate_all(model, text, length);
  size_t count = whosaid_annotations_count(set), attached = 0;

  double plain = time_analysis(model, text, length, NULL, runs, &attached);
  double with = time_analysis(model, text, length, set, runs, &attached);
  printf("%s: %zu bytes, %zu annotations (one on each direct quote)\n", file, length, count);
  printf("analysis without them %.2f ms, with them %.2f ms (+%.1f%%); %zu of %zu attached\n",
         plain * 1e3, with * 1e3, 100.0 * (with - plain) / plain, attached, count);

  static const char above[] = "A paragraph inserted above everything.\n\n";
  char *moved = malloc(length + sizeof(above));
  memcpy(moved, above, sizeof(above) - 1);
  memcpy(moved + sizeof(above) - 1, text, length);
  double shifted = time_analysis(model, moved, length + sizeof(above) - 1, set, runs, &attached);
  printf("after an edit above them all: %.2f ms; %zu of %zu attached\n", shifted * 1e3, attached,
         count);
  time_files(set, runs);
  count_faithful(model, text, length, set, "reflowed to 60 columns", reflow);
  count_faithful(model, text, length, set, "a letter changed in every quote", reword);

  free(moved);
  free(text);
  whosaid_annotations_free(set);
  whosaid_model_free(model);
  return 0;
}
