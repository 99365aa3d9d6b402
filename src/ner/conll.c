/*
 * conll.c: CoNLL-2003 files (token ... tag per line, a blank line after each
 * sentence, -DOCSTART- before each document) as tagger documents with gold
 * BILOU labels; chunk scoring as conlleval does it; and the conlleval input
 * format (token, gold tag, predicted tag, IOB2) for checking the figures.
 */
#include "ner/conll.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

#define MAX_LINE 4096

typedef struct {
  const char *path;
  size_t line;
  whosaid_error *err;
  text_token_vec scratch; /* tokens of one CoNLL token, to find its kind */
  VEC(char) text;
  VEC(uint32_t) iob;      /* per word: 0 O, else type * 2 + 1 (B) or + 2 (I) */
} reader;

static int fail(reader *r, const char *what) {
  if (r->err != NULL) {
    r->err->status = WHOSAID_EINVAL;
    snprintf(r->err->message, sizeof(r->err->message), "%s:%zu: %s", r->path, r->line, what);
  }
  return WHOSAID_EINVAL;
}

static int parse_tag(const char *tag, uint32_t *iob) {
  static const char *const types[] = {"PER", "ORG", "LOC", "MISC"};
  if (strcmp(tag, "O") == 0) return (void)(*iob = 0), 0;
  if ((tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-') return -1;
  for (uint32_t t = 0; t < 4; t++) {
    if (strcmp(tag + 2, types[t]) == 0) return (void)(*iob = t * 2 + (tag[0] == 'B' ? 1 : 2)), 0;
  }
  return -1;
}

/* The kind and flags our tokenizer gives the word's text. */
static int classify(const char *text, ner_word *word, text_token_vec *scratch) {
  int status = text_tokenize(text + word->start, word->end - word->start, scratch);
  if (status != 0) return status;
  word->kind = WHOSAID_TOKEN_SYMBOL;
  word->flags = 0;
  if (scratch->len > 0) {
    word->kind = scratch->items[0].kind;
    word->flags = scratch->items[0].flags;
  }
  /* "A." alone is split by the tokenizer, which needs the name after it to
   * see an initial; in running text it is one INITIAL token. */
  const char *s = text + word->start;
  if (word->end - word->start == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] == '.') {
    word->kind = WHOSAID_TOKEN_INITIAL;
  }
  return 0;
}

static int classify_word(reader *r, ner_word *word) {
  return classify(r->text.items, word, &r->scratch);
}

static int add_word(reader *r, conll_document *doc, const char *token, size_t length,
                    uint32_t iob) {
  if (r->text.len > 0 && VEC_PUSH(&r->text, ' ') != 0) return WHOSAID_ENOMEM;
  ner_word word = {(uint32_t)r->text.len, (uint32_t)(r->text.len + length), 0, 0, 0, 0, 0};
  if (VEC_RESERVE(&r->text, length) != 0) return WHOSAID_ENOMEM;
  memcpy(r->text.items + r->text.len, token, length);
  r->text.len += length;
  int status = classify_word(r, &word);
  if (status == 0) status = VEC_PUSH(&doc->document.words, word);
  if (status == 0) status = VEC_PUSH(&r->iob, iob);
  if (status == 0) VEC_LAST(&doc->document.sentences)->word_count++;
  return status;
}

/* IOB2 tags of one sentence to BILOU labels. */
static void iob_to_bilou(const uint32_t *iob, uint32_t count, uint8_t *labels) {
  for (uint32_t i = 0; i < count; i++) {
    if (iob[i] == 0) {
      labels[i] = 0;
      continue;
    }
    uint32_t type = (iob[i] - 1) / 2;
    bool begins = iob[i] % 2 == 1 || i == 0 || iob[i - 1] == 0 || (iob[i - 1] - 1) / 2 != type;
    bool goes_on = i + 1 < count && iob[i + 1] == type * 2 + 2;
    int part = begins ? (goes_on ? NER_PART_B : NER_PART_U) : (goes_on ? NER_PART_I : NER_PART_L);
    labels[i] = (uint8_t)ner_label((whosaid_entity_type)type, part);
  }
}

static int start_sentence(conll_document *doc) {
  ner_sentence sentence = {(uint32_t)doc->document.words.len, 0, 0};
  if (doc->document.sentences.len > 0 && VEC_LAST(&doc->document.sentences)->word_count == 0) {
    return 0; /* reuse the empty one */
  }
  return VEC_PUSH(&doc->document.sentences, sentence);
}

static int start_document(conll_corpus *corpus) {
  conll_document doc = {{NULL, VEC_INIT, VEC_INIT, VEC_INIT, VEC_INIT, {0}, {0}}, NULL, VEC_INIT};
  int status = VEC_PUSH(corpus, doc);
  return status != 0 ? status : start_sentence(VEC_LAST(corpus));
}

/* Give the finished document its own text and gold labels. */
static int finish_document(reader *r, conll_document *doc, const gazetteer *lists) {
  if (doc->document.sentences.len > 0 && VEC_LAST(&doc->document.sentences)->word_count == 0) {
    doc->document.sentences.len--;
  }
  doc->text = ws_strndup(r->text.items ? r->text.items : "", r->text.len);
  if (doc->text == NULL || VEC_RESERVE(&doc->gold, doc->document.words.len) != 0) {
    return WHOSAID_ENOMEM;
  }
  doc->document.text = doc->text;
  doc->gold.len = doc->document.words.len;
  for (size_t s = 0; s < doc->document.sentences.len; s++) {
    const ner_sentence *sentence = &doc->document.sentences.items[s];
    iob_to_bilou(r->iob.items + sentence->first_word, sentence->word_count,
                 doc->gold.items + sentence->first_word);
  }
  r->text.len = 0;
  r->iob.len = 0;
  return ner_document_finish(&doc->document, lists);
}

static int read_line(reader *r, conll_corpus *corpus, char *line, const gazetteer *lists) {
  size_t length = strcspn(line, "\r\n");
  line[length] = '\0';
  if (length == 0) return corpus->len == 0 ? 0 : start_sentence(VEC_LAST(corpus));
  char *token_end = strchr(line, ' ');
  const char *tag = strrchr(line, ' ');
  if (token_end == NULL || tag == NULL) return fail(r, "expected: TOKEN ... TAG");
  if (strncmp(line, "-DOCSTART-", 10) == 0 && token_end == line + 10) {
    int status = corpus->len == 0 ? 0 : finish_document(r, VEC_LAST(corpus), lists);
    return status != 0 ? status : start_document(corpus);
  }
  uint32_t iob;
  if (parse_tag(tag + 1, &iob) != 0) return fail(r, "unknown tag (expected O, B-X or I-X)");
  if (corpus->len == 0) {
    int status = start_document(corpus);
    if (status != 0) return status;
  }
  return add_word(r, VEC_LAST(corpus), line, (size_t)(token_end - line), iob);
}

int conll_read(const char *path, const gazetteer *lists, conll_corpus *out,
               whosaid_error *err) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    if (err != NULL) {
      err->status = errno == ENOENT ? WHOSAID_ENOENT : WHOSAID_EIO;
      snprintf(err->message, sizeof(err->message), "%s: %s", path, strerror(errno));
    }
    return errno == ENOENT ? WHOSAID_ENOENT : WHOSAID_EIO;
  }
  reader r = {path, 0, err, VEC_INIT, VEC_INIT, VEC_INIT};
  char line[MAX_LINE];
  int status = 0;
  while (status == 0 && fgets(line, sizeof(line), file) != NULL) {
    r.line++;
    if (strlen(line) == sizeof(line) - 1 && line[sizeof(line) - 2] != '\n') {
      status = fail(&r, "line too long");
    } else {
      status = read_line(&r, out, line, lists);
    }
  }
  if (status == 0 && out->len > 0) status = finish_document(&r, VEC_LAST(out), lists);
  fclose(file);
  VEC_FREE(&r.scratch);
  VEC_FREE(&r.text);
  VEC_FREE(&r.iob);
  if (status != 0) conll_corpus_free(out);
  return status;
}

