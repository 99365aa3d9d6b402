/*
 * doc_access.c: the accessors of whosaid_doc. Results are stored compactly
 * (byte offsets only); each accessor fills a public struct, computing line
 * and column positions on demand from the line index.
 */
#include "api/api.h"

static whosaid_range make_range(const whosaid_doc *doc, uint32_t start, uint32_t end) {
  whosaid_range range = {start, end, text_line_index_point(&doc->lines, start),
                         text_line_index_point(&doc->lines, end)};
  return range;
}

static int check_index(const whosaid_doc *doc, const void *out, size_t index, size_t count) {
  if (doc == NULL || out == NULL) return WHOSAID_EINVAL;
  return index < count ? 0 : WHOSAID_ERANGE;
}

size_t whosaid_doc_token_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->tokens.len;
}

int whosaid_doc_token(const whosaid_doc *doc, size_t index, whosaid_token *out) {
  int status = check_index(doc, out, index, whosaid_doc_token_count(doc));
  if (status != 0) return status;
  const text_token *token = &doc->tokens.items[index];
  out->range = make_range(doc, token->start, token->end);
  out->kind = (whosaid_token_kind)token->kind;
  out->flags = token->flags;
  return 0;
}

size_t whosaid_doc_sentence_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->sentences.len;
}

int whosaid_doc_sentence(const whosaid_doc *doc, size_t index, whosaid_sentence *out) {
  int status = check_index(doc, out, index, whosaid_doc_sentence_count(doc));
  if (status != 0) return status;
  const text_sentence *sentence = &doc->sentences.items[index];
  out->range = make_range(doc, sentence->start, sentence->end);
  out->first_token = sentence->first_token;
  out->token_count = sentence->token_count;
  return 0;
}

size_t whosaid_doc_paragraph_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->paragraphs.len;
}

int whosaid_doc_paragraph(const whosaid_doc *doc, size_t index, whosaid_paragraph *out) {
  int status = check_index(doc, out, index, whosaid_doc_paragraph_count(doc));
  if (status != 0) return status;
  const text_paragraph *paragraph = &doc->paragraphs.items[index];
  out->range = make_range(doc, paragraph->start, paragraph->end);
  out->first_sentence = paragraph->first_sentence;
  out->sentence_count = paragraph->sentence_count;
  return 0;
}

size_t whosaid_doc_quote_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->quotes.len;
}

int whosaid_doc_quote(const whosaid_doc *doc, size_t index, whosaid_quote *out) {
  int status = check_index(doc, out, index, whosaid_doc_quote_count(doc));
  if (status != 0) return status;
  const quote_span *span = &doc->quotes.items[index];
  *out = (whosaid_quote){0};
  out->range = make_range(doc, span->start, span->end);
  out->flags = span->flags;
  out->reason = (whosaid_quote_reason)span->reason;
  out->parent = span->parent;
  out->speaker = -1;
  out->annotation = -1;
  out->rule = WHOSAID_ATTRIBUTION_NONE;
  for (size_t p = 0; p < doc->places.len; p++) {
    if (doc->places.items[p].attached && doc->places.items[p].quote == (int32_t)index) {
      out->annotation = (int32_t)p;
    }
  }
  if (index < doc->attributions.len) {
    const api_attribution *a = &doc->attributions.items[index];
    out->has_speaker_mention = a->mention_end > a->mention_start;
    if (out->has_speaker_mention) {
      out->speaker_mention = make_range(doc, a->mention_start, a->mention_end);
    }
    out->speaker_mention_kind = a->mention_kind;
    out->rule = a->rule;
    out->speaker = a->speaker;
  }
  return 0;
}

const char *whosaid_entity_type_name(whosaid_entity_type type) {
  static const char *const names[] = {"PER", "ORG", "LOC", "MISC"};
  return (unsigned)type < 4 ? names[type] : "?";
}

size_t whosaid_doc_entity_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->entities.len;
}

int whosaid_doc_entity(const whosaid_doc *doc, size_t index, whosaid_entity *out) {
  int status = check_index(doc, out, index, whosaid_doc_entity_count(doc));
  if (status != 0) return status;
  const api_entity *entity = &doc->entities.items[index];
  out->range = make_range(doc, entity->start, entity->end);
  out->type = entity->type;
  out->cluster = entity->cluster;
  return 0;
}

size_t whosaid_doc_speaker_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->speakers.len;
}

int whosaid_doc_speaker(const whosaid_doc *doc, size_t index, whosaid_speaker *out) {
  int status = check_index(doc, out, index, whosaid_doc_speaker_count(doc));
  if (status != 0) return status;
  const api_speaker *speaker = &doc->speakers.items[index];
  out->name = doc->strings.items + speaker->name;
  out->role = speaker->role == UINT32_MAX ? NULL : doc->strings.items + speaker->role;
  out->type = speaker->type;
  out->cluster = speaker->cluster;
  out->quote_count = speaker->quote_count;
  out->first_mention = make_range(doc, speaker->first_start, speaker->first_end);
  out->unnamed = speaker->unnamed;
  return 0;
}

size_t whosaid_doc_annotation_count(const whosaid_doc *doc) {
  return doc == NULL ? 0 : doc->places.len;
}

int whosaid_doc_annotation(const whosaid_doc *doc, size_t index, whosaid_annotation_place *out) {
  int status = check_index(doc, out, index, whosaid_doc_annotation_count(doc));
  if (status != 0) return status;
  const api_place *place = &doc->places.items[index];
  *out = (whosaid_annotation_place){place->id, place->attached, {0}, place->quote};
  if (place->attached) out->range = make_range(doc, place->start, place->end);
  return 0;
}
