/*
 * model_file.c: writing, mapping and validating whosaid's binary model
 * files (the layout is described in model_file.h), and the CRC-32 that
 * guards them.
 *
 * The reader trusts nothing in the file: every count, offset and size is
 * checked with overflow-safe arithmetic before a section is handed out, so
 * that a truncated, corrupted or foreign file is an error message and never
 * an out-of-bounds read. Beyond what model_file.h lists, the data must begin
 * right after the section table: the header's section count is not covered
 * by the checksum, and this rule is what makes a damaged count detectable.
 *
 * The writer lays sections out in the order they were added, each at the
 * next multiple of 8 with zero padding, so equal input gives equal files.
 */
#include "ner/model_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h> /* mkstemp */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/file.h"

#define HEADER_SIZE 32
#define ENTRY_SIZE 24 /* one section table entry */
#define ALIGNMENT 8
#define MAX_HEAD_SIZE (HEADER_SIZE + MODEL_FILE_MAX_SECTIONS * ENTRY_SIZE)
#define MEMORY_NAME "(memory)"

/* Header fields, by byte offset. */
#define MAGIC "WHOSAIDM"
#define MAGIC_SIZE 8
#define VERSION_AT 8
#define COUNT_AT 12
#define FILE_SIZE_AT 16
#define CRC_AT 24
#define RESERVED_AT 28

/* Section table entry fields, by byte offset within the entry. */
#define ENTRY_RESERVED_AT 4
#define ENTRY_OFFSET_AT 8
#define ENTRY_SIZE_AT 16

/* Errors ******************************************************************/


/* "NAME: <strerror>" for a failed system call that set ERROR_NUMBER. */
static int system_failure(whosaid_error *err, const char *name, int error_number) {
  int status = WHOSAID_EIO;
  if (error_number == ENOENT || error_number == ENOTDIR) status = WHOSAID_ENOENT;
  if (error_number == ENOMEM) status = WHOSAID_ENOMEM;
  return ws_fail(err, status, "%s: %s", name, strerror(error_number));
}

/* TAG made printable for a message: "WGTS", or "W\x00TS" for odd bytes. */
static void describe_tag(const char tag[4], char out[20]) {
  size_t length = 0;
  out[length++] = '"';
  for (size_t i = 0; i < 4; i++) {
    unsigned char c = (unsigned char)tag[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out[length++] = (char)c;
    } else {
      snprintf(out + length, 5, "\\x%02x", c);
      length += 4;
    }
  }
  out[length++] = '"';
  out[length] = '\0';
}

/* Little-endian integers **************************************************/

static uint32_t load_u32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_u64(const unsigned char *p) {
  return (uint64_t)load_u32(p) | (uint64_t)load_u32(p + 4) << 32;
}

static void store_u32(unsigned char *p, uint32_t value) {
  for (size_t i = 0; i < 4; i++) p[i] = (unsigned char)(value >> (8 * i));
}

static void store_u64(unsigned char *p, uint64_t value) {
  store_u32(p, (uint32_t)value);
  store_u32(p + 4, (uint32_t)(value >> 32));
}

/* CRC-32 ******************************************************************/

/* Slicing-by-8: table[k][b] is the CRC of byte B followed by K zero bytes,
 * so eight bytes are folded in with eight lookups instead of one at a time
 * (about 2 ms for an 8 MB model instead of 25). The tables are built once;
 * pthread_once because a model may be loaded from several threads. */
static uint32_t crc_table[8][256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void build_crc_table(void) {
  for (uint32_t byte = 0; byte < 256; byte++) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    crc_table[0][byte] = crc;
  }
  for (size_t byte = 0; byte < 256; byte++) {
    for (size_t k = 1; k < 8; k++) {
      uint32_t previous = crc_table[k - 1][byte];
      crc_table[k][byte] = (previous >> 8) ^ crc_table[0][previous & 0xff];
    }
  }
}

/* Continue CRC (of the bytes before) over SIZE more bytes, as zlib's crc32()
 * does: crc32_update(crc32_update(0, a), b) is the CRC of a then b. */
static uint32_t crc32_update(uint32_t crc, const void *data, size_t size) {
  pthread_once(&crc_table_once, build_crc_table);
  const unsigned char *p = data;
  crc = ~crc;
  for (; size >= 8; size -= 8, p += 8) {
    uint32_t low = crc ^ load_u32(p), high = load_u32(p + 4);
    crc = crc_table[7][low & 0xff] ^ crc_table[6][(low >> 8) & 0xff] ^
          crc_table[5][(low >> 16) & 0xff] ^ crc_table[4][low >> 24] ^ crc_table[3][high & 0xff] ^
          crc_table[2][(high >> 8) & 0xff] ^ crc_table[1][(high >> 16) & 0xff] ^
          crc_table[0][high >> 24];
  }
  for (; size > 0; size--, p++) crc = (crc >> 8) ^ crc_table[0][(crc ^ *p) & 0xff];
  return ~crc;
}

