/*
 * test_api.c: the public interface of libwhosaid: versions, errors, model
 * loading, analysis, accessors, positions and out-of-memory behaviour.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "test_alloc.h"
#include "whosaid.h"

static const char article[] =
    "Pompeo Warns Germany\n"
    "\n"
    "Secretary of State Mike Pompeo spoke on Friday. \xe2\x80\x9cThey will take their own "
    "decisions,\xe2\x80\x9d Pompeo said.\n"
    "\n"
    "China uses its networks as \"back door\" for eavesdropping, he said.\n";

static whosaid_model *load_model(void) {
  whosaid_model *model = NULL;
  whosaid_error err;
  if (whosaid_model_load(WHOSAID_MODEL_DIR, &model, &err) != 0) {
    fprintf(stderr, "cannot load the model: %s\n", err.message);
    exit(1);
  }
  return model;
}

TEST(reports_its_version) {
  ASSERT_EQ(whosaid_version(), WHOSAID_VERSION);
  ASSERT_STR_EQ(whosaid_version_string(), WHOSAID_VERSION_STRING);
  ASSERT_EQ(WHOSAID_VERSION, WHOSAID_VERSION_MAJOR * 10000 + WHOSAID_VERSION_MINOR * 100 +
                                 WHOSAID_VERSION_PATCH);
}

TEST(names_every_status) {
  ASSERT_STR_EQ(whosaid_strerror(WHOSAID_ENOMEM), "out of memory");
  ASSERT_STR_EQ(whosaid_err_name(WHOSAID_EMODEL), "WHOSAID_EMODEL");
  ASSERT_STR_EQ(whosaid_strerror(0), "success");
  ASSERT_STR_EQ(whosaid_strerror(-999), "unknown error");
  ASSERT_STR_EQ(whosaid_err_name(-999), "WHOSAID_EUNKNOWN");
}

TEST(loads_the_model) {
  whosaid_model *model = load_model();
  ASSERT_STR_EQ(whosaid_model_path(model), WHOSAID_MODEL_DIR);
  ASSERT(whosaid_model_cue_count(model) > 100);
  ASSERT(whosaid_model_has_entities(model)); /* the repository ships ner.bin */
  ASSERT(whosaid_model_has_attribution(model)); /* it has the speech cues */
  whosaid_model_free(model);
  whosaid_model_free(NULL);
}

TEST(model_errors_name_the_problem) {
  whosaid_model *model = NULL;
  whosaid_error err;
  ASSERT_EQ(whosaid_model_load("/nonexistent/whosaid", &model, &err), WHOSAID_ENOENT);
  ASSERT(model == NULL);
  ASSERT(strstr(err.message, "/nonexistent/whosaid") != NULL);
  /* A file is taken as a tagger file alone; a text file is not one. */
  ASSERT_EQ(whosaid_model_load(WHOSAID_MODEL_DIR "/cues.txt", &model, &err), WHOSAID_EMODEL);
  ASSERT(strstr(err.message, "cues.txt") != NULL);
  ASSERT_EQ(whosaid_model_load("", &model, NULL), WHOSAID_EINVAL);
  ASSERT_EQ(whosaid_model_load(WHOSAID_MODEL_DIR, NULL, NULL), WHOSAID_EINVAL);

  char dir[] = "/tmp/whosaid-model-XXXXXX";
  ASSERT_NOT_NULL(mkdtemp(dir));
  ASSERT_EQ(whosaid_model_load(dir, &model, &err), WHOSAID_ENOENT);
  ASSERT(strstr(err.message, "cues.txt") != NULL);
  char path[64];
  snprintf(path, sizeof(path), "%s/cues.txt", dir);
  FILE *file = fopen(path, "wb");
  ASSERT_NOT_NULL(file);
  fputs("said\nSAID\n", file);
  fclose(file);
  ASSERT_EQ(whosaid_model_load(dir, &model, &err), WHOSAID_EMODEL);
  ASSERT(strstr(err.message, "cues.txt:2: cues must be lower case") != NULL);
  ASSERT(model == NULL);
  unlink(path);
  rmdir(dir);
}

