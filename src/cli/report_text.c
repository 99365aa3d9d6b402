/*
 * report_text.c: the report a person reads (whosaid analyze --text).
 *
 *   port-subsidies.txt
 *     9 paragraphs, 19 sentences, 351 tokens
 *
 *   Speakers (4)
 *     Helena Varga, Dutch Infrastructure Minister: quotes 1, 2
 *     Jonas Albrecht, mayor of Hamburg: quote 3
 *     ...
 *     no speaker found: quote N (when there is one)
 *
 *   Direct quotes (7)
 *
 *     1. 5:84
 *        “We are not asking Hamburg to stand still. We are asking it to compete on the
 *        same terms as everyone else,” [wrapped to 96 columns]
 *        speaker: Helena Varga, Dutch Infrastructure Minister (named as “Varga”)
 *
 *     2. ...
 *
 *   Named entities: not available in this version (no entity model).
 *     [or, with an entity model:  PER (13): Varga (4), Albrecht (2), ...]
 *
 *   Quoted spans that are not direct quotes (1)
 *     13:41  "port wars"
 *        one or two words inside a sentence: a scare quote or a term
 *
 * Positions are LINE:COLUMN counted from 1, the column in characters. Text
 * from the document is cleaned for the terminal: runs of white space become
 * one space, control characters are dropped, invalid UTF-8 becomes U+FFFD,
 * and very long spans are shortened in the middle with "…".
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/utf8_scan.h"

/* Text lines are wrapped to this many characters, indentation included. */
#define REPORT_WIDTH 96
/* Distinct names listed per entity type before "and N more". */
#define ENTITY_NAMES_PER_TYPE 40

#define ITEM_INDENT "     "

static const char ellipsis_separator[] = " \xE2\x80\xA6 "; /* " … " */

/* A span longer than LIMIT characters is shown as its first HEAD and its
 * last TAIL characters around " … ". */
typedef struct {
  size_t limit;
  size_t head;
  size_t tail;
} display_limits;

/* Quotes are shown whole unless they are really long. */
static const display_limits quote_limits = {320, 200, 90};
/* Names and short spans: a longer "name" is shortened harder. */
static const display_limits name_limits = {60, 40, 15};
/* File names are shown whole unless absurdly long. */
static const display_limits title_limits = {1000, 600, 300};

/* Growable bytes ****************************************************/

typedef struct {
  char *data;
  size_t length;
  size_t capacity;
} text_buffer;

/* Out of memory while building a display string only shortens it: the
 * report is still worth printing. */
static void buffer_append(text_buffer *buffer, const char *bytes, size_t length) {
  if (buffer->length + length + 1 > buffer->capacity) {
    size_t capacity = buffer->capacity ? buffer->capacity : 256;
    while (capacity < buffer->length + length + 1) capacity *= 2;
    char *data = realloc(buffer->data, capacity);
    if (data == NULL) return;
    buffer->data = data;
    buffer->capacity = capacity;
  }
  memcpy(buffer->data + buffer->length, bytes, length);
  buffer->length += length;
  buffer->data[buffer->length] = '\0';
}

/* Cut BUFFER to LENGTH bytes (no more than it has). */
static void buffer_truncate(text_buffer *buffer, size_t length) {
  if (buffer->data == NULL) return;
  buffer->length = length;
  buffer->data[length] = '\0';
}

/* The contents as a string; "" while nothing was appended. */
static const char *buffer_text(const text_buffer *buffer) {
  return buffer->data != NULL ? buffer->data : "";
}

static void buffer_free(text_buffer *buffer) {
  free(buffer->data);
  buffer->data = NULL;
  buffer->length = buffer->capacity = 0;
}

static bool buffer_ends_with_space(const text_buffer *buffer) {
  return buffer->length > 0 && buffer->data[buffer->length - 1] == ' ';
}

/* Cleaning spans for display ****************************************/

