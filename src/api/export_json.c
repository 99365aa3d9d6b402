/*
 * export_json.c: an analysed document as the JSON of FORMAT.md, the format
 * the gold annotations and the scorer share, and `whosaid analyze --json`
 * prints:
 *
 *   {"doc": NAME, "entities": [...], "quotes": [...], "speakers": [...]}
 *
 * Each speaker lists its canonical name, type, role (or null), its mentions
 * (the entities of its cluster and the words that name it at its quotes)
 * and its quotes (indices into "quotes"). Only direct quotes are listed
 * under "quotes".
 *
 * Options (whosaid_export_options): explain adds why each quote is direct
 * and a "not_quotes" list of the quoted spans that are not; unless plain,
 * each quote has "corrected" (and "note" when it has one) and, when the
 * document was analysed with a set of annotations, an "orphans" list gives
 * those that found no place in the text. With crlf, cr or bom, the
 * offsets and texts are those of the file the text was read from.
 */
#include <stdlib.h>
#include <string.h>

#include "api/export.h"
#include "core/alloc.h"
#include "core/json_writer.h"

typedef struct {
  const export_context *context;
  const whosaid_export_options *options;
  json_writer writer;
} json_export;

/* Offset BYTE of the text (at POINT) as it is in the file the options
 * describe: one more byte for each line before it in a "\r\n" file, and
 * the 3 of a byte order mark before them all. */
static uint64_t file_offset(const json_export *e, uint32_t byte, whosaid_point point) {
  return (uint64_t)byte + (e->options->crlf ? point.line : 0) + (e->options->bom ? 3 : 0);
}

static void write_start_end(json_export *e, const whosaid_range *range) {
  json_writer_key(&e->writer, "start");
  json_writer_uint(&e->writer, file_offset(e, range->start_byte, range->start));
  json_writer_key(&e->writer, "end");
  json_writer_uint(&e->writer, file_offset(e, range->end_byte, range->end));
}

/* The bytes of RANGE, as in the file: in a "\r\n" file (or a "\r" one) a
 * span over lines has them. */
static void write_text(json_export *e, const whosaid_range *range) {
  size_t length;
  const char *bytes = export_span(e->context, range, &length);
  bool crlf = e->options->crlf, cr = e->options->cr && !crlf;
  if (!(crlf || cr) || memchr(bytes, '\n', length) == NULL) {
    json_writer_string(&e->writer, bytes, length);
    return;
  }
  ws_buffer in_file = WS_BUFFER_INIT;
  for (size_t i = 0; i < length; i++) {
    if (bytes[i] == '\n' && (crlf || cr)) ws_buffer_append_byte(&in_file, '\r');
    if (bytes[i] != '\n' || !cr) ws_buffer_append_byte(&in_file, bytes[i]);
  }
  if (in_file.failed) e->context->out->failed = true; /* the export reports ENOMEM */
  json_writer_string(&e->writer, in_file.data, in_file.length);
  ws_buffer_destroy(&in_file);
}

/* "start", "end" and "text" members: the start of every span object. */
static void write_span_members(json_export *e, const whosaid_range *range) {
  write_start_end(e, range);
  json_writer_key(&e->writer, "text");
  write_text(e, range);
}

static void write_entities(json_export *e) {
  json_writer *writer = &e->writer;
  const whosaid_doc *doc = e->context->doc;
  size_t count = whosaid_doc_entity_count(doc);
  json_writer_key(writer, "entities");
  json_writer_begin_array(writer);
  for (size_t index = 0; index < count; index++) {
    whosaid_entity entity;
    if (whosaid_doc_entity(doc, index, &entity) != WHOSAID_OK) continue;
    json_writer_begin_object(writer);
    write_start_end(e, &entity.range);
    json_writer_key(writer, "type");
    json_writer_cstring(writer, whosaid_entity_type_name(entity.type));
    json_writer_key(writer, "text");
    write_text(e, &entity.range);
    if (entity.cluster >= 0) {
      json_writer_key(writer, "cluster");
      json_writer_int(writer, entity.cluster);
    }
    json_writer_end_object(writer);
  }
  json_writer_end_array(writer);
}

