/*
 * model_file.h: the container format of whosaid's binary model files.
 *
 * A model file is a small header, a table of tagged sections and the
 * sections' bytes. The reader maps the file read-only (mmap) and checks
 * everything before any section is handed out: magic, version, sizes,
 * offsets, overlaps and a CRC-32 of all bytes after the header, so a
 * truncated, corrupted or foreign file gives a clear error, never a crash.
 *
 * Layout (all integers little-endian):
 *   header, 32 bytes:  magic "WHOSAIDM" | u32 version (1) | u32 section count
 *                      | u64 file size | u32 CRC-32 of bytes [32, size) | u32 0
 *   section table:     per section: char tag[4] | u32 0 | u64 offset | u64 size
 *   data:              each section starts at an offset aligned to 8 bytes
 *
 * The first section's data starts right after the table (a file with no
 * sections is exactly 32 bytes): the section count lies outside the
 * checksum, and this rule is what makes a changed count detectable.
 */
#ifndef WHOSAID_NER_MODEL_FILE_H
#define WHOSAID_NER_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "whosaid.h"

#define MODEL_FILE_VERSION 1
#define MODEL_FILE_MAX_SECTIONS 64

/* Writing *****************************************************************/

typedef struct model_file_writer model_file_writer;

int model_file_writer_new(model_file_writer **out);
void model_file_writer_free(model_file_writer *writer);

/* Add a section: TAG is 4 bytes (not NUL-terminated); DATA is copied. A
 * duplicate tag or more than MODEL_FILE_MAX_SECTIONS sections is EINVAL. */
int model_file_writer_add(model_file_writer *writer, const char tag[4], const void *data,
                          size_t size);

/* Write the file atomically: a temporary file in the same directory,
 * fsync, rename. ERR names the path and the system error on failure. */
int model_file_writer_save(const model_file_writer *writer, const char *path,
                           whosaid_error *err);

/* Reading *****************************************************************/

typedef struct model_file model_file;

/* Map and validate PATH. WHOSAID_ENOENT / WHOSAID_EIO for system errors,
 * WHOSAID_EMODEL for anything wrong inside the file; ERR says what. */
int model_file_open(const char *path, model_file **out, whosaid_error *err);

/* Validate an in-memory image instead (for tests and fuzzing); the bytes
 * must outlive the returned file. */
int model_file_open_memory(const void *bytes, size_t size, model_file **out, whosaid_error *err);

void model_file_close(model_file *file);

/* The section tagged TAG: 0 with *DATA (8-byte aligned, read-only, valid
 * until close) and *SIZE, or WHOSAID_ENOENT when there is none. */
int model_file_section(const model_file *file, const char tag[4], const void **data,
                       size_t *size);

/* CRC-32 (ISO-HDLC, as zlib and PNG compute it) of SIZE bytes. */
uint32_t model_file_crc32(const void *data, size_t size);

#endif