static bool is_space_byte(unsigned char byte) {
  return byte == ' ' || (byte >= '\t' && byte <= '\r');
}

/* Whether the valid sequence at BYTES is a C1 control character (U+0080 to
 * U+009F): some terminals act on them, as on escape sequences. */
static bool is_c1_control(const unsigned char *bytes, size_t sequence_length) {
  return sequence_length == 2 && bytes[0] == 0xC2 && bytes[1] < 0xA0;
}

/*
 * Append the cleaned form of LENGTH bytes to BUFFER (white space at the start
 * of BUFFER is left out), stopping after MAX_CHARACTERS characters. Returns
 * how many bytes were consumed; the number of characters appended goes to
 * *CHARACTERS.
 */
static size_t append_clean(text_buffer *buffer, const char *bytes, size_t length,
                           size_t max_characters, size_t *characters) {
  const unsigned char *text = (const unsigned char *)bytes;
  size_t index = 0, count = 0;
  while (index < length && count < max_characters) {
    unsigned char byte = text[index];
    size_t invalid_length = 1, sequence_length = 1;
    if (is_space_byte(byte)) {
      if (buffer->length > 0 && !buffer_ends_with_space(buffer)) {
        buffer_append(buffer, " ", 1);
        count++;
      }
    } else if (byte >= 0x80) {
      sequence_length = utf8_scan_sequence(text + index, length - index, &invalid_length);
      if (sequence_length == 0) {
        buffer_append(buffer, "\xEF\xBF\xBD", 3); /* U+FFFD */
        sequence_length = invalid_length;
        count++;
      } else if (!is_c1_control(text + index, sequence_length)) {
        buffer_append(buffer, bytes + index, sequence_length);
        count++;
      }
    } else if (byte >= 0x20 && byte != 0x7F) {
      buffer_append(buffer, bytes + index, 1);
      count++;
    } /* other control characters are dropped */
    index += sequence_length;
  }
  *characters = count;
  return index;
}

/* Byte offset in TEXT (LENGTH bytes) where its last COUNT characters start. */
static size_t last_characters_start(const char *text, size_t length, size_t count) {
  size_t start = length;
  while (start > 0 && count > 0) {
    start--;
    if (!utf8_scan_is_continuation((unsigned char)text[start])) count--;
  }
  return start;
}

/* How far a cut may move to fall between words rather than inside one. */
#define WORD_BOUNDARY_SLACK 20

/* Cut BUFFER back to the space before a word cut by its end, if that space
 * is near; NEXT_BYTE is the byte that followed in the source. */
static void cut_at_word_end(text_buffer *buffer, unsigned char next_byte) {
  if (is_space_byte(next_byte) || buffer->length == 0) return;
  size_t limit = buffer->length > WORD_BOUNDARY_SLACK ? buffer->length - WORD_BOUNDARY_SLACK : 0;
  for (size_t index = buffer->length; index > limit; index--) {
    if (buffer->data[index - 1] == ' ') {
      buffer_truncate(buffer, index - 1);
      return;
    }
  }
}

/* Move START forward past a word cut by it, if the next space is near. */
static size_t skip_to_word_start(const char *text, size_t length, size_t start) {
  if (start == 0 || text[start - 1] == ' ') return start;
  for (size_t index = start; index < length && index < start + WORD_BOUNDARY_SLACK; index++) {
    if (text[index] == ' ') return index + 1;
  }
  return start;
}

/* The end of the span: the cleaned form of at most TAIL characters, taken
 * from a window at the end so that a huge span is not scanned whole. */