uint32_t model_file_crc32(const void *data, size_t size) {
  return crc32_update(0, data, size);
}

/* Writing *****************************************************************/

typedef struct {
  char tag[4];
  unsigned char *data; /* a copy, owned */
  size_t size;
} pending_section;

struct model_file_writer {
  pending_section sections[MODEL_FILE_MAX_SECTIONS];
  size_t count;
};

int model_file_writer_new(model_file_writer **out) {
  if (out == NULL) return WHOSAID_EINVAL;
  *out = ws_calloc(1, sizeof(**out));
  return *out == NULL ? WHOSAID_ENOMEM : 0;
}

void model_file_writer_free(model_file_writer *writer) {
  if (writer == NULL) return;
  for (size_t i = 0; i < writer->count; i++) ws_free(writer->sections[i].data);
  ws_free(writer);
}

int model_file_writer_add(model_file_writer *writer, const char tag[4], const void *data,
                          size_t size) {
  if (writer == NULL || tag == NULL || (data == NULL && size > 0)) return WHOSAID_EINVAL;
  if (writer->count == MODEL_FILE_MAX_SECTIONS) return WHOSAID_EINVAL;
  for (size_t i = 0; i < writer->count; i++) {
    if (memcmp(writer->sections[i].tag, tag, 4) == 0) return WHOSAID_EINVAL;
  }
  pending_section *section = &writer->sections[writer->count];
  section->data = ws_malloc(size);
  if (section->data == NULL) return WHOSAID_ENOMEM;
  if (size > 0) memcpy(section->data, data, size);
  memcpy(section->tag, tag, 4);
  section->size = size;
  writer->count++;
  return 0;
}

/* Where the section data begins: right after the table (always a multiple
 * of 8, since both the header and an entry are). */
static uint64_t table_end(uint64_t count) {
  return HEADER_SIZE + count * ENTRY_SIZE;
}

/* Each section's offset, and the file size. EINVAL if it overflows (it
 * cannot for sections held in memory, but the sum is checked anyway). */
static int plan_layout(const model_file_writer *writer, uint64_t offsets[], uint64_t *file_size) {
  uint64_t position = table_end(writer->count);
  for (size_t i = 0; i < writer->count; i++) {
    uint64_t padding = (ALIGNMENT - position % ALIGNMENT) % ALIGNMENT;
    if (padding > UINT64_MAX - position) return WHOSAID_EINVAL;
    position += padding;
    offsets[i] = position;
    if (writer->sections[i].size > UINT64_MAX - position) return WHOSAID_EINVAL;
    position += writer->sections[i].size;
  }
  *file_size = position;
  return 0;
}

/* The CRC-32 of everything after the header: the table, then each
 * section's padding and bytes, exactly as write_file() writes them. */
static uint32_t body_crc(const model_file_writer *writer, const unsigned char *head,
                         const uint64_t offsets[]) {
  static const unsigned char zeros[ALIGNMENT];
  uint64_t position = table_end(writer->count);
  uint32_t crc = crc32_update(0, head + HEADER_SIZE, (size_t)position - HEADER_SIZE);
  for (size_t i = 0; i < writer->count; i++) {
    crc = crc32_update(crc, zeros, (size_t)(offsets[i] - position));
    crc = crc32_update(crc, writer->sections[i].data, writer->sections[i].size);
    position = offsets[i] + writer->sections[i].size;
  }
  return crc;
}

/* Fill HEAD with the header and section table; returns their size. */
static size_t encode_head(const model_file_writer *writer, const uint64_t offsets[],
                          uint64_t file_size, unsigned char head[MAX_HEAD_SIZE]) {
  memset(head, 0, MAX_HEAD_SIZE);
  memcpy(head, MAGIC, MAGIC_SIZE);
  store_u32(head + VERSION_AT, MODEL_FILE_VERSION);
  store_u32(head + COUNT_AT, (uint32_t)writer->count);
  store_u64(head + FILE_SIZE_AT, file_size);
  for (size_t i = 0; i < writer->count; i++) {
    unsigned char *entry = head + HEADER_SIZE + i * ENTRY_SIZE;
    memcpy(entry, writer->sections[i].tag, 4);
    store_u64(entry + ENTRY_OFFSET_AT, offsets[i]);
    store_u64(entry + ENTRY_SIZE_AT, writer->sections[i].size);
  }
  store_u32(head + CRC_AT, body_crc(writer, head, offsets));
  return (size_t)table_end(writer->count);
}

