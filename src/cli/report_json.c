/*
 * report_json.c: an analysed document as the JSON of FORMAT.md, the format
 * the gold annotations and the scorer share:
 *
 *   {"doc": NAME, "entities": [...], "quotes": [...], "speakers": [...]}
 *
 * Each speaker lists its canonical name, type, role (or null), its mentions
 * (the entities of its cluster and the words that name it at its quotes)
 * and its quotes (indices into "quotes").
 * Only direct quotes are listed under "quotes". --explain adds why each one
 * is direct and a "not_quotes" list of the quoted spans that are not.
 */
#include <stdlib.h>

#include "cli/cli.h"

/* The span's bytes, with offsets clamped to the text so that a faulty range
 * can never make the program read outside it. */
static void write_span_text(json_writer *writer, const char *text, size_t length, uint32_t start,
                            uint32_t end) {
  size_t first = start < length ? start : length;
  size_t last = end < length ? end : length;
  if (last < first) last = first;
  json_writer_string(writer, text + first, last - first);
}

/* "start", "end" and "text" members: the start of every span object. */
static void write_span_members(json_writer *writer, const char *text, size_t length,
                               const whosaid_range *range) {
  json_writer_key(writer, "start");
  json_writer_uint(writer, range->start_byte);
  json_writer_key(writer, "end");
  json_writer_uint(writer, range->end_byte);
  json_writer_key(writer, "text");
  write_span_text(writer, text, length, range->start_byte, range->end_byte);
}

static void write_entities(json_writer *writer, const whosaid_doc *doc, const char *text) {
  size_t length = whosaid_doc_length(doc);
  size_t count = whosaid_doc_entity_count(doc);
  json_writer_key(writer, "entities");
  json_writer_begin_array(writer);
  for (size_t index = 0; index < count; index++) {
    whosaid_entity entity;
    if (whosaid_doc_entity(doc, index, &entity) != WHOSAID_OK) continue;
    json_writer_begin_object(writer);
    json_writer_key(writer, "start");
    json_writer_uint(writer, entity.range.start_byte);
    json_writer_key(writer, "end");
    json_writer_uint(writer, entity.range.end_byte);
    json_writer_key(writer, "type");
    json_writer_cstring(writer, whosaid_entity_type_name(entity.type));
    json_writer_key(writer, "text");
    write_span_text(writer, text, length, entity.range.start_byte, entity.range.end_byte);
    if (entity.cluster >= 0) {
      json_writer_key(writer, "cluster");
      json_writer_int(writer, entity.cluster);
    }
    json_writer_end_object(writer);
  }
  json_writer_end_array(writer);
}

static void write_speaker(json_writer *writer, const whosaid_doc *doc, int32_t speaker_index) {
  whosaid_speaker speaker;
  json_writer_key(writer, "speaker");
  if (speaker_index >= 0 && whosaid_doc_speaker(doc, (size_t)speaker_index, &speaker) == 0 &&
      speaker.name != NULL) {
    json_writer_cstring(writer, speaker.name);
  } else {
    json_writer_null(writer);
  }
}

/* The --explain members; flags that are not set are left out. */
static void write_explanation(json_writer *writer, const whosaid_quote *quote) {
  json_writer_key(writer, "reason");
  json_writer_cstring(writer, whosaid_quote_reason_name(quote->reason));
  if (quote->flags & WHOSAID_QUOTE_UNBALANCED) {
    json_writer_key(writer, "unbalanced");
    json_writer_bool(writer, true);
  }
  if (quote->flags & WHOSAID_QUOTE_MULTI_PARAGRAPH) {
    json_writer_key(writer, "multi_paragraph");
    json_writer_bool(writer, true);
  }
  if (!(quote->flags & WHOSAID_QUOTE_DIRECT)) return;
  json_writer_key(writer, "attribution");
  json_writer_cstring(writer, whosaid_attribution_rule_name(quote->rule));
  if (quote->has_speaker_mention) {
    json_writer_key(writer, "mention_kind");
    json_writer_cstring(writer, whosaid_mention_kind_name(quote->speaker_mention_kind));
  }
}

static void write_quote(json_writer *writer, const whosaid_doc *doc, const char *text,
                        const whosaid_quote *quote, bool explain) {
  size_t length = whosaid_doc_length(doc);
  json_writer_begin_object(writer);
  write_span_members(writer, text, length, &quote->range);
  json_writer_key(writer, "speaker_mention");
  if (quote->has_speaker_mention) {
    json_writer_begin_object(writer);
    write_span_members(writer, text, length, &quote->speaker_mention);
    json_writer_end_object(writer);
  } else {
    json_writer_null(writer);
  }
  write_speaker(writer, doc, quote->speaker);
  if (explain) write_explanation(writer, quote);
  json_writer_end_object(writer);
}

/* With WANT_DIRECT, the direct quotes in FORMAT.md form; without it, the
 * top-level quoted spans that are not direct quotes (nested spans belong to
 * their parent and are left out). */