static void append_tail(text_buffer *buffer, const char *bytes, size_t from, size_t length,
                        size_t tail_characters) {
  size_t window = tail_characters * 8;
  size_t start = length - from > window ? length - window : from;
  while (start < length && utf8_scan_is_continuation((unsigned char)bytes[start])) start++;
  text_buffer tail = {0};
  size_t characters = 0;
  append_clean(&tail, bytes + start, length - start, (size_t)-1, &characters);
  if (tail.length > 0) {
    size_t keep = last_characters_start(tail.data, tail.length, tail_characters);
    keep = skip_to_word_start(tail.data, tail.length, keep);
    while (keep < tail.length && tail.data[keep] == ' ') keep++;
    buffer_append(buffer, tail.data + keep, tail.length - keep);
  }
  buffer_free(&tail);
}

/* Replace BUFFER's contents with the cleaned, maybe shortened, bytes. */
static void build_display(text_buffer *buffer, const char *bytes, size_t length,
                          const display_limits *limits) {
  size_t characters = 0;
  buffer_truncate(buffer, 0);
  size_t consumed = append_clean(buffer, bytes, length, limits->limit + 1, &characters);
  if (consumed == length && characters <= limits->limit) {
    while (buffer_ends_with_space(buffer)) buffer_truncate(buffer, buffer->length - 1);
    return;
  }
  buffer_truncate(buffer, 0);
  consumed = append_clean(buffer, bytes, length, limits->head, &characters);
  cut_at_word_end(buffer, consumed < length ? (unsigned char)bytes[consumed] : ' ');
  while (buffer_ends_with_space(buffer)) buffer_truncate(buffer, buffer->length - 1);
  buffer_append(buffer, ellipsis_separator, sizeof(ellipsis_separator) - 1);
  append_tail(buffer, bytes, consumed, length, limits->tail);
}

/* The same for a range of the document, clamped to its text. */
static void build_span_display(text_buffer *buffer, const cli_text_report *report,
                               const whosaid_range *range, const display_limits *limits) {
  size_t length = whosaid_doc_length(report->doc);
  size_t start = range->start_byte < length ? range->start_byte : length;
  size_t end = range->end_byte < length ? range->end_byte : length;
  if (end < start) end = start;
  build_display(buffer, report->text + start, end - start, limits);
}

/* Output helpers ****************************************************/

static size_t count_characters(const char *text, size_t length) {
  size_t count = 0;
  for (size_t index = 0; index < length; index++) {
    if (!utf8_scan_is_continuation((unsigned char)text[index])) count++;
  }
  return count;
}

/* Print TEXT (cleaned: words separated by single spaces) as lines of at most
 * REPORT_WIDTH characters: the first starts with INDENT, the others with
 * CONTINUATION_INDENT. A word longer than a line gets a line of its own. */
static void print_wrapped(FILE *stream, const char *text, size_t length, const char *indent,
                          const char *continuation_indent) {
  size_t width = REPORT_WIDTH - strlen(indent), line_characters = 0, index = 0;
  fputs(indent, stream);
  while (index < length) {
    while (index < length && text[index] == ' ') index++;
    size_t word_end = index;
    while (word_end < length && text[word_end] != ' ') word_end++;
    if (word_end == index) break;
    size_t word_characters = count_characters(text + index, word_end - index);
    if (line_characters > 0 && line_characters + 1 + word_characters > width) {
      fputc('\n', stream);
      fputs(continuation_indent, stream);
      width = REPORT_WIDTH - strlen(continuation_indent);
      line_characters = 0;
    } else if (line_characters > 0) {
      fputc(' ', stream);
      line_characters++;
    }
    fwrite(text + index, 1, word_end - index, stream);
    line_characters += word_characters;
    index = word_end;
  }
  fputc('\n', stream);
}

static const char *plural(size_t count, const char *singular, const char *plural_form) {
  return count == 1 ? singular : plural_form;
}

/* Positions *********************************************************/

/*
 * LINE:COLUMN with the column in characters. Counting characters from the
 * line start for every item would be quadratic on a text that is one huge
 * line, so the counter remembers its last position and moves from there
 * (items come in text order; a speaker mention is near its quote).
 */
