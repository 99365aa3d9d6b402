/*
 * test_model_file.c: the binary model-file container. Round trips and the
 * documented layout; then every way a file can be wrong (truncated at each
 * length, each byte flipped, forged counts, offsets and sizes, overlaps,
 * trailing bytes) must be an error naming the file, never a crash or an
 * out-of-bounds read (run under ASan, where each image is a buffer of its
 * exact size); then out of memory, atomic saving and the CRC's speed.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ner/model_file.h"
#include "test.h"
#include "test_alloc.h"

#define HEADER_SIZE 32
#define ENTRY_SIZE 24
#define ENTRY(i) (HEADER_SIZE + (i) * ENTRY_SIZE) /* where table entry I starts */

/* Helpers *****************************************************************/

static char test_dir[512];

/* PATH for NAME inside the test directory (a static buffer per slot). */
static const char *path_of(const char *name) {
  static char paths[4][768];
  static size_t next;
  char *path = paths[next++ % 4];
  snprintf(path, sizeof(paths[0]), "%s/%s", test_dir, name);
  return path;
}

static bool write_whole(const char *path, const void *bytes, size_t size) {
  FILE *file = fopen(path, "wb");
  if (file == NULL) return false;
  bool ok = fwrite(bytes, 1, size, file) == size;
  return fclose(file) == 0 && ok;
}

/* The bytes of PATH in a malloc'd buffer (8-byte aligned), or NULL. */
static unsigned char *read_whole(const char *path, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return NULL;
  unsigned char *bytes = malloc(1 << 16);
  *size = bytes == NULL ? 0 : fread(bytes, 1, 1 << 16, file);
  fclose(file);
  return bytes;
}

/* Entries of DIR whose name contains PART. */
static int count_entries(const char *dir, const char *part) {
  DIR *stream = opendir(dir);
  if (stream == NULL) return -1;
  int count = 0;
  for (struct dirent *entry; (entry = readdir(stream)) != NULL;) {
    if (strstr(entry->d_name, part) != NULL) count++;
  }
  closedir(stream);
  return count;
}

static void store_u32(unsigned char *p, uint32_t value) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(value >> (8 * i));
}

static void store_u64(unsigned char *p, uint64_t value) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(value >> (8 * i));
}

static uint64_t load_u64(const unsigned char *p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; i--) value = value << 8 | p[i];
  return value;
}

/* Recompute the checksum after forging IMAGE, so that the check under test
 * (not the CRC) is what rejects it. */
static void fix_crc(unsigned char *image, size_t size) {
  store_u32(image + 24, model_file_crc32(image + HEADER_SIZE, size - HEADER_SIZE));
}

/* The sample: five sections, one empty, odd sizes, so that padding occurs. */
static unsigned char big_section[1001];

static int add_sample_sections(model_file_writer *writer) {
  for (size_t i = 0; i < sizeof big_section; i++) big_section[i] = (unsigned char)(i * 7 + 3);
  int status = model_file_writer_add(writer, "ABCD", "hello, world!", 13);
  if (status == 0) status = model_file_writer_add(writer, "EMPT", "", 0);
  if (status == 0) status = model_file_writer_add(writer, "ODD1", "x", 1);
  if (status == 0) status = model_file_writer_add(writer, "BIGS", big_section, sizeof big_section);
  if (status == 0) status = model_file_writer_add(writer, "LAST", "seven!!", 7);
  return status;
}

#define SAMPLE_SIZE 1191 /* 32 + 5 * 24 = 152; 152+13 | 168+0 | 168+1 | 176+1001 | 1184+7 */

static int save_sample(const char *path, whosaid_error *err) {
  model_file_writer *writer = NULL;
  int status = model_file_writer_new(&writer);
  if (status == 0) status = add_sample_sections(writer);
  if (status == 0) status = model_file_writer_save(writer, path, err);
  model_file_writer_free(writer);
  return status;
}

/* The sample file's bytes, freshly written and read (malloc'd). */
static unsigned char *sample_image(size_t *size) {
  const char *path = path_of("sample.model");
  if (save_sample(path, NULL) != 0) return NULL;
  return read_whole(path, size);
}

/* Open SIZE bytes of IMAGE from memory; close it again on success. */
static int open_memory_status(const unsigned char *image, size_t size, whosaid_error *err) {
  model_file *file = NULL;
  int status = model_file_open_memory(image, size, &file, err);
  model_file_close(file);
  return status;
}