/* The explain members; flags that are not set are left out. */
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

static void write_corrections(json_export *e, const whosaid_quote *quote) {
  json_writer_key(&e->writer, "corrected");
  json_writer_bool(&e->writer, export_quote_corrected(quote));
  const char *note = export_quote_note(e->context, quote);
  if (note != NULL) {
    json_writer_key(&e->writer, "note");
    json_writer_cstring(&e->writer, note);
  }
}

static void write_quote(json_export *e, const whosaid_quote *quote) {
  json_writer *writer = &e->writer;
  json_writer_begin_object(writer);
  write_span_members(e, &quote->range);
  json_writer_key(writer, "speaker_mention");
  if (quote->has_speaker_mention) {
    json_writer_begin_object(writer);
    write_span_members(e, &quote->speaker_mention);
    json_writer_end_object(writer);
  } else {
    json_writer_null(writer);
  }
  whosaid_speaker speaker;
  json_writer_key(writer, "speaker");
  json_writer_cstring(writer,
                      export_quote_speaker(e->context, quote, &speaker) ? speaker.name : NULL);
  if (!e->options->plain) write_corrections(e, quote);
  if (e->options->explain) write_explanation(writer, quote);
  json_writer_end_object(writer);
}

/* With WANT_DIRECT, the direct quotes in FORMAT.md form; without it, the
 * top-level quoted spans that are not direct quotes (nested spans belong to
 * their parent and are left out). */
static void write_quotes(json_export *e, bool want_direct) {
  json_writer *writer = &e->writer;
  const whosaid_doc *doc = e->context->doc;
  size_t count = whosaid_doc_quote_count(doc);
  json_writer_key(writer, want_direct ? "quotes" : "not_quotes");
  json_writer_begin_array(writer);
  for (size_t index = 0; index < count; index++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, index, &quote) != WHOSAID_OK) continue;
    bool is_direct = (quote.flags & WHOSAID_QUOTE_DIRECT) != 0;
    if (want_direct) {
      if (is_direct) write_quote(e, &quote);
    } else if (!is_direct && quote.parent < 0) {
      json_writer_begin_object(writer);
      write_span_members(e, &quote.range);
      write_explanation(writer, &quote);
      json_writer_end_object(writer);
    }
  }
  json_writer_end_array(writer);
}

static int compare_ranges(const void *a, const void *b) {
  const whosaid_range *x = a, *y = b;
  if (x->start_byte != y->start_byte) return x->start_byte < y->start_byte ? -1 : 1;
  return (x->end_byte > y->end_byte) - (x->end_byte < y->end_byte);
}

/* Its entity mentions and the words that name it at its quotes into RANGES
 * (room for all entities and quotes); returns how many. A speaker only an
 * annotation names has none: it has no cluster, and its quotes no words
 * naming it. */
static size_t collect_mentions(const whosaid_doc *doc, const whosaid_speaker *speaker,
                               int32_t index, whosaid_range *ranges) {
  size_t count = 0, entities = whosaid_doc_entity_count(doc);
  size_t quotes = whosaid_doc_quote_count(doc);
  for (size_t i = 0; speaker->cluster >= 0 && i < entities; i++) {
    whosaid_entity entity;
    if (whosaid_doc_entity(doc, i, &entity) == WHOSAID_OK && entity.cluster == speaker->cluster) {
      ranges[count++] = entity.range;
    }
  }
  for (size_t i = 0; i < quotes; i++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, i, &quote) == WHOSAID_OK && quote.speaker == index &&
        quote.has_speaker_mention) {
      ranges[count++] = quote.speaker_mention;
    }
  }
  return count;
}