typedef struct {
  const cli_text_report *report;
  bool valid;
  uint32_t line;
  uint32_t byte;       /* offset of the last position */
  uint64_t characters; /* its column in characters */
} position_counter;

static uint64_t count_between(const char *text, uint32_t from, uint32_t to) {
  return count_characters(text + from, to - from);
}

static void print_position(FILE *stream, position_counter *counter, uint32_t offset) {
  const whosaid_doc *doc = counter->report->doc;
  if (offset > whosaid_doc_length(doc)) offset = (uint32_t)whosaid_doc_length(doc);
  whosaid_point point = whosaid_doc_point(doc, offset);
  if (point.column > offset) point.column = offset; /* never read before the text */
  const char *text = counter->report->text;
  if (!counter->valid || counter->line != point.line) {
    counter->characters = count_between(text, offset - point.column, offset);
  } else if (offset >= counter->byte) {
    counter->characters += count_between(text, counter->byte, offset);
  } else {
    counter->characters -= count_between(text, offset, counter->byte);
  }
  counter->valid = true;
  counter->line = point.line;
  counter->byte = offset;
  fprintf(stream, "%lu:%llu", (unsigned long)point.line + 1,
          (unsigned long long)counter->characters + 1);
}

/* Sections **********************************************************/

static void print_header(FILE *stream, const cli_text_report *report, text_buffer *scratch) {
  const whosaid_doc *doc = report->doc;
  /* A file name can hold any byte but a slash; clean it like the text. */
  build_display(scratch, report->title, strlen(report->title), &title_limits);
  size_t paragraphs = whosaid_doc_paragraph_count(doc);
  size_t sentences = whosaid_doc_sentence_count(doc);
  size_t tokens = whosaid_doc_token_count(doc);
  fprintf(stream, "%s\n  %zu %s, %zu %s, %zu %s\n", buffer_text(scratch), paragraphs,
          plural(paragraphs, "paragraph", "paragraphs"), sentences,
          plural(sentences, "sentence", "sentences"), tokens, plural(tokens, "token", "tokens"));
}

/* Notes on a quoted span that the reader should not miss. */
static void print_quote_flags(FILE *stream, const whosaid_quote *quote) {
  if (quote->flags & WHOSAID_QUOTE_UNBALANCED) {
    fputs(ITEM_INDENT
          "unbalanced: the quotation mark is never closed; "
          "the quote is taken to end with its paragraph\n",
          stream);
  }
  if (quote->flags & WHOSAID_QUOTE_MULTI_PARAGRAPH) {
    fputs(ITEM_INDENT "runs over several paragraphs\n", stream);
  }
}

static void print_speaker(FILE *stream, const cli_text_report *report, const whosaid_quote *quote,
                          text_buffer *scratch) {
  whosaid_speaker speaker;
  bool known = quote->speaker >= 0 &&
               whosaid_doc_speaker(report->doc, (size_t)quote->speaker, &speaker) == 0 &&
               speaker.name != NULL;
  fputs(ITEM_INDENT "speaker: ", stream);
  text_buffer name = {0};
  if (known) {
    build_display(&name, speaker.name, strlen(speaker.name), &name_limits);
    fputs(buffer_text(&name), stream);
    if (speaker.role != NULL) {
      build_display(scratch, speaker.role, strlen(speaker.role), &name_limits);
      fprintf(stream, ", %s", buffer_text(scratch));
    }
  } else {
    fputs("unknown", stream);
  }
  /* The words of the text that name the source, unless they are the name. */
  if (quote->has_speaker_mention) {
    build_span_display(scratch, report, &quote->speaker_mention, &name_limits);
    if (strcmp(buffer_text(scratch), buffer_text(&name)) != 0) {
      fprintf(stream, " (named as \xE2\x80\x9C%s\xE2\x80\x9D)", buffer_text(scratch));
    }
  }
  buffer_free(&name);
  fputc('\n', stream);
}