/* IMAGE must be rejected as a bad model with a message containing TEXT. */
#define ASSERT_REJECTED(image, size, text)                                             \
  do {                                                                                 \
    whosaid_error err_ = {0};                                                          \
    ASSERT_EQ(open_memory_status((image), (size), &err_), WHOSAID_EMODEL);             \
    if (strncmp(err_.message, "(memory): ", 10) != 0 || !strstr(err_.message, (text))) \
      TEST_FAIL_("message \"%s\" lacks \"%s\"", err_.message, (text));                 \
  } while (0)

/* Bitwise CRC-32, the definition the fast one must agree with. */
static uint32_t reference_crc32(const unsigned char *p, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; i++) {
    crc ^= p[i];
    for (int bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

/* CRC-32 ******************************************************************/

TEST(crc32_known_values) {
  ASSERT_EQ(model_file_crc32("123456789", 9), 0xCBF43926u);
  ASSERT_EQ(model_file_crc32("", 0), 0);
  ASSERT_EQ(model_file_crc32("a", 1), 0xE8B7BE43u);
  ASSERT_EQ(model_file_crc32("The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);
}

/* Every length and misalignment, so the 8-byte loop and the tail both run. */
TEST(crc32_matches_bitwise_definition) {
  unsigned char bytes[300];
  for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (unsigned char)(i * 131 + (i >> 3));
  for (size_t start = 0; start < 9; start++) {
    for (size_t length = 0; start + length <= sizeof bytes; length++) {
      uint32_t fast = model_file_crc32(bytes + start, length);
      uint32_t slow = reference_crc32(bytes + start, length);
      if (fast != slow) TEST_FAIL_("start %zu length %zu: %08x != %08x", start, length, fast, slow);
    }
  }
}

/* Round trips *************************************************************/

static bool section_is(const model_file *file, const char *tag, const void *expected, size_t size) {
  const void *data = NULL;
  size_t found = 99;
  if (model_file_section(file, tag, &data, &found) != 0) return false;
  if (data == NULL || (uintptr_t)data % 8 != 0 || found != size) return false;
  return size == 0 || memcmp(data, expected, size) == 0;
}

TEST(round_trip_keeps_every_section) {
  const char *path = path_of("round.model");
  ASSERT_OK(save_sample(path, NULL));
  model_file *file = NULL;
  whosaid_error err = {0};
  ASSERT_OK(model_file_open(path, &file, &err));
  ASSERT(section_is(file, "ABCD", "hello, world!", 13));
  ASSERT(section_is(file, "EMPT", "", 0));
  ASSERT(section_is(file, "ODD1", "x", 1));
  ASSERT(section_is(file, "BIGS", big_section, sizeof big_section));
  ASSERT(section_is(file, "LAST", "seven!!", 7));
  model_file_close(file);
  size_t size = 0;
  unsigned char *image = read_whole(path, &size);
  ASSERT_NOT_NULL(image);
  ASSERT_OK(model_file_open_memory(image, size, &file, &err));
  ASSERT(section_is(file, "BIGS", big_section, sizeof big_section));
  ASSERT(section_is(file, "EMPT", "", 0));
  model_file_close(file);
  free(image);
}

/* The bytes model_file.h documents, so that other writers can rely on them. */
TEST(layout_is_the_documented_one) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  ASSERT_EQ(size, SAMPLE_SIZE);
  ASSERT(memcmp(image, "WHOSAIDM\1\0\0\0\5\0\0\0", 16) == 0);
  ASSERT_EQ(load_u64(image + 16), SAMPLE_SIZE);
  ASSERT_EQ(image[24] | image[25] << 8 | image[26] << 16 | (uint32_t)image[27] << 24,
            model_file_crc32(image + 32, size - 32));
  static const char tags[][5] = {"ABCD", "EMPT", "ODD1", "BIGS", "LAST"};
  static const uint64_t offsets[] = {152, 168, 168, 176, 1184}, sizes[] = {13, 0, 1, 1001, 7};
  for (int i = 0; i < 5; i++) {
    ASSERT(memcmp(image + ENTRY(i), tags[i], 4) == 0);
    ASSERT(memcmp(image + ENTRY(i) + 4, "\0\0\0\0", 4) == 0);
    ASSERT_EQ(load_u64(image + ENTRY(i) + 8), offsets[i]);
    ASSERT_EQ(load_u64(image + ENTRY(i) + 16), sizes[i]);
  }
  ASSERT(memcmp(image + 165, "\0\0\0", 3) == 0);          /* padding after ABCD */
  ASSERT(memcmp(image + 169, "\0\0\0\0\0\0\0", 7) == 0);  /* after ODD1 */
  ASSERT(memcmp(image + 1177, "\0\0\0\0\0\0\0", 7) == 0); /* after BIGS */
  free(image);
}

TEST(empty_writer_gives_a_header_only_file) {
  model_file_writer *writer = NULL;
  ASSERT_OK(model_file_writer_new(&writer));
  const char *path = path_of("empty.model");
  ASSERT_OK(model_file_writer_save(writer, path, NULL));
  model_file_writer_free(writer);
  struct stat info;
  ASSERT_OK(stat(path, &info));
  ASSERT_EQ(info.st_size, HEADER_SIZE);
  model_file *file = NULL;
  ASSERT_OK(model_file_open(path, &file, NULL));
  const void *data = NULL;
  size_t size = 0;
  ASSERT_EQ(model_file_section(file, "ABCD", &data, &size), WHOSAID_ENOENT);
  model_file_close(file);
}

/* An empty last section still lies inside the file. */
TEST(empty_last_section_round_trips) {
  model_file_writer *writer = NULL;
  ASSERT_OK(model_file_writer_new(&writer));
  ASSERT_OK(model_file_writer_add(writer, "ONE ", "abc", 3));
  ASSERT_OK(model_file_writer_add(writer, "NONE", NULL, 0));
  const char *path = path_of("empty-last.model");
  ASSERT_OK(model_file_writer_save(writer, path, NULL));
  model_file_writer_free(writer);
  model_file *file = NULL;
  whosaid_error err = {0};
  ASSERT_OK(model_file_open(path, &file, &err));
  ASSERT(section_is(file, "ONE ", "abc", 3));
  ASSERT(section_is(file, "NONE", "", 0));
  model_file_close(file);
}

TEST(save_is_deterministic) {
  const char *first = path_of("first.model"), *second = path_of("second.model");
  ASSERT_OK(save_sample(first, NULL));
  ASSERT_OK(save_sample(second, NULL));
  size_t first_size = 0, second_size = 0;
  unsigned char *a = read_whole(first, &first_size), *b = read_whole(second, &second_size);
  ASSERT(a != NULL && b != NULL);
  ASSERT_EQ(first_size, second_size);
  ASSERT(memcmp(a, b, first_size) == 0);
  free(a);
  free(b);
}

TEST(missing_section_is_enoent) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  model_file *file = NULL;
  ASSERT_OK(model_file_open_memory(image, size, &file, NULL));
  const void *data = image;
  size_t found = 5;
  ASSERT_EQ(model_file_section(file, "NOPE", &data, &found), WHOSAID_ENOENT);
  ASSERT(data == NULL && found == 0);
  ASSERT_EQ(model_file_section(file, "abcd", &data, &found), WHOSAID_ENOENT); /* case matters */
  model_file_close(file);
  model_file_close(NULL);
  free(image);
}

TEST(add_rejects_duplicates_and_too_many_sections) {
  model_file_writer *writer = NULL;
  ASSERT_OK(model_file_writer_new(&writer));
  ASSERT_OK(model_file_writer_add(writer, "TAG0", "a", 1));
  ASSERT_EQ(model_file_writer_add(writer, "TAG0", "b", 1), WHOSAID_EINVAL);
  ASSERT_EQ(model_file_writer_add(writer, "NULL", NULL, 3), WHOSAID_EINVAL);
  for (int i = 1; i < MODEL_FILE_MAX_SECTIONS; i++) {
    char tag[4] = {'T', (char)('0' + i / 10), (char)('0' + i % 10), '!'};
    ASSERT_OK(model_file_writer_add(writer, tag, &i, sizeof i));
  }
  ASSERT_EQ(model_file_writer_add(writer, "MORE", "c", 1), WHOSAID_EINVAL);
  const char *path = path_of("full.model");
  ASSERT_OK(model_file_writer_save(writer, path, NULL));
  model_file_writer_free(writer);
  model_file *file = NULL;
  ASSERT_OK(model_file_open(path, &file, NULL));
  ASSERT(section_is(file, "TAG0", "a", 1));
  int last = MODEL_FILE_MAX_SECTIONS - 1;
  ASSERT(section_is(file, "T63!", &last, sizeof last));
  model_file_close(file);
}

/* Opening: system errors *************************************************/

TEST(open_of_a_missing_path_is_enoent) {
  const char *path = path_of("no-such.model");
  model_file *file = (model_file *)1;
  whosaid_error err = {0};
  ASSERT_EQ(model_file_open(path, &file, &err), WHOSAID_ENOENT);
  ASSERT(file == NULL);
  ASSERT_EQ(err.status, WHOSAID_ENOENT);
  ASSERT(strncmp(err.message, path, strlen(path)) == 0);
  ASSERT(strstr(err.message, "No such file") != NULL);
}

TEST(open_of_a_directory_is_rejected) {
  whosaid_error err = {0};
  model_file *file = NULL;
  int status = model_file_open(test_dir, &file, &err);
  ASSERT(status == WHOSAID_EIO || status == WHOSAID_EMODEL);
  ASSERT(file == NULL);
  ASSERT(strncmp(err.message, test_dir, strlen(test_dir)) == 0);
  ASSERT(strstr(err.message, "directory") != NULL);
}

TEST(open_memory_rejects_misaligned_images) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  unsigned char *shifted = malloc(size + 1);
  ASSERT_NOT_NULL(shifted);
  memcpy(shifted + 1, image, size);
  whosaid_error err = {0};
  ASSERT_EQ(open_memory_status(shifted + 1, size, &err), WHOSAID_EINVAL);
  ASSERT(strstr(err.message, "aligned") != NULL);
  free(shifted);
  free(image);
}

/* Damaged files **********************************************************/

/* Each prefix in a buffer of exactly its size, so ASan sees any overread. */
TEST(every_truncation_is_rejected_in_memory) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  for (size_t length = 0; length < size; length++) {
    unsigned char *prefix = malloc(length == 0 ? 1 : length);
    ASSERT_NOT_NULL(prefix);
    memcpy(prefix, image, length);
    whosaid_error err = {0};
    int status = open_memory_status(prefix, length, &err);
    free(prefix);
    if (status != WHOSAID_EMODEL) TEST_FAIL_("length %zu: status %d", length, status);
    bool named = length < HEADER_SIZE ? strstr(err.message, "not a whosaid model file") != NULL
                                      : strstr(err.message, "truncated") != NULL;
    if (!named) TEST_FAIL_("length %zu: %s", length, err.message);
  }
  free(image);
}

