/*
 * doc_speakers.c: running attribution over an analysed document, and
 * turning its token-level results into what the API hands out: each quote's
 * speaker mention in bytes, the entity clusters, and the speakers with
 * their names as strings (the document keeps no pointer to the text).
 */
#include <string.h>

#include "api/api.h"
#include "core/alloc.h"

/* The token that starts at or covers byte OFFSET (the first one after it
 * when OFFSET falls between tokens). */
static uint32_t token_at(const whosaid_doc *doc, uint32_t offset) {
  size_t low = 0, high = doc->tokens.len;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (doc->tokens.items[middle].end <= offset) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return (uint32_t)low;
}

static int entities_as_tokens(const whosaid_doc *doc, attrib_entity **out) {
  *out = ws_malloc((doc->entities.len + 1) * sizeof(**out));
  if (*out == NULL) return WHOSAID_ENOMEM;
  for (size_t e = 0; e < doc->entities.len; e++) {
    const api_entity *entity = &doc->entities.items[e];
    (*out)[e] = (attrib_entity){token_at(doc, entity->start), token_at(doc, entity->end - 1) + 1,
                                entity->type};
  }
  return 0;
}

/* No-break spaces count as white space too. */
uint32_t api_add_string(whosaid_doc *doc, const char *text, uint32_t first, uint32_t end) {
  uint32_t offset = (uint32_t)doc->strings.len;
  uint32_t from = doc->tokens.items[first].start, to = doc->tokens.items[end - 1].end;
  if (VEC_RESERVE(&doc->strings, doc->strings.len + (to - from) + 1) != 0) return UINT32_MAX;
  bool space = false;
  for (uint32_t i = from; i < to; i++) {
    unsigned char c = (unsigned char)text[i];
    bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                 (c == 0xC2 && i + 1 < to && (unsigned char)text[i + 1] == 0xA0);
    if (blank) {
      i += c == 0xC2;
      space = true;
      continue;
    }
    if (space) doc->strings.items[doc->strings.len++] = ' ';
    space = false;
    doc->strings.items[doc->strings.len++] = c == 0 ? ' ' : (char)c;
  }
  doc->strings.items[doc->strings.len++] = '\0';
  return offset;
}

/* The speaker index of CLUSTER, adding it at its first quote. FIRST holds
 * each cluster's first entity, SPEAKER_INDEX each cluster's speaker (-1:
 * none yet). */
static int32_t speaker_of(whosaid_doc *doc, const attrib_result *result, const char *text,
                          const int32_t *first, int32_t *speaker_index, int32_t cluster,
                          const attrib_mention *mention) {
  if (speaker_index[cluster] >= 0) return speaker_index[cluster];
  const attrib_cluster *c = &result->clusters.items[cluster];
  api_speaker speaker = {cluster, api_add_string(doc, text, c->name_first, c->name_end), UINT32_MAX,
                         c->type, 0, doc->tokens.items[mention->first_token].start,
                         doc->tokens.items[mention->end_token - 1].end, false};
  if (c->role_end > c->role_first) speaker.role = api_add_string(doc, text, c->role_first, c->role_end);
  /* Its first mention: its earliest mention by name (an entity), else the
   * words that name it at this quote. */
  if (first[cluster] >= 0) {
    speaker.first_start = doc->entities.items[first[cluster]].start;
    speaker.first_end = doc->entities.items[first[cluster]].end;
  }
  if (speaker.name == UINT32_MAX || VEC_PUSH(&doc->speakers, speaker) != 0) return -2;
  return speaker_index[cluster] = (int32_t)(doc->speakers.len - 1);
}

/* Per cluster: its first entity mention, then (after the clusters) its
 * speaker, both -1 for none yet; NULL when out of memory. */
static int32_t *per_cluster_tables(const whosaid_doc *doc, const attrib_result *result) {
  int32_t *first = ws_malloc((2 * result->clusters.len + 1) * sizeof(*first));
  if (first == NULL) return NULL;
  for (size_t c = 0; c < 2 * result->clusters.len; c++) first[c] = -1;
  for (size_t e = doc->entities.len; e-- > 0;) first[result->entity_cluster.items[e]] = (int32_t)e;
  return first;
}

static int collect(whosaid_doc *doc, const attrib_result *result, const char *text) {
  for (size_t e = 0; e < doc->entities.len; e++) {
    doc->entities.items[e].cluster = result->entity_cluster.items[e];
  }
  int32_t *first = per_cluster_tables(doc, result);
  if (first == NULL || VEC_RESERVE(&doc->attributions, result->quotes.len) != 0) {
    ws_free(first);
    return WHOSAID_ENOMEM;
  }
  for (size_t q = 0; q < result->quotes.len; q++) {
    const attrib_quote *quote = &result->quotes.items[q];
    api_attribution a = {0, 0, quote->mention.kind, quote->rule, -1};
    if (quote->mention.end_token > quote->mention.first_token) {
      a.mention_start = doc->tokens.items[quote->mention.first_token].start;
      a.mention_end = doc->tokens.items[quote->mention.end_token - 1].end;
    }
    if (quote->cluster >= 0) {
      a.speaker = speaker_of(doc, result, text, first, first + result->clusters.len,
                             quote->cluster, &quote->mention);
      if (a.speaker == -2) {
        ws_free(first);
        return WHOSAID_ENOMEM;
      }
      doc->speakers.items[a.speaker].quote_count++;
    }
    doc->attributions.items[doc->attributions.len++] = a;
  }
  ws_free(first);
  return 0;
}

/* Every cluster's name and role, for the speakers a person may name. */
static int keep_clusters_of(whosaid_doc *doc, const attrib_result *result, const char *text) {
  if (VEC_RESERVE(&doc->clusters, result->clusters.len) != 0) return WHOSAID_ENOMEM;
  for (size_t c = 0; c < result->clusters.len; c++) {
    const attrib_cluster *cluster = &result->clusters.items[c];
    api_cluster kept = {UINT32_MAX, UINT32_MAX};
    if (cluster->name_end > cluster->name_first) {
      kept.name = api_add_string(doc, text, cluster->name_first, cluster->name_end);
      if (kept.name == UINT32_MAX) return WHOSAID_ENOMEM;
    }
    if (cluster->role_end > cluster->role_first) {
      kept.role = api_add_string(doc, text, cluster->role_first, cluster->role_end);
      if (kept.role == UINT32_MAX) return WHOSAID_ENOMEM;
    }
    doc->clusters.items[doc->clusters.len++] = kept;
  }
  return 0;
}

int api_attribute(whosaid_doc *doc, const quote_cues *cues, const char *text,
                  bool keep_clusters) {
  attrib_entity *entities = NULL;
  int status = entities_as_tokens(doc, &entities);
  if (status != 0) return status;
  attrib_input in = {text,
                     doc->tokens.items,
                     doc->tokens.len,
                     doc->sentences.items,
                     doc->sentences.len,
                     doc->paragraphs.items,
                     doc->paragraphs.len,
                     doc->quotes.items,
                     doc->quotes.len,
                     entities,
                     doc->entities.len,
                     cues,
                     NULL};
  attrib_result result = {0};
  status = attrib_run(&in, &result);
  if (status == 0) status = collect(doc, &result, text);
  if (status == 0 && keep_clusters) status = keep_clusters_of(doc, &result, text);
  attrib_result_destroy(&result);
  ws_free(entities);
  return status;
}
