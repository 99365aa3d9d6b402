/*
 * test_tagger.c: training the entity tagger on a small CoNLL file, the
 * model file it writes (deterministic, loadable, rejected when damaged),
 * and tagging with it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ner/conll.h"
#include "ner/model.h"
#include "ner/train.h"
#include "test.h"

static const char fixture[] =
    "-DOCSTART- -X- O O\n\n"
    "John NNP B-NP B-PER\nSmith NNP I-NP I-PER\nvisited VBD B-VP O\nBerlin NNP B-NP B-LOC\n"
    ". . O O\n\n"
    "Acme NNP B-NP B-ORG\nCorp NNP I-NP I-ORG\nhired VBD B-VP O\nJohn NNP B-NP B-PER\n"
    ". . O O\n\n"
    "-DOCSTART- -X- O O\n\n"
    "German JJ B-NP B-MISC\nofficials NNS I-NP O\nmet VBD B-VP O\nMary NNP B-NP B-PER\n"
    "Jones NNP I-NP I-PER\nin IN B-PP O\nParis NNP B-NP B-LOC\n. . O O\n\n";

static char directory[] = "/tmp/whosaid-tagger-XXXXXX";
static char data_path[64], model_path[64], other_path[64];

static void write_file(const char *path, const void *bytes, size_t length) {
  FILE *file = fopen(path, "wb");
  if (file == NULL || fwrite(bytes, 1, length, file) != length) {
    perror(path);
    exit(1);
  }
  fclose(file);
}

static char *read_file(const char *path, size_t *length) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return NULL;
  fseek(file, 0, SEEK_END);
  *length = (size_t)ftell(file);
  rewind(file);
  char *bytes = malloc(*length + 1);
  if (fread(bytes, 1, *length, file) != *length) *length = 0;
  fclose(file);
  return bytes;
}

static int train(const char *output) {
  ner_train_options options = {data_path, data_path, output, NULL, NULL, 8, 7, 0, NULL, NULL};
  whosaid_error err = {0};
  int status = ner_train(&options, &err);
  if (status != 0) fprintf(stderr, "training: %s\n", err.message);
  return status;
}

/* Entity F1 of MODEL on the fixture. */
static double fixture_f1(const ner_model *model) {
  conll_corpus corpus = VEC_INIT;
  whosaid_error err;
  if (conll_read(data_path, ner_model_gazetteer(model), &corpus, &err) != 0) return -1;
  ner_score score = {0};
  for (size_t d = 0; d < corpus.len; d++) {
    uint8_t labels[64];
    if (ner_model_tag(model, &corpus.items[d].document, labels) != 0) return -1;
    ner_score_add(&score, corpus.items[d].gold.items, labels, corpus.items[d].document.words.len);
  }
  conll_corpus_free(&corpus);
  return ner_counts_f1(&score.overall);
}

TEST(learns_its_training_sentences) {
  ASSERT_OK(train(model_path));
  ner_model *model = NULL;
  whosaid_error err;
  ASSERT_OK(ner_model_load(model_path, &model, &err));
  ASSERT(ner_model_feature_count(model) > 10);
  double f1 = fixture_f1(model);
  ner_model_free(model);
  ASSERT(f1 > 99.9);
}

TEST(same_seed_gives_a_byte_identical_model) {
  ASSERT_OK(train(model_path));
  ASSERT_OK(train(other_path));
  size_t a_length = 0, b_length = 0;
  char *a = read_file(model_path, &a_length), *b = read_file(other_path, &b_length);
  ASSERT(a != NULL && b != NULL);
  bool same = a_length == b_length && memcmp(a, b, a_length) == 0;
  free(a);
  free(b);
  ASSERT(same);
}

/* The model keeps both quantized weights and, for frequent words, their
 * sums: once loaded, the two must agree exactly. */
TEST(loaded_vocabulary_agrees_with_loaded_weights) {
  ner_model *model = NULL;
  whosaid_error err;
  ASSERT_OK(ner_model_load(model_path, &model, &err));
  conll_corpus corpus = VEC_INIT;
  ASSERT_OK(conll_read(data_path, ner_model_gazetteer(model), &corpus, &err));
  size_t known = 0, unknown = 0;
  bool agree = true;
  for (size_t d = 0; d < corpus.len; d++) {
    const ner_document *doc = &corpus.items[d].document;
    for (size_t w = 0; w < doc->words.len; w++) {
      const ner_vocabulary_entry *entry = ner_model_known_word(model, doc->text,
                                                               &doc->words.items[w]);
      if (entry == NULL) {
        unknown++;
        continue;
      }
      known++;
      int32_t sums[NER_OFFSETS][NER_LABELS];
      ner_model_word_sums(model, doc->text, &doc->words.items[w], sums);
      agree = agree && memcmp(sums, entry->sums, sizeof(sums)) == 0;
    }
  }
  conll_corpus_free(&corpus);
  ner_model_free(model);
  ASSERT(known > 0);   /* "." is frequent enough */
  ASSERT(unknown > 0); /* "Berlin" is not */
  ASSERT(agree);
}