TEST(every_truncation_is_rejected_on_disk) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  const char *path = path_of("truncated.model");
  for (size_t length = 0; length < size; length++) {
    ASSERT(write_whole(path, image, length));
    model_file *file = NULL;
    whosaid_error err = {0};
    int status = model_file_open(path, &file, &err);
    if (status != WHOSAID_EMODEL || file != NULL) TEST_FAIL_("length %zu: %d", length, status);
    if (strncmp(err.message, path, strlen(path)) != 0) TEST_FAIL_("message: %s", err.message);
  }
  unlink(path);
  free(image);
}

/* Whatever byte changes (header, table, padding, data), the file is refused. */
TEST(every_byte_flip_is_rejected) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  static const unsigned char masks[] = {0x01, 0x10, 0x80, 0xFF};
  for (size_t at = 0; at < size; at++) {
    for (size_t m = 0; m < sizeof masks; m++) {
      image[at] ^= masks[m];
      int status = open_memory_status(image, size, NULL);
      image[at] ^= masks[m];
      if (status != WHOSAID_EMODEL)
        TEST_FAIL_("byte %zu ^ 0x%02x: status %d", at, masks[m], status);
    }
  }
  ASSERT_OK(open_memory_status(image, size, NULL)); /* and the original still opens */
  free(image);
}