/* Write the whole file to FD; 0 or an errno. */
static int write_file(int fd, const model_file_writer *writer, const unsigned char *head,
                      size_t head_size, const uint64_t offsets[]) {
  static const unsigned char zeros[ALIGNMENT];
  int error_number = ws_write_all(fd, head, head_size);
  uint64_t position = head_size;
  for (size_t i = 0; i < writer->count && error_number == 0; i++) {
    error_number = ws_write_all(fd, zeros, (size_t)(offsets[i] - position));
    if (error_number == 0) {
      error_number = ws_write_all(fd, writer->sections[i].data, writer->sections[i].size);
    }
    position = offsets[i] + writer->sections[i].size;
  }
  return error_number;
}

/* What the atomic writer needs to write a model file. */
typedef struct {
  const model_file_writer *writer;
  const unsigned char *head;
  size_t head_size;
  const uint64_t *offsets;
} model_image;

static int write_image(int fd, const void *context) {
  const model_image *image = context;
  return write_file(fd, image->writer, image->head, image->head_size, image->offsets);
}

int model_file_writer_save(const model_file_writer *writer, const char *path, whosaid_error *err) {
  if (writer == NULL || path == NULL) {
    return ws_fail(err, WHOSAID_EINVAL, "model_file_writer_save: no writer or no path");
  }
  uint64_t offsets[MODEL_FILE_MAX_SECTIONS], file_size = 0;
  if (plan_layout(writer, offsets, &file_size) != 0) {
    return ws_fail(err, WHOSAID_EINVAL, "%s: the sections are too large for one file", path);
  }
  unsigned char head[MAX_HEAD_SIZE];
  size_t head_size = encode_head(writer, offsets, file_size, head);
  model_image image = {writer, head, head_size, offsets};
  return ws_write_atomic(path, write_image, &image, err);
}

/* Reading *****************************************************************/

typedef struct {
  char tag[4];
  uint64_t offset;
  uint64_t size;
} section_entry;

/* What validation learns about an image. */
typedef struct {
  size_t count;
  section_entry sections[MODEL_FILE_MAX_SECTIONS];
} section_table;

struct model_file {
  const unsigned char *bytes;
  size_t size;
  void *mapping; /* what to munmap(), or NULL for an image in memory */
  section_table table;
};

/* The header: magic, version, file size, reserved field and section count
 * (into *COUNT, with the table checked to fit in the file). */
static int check_header(const unsigned char *bytes, size_t size, const char *name, size_t *count,
                        whosaid_error *err) {
  if (size < HEADER_SIZE) {
    return ws_fail(err, WHOSAID_EMODEL,
                "%s: not a whosaid model file (%zu bytes; the header alone is %d)", name, size,
                HEADER_SIZE);
  }
  if (memcmp(bytes, MAGIC, MAGIC_SIZE) != 0) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: not a whosaid model file", name);
  }
  uint32_t version = load_u32(bytes + VERSION_AT);
  if (version != MODEL_FILE_VERSION) {
    return ws_fail(err, WHOSAID_EMODEL,
                "%s: model file version %" PRIu32 "; this whosaid reads version %d", name, version,
                MODEL_FILE_VERSION);
  }
  uint64_t recorded = load_u64(bytes + FILE_SIZE_AT);
  if (recorded != size) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: %s: the file has %zu bytes, its header says %" PRIu64,
                name, recorded > size ? "truncated" : "trailing bytes", size, recorded);
  }
  if (load_u32(bytes + RESERVED_AT) != 0) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: the header's reserved field is not zero", name);
  }
  uint32_t sections = load_u32(bytes + COUNT_AT);
  if (sections > MODEL_FILE_MAX_SECTIONS) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: %" PRIu32 " sections; a model file has at most %d", name,
                sections, MODEL_FILE_MAX_SECTIONS);
  }
  if (table_end(sections) > size) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: the section table runs past the end of the file", name);
  }
  *count = sections;
  return 0;
}

static void load_table(const unsigned char *bytes, section_table *table) {
  for (size_t i = 0; i < table->count; i++) {
    const unsigned char *raw = bytes + HEADER_SIZE + i * ENTRY_SIZE;
    memcpy(table->sections[i].tag, raw, 4);
    table->sections[i].offset = load_u64(raw + ENTRY_OFFSET_AT);
    table->sections[i].size = load_u64(raw + ENTRY_SIZE_AT);
  }
}