/* Its mentions in text order, each once. */
static void write_speaker_mentions(json_export *e, const whosaid_speaker *speaker, int32_t index) {
  const whosaid_doc *doc = e->context->doc;
  size_t room = whosaid_doc_entity_count(doc) + whosaid_doc_quote_count(doc) + 1;
  whosaid_range *ranges = ws_calloc(room, sizeof(*ranges));
  size_t count = 0;
  if (ranges == NULL) {
    e->context->out->failed = true; /* the export reports ENOMEM */
  } else {
    count = collect_mentions(doc, speaker, index, ranges);
    qsort(ranges, count, sizeof(*ranges), compare_ranges);
  }
  json_writer_key(&e->writer, "mentions");
  json_writer_begin_array(&e->writer);
  for (size_t i = 0; i < count; i++) {
    if (i > 0 && compare_ranges(&ranges[i - 1], &ranges[i]) == 0) continue;
    json_writer_begin_object(&e->writer);
    write_span_members(e, &ranges[i]);
    json_writer_end_object(&e->writer);
  }
  json_writer_end_array(&e->writer);
  ws_free(ranges);
}

/* The numbers (among the direct quotes) of the quotes of speaker INDEX. */
static void write_speaker_quotes(json_export *e, int32_t index) {
  const whosaid_doc *doc = e->context->doc;
  size_t count = whosaid_doc_quote_count(doc), number = 0;
  json_writer_key(&e->writer, "quotes");
  json_writer_begin_array(&e->writer);
  for (size_t q = 0; q < count; q++) {
    whosaid_quote quote;
    if (whosaid_doc_quote(doc, q, &quote) != WHOSAID_OK || !(quote.flags & WHOSAID_QUOTE_DIRECT)) {
      continue;
    }
    if (quote.speaker == index) json_writer_uint(&e->writer, number);
    number++;
  }
  json_writer_end_array(&e->writer);
}

static void write_speakers(json_export *e) {
  json_writer *writer = &e->writer;
  const whosaid_doc *doc = e->context->doc;
  size_t count = whosaid_doc_speaker_count(doc);
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
    json_writer_cstring(writer, speaker.role);
    write_speaker_mentions(e, &speaker, (int32_t)index);
    write_speaker_quotes(e, (int32_t)index);
    json_writer_end_object(writer);
  }
  json_writer_end_array(writer);
}

static const char *verdict_name(whosaid_verdict verdict) {
  return verdict == WHOSAID_VERDICT_NONE ? NULL : whosaid_verdict_name(verdict);
}

static void write_orphan(json_writer *writer, const whosaid_annotation *annotation) {
  json_writer_begin_object(writer);
  json_writer_key(writer, "text");
  json_writer_cstring(writer, annotation->text != NULL ? annotation->text : "");
  json_writer_key(writer, "speaker");
  json_writer_cstring(writer, annotation->speaker);
  json_writer_key(writer, "verdict");
  json_writer_cstring(writer, verdict_name(annotation->verdict));
  json_writer_key(writer, "note");
  json_writer_cstring(writer, annotation->note);
  json_writer_key(writer, "line");
  json_writer_uint(writer, (uint64_t)annotation->line + 1);
  json_writer_end_object(writer);
}

/* The annotations of the set that found no place in the text: kept, never
 * dropped, so that a person can see what no longer applies. */
static void write_orphans(json_export *e) {
  const whosaid_doc *doc = e->context->doc;
  size_t count = whosaid_doc_annotation_count(doc);
  json_writer_key(&e->writer, "orphans");
  json_writer_begin_array(&e->writer);
  for (size_t index = 0; index < count; index++) {
    whosaid_annotation_place place;
    whosaid_annotation annotation;
    if (whosaid_doc_annotation(doc, index, &place) == 0 && !place.attached &&
        export_find_annotation(e->context->set, place.id, &annotation)) {
      write_orphan(&e->writer, &annotation);
    }
  }
  json_writer_end_array(&e->writer);
}

void export_json(const export_context *context, const whosaid_export_options *options) {
  json_export e = {context, options, {0}};
  json_writer *writer = &e.writer;
  json_writer_init(writer, context->out, options->pretty);
  json_writer_begin_object(writer);
  json_writer_key(writer, "doc");
  json_writer_cstring(writer, context->name);
  write_entities(&e);
  write_quotes(&e, true);
  write_speakers(&e);
  if (options->explain) write_quotes(&e, false);
  if (!options->plain && context->set != NULL) write_orphans(&e);
  json_writer_end_object(writer);
  json_writer_end_line(writer);
}