TEST(foreign_files_and_other_versions_are_named) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  image[0] = 'X';
  ASSERT_REJECTED(image, size, "not a whosaid model file");
  image[0] = 'W';
  store_u32(image + 8, 2);
  ASSERT_REJECTED(image, size, "model file version 2; this whosaid reads version 1");
  store_u32(image + 8, 0xFFFFFFFFu);
  ASSERT_REJECTED(image, size, "model file version 4294967295; this whosaid reads version 1");
  free(image);
}

/* The count is outside the checksum: damaged, it must still be caught. */
TEST(wrong_section_counts_are_rejected) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  store_u32(image + 12, 4);
  ASSERT_REJECTED(image, size, "not right after the section table");
  store_u32(image + 12, 6);
  ASSERT_REJECTED(image, size, "overlaps the header or the section table");
  store_u32(image + 12, 65);
  ASSERT_REJECTED(image, size, "65 sections; a model file has at most 64");
  store_u32(image + 12, 0xFFFFFFFFu);
  ASSERT_REJECTED(image, size, "at most 64");
  memset(image + size, 0, 32 + 63 * 24 - size);
  store_u32(image + 12, 64);
  store_u64(image + 16, 32 + 63 * 24);
  ASSERT_REJECTED(image, 32 + 63 * 24, "the section table runs past the end of the file");
  free(image);
}