/* Check table entry INDEX on its own: reserved field, alignment, and that
 * it ends inside the file, without overflow. */
static int check_entry(const unsigned char *bytes, size_t size, const section_table *table,
                       size_t index, const char *name, whosaid_error *err) {
  const section_entry *entry = &table->sections[index];
  char tag[20];
  describe_tag(entry->tag, tag);
  if (load_u32(bytes + HEADER_SIZE + index * ENTRY_SIZE + ENTRY_RESERVED_AT) != 0) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: section %zu (%s): the reserved field is not zero", name,
                index, tag);
  }
  if (entry->offset % ALIGNMENT != 0) {
    return ws_fail(err, WHOSAID_EMODEL,
                "%s: section %zu (%s): offset %" PRIu64 " is not a multiple of %d", name, index,
                tag, entry->offset, ALIGNMENT);
  }
  if (entry->offset > size || entry->size > size - entry->offset) {
    return ws_fail(err, WHOSAID_EMODEL,
                "%s: section %zu (%s): %" PRIu64 " bytes at offset %" PRIu64
                " run past the end of the file (%zu bytes)",
                name, index, tag, entry->size, entry->offset, size);
  }
  return 0;
}

static bool entry_before(const section_entry *a, const section_entry *b) {
  return a->offset < b->offset || (a->offset == b->offset && a->size < b->size);
}

/* No tag twice, and no two sections sharing a byte. Sorting by (offset,
 * size) puts an empty section before one that starts where it is. */
static int check_disjoint(const section_table *table, const char *name, whosaid_error *err) {
  const section_entry *sorted[MODEL_FILE_MAX_SECTIONS];
  for (size_t i = 0; i < table->count; i++) {
    for (size_t j = 0; j < i; j++) {
      if (memcmp(table->sections[i].tag, table->sections[j].tag, 4) != 0) continue;
      char tag[20];
      describe_tag(table->sections[i].tag, tag);
      return ws_fail(err, WHOSAID_EMODEL, "%s: two sections are tagged %s", name, tag);
    }
    size_t at = i; /* insertion sort: there are at most 64 */
    for (; at > 0 && entry_before(&table->sections[i], sorted[at - 1]); at--) {
      sorted[at] = sorted[at - 1];
    }
    sorted[at] = &table->sections[i];
  }
  for (size_t i = 1; i < table->count; i++) {
    if (sorted[i - 1]->offset + sorted[i - 1]->size <= sorted[i]->offset) continue;
    char first[20], second[20];
    describe_tag(sorted[i - 1]->tag, first);
    describe_tag(sorted[i]->tag, second);
    return ws_fail(err, WHOSAID_EMODEL, "%s: sections %s and %s overlap", name, first, second);
  }
  return 0;
}

/* Where the first section begins (UINT64_MAX when there is none). */
static uint64_t data_start(const section_table *table) {
  uint64_t start = UINT64_MAX;
  for (size_t i = 0; i < table->count; i++) {
    if (table->sections[i].offset < start) start = table->sections[i].offset;
  }
  return start;
}

/* No section may reach back into the header or the table. Checked before
 * the entries themselves, as a section count that is too high shows here
 * and would else be reported as whatever its extra entries happen to hold. */
static int check_table_overlap(const section_table *table, const char *name, whosaid_error *err) {
  if (data_start(table) >= table_end(table->count)) return 0;
  return ws_fail(err, WHOSAID_EMODEL, "%s: a section overlaps the header or the section table", name);
}

/* The data must begin right after the table: the header's section count
 * is not covered by the checksum, and a count too low shows here. */
static int check_data_gap(const section_table *table, size_t size, const char *name,
                          whosaid_error *err) {
  uint64_t expected = table_end(table->count);
  if (table->count == 0 && size > expected) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: the file has bytes after its (empty) section table",
                name);
  }
  if (table->count > 0 && data_start(table) > expected) {
    return ws_fail(err, WHOSAID_EMODEL,
                "%s: the section data begins at byte %" PRIu64
                ", not right after the section table (byte %" PRIu64 ")",
                name, data_start(table), expected);
  }
  return 0;
}