static void print_direct_quote(FILE *stream, const cli_text_report *report,
                               const whosaid_quote *quote, size_t number, int number_width,
                               position_counter *counter, text_buffer *scratch) {
  fprintf(stream, "  %*zu. ", number_width, number);
  print_position(stream, counter, quote->range.start_byte);
  fputc('\n', stream);
  build_span_display(scratch, report, &quote->range, &quote_limits);
  print_wrapped(stream, buffer_text(scratch), scratch->length, ITEM_INDENT, ITEM_INDENT);
  if (whosaid_model_has_attribution(report->model)) print_speaker(stream, report, quote, scratch);
  print_quote_flags(stream, quote);
  if (report->explain) {
    fprintf(stream, ITEM_INDENT "why: %s\n", whosaid_quote_reason_text(quote->reason));
    if (whosaid_model_has_attribution(report->model)) {
      fprintf(stream, ITEM_INDENT "speaker found by: %s\n", whosaid_attribution_rule_text(quote->rule));
    }
  }
}

/* Count the quoted spans: direct ones, and top-level ones that are not. */
static void count_quotes(const whosaid_doc *doc, size_t *direct, size_t *other) {
  size_t count = whosaid_doc_quote_count(doc);
  *direct = *other = 0;
  for (size_t index = 0; index < count; index++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, index, &quote) != WHOSAID_OK) continue;
    if (quote.flags & WHOSAID_QUOTE_DIRECT) {
      (*direct)++;
    } else if (quote.parent < 0) {
      (*other)++;
    }
  }
}

static int decimal_width(size_t value) {
  int width = 1;
  for (; value >= 10; value /= 10) width++;
  return width;
}

static void print_direct_quotes(FILE *stream, const cli_text_report *report, size_t direct_count,
                                text_buffer *scratch) {
  fprintf(stream, "\nDirect quotes (%zu)\n", direct_count);
  if (!whosaid_model_has_attribution(report->model)) {
    fputs("  Speakers are not shown: the model has no speech cues (cues.txt).\n", stream);
  }
  position_counter counter = {report, false, 0, 0, 0};
  size_t count = whosaid_doc_quote_count(report->doc), number = 0;
  for (size_t index = 0; index < count; index++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(report->doc, index, &quote) != WHOSAID_OK) continue;
    if (!(quote.flags & WHOSAID_QUOTE_DIRECT)) continue;
    fputc('\n', stream);
    print_direct_quote(stream, report, &quote, ++number, decimal_width(direct_count), &counter,
                       scratch);
  }
}

/* "quotes 1, 2, 7" for the direct quotes (numbered as in the report) whose
 * speaker is SPEAKER (-1: none found). Returns how many. */
static size_t append_quote_numbers(text_buffer *line, const whosaid_doc *doc, int32_t speaker) {
  size_t count = whosaid_doc_quote_count(doc), number = 0, listed = 0;
  text_buffer numbers = {0};
  char piece[32];
  for (size_t index = 0; index < count; index++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, index, &quote) != WHOSAID_OK) continue;
    if (!(quote.flags & WHOSAID_QUOTE_DIRECT)) continue;
    number++;
    if (quote.speaker != speaker) continue;
    snprintf(piece, sizeof(piece), "%s%zu", listed++ ? ", " : " ", number);
    buffer_append(&numbers, piece, strlen(piece));
  }
  const char *word = listed == 1 ? ": quote" : ": quotes";
  buffer_append(line, word, strlen(word));
  buffer_append(line, buffer_text(&numbers), numbers.length);
  buffer_free(&numbers);
  return listed;
}