TEST(huge_offsets_and_sizes_are_rejected) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  static const uint64_t cases[][2] = {
      {UINT64_MAX - 7, 16},    /* offset + size wraps around */
      {176, UINT64_MAX},       /* so does this */
      {176, UINT64_MAX - 175}, /* ... to exactly 0 */
      {1184, 8},               /* one byte past the end */
      {1192, 0},               /* an empty section past the end */
      {UINT64_MAX & ~7ull, 0}, /* a huge empty one */
      {(uint64_t)1 << 63, 1u << 20},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    store_u64(image + ENTRY(4) + 8, cases[i][0]);
    store_u64(image + ENTRY(4) + 16, cases[i][1]);
    fix_crc(image, size);
    ASSERT_REJECTED(image, size, "run past the end of the file");
  }
  store_u64(image + ENTRY(4) + 8, 1184);
  store_u64(image + ENTRY(4) + 16, 7);
  fix_crc(image, size);
  ASSERT_OK(open_memory_status(image, size, NULL));
  store_u64(image + 16, UINT64_MAX); /* the header's file size */
  ASSERT_REJECTED(image, size, "truncated");
  free(image);
}

TEST(misaligned_offsets_are_rejected) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  store_u64(image + ENTRY(3) + 8, 177);
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "section 3 (\"BIGS\"): offset 177 is not a multiple of 8");
  free(image);
}

TEST(overlapping_sections_are_rejected) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  store_u64(image + ENTRY(4) + 8, 1176); /* LAST inside BIGS */
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "sections \"BIGS\" and \"LAST\" overlap");
  store_u64(image + ENTRY(4) + 8, 176); /* LAST at BIGS's start */
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "overlap");
  store_u64(image + ENTRY(4) + 8, 1184);
  store_u64(image + ENTRY(1) + 8, 160); /* empty EMPT inside ABCD */
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "sections \"ABCD\" and \"EMPT\" overlap");
  store_u64(image + ENTRY(1) + 8, 168);
  store_u64(image + ENTRY(2) + 8, 0); /* ODD1 over the header */
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "overlaps the header or the section table");
  store_u64(image + ENTRY(2) + 8, 144); /* ... over the table */
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "overlaps the header or the section table");
  free(image);
}

TEST(duplicate_tags_in_a_file_are_rejected) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  memcpy(image + ENTRY(4), "ODD1", 4);
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "two sections are tagged \"ODD1\"");
  memcpy(image + ENTRY(4), "\0\1\"\xff", 4); /* odd bytes are escaped in messages */
  memcpy(image + ENTRY(0), "\0\1\"\xff", 4);
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "two sections are tagged \"\\x00\\x01\\x22\\xff\"");
  free(image);
}

TEST(reserved_fields_must_be_zero) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  image[28] = 1;
  ASSERT_REJECTED(image, size, "the header's reserved field is not zero");
  image[28] = 0;
  image[ENTRY(2) + 7] = 0x40;
  fix_crc(image, size);
  ASSERT_REJECTED(image, size, "section 2 (\"ODD1\"): the reserved field is not zero");
  free(image);
}

TEST(trailing_bytes_are_rejected) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  memset(image + size, 0, 8);
  ASSERT_REJECTED(image, size + 1, "trailing bytes");
  const char *path = path_of("trailing.model");
  ASSERT(write_whole(path, image, size + 8));
  model_file *file = NULL;
  whosaid_error err = {0};
  ASSERT_EQ(model_file_open(path, &file, &err), WHOSAID_EMODEL);
  ASSERT(strncmp(err.message, path, strlen(path)) == 0);
  ASSERT(strstr(err.message, ": trailing bytes") != NULL);
  unlink(path);
  /* Bytes after an empty table belong to no section. */
  store_u32(image + 12, 0);
  store_u64(image + 16, 40);
  fix_crc(image, 40);
  ASSERT_REJECTED(image, 40, "bytes after its (empty) section table");
  free(image);
}