TEST(rejects_bad_arguments) {
  whosaid_doc *doc = (whosaid_doc *)1;
  ASSERT_EQ(whosaid_analyze(NULL, NULL, 5, &doc), WHOSAID_EINVAL);
  ASSERT(doc == NULL);
  ASSERT_EQ(whosaid_analyze(NULL, "x", 1, NULL), WHOSAID_EINVAL);
  ASSERT_EQ(whosaid_analyze(NULL, "x", (size_t)UINT32_MAX, &doc), WHOSAID_ETOOBIG);
}

TEST(analyzes_an_empty_text) {
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(NULL, NULL, 0, &doc));
  ASSERT_EQ(whosaid_doc_length(doc), 0);
  ASSERT_EQ(whosaid_doc_line_count(doc), 1);
  ASSERT_EQ(whosaid_doc_token_count(doc), 0);
  ASSERT_EQ(whosaid_doc_quote_count(doc), 0);
  ASSERT_EQ(whosaid_doc_paragraph_count(doc), 0);
  whosaid_doc_free(doc);
  whosaid_doc_free(NULL);
}

TEST(finds_the_article_structure) {
  whosaid_model *model = load_model();
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(model, article, strlen(article), &doc));
  ASSERT_EQ(whosaid_doc_paragraph_count(doc), 3);
  ASSERT_EQ(whosaid_doc_line_count(doc), 6);
  whosaid_paragraph paragraph;
  ASSERT_OK(whosaid_doc_paragraph(doc, 0, &paragraph));
  ASSERT_EQ(paragraph.range.start_byte, 0);
  ASSERT_EQ(paragraph.range.end_byte, strlen("Pompeo Warns Germany"));
  ASSERT_EQ(paragraph.sentence_count, 1); /* a headline without final punctuation */
  ASSERT_OK(whosaid_doc_paragraph(doc, 1, &paragraph));
  ASSERT_EQ(paragraph.range.start.line, 2);
  ASSERT_EQ(paragraph.sentence_count, 2);
  whosaid_sentence sentence;
  ASSERT_OK(whosaid_doc_sentence(doc, paragraph.first_sentence + 1, &sentence));
  ASSERT_EQ(article[sentence.range.start_byte], (char)0xe2); /* starts at the quote mark */
  ASSERT_EQ(whosaid_doc_paragraph(doc, 3, &paragraph), WHOSAID_ERANGE);
  whosaid_doc_free(doc);
  whosaid_model_free(model);
}

TEST(gives_positions_in_lines_and_byte_columns) {
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(NULL, article, strlen(article), &doc));
  const char *mike = strstr(article, "Mike");
  whosaid_point point = whosaid_doc_point(doc, (uint32_t)(mike - article));
  ASSERT_EQ(point.line, 2);
  ASSERT_EQ(point.column, strlen("Secretary of State "));
  uint32_t offset = 0;
  ASSERT_OK(whosaid_doc_offset(doc, point, &offset));
  ASSERT_EQ(offset, mike - article);
  ASSERT_EQ(whosaid_doc_offset(doc, (whosaid_point){99, 0}, &offset), WHOSAID_ERANGE);
  for (size_t i = 0; i < whosaid_doc_token_count(doc); i++) {
    whosaid_token token;
    ASSERT_OK(whosaid_doc_token(doc, i, &token));
    ASSERT_OK(whosaid_doc_offset(doc, token.range.start, &offset));
    ASSERT_EQ(offset, token.range.start_byte);
  }
  whosaid_doc_free(doc);
}