/* Who is quoted, and where: the report a journalist reads first. */
static void print_speakers(FILE *stream, const cli_text_report *report, text_buffer *scratch) {
  if (!whosaid_model_has_attribution(report->model)) return;
  size_t speakers = whosaid_doc_speaker_count(report->doc);
  fprintf(stream, "\nSpeakers (%zu)\n", speakers);
  for (size_t index = 0; index < speakers; index++) {
    whosaid_speaker speaker;
    if (whosaid_doc_speaker(report->doc, index, &speaker) != WHOSAID_OK) continue;
    text_buffer line = {0};
    build_display(scratch, speaker.name, strlen(speaker.name), &name_limits);
    buffer_append(&line, buffer_text(scratch), scratch->length);
    if (speaker.role != NULL) {
      build_display(scratch, speaker.role, strlen(speaker.role), &name_limits);
      buffer_append(&line, ", ", 2);
      buffer_append(&line, buffer_text(scratch), scratch->length);
    }
    append_quote_numbers(&line, report->doc, (int32_t)index);
    print_wrapped(stream, buffer_text(&line), line.length, "  ", "      ");
    buffer_free(&line);
  }
  text_buffer line = {0};
  buffer_append(&line, "no speaker found", 16);
  if (append_quote_numbers(&line, report->doc, -1) > 0) {
    print_wrapped(stream, buffer_text(&line), line.length, "  ", "      ");
  }
  buffer_free(&line);
}

static void print_other_spans(FILE *stream, const cli_text_report *report, size_t other_count,
                              text_buffer *scratch) {
  if (other_count == 0) return;
  fprintf(stream, "\nQuoted spans that are not direct quotes (%zu)\n", other_count);
  position_counter counter = {report, false, 0, 0, 0};
  size_t count = whosaid_doc_quote_count(report->doc);
  for (size_t index = 0; index < count; index++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(report->doc, index, &quote) != WHOSAID_OK) continue;
    if ((quote.flags & WHOSAID_QUOTE_DIRECT) || quote.parent >= 0) continue;
    fputs("  ", stream);
    print_position(stream, &counter, quote.range.start_byte);
    build_span_display(scratch, report, &quote.range, &name_limits);
    fprintf(stream, "  %s\n", buffer_text(scratch));
    fprintf(stream, ITEM_INDENT "%s\n", whosaid_quote_reason_text(quote.reason));
    print_quote_flags(stream, &quote);
  }
}

/* Entities **********************************************************/

/* One mention, or (after grouping) one distinct name with its count. */
typedef struct {
  whosaid_entity_type type;
  const char *text;
  size_t length;
  size_t first_index; /* of its first mention, to keep text order on ties */
  size_t count;
} entity_name;

static int compare_by_name(const void *left_pointer, const void *right_pointer) {
  const entity_name *left = left_pointer, *right = right_pointer;
  if (left->type != right->type) return left->type < right->type ? -1 : 1;
  size_t shorter = left->length < right->length ? left->length : right->length;
  int order = memcmp(left->text, right->text, shorter);
  if (order != 0) return order;
  if (left->length != right->length) return left->length < right->length ? -1 : 1;
  return left->first_index < right->first_index ? -1 : left->first_index > right->first_index;
}

/* Within a type: most mentioned first, then in order of appearance. */
static int compare_by_count(const void *left_pointer, const void *right_pointer) {
  const entity_name *left = left_pointer, *right = right_pointer;
  if (left->type != right->type) return left->type < right->type ? -1 : 1;
  if (left->count != right->count) return left->count > right->count ? -1 : 1;
  return left->first_index < right->first_index ? -1 : left->first_index > right->first_index;
}

/* All mentions as entity_name items; returns NULL when out of memory. */
static entity_name *collect_mentions(const cli_text_report *report, size_t *count) {
  size_t total = whosaid_doc_entity_count(report->doc), length = whosaid_doc_length(report->doc);
  entity_name *names = calloc(total ? total : 1, sizeof(*names));
  if (names == NULL) return NULL;
  *count = 0;
  for (size_t index = 0; index < total; index++) {
    whosaid_entity entity;
    if (whosaid_doc_entity(report->doc, index, &entity) != WHOSAID_OK) continue;
    size_t start = entity.range.start_byte < length ? entity.range.start_byte : length;
    size_t end = entity.range.end_byte < length ? entity.range.end_byte : length;
    entity_name *name = &names[(*count)++];
    name->type = entity.type;
    name->text = report->text + start;
    name->length = end > start ? end - start : 0;
    name->first_index = index;
    name->count = 1;
  }
  return names;
}