TEST(a_corrupted_section_is_a_checksum_mismatch) {
  size_t size = 0;
  unsigned char *image = sample_image(&size);
  ASSERT_NOT_NULL(image);
  image[500] ^= 0x04;
  ASSERT_REJECTED(image, size, "checksum mismatch: the file is corrupted");
  image[500] ^= 0x04;
  image[170] = 1; /* padding is covered too */
  ASSERT_REJECTED(image, size, "checksum mismatch");
  free(image);
}

/* Out of memory ***********************************************************/


/* Write, open from disk and from memory, read a section: the first failing
 * status, with everything freed. */
static int write_and_read(const char *path, whosaid_error *err) {
  static uint64_t image[64]; /* 8-byte aligned, room for the file */
  model_file_writer *writer = NULL;
  model_file *file = NULL, *memory = NULL;
  int status = model_file_writer_new(&writer);
  if (status == 0) status = model_file_writer_add(writer, "ONE ", "first", 5);
  if (status == 0) status = model_file_writer_add(writer, "TWO ", "", 0);
  if (status == 0) status = model_file_writer_add(writer, "3333", "third!", 6);
  if (status == 0) status = model_file_writer_save(writer, path, err);
  if (status == 0) status = model_file_open(path, &file, err);
  if (status == 0) {
    FILE *stream = fopen(path, "rb"); /* the C library's allocator, not counted */
    size_t size = stream == NULL ? 0 : fread(image, 1, sizeof image, stream);
    if (stream != NULL) fclose(stream);
    status = model_file_open_memory(image, size, &memory, err);
  }
  if (status == 0 &&
      !(section_is(file, "3333", "third!", 6) && section_is(memory, "TWO ", "", 0))) {
    status = 1;
  }
  model_file_close(file);
  model_file_close(memory);
  model_file_writer_free(writer);
  return status;
}

TEST(every_allocation_failure_is_reported_and_leaks_nothing) {
  const char *path = path_of("oom.model");
  whosaid_set_allocator(&counting);
  bool succeeded = false;
  size_t failures = 0;
  for (size_t n = 1; n < 100 && !succeeded; n++) {
    allocation_count = 0;
    failing_allocation = n;
    whosaid_error err = {0};
    int status = write_and_read(path, &err);
    succeeded = allocation_count < n;
    long leaked = live_blocks;
    int temporaries = count_entries(test_dir, ".tmp.");
    if (!succeeded) failures++;
    /* Only save and open take an error to fill. */
    bool reported = err.message[0] == '\0' || err.status == WHOSAID_ENOMEM;
    if (succeeded ? status != 0 : status != WHOSAID_ENOMEM || !reported) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("allocation %zu failed: status %d (%s)", n, status, err.message);
    }
    if (leaked != 0 || temporaries != 0) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("allocation %zu: %ld blocks leaked, %d temporaries", n, leaked, temporaries);
    }
  }
  whosaid_set_allocator(NULL);
  ASSERT(succeeded);
  ASSERT(failures >= 7); /* new, three adds, the temporary name, both opens */
  unlink(path);
}

/* Atomic saving ***********************************************************/

TEST(save_into_a_missing_directory_fails_cleanly) {
  char path[1024];
  snprintf(path, sizeof path, "%s/no-such-dir/x.model", test_dir);
  whosaid_error err = {0};
  ASSERT_EQ(save_sample(path, &err), WHOSAID_ENOENT);
  ASSERT_EQ(err.status, WHOSAID_ENOENT);
  char expected[1200];
  snprintf(expected, sizeof expected,
           "%s: cannot write it: No such file or directory (the previous file is unchanged)", path);
  ASSERT_STR_EQ(err.message, expected);
  ASSERT_EQ(count_entries(test_dir, ".tmp."), 0);
  ASSERT_EQ(count_entries(test_dir, "no-such-dir"), 0);
}