TEST(keeps_direct_quotes_and_explains_the_rest) {
  whosaid_model *model = load_model();
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(model, article, strlen(article), &doc));
  ASSERT_EQ(whosaid_doc_quote_count(doc), 2);
  whosaid_quote quote;
  ASSERT_OK(whosaid_doc_quote(doc, 0, &quote));
  ASSERT(quote.flags & WHOSAID_QUOTE_DIRECT);
  ASSERT_EQ(quote.reason, WHOSAID_QUOTE_CUE);
  ASSERT_EQ(quote.range.start_byte, strstr(article, "\xe2\x80\x9c") - article);
  ASSERT_EQ(quote.range.start.line, 2);
  /* "...," Pompeo said: the trailing cue names Pompeo, who is Mike Pompeo. */
  ASSERT(quote.has_speaker_mention);
  ASSERT_EQ(quote.speaker_mention.start_byte, strstr(article, "Pompeo said") - article);
  ASSERT_EQ(quote.speaker_mention.end_byte, quote.speaker_mention.start_byte + 6);
  ASSERT_EQ(quote.speaker_mention_kind, WHOSAID_MENTION_NAME);
  ASSERT_STR_EQ(whosaid_attribution_rule_name(quote.rule), "TRAILING_CUE");
  ASSERT_EQ(quote.speaker, 0);
  whosaid_speaker speaker;
  ASSERT_OK(whosaid_doc_speaker(doc, 0, &speaker));
  ASSERT_STR_EQ(speaker.name, "Mike Pompeo");
  ASSERT_STR_EQ(speaker.role, "Secretary of State");
  ASSERT_EQ(speaker.type, WHOSAID_ENTITY_PER);
  ASSERT_EQ(speaker.quote_count, 1);
  /* Its first mention is a "Pompeo" no later than "Mike Pompeo". */
  ASSERT(speaker.first_mention.start_byte <= (size_t)(strstr(article, "Mike Pompeo") - article));
  ASSERT(strncmp(article + speaker.first_mention.end_byte - 6, "Pompeo", 6) == 0);
  ASSERT_OK(whosaid_doc_quote(doc, 1, &quote));
  ASSERT_EQ(quote.flags & WHOSAID_QUOTE_DIRECT, 0);
  ASSERT_STR_EQ(whosaid_quote_reason_name(quote.reason), "SHORT_TERM");
  ASSERT(strstr(whosaid_quote_reason_text(quote.reason), "scare quote") != NULL);
  ASSERT_EQ(whosaid_doc_quote(doc, 2, &quote), WHOSAID_ERANGE);
  ASSERT_EQ(whosaid_doc_speaker_count(doc), 1);
  ASSERT_EQ(whosaid_doc_speaker(doc, 1, &speaker), WHOSAID_ERANGE);
  whosaid_doc_free(doc);
  whosaid_model_free(model);
}

TEST(finds_entities_with_the_shipped_tagger) {
  whosaid_model *model = load_model();
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(model, article, strlen(article), &doc));
  const char *mike = strstr(article, "Mike Pompeo");
  bool found = false;
  uint32_t previous_end = 0;
  for (size_t i = 0; i < whosaid_doc_entity_count(doc); i++) {
    whosaid_entity entity;
    ASSERT_OK(whosaid_doc_entity(doc, i, &entity));
    ASSERT(entity.range.start_byte >= previous_end); /* in text order, never overlapping */
    previous_end = entity.range.end_byte;
    if (entity.range.start_byte == (uint32_t)(mike - article) &&
        entity.range.end_byte == entity.range.start_byte + strlen("Mike Pompeo")) {
      found = entity.type == WHOSAID_ENTITY_PER;
      ASSERT_EQ(entity.range.start.line, 2);
    }
  }
  ASSERT(found);
  whosaid_entity entity;
  ASSERT_EQ(whosaid_doc_entity(doc, whosaid_doc_entity_count(doc), &entity), WHOSAID_ERANGE);
  ASSERT_STR_EQ(whosaid_entity_type_name(WHOSAID_ENTITY_MISC), "MISC");
  whosaid_doc_free(doc);
  whosaid_model_free(model);
}

/* The type of the entity spanning the bytes [START, END), or -1. */
static int type_at(const whosaid_doc *doc, uint32_t start, uint32_t end) {
  for (size_t i = 0; i < whosaid_doc_entity_count(doc); i++) {
    whosaid_entity entity;
    if (whosaid_doc_entity(doc, i, &entity) == 0 && entity.range.start_byte == start &&
        entity.range.end_byte == end) {
      return (int)entity.type;
    }
  }
  return -1;
}

/* The type the shipped model gives the words WORDS where TEXT first has
 * them, or -1 when they are no entity. */
static int tagged_type(const char *text, const char *words) {
  whosaid_model *model = load_model();
  whosaid_doc *doc = NULL;
  int type = -1;
  if (whosaid_analyze(model, text, strlen(text), &doc) == 0) {
    uint32_t start = (uint32_t)(strstr(text, words) - text);
    type = type_at(doc, start, start + (uint32_t)strlen(words));
  }
  whosaid_doc_free(doc);
  whosaid_model_free(model);
  return type;
}

