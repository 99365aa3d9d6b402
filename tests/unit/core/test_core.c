/*
 * test_core.c: the core utilities every layer uses: the growable array,
 * the allocator hook, error messages and statuses.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/vec.h"
#include "test.h"
#include "test_alloc.h"

TEST(vec_grows_and_keeps_its_items) {
  VEC(int) numbers = VEC_INIT;
  for (int i = 0; i < 1000; i++) ASSERT_OK(VEC_PUSH(&numbers, i));
  ASSERT_EQ(numbers.len, 1000);
  ASSERT(numbers.cap >= 1000);
  for (int i = 0; i < 1000; i++) ASSERT_EQ(numbers.items[i], i);
  ASSERT_EQ(*VEC_LAST(&numbers), 999);
  VEC_FREE(&numbers);
  ASSERT(numbers.items == NULL);
  ASSERT_EQ(numbers.len, 0);
}

TEST(vec_reserve_refuses_sizes_that_overflow) {
  VEC(uint64_t) big = VEC_INIT;
  ASSERT_OK(VEC_PUSH(&big, 1));
  ASSERT_EQ(VEC_RESERVE(&big, SIZE_MAX / 4), WHOSAID_ENOMEM);
  ASSERT_EQ(big.len, 1); /* unchanged after the failure */
  ASSERT_EQ(big.items[0], 1);
  VEC_FREE(&big);
}

TEST(vec_push_failure_leaves_the_vector_unchanged) {
  whosaid_set_allocator(&counting);
  live_blocks = 0;
  allocation_count = 0;
  failing_allocation = 2; /* the second growth */
  VEC(int) numbers = VEC_INIT;
  int status = 0, pushed = 0;
  for (int i = 0; i < 100 && status == 0; i++) {
    status = VEC_PUSH(&numbers, i);
    if (status == 0) pushed++;
  }
  ASSERT_EQ(status, WHOSAID_ENOMEM);
  ASSERT_EQ(numbers.len, (size_t)pushed);
  for (int i = 0; i < pushed; i++) ASSERT_EQ(numbers.items[i], i);
  VEC_FREE(&numbers);
  failing_allocation = 0;
  whosaid_set_allocator(NULL);
  ASSERT_EQ(live_blocks, 0);
}

TEST(calloc_detects_overflow_and_zeroes) {
  ASSERT(ws_calloc(SIZE_MAX / 2, 4) == NULL);
  unsigned char *bytes = ws_calloc(16, 4);
  ASSERT_NOT_NULL(bytes);
  for (int i = 0; i < 64; i++) ASSERT_EQ(bytes[i], 0);
  ws_free(bytes);
  ws_free(NULL);
}

TEST(strndup_copies_and_terminates) {
  char *copy = ws_strndup("whosaid and more", 7);
  ASSERT_STR_EQ(copy, "whosaid");
  ws_free(copy);
  copy = ws_strndup("a\0b", 3);
  ASSERT_EQ(copy[1], '\0');
  ASSERT_EQ(copy[2], 'b');
  ws_free(copy);
}

TEST(fail_fills_the_error_and_returns_the_status) {
  whosaid_error err = {0};
  ASSERT_EQ(ws_fail(&err, WHOSAID_EMODEL, "%s:%d: %s", "cues.txt", 12, "bad"), WHOSAID_EMODEL);
  ASSERT_EQ(err.status, WHOSAID_EMODEL);
  ASSERT_STR_EQ(err.message, "cues.txt:12: bad");
  ASSERT_EQ(ws_fail(NULL, WHOSAID_EIO, "ignored"), WHOSAID_EIO);
  char long_name[2000];
  memset(long_name, 'x', sizeof(long_name) - 1);
  long_name[sizeof(long_name) - 1] = '\0';
  ws_fail(&err, WHOSAID_ENOENT, "%s", long_name); /* truncated, never overflowing */
  ASSERT_EQ(strlen(err.message), sizeof(err.message) - 1);
}

TEST(every_status_has_a_name_and_a_message) {
  int statuses[] = {
#define WHOSAID_XX(name, code, message) WHOSAID_E##name,
      WHOSAID_ERRNO_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  };
  for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
    ASSERT(statuses[i] < 0);
    ASSERT(strcmp(whosaid_strerror(statuses[i]), "unknown error") != 0);
    ASSERT(strncmp(whosaid_err_name(statuses[i]), "WHOSAID_E", 9) == 0);
  }
}

int main(void) {
  RUN(vec_grows_and_keeps_its_items);
  RUN(vec_reserve_refuses_sizes_that_overflow);
  RUN(vec_push_failure_leaves_the_vector_unchanged);
  RUN(calloc_detects_overflow_and_zeroes);
  RUN(strndup_copies_and_terminates);
  RUN(fail_fills_the_error_and_returns_the_status);
  RUN(every_status_has_a_name_and_a_message);
  return test_report();
}