/* Check the whole image; on success *TABLE holds its sections. */
static int validate(const unsigned char *bytes, size_t size, const char *name, section_table *table,
                    whosaid_error *err) {
  table->count = 0;
  int status = check_header(bytes, size, name, &table->count, err);
  if (status != 0) return status;
  load_table(bytes, table);
  status = check_table_overlap(table, name, err);
  for (size_t i = 0; i < table->count && status == 0; i++) {
    status = check_entry(bytes, size, table, i, name, err);
  }
  if (status == 0) status = check_data_gap(table, size, name, err);
  if (status == 0) status = check_disjoint(table, name, err);
  if (status != 0) return status;
  if (crc32_update(0, bytes + HEADER_SIZE, size - HEADER_SIZE) != load_u32(bytes + CRC_AT)) {
    return ws_fail(err, WHOSAID_EMODEL, "%s: checksum mismatch: the file is corrupted", name);
  }
  return 0;
}

/* Validate and wrap an image; MAPPING (if not NULL) is unmapped on failure. */
static int open_image(const unsigned char *bytes, size_t size, void *mapping, const char *name,
                      model_file **out, whosaid_error *err) {
  section_table table;
  int status = validate(bytes, size, name, &table, err);
  model_file *file = status == 0 ? ws_malloc(sizeof(*file)) : NULL;
  if (status == 0 && file == NULL) status = ws_fail(err, WHOSAID_ENOMEM, "%s: out of memory", name);
  if (status != 0) {
    if (mapping != NULL) munmap(mapping, size);
    return status;
  }
  *file = (model_file){bytes, size, mapping, table};
  *out = file;
  return 0;
}

int model_file_open_memory(const void *bytes, size_t size, model_file **out, whosaid_error *err) {
  if (out == NULL) return ws_fail(err, WHOSAID_EINVAL, "%s: no place for the result", MEMORY_NAME);
  *out = NULL;
  if (bytes == NULL && size > 0) return ws_fail(err, WHOSAID_EINVAL, "%s: no bytes", MEMORY_NAME);
  /* model_file_section() promises 8-byte aligned data. */
  if ((uintptr_t)bytes % ALIGNMENT != 0) {
    return ws_fail(err, WHOSAID_EINVAL, "%s: the image is not %d-byte aligned", MEMORY_NAME,
                ALIGNMENT);
  }
  return open_image(bytes, size, NULL, MEMORY_NAME, out, err);
}

/* The size of the regular file FD, or an error for anything else. */
static int regular_file_size(int fd, const char *path, size_t *size, whosaid_error *err) {
  struct stat info;
  if (fstat(fd, &info) != 0) return system_failure(err, path, errno);
  if (S_ISDIR(info.st_mode)) {
    return ws_fail(err, WHOSAID_EIO, "%s: is a directory, not a model file", path);
  }
  if (!S_ISREG(info.st_mode)) {
    return ws_fail(err, WHOSAID_EIO, "%s: not a regular file, so not a model file", path);
  }
  if (info.st_size < 0 || (uintmax_t)info.st_size > (uintmax_t)SIZE_MAX) {
    return ws_fail(err, WHOSAID_EIO, "%s: too large to map into memory", path);
  }
  *size = (size_t)info.st_size;
  return 0;
}

/*
 * The file stays mapped while it is open. Files are replaced by rename (as
 * model_file_writer_save does), never rewritten in place: truncating a
 * mapped file under a running program would make its reads fault (SIGBUS).
 */
int model_file_open(const char *path, model_file **out, whosaid_error *err) {
  if (out == NULL || path == NULL) {
    return ws_fail(err, WHOSAID_EINVAL, "model_file_open: no path or no place for the result");
  }
  *out = NULL;
  /* O_NONBLOCK so that a FIFO given by mistake is rejected, not waited on. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return system_failure(err, path, errno);
  size_t size = 0;
  int status = regular_file_size(fd, path, &size, err);
  void *mapping = NULL;
  if (status == 0 && size >= HEADER_SIZE) {
    mapping = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) status = system_failure(err, path, errno);
  }
  close(fd); /* the mapping does not need it */
  if (status != 0) return status;
  /* A file too small to map is left to validate() to describe. */
  return open_image(mapping, size, mapping, path, out, err);
}

void model_file_close(model_file *file) {
  if (file == NULL) return;
  if (file->mapping != NULL) munmap(file->mapping, file->size);
  ws_free(file);
}

int model_file_section(const model_file *file, const char tag[4], const void **data, size_t *size) {
  if (data != NULL) *data = NULL;
  if (size != NULL) *size = 0;
  if (file == NULL || tag == NULL || data == NULL || size == NULL) return WHOSAID_EINVAL;
  for (size_t i = 0; i < file->table.count; i++) {
    const section_entry *entry = &file->table.sections[i];
    if (memcmp(entry->tag, tag, 4) != 0) continue;
    *data = file->bytes + entry->offset;
    *size = (size_t)entry->size;
    return 0;
  }
  return WHOSAID_ENOENT;
}
