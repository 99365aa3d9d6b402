/*
 * bench.h: what the benchmarks share: a monotonic clock, medians, and
 * reading a whole file (exiting with a message when it cannot be read).
 */
#ifndef WHOSAID_BENCH_H
#define WHOSAID_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The whole of PATH (*LENGTH bytes, then a NUL), to be freed. */
static inline char *read_whole_file(const char *path, size_t *length) {
  FILE *file = fopen(path, "rb");
  if (file == NULL || fseek(file, 0, SEEK_END) != 0) {
    perror(path);
    exit(1);
  }
  long size = ftell(file);
  rewind(file);
  char *data = malloc((size_t)size + 1);
  if (size < 0 || data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size) {
    perror(path);
    exit(1);
  }
  fclose(file);
  data[size] = '\0';
  *length = (size_t)size;
  return data;
}

#endif
