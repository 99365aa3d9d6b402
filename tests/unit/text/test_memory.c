/*
 * test_memory.c: out of memory. An allocator that fails the Nth allocation
 * runs the whole text pipeline for N = 1, 2, ... until nothing fails: every
 * failure must come back as WHOSAID_ENOMEM with no block leaked, and the
 * output vector of the failed step freed.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "test.h"
#include "test_alloc.h"
#include "text/text.h"


typedef struct {
  text_line_index lines;
  text_paragraph_vec paragraphs;
  text_token_vec tokens;
  text_sentence_vec sentences;
} pipeline;

static void release(pipeline *p) {
  text_line_index_destroy(&p->lines);
  VEC_FREE(&p->paragraphs);
  VEC_FREE(&p->tokens);
  VEC_FREE(&p->sentences);
}

/* Run every step; on a failure, check that the step kept nothing. Returns
 * the status, or 1 when a failed step leaked or kept its output. */
static int run_pipeline(const char *text, size_t length, pipeline *p) {
  *p = (pipeline){{VEC_INIT, 0}, VEC_INIT, VEC_INIT, VEC_INIT};
  long before = live_blocks;
  int status = text_line_index_build(&p->lines, text, length);
  if (status != 0) return live_blocks == before && p->lines.starts.items == NULL ? status : 1;
  before = live_blocks;
  status = text_find_paragraphs(text, length, &p->paragraphs);
  if (status != 0) return live_blocks == before && p->paragraphs.items == NULL ? status : 1;
  before = live_blocks;
  status = text_tokenize(text, length, &p->tokens);
  if (status != 0) return live_blocks == before && p->tokens.items == NULL ? status : 1;
  before = live_blocks;
  status = text_split_sentences(text, length, p->tokens.items, p->tokens.len, p->paragraphs.items,
                                p->paragraphs.len, &p->sentences);
  if (status != 0) return live_blocks == before && p->sentences.items == NULL ? status : 1;
  return 0;
}

/* A text with many lines, paragraphs, tokens and sentences, so that every
 * vector grows several times. */
static char *paragraph_rich_text(size_t *length) {
  static const char paragraph[] =
      "Mr. Smith’s firm said “we can’t stop.” Then it rose 3.5%.\nA second line!\n\n";
  size_t count = 150, size = sizeof paragraph - 1;
  char *text = malloc(count * size);
  if (text == NULL) return NULL;
  for (size_t i = 0; i < count; i++) memcpy(text + i * size, paragraph, size);
  *length = count * size;
  return text;
}

TEST(every_allocation_failure_is_reported_and_leaks_nothing) {
  size_t length = 0;
  char *text = paragraph_rich_text(&length);
  ASSERT_NOT_NULL(text);
  whosaid_set_allocator(&counting);
  size_t failures = 0;
  bool succeeded = false;
  for (size_t n = 1; n < 10000 && !succeeded; n++) {
    allocation_count = 0;
    failing_allocation = n;
    pipeline p;
    int status = run_pipeline(text, length, &p);
    release(&p);
    succeeded = allocation_count < n; /* the Nth allocation never came */
    if (!succeeded) {
      failures++;
      if (status != WHOSAID_ENOMEM) {
        whosaid_set_allocator(NULL);
        free(text);
        TEST_FAIL_("allocation %zu failed: status %d, expected WHOSAID_ENOMEM", n, status);
      }
    } else if (status != 0) {
      whosaid_set_allocator(NULL);
      free(text);
      TEST_FAIL_("no allocation failed, yet status %d", status);
    }
    if (live_blocks != 0) {
      whosaid_set_allocator(NULL);
      free(text);
      TEST_FAIL_("allocation %zu failed: %ld blocks leaked", n, live_blocks);
    }
  }
  whosaid_set_allocator(NULL);
  free(text);
  ASSERT(succeeded);
  ASSERT(failures >= 20); /* every vector grew several times */
}

TEST(failure_after_success_frees_a_reused_vector) {
  size_t length = 0;
  char *text = paragraph_rich_text(&length);
  ASSERT_NOT_NULL(text);
  whosaid_set_allocator(&counting);
  failing_allocation = 0;
  text_token_vec tokens = VEC_INIT;
  int first = text_tokenize("a b c", 5, &tokens);
  /* The small vector must grow for the long text; make that fail. */
  allocation_count = 0;
  failing_allocation = 1;
  int second = text_tokenize(text, length, &tokens);
  failing_allocation = 0;
  bool emptied = tokens.items == NULL && tokens.len == 0 && tokens.cap == 0;
  long leaked = live_blocks;
  VEC_FREE(&tokens);
  whosaid_set_allocator(NULL);
  free(text);
  ASSERT_OK(first);
  ASSERT_EQ(second, WHOSAID_ENOMEM);
  ASSERT(emptied);
  ASSERT_EQ(leaked, 0);
}

int main(void) {
  RUN(every_allocation_failure_is_reported_and_leaks_nothing);
  RUN(failure_after_success_frees_a_reused_vector);
  return test_report();
}