TEST(a_surname_keeps_its_lower_case_particle_when_the_full_name_has_it) {
  static const char text[] =
      "Varga's deputy, Pieter de Wit, struck a softer tone on Wednesday.\n\n"
      "\"Nobody wants a fight with our friends,\" de Wit said.\n";
  whosaid_model *model = load_model();
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(model, text, strlen(text), &doc));
  uint32_t surname = (uint32_t)(strstr(text, "de Wit said") - text);
  ASSERT_EQ(type_at(doc, surname, surname + 6), WHOSAID_ENTITY_PER);
  whosaid_quote quote;
  ASSERT_OK(whosaid_doc_quote(doc, 0, &quote));
  whosaid_speaker speaker;
  ASSERT_OK(whosaid_doc_speaker(doc, (size_t)quote.speaker, &speaker));
  ASSERT_STR_EQ(speaker.name, "Pieter de Wit");
  whosaid_doc_free(doc);
  whosaid_model_free(model);
}

TEST(a_name_that_ends_in_what_kind_of_body_it_is_is_an_organisation) {
  static const char text[] =
      "Shipping companies have watched the dispute with growing unease. Nordhavn Lines, which "
      "carries containers between Rotterdam, Hamburg and Gdansk, said in a statement that "
      "doubts over the rules were already delaying orders for new ships.\n";
  ASSERT_EQ(tagged_type(text, "Nordhavn Lines"), WHOSAID_ENTITY_ORG);
}

TEST(nul_bytes_and_invalid_utf8_keep_offsets) {
  static const char text[] = "A\0B \xff\xfe \"quoted words \xc3 here,\" she said.";
  size_t length = sizeof(text) - 1;
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(NULL, text, length, &doc));
  ASSERT_EQ(whosaid_doc_length(doc), length);
  ASSERT_EQ(whosaid_doc_quote_count(doc), 1);
  whosaid_quote quote;
  ASSERT_OK(whosaid_doc_quote(doc, 0, &quote));
  ASSERT_EQ(quote.range.start_byte, 7);
  ASSERT_EQ(quote.range.end_byte, length - strlen(" she said."));
  uint32_t previous_end = 0;
  for (size_t i = 0; i < whosaid_doc_token_count(doc); i++) {
    whosaid_token token;
    ASSERT_OK(whosaid_doc_token(doc, i, &token));
    ASSERT(token.range.start_byte >= previous_end);
    ASSERT(token.range.end_byte > token.range.start_byte);
    ASSERT(token.range.end_byte <= length);
    previous_end = token.range.end_byte;
  }
  whosaid_doc_free(doc);
}

/* Run with allocation N failing (1-based; 0: none), counting from zero. */
static void fail_allocation(size_t n) {
  allocation_count = 0;
  failing_allocation = n;
}

TEST(every_failed_allocation_is_reported_and_leaks_nothing) {
  whosaid_set_allocator(&counting);
  fail_allocation(0);
  live_blocks = 0;
  whosaid_model *model = NULL;
  ASSERT_OK(whosaid_model_load(WHOSAID_MODEL_DIR, &model, NULL));
  long model_blocks = live_blocks;
  int failures = 0;
  for (size_t n = 1;; n++) {
    fail_allocation(n);
    whosaid_doc *doc = NULL;
    int status = whosaid_analyze(model, article, strlen(article), &doc);
    fail_allocation(0);
    if (status == 0) {
      ASSERT_EQ(whosaid_doc_quote_count(doc), 2); /* the model still works */
      whosaid_doc_free(doc);
      break;
    }
    failures++;
    ASSERT_EQ(status, WHOSAID_ENOMEM);
    ASSERT(doc == NULL);
    ASSERT_EQ(live_blocks, model_blocks);
  }
  ASSERT(failures > 3);
  for (size_t n = 1;; n++) {
    fail_allocation(n);
    whosaid_model *other = NULL;
    int status = whosaid_model_load(WHOSAID_MODEL_DIR, &other, NULL);
    fail_allocation(0);
    if (status == 0) {
      whosaid_model_free(other);
      break;
    }
    ASSERT_EQ(status, WHOSAID_ENOMEM);
    ASSERT_EQ(live_blocks, model_blocks);
  }
  whosaid_model_free(model);
  ASSERT_EQ(live_blocks, 0);
  whosaid_set_allocator(NULL);
}