static void write_quotes(json_writer *writer, const whosaid_doc *doc, const char *text,
                         bool want_direct, bool explain) {
  size_t length = whosaid_doc_length(doc);
  size_t count = whosaid_doc_quote_count(doc);
  json_writer_key(writer, want_direct ? "quotes" : "not_quotes");
  json_writer_begin_array(writer);
  for (size_t index = 0; index < count; index++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, index, &quote) != WHOSAID_OK) continue;
    bool is_direct = (quote.flags & WHOSAID_QUOTE_DIRECT) != 0;
    if (want_direct) {
      if (is_direct) write_quote(writer, doc, text, &quote, explain);
    } else if (!is_direct && quote.parent < 0) {
      json_writer_begin_object(writer);
      write_span_members(writer, text, length, &quote.range);
      write_explanation(writer, &quote);
      json_writer_end_object(writer);
    }
  }
  json_writer_end_array(writer);
}

/* The index of each quote among the direct ones (-1: not direct). */
static size_t direct_number(const whosaid_doc *doc, size_t index) {
  size_t number = 0;
  for (size_t i = 0; i < index; i++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, i, &quote) == WHOSAID_OK && (quote.flags & WHOSAID_QUOTE_DIRECT)) {
      number++;
    }
  }
  return number;
}

static int compare_ranges(const void *a, const void *b) {
  const whosaid_range *x = a, *y = b;
  if (x->start_byte != y->start_byte) return x->start_byte < y->start_byte ? -1 : 1;
  return (x->end_byte > y->end_byte) - (x->end_byte < y->end_byte);
}

/* Its mentions in text order, each once. */
static void write_speaker_mentions(json_writer *writer, const whosaid_doc *doc, const char *text,
                                   const whosaid_speaker *speaker, int32_t index) {
  size_t entities = whosaid_doc_entity_count(doc), quotes = whosaid_doc_quote_count(doc);
  whosaid_range *ranges = malloc((entities + quotes + 1) * sizeof(*ranges));
  size_t count = 0;
  for (size_t i = 0; ranges != NULL && i < entities; i++) {
    whosaid_entity entity;
    if (whosaid_doc_entity(doc, i, &entity) == WHOSAID_OK && entity.cluster == speaker->cluster &&
        speaker->cluster >= 0) {
      ranges[count++] = entity.range;
    }
  }
  for (size_t i = 0; ranges != NULL && i < quotes; i++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, i, &quote) == WHOSAID_OK && quote.speaker == index &&
        quote.has_speaker_mention) {
      ranges[count++] = quote.speaker_mention;
    }
  }
  if (ranges != NULL) qsort(ranges, count, sizeof(*ranges), compare_ranges);
  json_writer_key(writer, "mentions");
  json_writer_begin_array(writer);
  for (size_t i = 0; i < count; i++) {
    if (i > 0 && compare_ranges(&ranges[i - 1], &ranges[i]) == 0) continue;
    json_writer_begin_object(writer);
    write_span_members(writer, text, whosaid_doc_length(doc), &ranges[i]);
    json_writer_end_object(writer);
  }
  json_writer_end_array(writer);
  free(ranges);
}

static void write_speakers(json_writer *writer, const whosaid_doc *doc, const char *text) {
  size_t count = whosaid_doc_speaker_count(doc), quotes = whosaid_doc_quote_count(doc);
  json_writer_key(writer, "speakers");
  json_writer_begin_array(writer);
  for (size_t index = 0; index < count; index++) {
    whosaid_speaker speaker;
    if (whosaid_doc_speaker(doc, index, &speaker) != WHOSAID_OK) continue;
    json_writer_begin_object(writer);
    json_writer_key(writer, "name");
    json_writer_cstring(writer, speaker.name);
    json_writer_key(writer, "type");
    json_writer_cstring(writer, whosaid_entity_type_name(speaker.type));
    json_writer_key(writer, "role");
    if (speaker.role != NULL) {
      json_writer_cstring(writer, speaker.role);
    } else {
      json_writer_null(writer);
    }
    write_speaker_mentions(writer, doc, text, &speaker, (int32_t)index);
    json_writer_key(writer, "quotes");
    json_writer_begin_array(writer);
    for (size_t q = 0; q < quotes; q++) {
      whosaid_quote quote;
      if (whosaid_doc_quote(doc, q, &quote) != WHOSAID_OK || quote.speaker != (int32_t)index ||
          !(quote.flags & WHOSAID_QUOTE_DIRECT)) {
        continue;
      }
      json_writer_uint(writer, direct_number(doc, q));
    }
    json_writer_end_array(writer);
    json_writer_end_object(writer);
  }
  json_writer_end_array(writer);
}

void cli_report_json(json_writer *writer, const whosaid_doc *doc, const char *text,
                     const char *name, bool explain) {
  json_writer_begin_object(writer);
  json_writer_key(writer, "doc");
  json_writer_cstring(writer, name);
  write_entities(writer, doc, text);
  write_quotes(writer, doc, text, true, explain);
  write_speakers(writer, doc, text);
  if (explain) write_quotes(writer, doc, text, false, explain);
  json_writer_end_object(writer);
  json_writer_end_line(writer);
}