TEST(damaged_models_are_rejected) {
  size_t length = 0;
  char *bytes = read_file(model_path, &length);
  ASSERT_NOT_NULL(bytes);
  whosaid_error err;
  ner_model *model = NULL;
  write_file(other_path, bytes, length / 2); /* truncated */
  ASSERT_EQ(ner_model_load(other_path, &model, &err), WHOSAID_EMODEL);
  ASSERT(model == NULL);
  ASSERT(strstr(err.message, other_path) != NULL);
  bytes[length - 3] ^= 0x40; /* a flipped bit in the last section */
  write_file(other_path, bytes, length);
  ASSERT_EQ(ner_model_load(other_path, &model, &err), WHOSAID_EMODEL);
  free(bytes);
  ASSERT_EQ(ner_model_load("/nonexistent/ner.bin", &model, &err), WHOSAID_ENOENT);
}

TEST(container_without_a_tagger_or_of_another_version) {
  model_file_writer *writer = NULL;
  whosaid_error err;
  ner_model *model = NULL;
  ASSERT_OK(model_file_writer_new(&writer));
  ASSERT_OK(model_file_writer_add(writer, "ABCD", "x", 1));
  ASSERT_OK(model_file_writer_save(writer, other_path, &err));
  model_file_writer_free(writer);
  ASSERT_EQ(ner_model_load(other_path, &model, &err), WHOSAID_EMODEL);
  ASSERT(strstr(err.message, "not a tagger model") != NULL);
  uint32_t header[7] = {NER_FEATURE_VERSION + 1, NER_LABELS, 0, 0, 0x3f800000u, 0, 0};
  ASSERT_OK(model_file_writer_new(&writer));
  ASSERT_OK(model_file_writer_add(writer, "NERH", header, 6 * sizeof(uint32_t)));
  ASSERT_OK(model_file_writer_save(writer, other_path, &err));
  model_file_writer_free(writer);
  ASSERT_EQ(ner_model_load(other_path, &model, &err), WHOSAID_EMODEL);
  ASSERT(strstr(err.message, "another version") != NULL);
}

TEST(bilou_constraints) {
  int b_per = ner_label(WHOSAID_ENTITY_PER, NER_PART_B);
  int i_per = ner_label(WHOSAID_ENTITY_PER, NER_PART_I);
  int l_org = ner_label(WHOSAID_ENTITY_ORG, NER_PART_L);
  ASSERT(ner_label_allowed(-1, b_per));
  ASSERT(!ner_label_allowed(-1, i_per));
  ASSERT(ner_label_allowed(b_per, i_per));
  ASSERT(!ner_label_allowed(b_per, 0));
  ASSERT(!ner_label_allowed(b_per, l_org));
  float scores[NER_LABELS] = {0};
  scores[b_per] = 5; /* best, but a sentence cannot end inside an entity */
  ASSERT(ner_best_label(scores, -1, true) != b_per);
  ASSERT_EQ(ner_best_label(scores, -1, false), b_per);
  /* Every label wins when it scores highest, exactly when it may follow. */
  for (int previous = -1; previous < NER_LABELS; previous++) {
    for (int last = 0; last <= 1; last++) {
      for (int label = 0; label < NER_LABELS; label++) {
        float one[NER_LABELS] = {0};
        one[label] = 1;
        int part = ner_label_part(label);
        bool may = ner_label_allowed(previous, label) &&
                   !(last && (part == NER_PART_B || part == NER_PART_I));
        ASSERT_EQ(ner_best_label(one, previous, last) == label, may);
      }
    }
  }
}

/* Hard constraints of decoding ********************************************/

/* A scorer that wants every word in one long organisation. */
static void score_everything_an_org(void *context, const ner_document *document,
                                    const ner_sentence *sentence, uint32_t index,
                                    const ner_feature *history, size_t history_count,
                                    float scores[NER_LABELS]) {
  (void)context, (void)document, (void)sentence, (void)index, (void)history, (void)history_count;
  scores[ner_label(WHOSAID_ENTITY_ORG, NER_PART_B)] = 3;
  scores[ner_label(WHOSAID_ENTITY_ORG, NER_PART_I)] = 3;
  scores[ner_label(WHOSAID_ENTITY_ORG, NER_PART_L)] = 2;
  scores[ner_label(WHOSAID_ENTITY_ORG, NER_PART_U)] = 1;
}

/* The labels decode gives TEXT's words under that scorer, as one letter per
 * word: O, or B I L U; COMMON as for ner_decode. */