/* The project's seed article where the shared data is (the tests' machines),
 * else the example article of the repository. */
static char *read_example(size_t *length) {
  char path[4096];
  const char *shared = getenv("WHOSAID_SHARED_DIR");
  FILE *file = NULL;
  if (shared != NULL) {
    snprintf(path, sizeof(path), "%s/data/seed/pompeo-huawei.txt", shared);
    file = fopen(path, "rb");
  }
  if (file == NULL) file = fopen(WHOSAID_SOURCE_DIR "/examples/port-subsidies.txt", "rb");
  if (file == NULL) return NULL;
  static char data[1 << 16];
  *length = fread(data, 1, sizeof(data), file);
  fclose(file);
  return data;
}

/* What an analysis found, to compare one with another. */
typedef struct {
  size_t tokens, quotes, entities, speakers;
  char first_speaker[64];
} analysis_summary;

static analysis_summary summarize(const whosaid_doc *doc) {
  analysis_summary s = {whosaid_doc_token_count(doc), whosaid_doc_quote_count(doc),
                        whosaid_doc_entity_count(doc), whosaid_doc_speaker_count(doc), ""};
  whosaid_speaker speaker;
  if (whosaid_doc_speaker(doc, 0, &speaker) == 0) {
    snprintf(s.first_speaker, sizeof(s.first_speaker), "%s", speaker.name);
  }
  return s;
}

/* The seed article (or the example article) with the whole
 * model: every allocation of its analysis fails in turn. Each failure is
 * WHOSAID_ENOMEM with nothing leaked, and the model analyses the article
 * just as well right after. */
TEST(the_example_article_survives_every_failed_allocation) {
  size_t length = 0;
  const char *text = read_example(&length);
  ASSERT_NOT_NULL(text);
  whosaid_model *model = load_model();
  whosaid_doc *doc = NULL;
  ASSERT_OK(whosaid_analyze(model, text, length, &doc));
  analysis_summary expected = summarize(doc);
  whosaid_doc_free(doc);
  ASSERT(expected.speakers >= 3);
  whosaid_set_allocator(&counting);
  size_t failures = 0;
  for (size_t n = 1;; n++) {
    live_blocks = 0;
    fail_allocation(n);
    doc = NULL;
    int status = whosaid_analyze(model, text, length, &doc);
    fail_allocation(0);
    if (status == 0) {
      whosaid_doc_free(doc);
      break;
    }
    failures++;
    if (status != WHOSAID_ENOMEM || doc != NULL || live_blocks != 0) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("allocation %zu of the analysis failed: status %d, %ld blocks left", n,
                 status, live_blocks);
    }
    ASSERT_OK(whosaid_analyze(model, text, length, &doc));
    analysis_summary again = summarize(doc);
    whosaid_doc_free(doc);
    if (again.tokens != expected.tokens || again.quotes != expected.quotes ||
        again.entities != expected.entities || again.speakers != expected.speakers ||
        strcmp(again.first_speaker, expected.first_speaker) != 0) {
      whosaid_set_allocator(NULL);
      TEST_FAIL_("after allocation %zu failed, the analysis differs", n);
    }
  }
  whosaid_set_allocator(NULL);
  fprintf(stderr, "  (%zu allocations failed in turn)\n", failures);
  ASSERT(failures > 30);
  whosaid_model_free(model);
}

int main(void) {
  RUN(reports_its_version);
  RUN(names_every_status);
  RUN(loads_the_model);
  RUN(model_errors_name_the_problem);
  RUN(rejects_bad_arguments);
  RUN(analyzes_an_empty_text);
  RUN(finds_the_article_structure);
  RUN(gives_positions_in_lines_and_byte_columns);
  RUN(keeps_direct_quotes_and_explains_the_rest);
  RUN(the_example_article_survives_every_failed_allocation);
  RUN(finds_entities_with_the_shipped_tagger);
  RUN(a_surname_keeps_its_lower_case_particle_when_the_full_name_has_it);
  RUN(a_name_that_ends_in_what_kind_of_body_it_is_is_an_organisation);
  RUN(nul_bytes_and_invalid_utf8_keep_offsets);
  RUN(every_failed_allocation_is_reported_and_leaks_nothing);
  return test_report();
}