void conll_corpus_free(conll_corpus *corpus) {
  for (size_t i = 0; i < corpus->len; i++) {
    ner_document_destroy(&corpus->items[i].document);
    ws_free(corpus->items[i].text);
    VEC_FREE(&corpus->items[i].gold);
  }
  VEC_FREE(corpus);
}

/* Title Case copies of headlines ***********************************************/

typedef VEC(char) char_vec;

static bool is_small_word(const char *word, size_t length) {
  static const char *const small[] = {"a", "an", "the", "of", "in", "on", "at", "to", "for",
                                      "by", "and", "or", "with", "from", "as"};
  for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
    if (strlen(small[i]) != length) continue;
    bool same = true;
    for (size_t k = 0; k < length && same; k++) same = (word[k] | 0x20) == small[i][k];
    if (same) return true;
  }
  return false;
}

/* "LEICESTERSHIRE TAKE OVER AT TOP" -> "Leicestershire Take Over at Top". */
static int append_title_case(char_vec *out, const char *word, size_t length, bool first) {
  if (VEC_RESERVE(out, length + 1) != 0) return WHOSAID_ENOMEM;
  bool small = !first && is_small_word(word, length);
  bool letters_only = true;
  for (size_t k = 0; k < length; k++) {
    letters_only = letters_only && ((word[k] | 0x20) >= 'a' && (word[k] | 0x20) <= 'z');
  }
  for (size_t k = 0; k < length; k++) {
    char c = word[k];
    if (letters_only && (small || k > 0) && c >= 'A' && c <= 'Z') c = (char)(c + 32);
    out->items[out->len++] = c;
  }
  return 0;
}