static void decode_text(const char *text, const ner_lexicon *common, char *out, size_t room) {
  size_t length = strlen(text);
  text_token_vec tokens = VEC_INIT;
  text_paragraph_vec paragraphs = VEC_INIT;
  text_sentence_vec sentences = VEC_INIT;
  ner_document document = {0};
  ner_history *history = NULL;
  uint8_t labels[256];
  out[0] = '\0';
  if (text_tokenize(text, length, &tokens) != 0 || tokens.len > sizeof(labels) ||
      text_find_paragraphs(text, length, &paragraphs) != 0 ||
      text_split_sentences(text, length, tokens.items, tokens.len, paragraphs.items,
                           paragraphs.len, &sentences) != 0 ||
      ner_document_from_tokens(&document, text, tokens.items, sentences.items, sentences.len,
                               NULL) != 0 ||
      ner_history_new(&history) != 0) {
    goto done;
  }
  ner_scorer scorer = {NULL, score_everything_an_org, NULL};
  if (ner_decode(&document, common, &scorer, history, labels) != 0) goto done;
  size_t n = 0;
  for (size_t w = 0; w < document.words.len && n + 1 < room; w++) {
    out[n++] = labels[w] == 0 ? 'O' : "BILU"[ner_label_part(labels[w])];
  }
  out[n] = '\0';
done:
  ner_history_free(history);
  ner_document_destroy(&document);
  VEC_FREE(&sentences);
  VEC_FREE(&paragraphs);
  VEC_FREE(&tokens);
}

TEST(quotation_marks_stay_outside_entities) {
  ner_lexicon none = {0};
  char labels[64];
  decode_text("Ask \"Acme Corp\" now", &none, labels, sizeof(labels));
  ASSERT_STR_EQ(labels, "UOBLOU"); /* O at each ", so the entities end before it */
  decode_text("Ask \"Acme Corp\" now", NULL, labels, sizeof(labels));
  ASSERT_STR_EQ(labels, "BIIIIL"); /* training decodes without the constraint */
  decode_text("Lord's", &none, labels, sizeof(labels));
  ASSERT_STR_EQ(labels, "BL"); /* the clitic 's may be part of a name */
}

TEST(ordinary_words_of_a_title_case_headline_stay_outside) {
  /* "talks" and "fail" are in lower case in the body; "Acme" and "Zorb" are
   * capitalized there; "Big" and "Warns" are not in the body. */
  static const char text[] = "Big Warns Zorb Talks Fail\n\n"
                             "The talks may fail, Acme said of Zorb on Monday.\n";
  uint64_t common_words[1] = {0};
  ner_lexicon common = {common_words, 0, NULL, 0};
  char labels[64];
  decode_text(text, &common, labels, sizeof(labels));
  ASSERT_EQ(strncmp(labels, "BILOO", 5), 0); /* "Big Warns" unknown here: left to the model */
  /* Known as a common word (training text writes it in lower case), "warns" is out too. */
  ner_word warns = {4, 9, WHOSAID_TOKEN_WORD, WHOSAID_TOKEN_CAPITALIZED, 0, 0, 0};
  common_words[0] = ner_hash_lower(text, &warns);
  common.count = 1;
  ASSERT_OK(ner_lexicon_index(&common));
  decode_text(text, &common, labels, sizeof(labels));
  ASSERT_EQ(strncmp(labels, "UOUOO", 5), 0);
  ner_lexicon_destroy(&common);
  /* The same words in a later sentence are left to the model. */
  decode_text("Monday.\n\nBig Warns Zorb Talks Fail\n\nThe talks may fail.\n", &common, labels,
              sizeof(labels));
  ASSERT_EQ(strncmp(labels + 2, "BIIIL", 5), 0);
}

TEST(a_headline_word_the_story_never_capitalizes_does_not_run_on_a_name) {
  /* "Acme Warns Zorb": the story gives Acme, never "Warns". */
  static const char text[] = "Acme Warns Zorb Talks Fail\n\n"
                             "The talks may fail, Acme said of Zorb on Monday.\n";
  ner_lexicon common = {0};
  char labels[64];
  decode_text(text, &common, labels, sizeof(labels));
  ASSERT_EQ(strncmp(labels, "UOUOO", 5), 0);
  /* An acronym after the name is left to the model: stories write few of them. */
  decode_text("Acme NATO Zorb Talks Fail\n\nThe talks may fail, Acme said of Zorb.\n", &common,
              labels, sizeof(labels));
  ASSERT_EQ(strncmp(labels, "BILOO", 5), 0);
}

int main(void) {
  if (mkdtemp(directory) == NULL) return 1;
  snprintf(data_path, sizeof(data_path), "%s/fixture.conll", directory);
  snprintf(model_path, sizeof(model_path), "%s/ner.bin", directory);
  snprintf(other_path, sizeof(other_path), "%s/other.bin", directory);
  write_file(data_path, fixture, sizeof(fixture) - 1);
  RUN(learns_its_training_sentences);
  RUN(same_seed_gives_a_byte_identical_model);
  RUN(loaded_vocabulary_agrees_with_loaded_weights);
  RUN(damaged_models_are_rejected);
  RUN(container_without_a_tagger_or_of_another_version);
  RUN(bilou_constraints);
  RUN(quotation_marks_stay_outside_entities);
  RUN(ordinary_words_of_a_title_case_headline_stay_outside);
  RUN(a_headline_word_the_story_never_capitalizes_does_not_run_on_a_name);
  unlink(data_path);
  unlink(model_path);
  unlink(other_path);
  rmdir(directory);
  return test_report();
}