/* Merge equal names (sorted next to each other) into one item with a count;
 * returns the number of distinct names. */
static size_t group_names(entity_name *names, size_t count) {
  qsort(names, count, sizeof(*names), compare_by_name);
  size_t distinct = 0;
  for (size_t index = 0; index < count; index++) {
    entity_name *last = distinct > 0 ? &names[distinct - 1] : NULL;
    if (last != NULL && last->type == names[index].type && last->length == names[index].length &&
        memcmp(last->text, names[index].text, last->length) == 0) {
      last->count++;
    } else {
      names[distinct++] = names[index];
    }
  }
  qsort(names, distinct, sizeof(*names), compare_by_count);
  return distinct;
}

/* "PER (16): Pompeo (6), Mike Pompeo (2), Trump, ..." wrapped. */
static void print_entity_type(FILE *stream, const entity_name *names, size_t count,
                              text_buffer *scratch) {
  size_t mentions = 0;
  for (size_t index = 0; index < count; index++) mentions += names[index].count;
  text_buffer line = {0};
  char piece[64];
  snprintf(piece, sizeof(piece), "%s (%zu):", whosaid_entity_type_name(names[0].type), mentions);
  buffer_append(&line, piece, strlen(piece));
  for (size_t index = 0; index < count && index < ENTITY_NAMES_PER_TYPE; index++) {
    build_display(scratch, names[index].text, names[index].length, &name_limits);
    buffer_append(&line, " ", 1);
    buffer_append(&line, buffer_text(scratch), scratch->length);
    if (names[index].count > 1) {
      snprintf(piece, sizeof(piece), " (%zu)", names[index].count);
      buffer_append(&line, piece, strlen(piece));
    }
    if (index + 1 < count) buffer_append(&line, ",", 1);
  }
  if (count > ENTITY_NAMES_PER_TYPE) {
    snprintf(piece, sizeof(piece), " and %zu more", count - ENTITY_NAMES_PER_TYPE);
    buffer_append(&line, piece, strlen(piece));
  }
  print_wrapped(stream, buffer_text(&line), line.length, "  ", "      ");
  buffer_free(&line);
}

static void print_entities(FILE *stream, const cli_text_report *report, text_buffer *scratch) {
  if (!whosaid_model_has_entities(report->model)) {
    fputs("\nNamed entities: not available in this version (no entity model).\n", stream);
    return;
  }
  size_t count = 0;
  entity_name *names = collect_mentions(report, &count);
  if (names == NULL) {
    fputs("\nNamed entities: not shown (out of memory).\n", stream);
    return;
  }
  size_t distinct = group_names(names, count);
  fprintf(stream, "\nNamed entities (%zu %s, %zu %s)\n", count,
          plural(count, "mention", "mentions"), distinct, plural(distinct, "name", "names"));
  for (size_t first = 0; first < distinct;) {
    size_t end = first;
    while (end < distinct && names[end].type == names[first].type) end++;
    print_entity_type(stream, names + first, end - first, scratch);
    first = end;
  }
  free(names);
}

void cli_report_text(FILE *stream, const cli_text_report *report) {
  text_buffer scratch = {0};
  size_t direct_count = 0, other_count = 0;
  count_quotes(report->doc, &direct_count, &other_count);
  print_header(stream, report, &scratch);
  print_speakers(stream, report, &scratch);
  print_direct_quotes(stream, report, direct_count, &scratch);
  print_entities(stream, report, &scratch);
  print_other_spans(stream, report, other_count, &scratch);
  buffer_free(&scratch);
}