static int copy_sentence(const conll_document *doc, const ner_sentence *sentence,
                         conll_document *copy, char_vec *text, text_token_vec *scratch) {
  ner_sentence piece = {(uint32_t)copy->document.words.len, sentence->word_count, 0};
  int status = VEC_PUSH(&copy->document.sentences, piece);
  for (uint32_t i = 0; i < sentence->word_count && status == 0; i++) {
    const ner_word *word = &doc->document.words.items[sentence->first_word + i];
    if (text->len > 0) status = VEC_PUSH(text, ' ');
    ner_word copied = {(uint32_t)text->len, 0, 0, 0, 0, 0, 0};
    if (status == 0) {
      status = append_title_case(text, doc->text + word->start, word->end - word->start, i == 0);
    }
    copied.end = (uint32_t)text->len;
    if (status == 0) status = classify(text->items, &copied, scratch);
    if (status == 0) status = VEC_PUSH(&copy->document.words, copied);
    if (status == 0) status = VEC_PUSH(&copy->gold, doc->gold.items[sentence->first_word + i]);
  }
  return status;
}

/* A document of the Title Case copies of DOC's headlines in capitals. */
static int title_case_copy(const conll_document *doc, conll_document *copy, char_vec *text,
                           text_token_vec *scratch) {
  int status = 0;
  for (size_t s = 0; s < doc->document.sentences.len && status == 0; s++) {
    const ner_sentence *sentence = &doc->document.sentences.items[s];
    if (sentence->headline == 2) status = copy_sentence(doc, sentence, copy, text, scratch);
  }
  if (status == 0) copy->text = ws_strndup(text->items ? text->items : "", text->len);
  if (status == 0 && copy->text == NULL) status = WHOSAID_ENOMEM;
  copy->document.text = copy->text;
  return status;
}

static void document_free(conll_document *doc) {
  ner_document_destroy(&doc->document);
  ws_free(doc->text);
  VEC_FREE(&doc->gold);
}

