/*
 * fuzz_support.h: what the fuzz harnesses share (tests/fuzz/fuzz_*.c).
 *
 * Each harness is one libFuzzer target, LLVMFuzzerTestOneInput over
 * arbitrary bytes. It is linked either with libFuzzer (WHOSAID_FUZZ=ON,
 * clang: `scripts/dev fuzz`) or with replay.c, which runs it once over
 * every file of its corpus and regression directories (ctest
 * fuzz.replay.<harness>, in every build). A harness reports a violated
 * property with FUZZ_CHECK, which prints it and aborts: libFuzzer then
 * keeps the input as a crash, and the replay test fails.
 *
 *   fuzz_check_doc      every span of a document inside its text, in the
 *                       order the API promises, its positions consistent
 *   fuzz_check_exports  JSON, CSV and Markdown exports well-formed
 *   fuzz_temp_dir       a private scratch directory, removed at exit
 */
#ifndef WHOSAID_FUZZ_SUPPORT_H
#define WHOSAID_FUZZ_SUPPORT_H

#include <stdbool.h>

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#include "whosaid.h"

/* The libFuzzer interface each harness implements (and replay.c calls). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print "fuzz: FILE:LINE: what" and abort(). */
#if defined(__GNUC__)
__attribute__((noreturn, format(printf, 3, 4)))
#endif
void fuzz_fail(const char *file, int line, const char *format, ...);

#define FUZZ_CHECK(condition, ...)                                   \
  do {                                                               \
    if (!(condition)) fuzz_fail(__FILE__, __LINE__, __VA_ARGS__);    \
  } while (0)

/* Whether LENGTH bytes at TEXT are valid UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF). Written here rather than taken from
 * the library, so that the oracle does not share the library's mistakes. */
bool fuzz_utf8_valid(const char *text, size_t length);

/* The repository's model directory (WHOSAID_MODEL_DIR, or $WHOSAID_MODEL),
 * loaded once; aborts when it does not load. */
const whosaid_model *fuzz_repository_model(void);

/* Check every token, sentence, paragraph, quote, entity, speaker and
 * annotation place of DOC, the analysis of LENGTH bytes at TEXT. */
void fuzz_check_doc(const whosaid_doc *doc, const char *text, size_t length);

/* Export DOC (analysed with SET, which may be NULL) in the three formats and
 * check each: JSON parses, CSV has a row of 7 fields per direct quote, all
 * are valid UTF-8 and none holds a NUL byte. */
void fuzz_check_exports(const whosaid_doc *doc, const char *text, size_t length,
                        const whosaid_annotations *set);

/* A new empty directory, in memory when /dev/shm exists (the host fsyncs
 * what it saves, which on a disk costs milliseconds), else in $TMPDIR or
 * /tmp; removed with what it holds when the process exits normally. The
 * string is static. Aborts when none can be made. */
const char *fuzz_temp_dir(const char *prefix);

/* Remove everything inside DIRECTORY (not DIRECTORY itself). */
void fuzz_empty_dir(const char *directory);

/* Write SIZE bytes at DATA to PATH, replacing it; aborts on failure. */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* splitmix64: pseudo-random numbers from a seed (a hash of the input), so
 * that an input reproduces whole. */
uint64_t fuzz_next_random(uint64_t *state);

/* FNV-1a of SIZE bytes at DATA, continuing HASH. */
uint64_t fuzz_hash_bytes(uint64_t hash, const void *data, size_t size);

/* Whether the N bytes at S could name a file outside the working directory
 * (absolute, or with a ".." component), and whether any string in O could:
 * the harnesses that let the host write files serve no such input. */
bool fuzz_escapes(const char *s, size_t n);
bool fuzz_object_safe(const msgpack_object *o);

/* Serve DATA with the host set up with OPTIONS, as a real editor's
 * connection: a thread writes DATA into a pipe and closes it, the answers go
 * to a pipe nobody reads; the host runs in SCRATCH (emptied after). Its
 * status. */
int fuzz_serve(const uint8_t *data, size_t size, whosaid_host_options options,
               const char *scratch);

#endif
