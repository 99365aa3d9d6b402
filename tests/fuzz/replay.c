/*
 * replay.c: a main() for a fuzz harness without libFuzzer. It runs the
 * harness once over every file of the directories (or files) it is given,
 * in name order, the way libFuzzer runs one input: a heap copy of exactly
 * its bytes, so that AddressSanitizer sees a read past the end.
 *
 *   fuzz_replay_<harness> tests/fuzz/corpus/<harness> tests/fuzz/regressions/<harness>
 *
 * ctest runs it as fuzz.replay.<harness> in every build (CI's sanitizer
 * build included), so each corpus file and each past crash is re-run by the
 * normal suite without clang. A harness that finds a violation aborts,
 * which fails the test; the name of each input is printed before its run.
 * Files whose names start with '.' and README files are skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_support.h"

/* The harness with a custom mutator (fuzz_rpc.c) calls libFuzzer's own
 * mutator from it; replaying never mutates, so this is never called. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) {
  (void)data;
  (void)max_size;
  return size;
}

static int run_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 1;
  }
  size_t capacity = 4096, size = 0;
  uint8_t *data = malloc(capacity);
  for (size_t n; data != NULL && (n = fread(data + size, 1, capacity - size, file)) > 0;) {
    size += n;
    if (size == capacity) data = realloc(data, capacity *= 2);
  }
  bool failed = data == NULL || ferror(file);
  fclose(file);
  if (failed) {
    fprintf(stderr, "replay: %s: cannot read it\n", path);
    free(data);
    return 1;
  }
  uint8_t *copy = malloc(size > 0 ? size : 1); /* exactly SIZE bytes, as libFuzzer gives */
  if (copy == NULL) return 1;
  memcpy(copy, data, size);
  free(data);
  fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
  LLVMFuzzerTestOneInput(copy, size);
  free(copy);
  return 0;
}

static bool skipped(const char *name) {
  return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every file of DIRECTORY in name order; *COUNT counts them. */
static int run_directory(const char *directory, size_t *count) {
  DIR *dir = opendir(directory);
  if (dir == NULL) {
    fprintf(stderr, "replay: %s: %s\n", directory, strerror(errno));
    return 1;
  }
  size_t n = 0, capacity = 0;
  char **names = NULL;
  for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
    if (skipped(entry->d_name)) continue;
    if (n == capacity) names = realloc(names, (capacity = capacity * 2 + 16) * sizeof(*names));
    if (names == NULL || (names[n] = strdup(entry->d_name)) == NULL) return 1;
    n++;
  }
  closedir(dir);
  if (n > 0) qsort(names, n, sizeof(*names), compare_names);
  int status = 0;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", directory, names[i]);
    struct stat info;
    if (stat(path, &info) == 0 && S_ISREG(info.st_mode)) {
      status |= run_file(path);
      ++*count;
    }
    free(names[i]);
  }
  free(names);
  return status;
}

int main(int argc, char **argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  int status = 0;
  size_t count = 0;
  for (int i = 1; i < argc; i++) {
    struct stat info;
    if (stat(argv[i], &info) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    } else if (S_ISDIR(info.st_mode)) {
      status |= run_directory(argv[i], &count);
    } else {
      status |= run_file(argv[i]);
      count++;
    }
  }
  printf("replay: %zu inputs run%s\n", count, status != 0 ? ", some could not be read" : "");
  return status;
}