int conll_add_title_case_copies(conll_corpus *corpus, const gazetteer *lists) {
  size_t original = corpus->len;
  text_token_vec scratch = VEC_INIT;
  char_vec text = VEC_INIT;
  int status = 0;
  for (size_t d = 0; d < original && status == 0; d++) {
    conll_document copy = {{NULL, VEC_INIT, VEC_INIT, VEC_INIT, VEC_INIT, {0}, {0}}, NULL, VEC_INIT};
    text.len = 0;
    status = title_case_copy(&corpus->items[d], &copy, &text, &scratch);
    if (status == 0 && copy.document.words.len > 0) {
      status = ner_document_finish(&copy.document, lists);
      if (status == 0) status = VEC_PUSH(corpus, copy);
      if (status == 0) continue;
    }
    document_free(&copy);
  }
  VEC_FREE(&scratch);
  VEC_FREE(&text);
  return status;
}

/* Scoring ******************************************************************/

/* The first entity of BILOU LABELS that starts at FROM or later: its first
 * word, type and (returned) end; 0 when there is none. */
static size_t next_chunk(const uint8_t *labels, size_t count, size_t from, size_t *start,
                         int *type) {
  for (size_t i = from; i < count; i++) {
    int part = ner_label_part(labels[i]);
    if (part != NER_PART_B && part != NER_PART_U) continue;
    *start = i;
    *type = ner_label_type(labels[i]);
    size_t end = i + 1;
    while (part == NER_PART_B && end < count && ner_label_type(labels[end]) == *type &&
           (ner_label_part(labels[end]) == NER_PART_I || ner_label_part(labels[end]) == NER_PART_L)) {
      if (ner_label_part(labels[end++]) == NER_PART_L) break;
    }
    return end;
  }
  return 0;
}

static void count_chunks(const uint8_t *labels, size_t count, size_t *per_type, size_t *total) {
  size_t start, end = 0;
  int type;
  while ((end = next_chunk(labels, count, end, &start, &type)) != 0) {
    per_type[type]++;
    (*total)++;
  }
}

void ner_score_add(ner_score *score, const uint8_t *gold, const uint8_t *predicted, size_t count) {
  size_t gold_per_type[4] = {0}, predicted_per_type[4] = {0};
  count_chunks(gold, count, gold_per_type, &score->overall.gold);
  count_chunks(predicted, count, predicted_per_type, &score->overall.predicted);
  for (int t = 0; t < 4; t++) {
    score->types[t].gold += gold_per_type[t];
    score->types[t].predicted += predicted_per_type[t];
  }
  size_t start, end = 0, predicted_start, predicted_end;
  int type, predicted_type;
  while ((end = next_chunk(gold, count, end, &start, &type)) != 0) {
    predicted_end = next_chunk(predicted, count, start, &predicted_start, &predicted_type);
    if (predicted_end == end && predicted_start == start && predicted_type == type) {
      score->types[type].correct++;
      score->overall.correct++;
    }
  }
}

double ner_counts_f1(const ner_counts *counts) {
  if (counts->gold + counts->predicted == 0) return 0;
  return 200.0 * (double)counts->correct / (double)(counts->gold + counts->predicted);
}

/* conlleval input ***************************************************************/

static void write_tag(FILE *out, int label) {
  static const char *const types[] = {"PER", "ORG", "LOC", "MISC"};
  if (label == 0) {
    fputs("O", out);
    return;
  }
  int part = ner_label_part(label);
  fprintf(out, "%c-%s", part == NER_PART_B || part == NER_PART_U ? 'B' : 'I',
          types[ner_label_type(label)]);
}

void conll_write_tags(FILE *out, const conll_document *doc, const uint8_t *predicted) {
  for (size_t s = 0; s < doc->document.sentences.len; s++) {
    const ner_sentence *sentence = &doc->document.sentences.items[s];
    for (uint32_t i = 0; i < sentence->word_count; i++) {
      uint32_t w = sentence->first_word + i;
      const ner_word *word = &doc->document.words.items[w];
      fprintf(out, "%.*s ", (int)(word->end - word->start), doc->text + word->start);
      write_tag(out, doc->gold.items[w]);
      fputc(' ', out);
      write_tag(out, predicted[w]);
      fputc('\n', out);
    }
    fputc('\n', out);
  }
}
