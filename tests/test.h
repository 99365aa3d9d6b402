/*
 * test.h: the whole test harness. Each test file is one program:
 *
 *   TEST(splits_possessive) { ... ASSERT_EQ(n, 3); ... }
 *   int main(void) { RUN(splits_possessive); return test_report(); }
 *
 * A failed assertion prints both values and ends the current test; the
 * program exits 1 if any test failed. A program exits with TEST_SKIP (77,
 * ctest's SKIP_RETURN_CODE) when something it needs is absent.
 */
#ifndef WHOSAID_TEST_H
#define WHOSAID_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define TEST_SKIP 77

static int test_failures;
static int test_count;
static int test_current_failed;

#define TEST(name) static void test_##name(void)

#define RUN(name)                                                    \
  do {                                                               \
    test_current_failed = 0;                                         \
    test_count++;                                                    \
    test_##name();                                                   \
    if (test_current_failed) test_failures++;                        \
    fprintf(stderr, "%s %s\n", test_current_failed ? "FAIL" : "ok  ", #name); \
  } while (0)

#define TEST_FAIL_(...)                                    \
  do {                                                     \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);        \
    fprintf(stderr, __VA_ARGS__);                          \
    fputc('\n', stderr);                                   \
    test_current_failed = 1;                               \
    return;                                                \
  } while (0)

#define ASSERT(cond) \
  do { if (!(cond)) TEST_FAIL_("assertion failed: %s", #cond); } while (0)

#define ASSERT_EQ(a, b)                                                          \
  do {                                                                           \
    intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                             \
    if (a_ != b_) TEST_FAIL_("%s == %s: %jd != %jd", #a, #b, a_, b_);            \
  } while (0)

#define ASSERT_OK(expr) ASSERT_EQ((expr), 0)
#define ASSERT_NOT_NULL(p) \
  do { if ((p) == NULL) TEST_FAIL_("%s is NULL", #p); } while (0)

#define ASSERT_STR_EQ(a, b)                                                        \
  do {                                                                             \
    const char *a_ = (a), *b_ = (b);                                               \
    if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                           \
      TEST_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
  } while (0)

/* Compare LEN bytes at P with the string S (for spans of a text). */
#define ASSERT_SPAN_EQ(p, len, s)                                                  \
  do {                                                                             \
    const char *p_ = (const char *)(p), *s_ = (s);                                 \
    size_t len_ = (size_t)(len);                                                   \
    if (len_ != strlen(s_) || memcmp(p_, s_, len_) != 0)                           \
      TEST_FAIL_("%s: \"%.*s\" != \"%s\"", #p, (int)len_, p_, s_);                 \
  } while (0)

static inline int test_report(void) {
  fprintf(stderr, "%d passed, %d failed\n", test_count - test_failures, test_failures);
  return test_failures ? 1 : 0;
}

#endif