/* The rename fails after the temporary file was written: it must go. */
TEST(failed_rename_removes_the_temporary_file) {
  const char *path = path_of("a-directory");
  ASSERT_OK(mkdir(path, 0755));
  ASSERT_OK(mkdir(path_of("a-directory/inside"), 0755)); /* not empty: rename cannot replace */
  whosaid_error err = {0};
  ASSERT_EQ(save_sample(path, &err), WHOSAID_EIO);
  ASSERT(strncmp(err.message, path, strlen(path)) == 0);
  ASSERT(strstr(err.message, ": Is a directory") != NULL);
  ASSERT_EQ(count_entries(test_dir, ".tmp."), 0);
  ASSERT_OK(rmdir(path_of("a-directory/inside")));
  ASSERT_OK(rmdir(path));
}

TEST(save_replaces_an_existing_file_whole) {
  const char *path = path_of("replaced.model");
  static unsigned char junk[50000];
  memset(junk, 'j', sizeof junk);
  ASSERT(write_whole(path, junk, sizeof junk));
  ASSERT_OK(save_sample(path, NULL));
  struct stat info;
  ASSERT_OK(stat(path, &info));
  ASSERT_EQ(info.st_size, SAMPLE_SIZE);
  ASSERT_EQ(info.st_mode & 0777, 0644);
  model_file *file = NULL;
  ASSERT_OK(model_file_open(path, &file, NULL));
  ASSERT(section_is(file, "LAST", "seven!!", 7));
  model_file_close(file);
  ASSERT_EQ(count_entries(test_dir, ".tmp."), 0);
}

/* A file that is open keeps its bytes when a new version replaces it. */
TEST(replacing_an_open_file_leaves_it_intact) {
  const char *path = path_of("open.model");
  ASSERT_OK(save_sample(path, NULL));
  model_file *file = NULL;
  ASSERT_OK(model_file_open(path, &file, NULL));
  model_file_writer *writer = NULL;
  ASSERT_OK(model_file_writer_new(&writer));
  ASSERT_OK(model_file_writer_add(writer, "ABCD", "other", 5));
  ASSERT_OK(model_file_writer_save(writer, path, NULL));
  model_file_writer_free(writer);
  ASSERT(section_is(file, "ABCD", "hello, world!", 13));
  model_file_close(file);
}

/* Main ********************************************************************/

static void remove_test_dir(void) {
  DIR *stream = opendir(test_dir);
  if (stream == NULL) return;
  for (struct dirent *entry; (entry = readdir(stream)) != NULL;) {
    if (entry->d_name[0] == '.') continue;
    const char *path = path_of(entry->d_name);
    if (unlink(path) == 0) continue;
    char inside[1024]; /* a-directory, left behind by a failed test */
    snprintf(inside, sizeof inside, "%s/inside", path);
    rmdir(inside);
    rmdir(path);
  }
  closedir(stream);
  rmdir(test_dir);
}

int main(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(test_dir, sizeof test_dir, "%s/whosaid-model-file-XXXXXX", tmp ? tmp : "/tmp");
  if (mkdtemp(test_dir) == NULL) {
    perror(test_dir);
    return 1;
  }
  RUN(crc32_known_values);
  RUN(crc32_matches_bitwise_definition);
  RUN(round_trip_keeps_every_section);
  RUN(layout_is_the_documented_one);
  RUN(empty_writer_gives_a_header_only_file);
  RUN(empty_last_section_round_trips);
  RUN(save_is_deterministic);
  RUN(missing_section_is_enoent);
  RUN(add_rejects_duplicates_and_too_many_sections);
  RUN(open_of_a_missing_path_is_enoent);
  RUN(open_of_a_directory_is_rejected);
  RUN(open_memory_rejects_misaligned_images);
  RUN(every_truncation_is_rejected_in_memory);
  RUN(every_truncation_is_rejected_on_disk);
  RUN(every_byte_flip_is_rejected);
  RUN(foreign_files_and_other_versions_are_named);
  RUN(wrong_section_counts_are_rejected);
  RUN(huge_offsets_and_sizes_are_rejected);
  RUN(misaligned_offsets_are_rejected);
  RUN(overlapping_sections_are_rejected);
  RUN(duplicate_tags_in_a_file_are_rejected);
  RUN(reserved_fields_must_be_zero);
  RUN(trailing_bytes_are_rejected);
  RUN(a_corrupted_section_is_a_checksum_mismatch);
  RUN(every_allocation_failure_is_reported_and_leaks_nothing);
  RUN(save_into_a_missing_directory_fails_cleanly);
  RUN(failed_rename_removes_the_temporary_file);
  RUN(save_replaces_an_existing_file_whole);
  RUN(replacing_an_open_file_leaves_it_intact);
  remove_test_dir();
  return test_report();
}
