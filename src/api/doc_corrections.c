/*
 * doc_corrections.c: the speakers a person named, put in place of the
 * machine's after attribution.
 *
 * A name is looked for in the article, so that a correction joins the
 * speaker's other mentions and quotes: first among the speakers, then among
 * the entity mentions (whose cluster it takes), then by surname among the
 * speakers and then among the mentions (when the name's other words are
 * the same). A name the article never gives makes a speaker of its own,
 * flagged unnamed. Then speakers left without quotes go, and the rest are
 * put back in the order of their first quotes.
 */
#include <string.h>

#include "api/api.h"
#include "core/alloc.h"

/* The words of a name, compared as the anchors compare them. */
typedef struct {
  annotate_words wanted, other;
} name_matcher;

static int same_words(name_matcher *m, const char *text, size_t length, bool *same) {
  int status = annotate_fingerprint(text, length, &m->other, NULL);
  *same = status == 0 && m->other.len == m->wanted.len && m->wanted.len > 0 &&
          memcmp(m->other.items, m->wanted.items, m->wanted.len * sizeof(uint64_t)) == 0;
  return status;
}

static const char *speaker_name(const whosaid_doc *doc, size_t s) {
  return doc->strings.items + doc->speakers.items[s].name;
}

/* The speaker named exactly so (FOUND -1: none). */
static int find_by_name(name_matcher *m, const whosaid_doc *doc, int32_t *found) {
  *found = -1;
  for (size_t s = 0; s < doc->speakers.len && *found < 0; s++) {
    const char *name = speaker_name(doc, s);
    bool same = false;
    int status = same_words(m, name, strlen(name), &same);
    if (status != 0) return status;
    if (same) *found = (int32_t)s;
  }
  return 0;
}

/* The entity mention named exactly so (FOUND -1: none). */
static int find_entity(name_matcher *m, const whosaid_doc *doc, const char *text, int32_t *found) {
  *found = -1;
  for (size_t e = 0; e < doc->entities.len && *found < 0; e++) {
    const api_entity *entity = &doc->entities.items[e];
    bool same = false;
    int status = same_words(m, text + entity->start, entity->end - entity->start, &same);
    if (status != 0) return status;
    if (same) *found = (int32_t)e;
  }
  return 0;
}

/* Whether the name of LENGTH bytes at S ends in the wanted name's last
 * word and holds each of its other words: "Heiko Maas" for "Maas", but not
 * "John Roe" for "Jane Roe" (who typed another given name meant another
 * person) nor for "Mr. Roe" (not sure enough: a name of its own). */
static int ends_alike(name_matcher *m, const char *s, size_t length, bool *same) {
  int status = annotate_fingerprint(s, length, &m->other, NULL);
  size_t have = m->other.len, want = m->wanted.len;
  *same = status == 0 && have > 0 && m->other.items[have - 1] == m->wanted.items[want - 1];
  for (size_t i = 0; *same && i + 1 < want; i++) {
    bool held = false;
    for (size_t k = 0; k + 1 < have && !held; k++) held = m->other.items[k] == m->wanted.items[i];
    *same = held;
  }
  return status;
}

/* The one speaker whose name ends alike; -1 when none or several do. */
static int find_by_surname(name_matcher *m, const whosaid_doc *doc, int32_t *found) {
  *found = -1;
  for (size_t s = 0; s < doc->speakers.len; s++) {
    const char *name = speaker_name(doc, s);
    bool same = false;
    int status = ends_alike(m, name, strlen(name), &same);
    if (status != 0) return status;
    if (!same) continue;
    if (*found >= 0) {
      *found = -1;
      return 0;
    }
    *found = (int32_t)s;
  }
  return 0;
}

/* The first entity mention that ends alike, when all that do are of one
 * entity; -1 otherwise. */
static int find_entity_by_surname(name_matcher *m, const whosaid_doc *doc, const char *text,
                                  int32_t *found) {
  *found = -1;
  for (size_t e = 0; e < doc->entities.len; e++) {
    const api_entity *entity = &doc->entities.items[e];
    bool same = false;
    int status = ends_alike(m, text + entity->start, entity->end - entity->start, &same);
    if (status != 0) return status;
    if (!same) continue;
    if (*found < 0) {
      *found = (int32_t)e;
    } else if (entity->cluster < 0 || entity->cluster != doc->entities.items[*found].cluster) {
      *found = -1;
      return 0;
    }
  }
  return 0;
}

/* Append LENGTH bytes at S to the document's strings; UINT32_MAX when out
 * of memory. */
static uint32_t add_bytes(whosaid_doc *doc, const char *s, size_t length) {
  uint32_t offset = (uint32_t)doc->strings.len;
  if (VEC_RESERVE(&doc->strings, length + 1) != 0) return UINT32_MAX;
  memcpy(doc->strings.items + doc->strings.len, s, length);
  doc->strings.len += length;
  doc->strings.items[doc->strings.len++] = '\0';
  return offset;
}

/* The longest mention of ENTITY's cluster: the fullest name the article
 * gives it. */
static const api_entity *fullest_mention(const whosaid_doc *doc, const api_entity *entity) {
  const api_entity *best = entity;
  for (size_t e = 0; entity->cluster >= 0 && e < doc->entities.len; e++) {
    const api_entity *other = &doc->entities.items[e];
    if (other->cluster == entity->cluster && other->end - other->start > best->end - best->start) {
      best = other;
    }
  }
  return best;
}

/* The speaker for ENTITY: its cluster's, or a new one with the cluster's
 * name and role (its fullest mention when attribution did not run). */
static int32_t speaker_for_entity(whosaid_doc *doc, const char *text, const api_entity *entity) {
  for (size_t s = 0; entity->cluster >= 0 && s < doc->speakers.len; s++) {
    if (doc->speakers.items[s].cluster == entity->cluster) return (int32_t)s;
  }
  const api_entity *first = entity;
  for (size_t e = 0; entity->cluster >= 0 && e < doc->entities.len; e++) {
    if (doc->entities.items[e].cluster == entity->cluster) {
      first = &doc->entities.items[e];
      break;
    }
  }
  api_speaker speaker = {entity->cluster, UINT32_MAX, UINT32_MAX, entity->type, 0, first->start,
                         first->end, false};
  if (entity->cluster >= 0 && (size_t)entity->cluster < doc->clusters.len) {
    speaker.name = doc->clusters.items[entity->cluster].name;
    speaker.role = doc->clusters.items[entity->cluster].role;
  }
  if (speaker.name == UINT32_MAX) {
    const api_entity *full = fullest_mention(doc, entity);
    speaker.name = add_bytes(doc, text + full->start, full->end - full->start);
  }
  if (speaker.name == UINT32_MAX || VEC_PUSH(&doc->speakers, speaker) != 0) return -2;
  return (int32_t)(doc->speakers.len - 1);
}

static int32_t unnamed_speaker(whosaid_doc *doc, const char *name) {
  api_speaker speaker = {-1, add_bytes(doc, name, strlen(name)), UINT32_MAX, WHOSAID_ENTITY_PER,
                         0, 0, 0, true};
  if (speaker.name == UINT32_MAX || VEC_PUSH(&doc->speakers, speaker) != 0) return -2;
  return (int32_t)(doc->speakers.len - 1);
}

/* The speaker called NAME, made when the article has none; -2 when out of
 * memory. */
static int32_t speaker_called(name_matcher *m, whosaid_doc *doc, const char *text,
                              const char *name) {
  int32_t found = -1, entity = -1;
  int status = annotate_fingerprint(name, strlen(name), &m->wanted, NULL);
  if (status == 0 && m->wanted.len == 0) return unnamed_speaker(doc, name);
  if (status == 0) status = find_by_name(m, doc, &found);
  if (status == 0 && found < 0) status = find_entity(m, doc, text, &entity);
  if (status == 0 && found < 0 && entity < 0) status = find_by_surname(m, doc, &found);
  if (status == 0 && found < 0 && entity < 0) status = find_entity_by_surname(m, doc, text, &entity);
  if (status != 0) return -2;
  if (found >= 0) return found;
  if (entity >= 0) return speaker_for_entity(doc, text, &doc->entities.items[entity]);
  return unnamed_speaker(doc, name);
}

/* Speakers in order ********************************************************/

/* Drop the speakers without quotes and number the rest in the order of
 * their first quotes, as the machine's are. */
static int renumber_speakers(whosaid_doc *doc) {
  size_t count = doc->speakers.len;
  int32_t *new_index = ws_malloc((count + 1) * sizeof(*new_index));
  api_speaker *kept = ws_malloc((count + 1) * sizeof(*kept));
  if (new_index == NULL || kept == NULL) {
    ws_free(new_index);
    ws_free(kept);
    return WHOSAID_ENOMEM;
  }
  for (size_t s = 0; s < count; s++) new_index[s] = -1;
  size_t next = 0;
  for (size_t q = 0; q < doc->attributions.len; q++) {
    int32_t s = doc->attributions.items[q].speaker;
    if (s < 0 || new_index[s] >= 0) continue;
    new_index[s] = (int32_t)next;
    kept[next++] = doc->speakers.items[s];
  }
  for (size_t q = 0; q < doc->attributions.len; q++) {
    api_attribution *a = &doc->attributions.items[q];
    if (a->speaker >= 0) a->speaker = new_index[a->speaker];
  }
  /* With no speaker kept, ITEMS may be NULL, which memcpy must never get. */
  if (next > 0) memcpy(doc->speakers.items, kept, next * sizeof(*kept));
  doc->speakers.len = next;
  ws_free(new_index);
  ws_free(kept);
  return 0;
}

/* Applying *****************************************************************/

/* Without attribution every quote still needs a place for a person's
 * speaker. */
static int ensure_attributions(whosaid_doc *doc) {
  if (doc->attributions.len == doc->quotes.len) return 0;
  doc->attributions.len = 0;
  if (VEC_RESERVE(&doc->attributions, doc->quotes.len) != 0) return WHOSAID_ENOMEM;
  for (size_t q = 0; q < doc->quotes.len; q++) {
    doc->attributions.items[doc->attributions.len++] =
        (api_attribution){0, 0, WHOSAID_MENTION_NAME, WHOSAID_ATTRIBUTION_NONE, -1};
  }
  return 0;
}

/* Quote Q's speaker is SPEAKER, a person says. The machine's words naming
 * the source stay when it found the same speaker. */
static void set_speaker(whosaid_doc *doc, size_t q, int32_t speaker) {
  api_attribution *a = &doc->attributions.items[q];
  doc->quotes.items[q].flags |= WHOSAID_QUOTE_HUMAN_SPEAKER;
  if (a->speaker == speaker) return;
  if (a->speaker >= 0) doc->speakers.items[a->speaker].quote_count--;
  *a = (api_attribution){0, 0, WHOSAID_MENTION_NAME, WHOSAID_ATTRIBUTION_ANNOTATED, speaker};
  doc->speakers.items[speaker].quote_count++;
}

/* The speaker of annotation I's name: the one an earlier annotation with
 * the same name found (a person correcting an article names the same few
 * speakers again and again, and each search reads all the mentions), else
 * a new search. */
static int32_t speaker_for(name_matcher *m, whosaid_doc *doc, const char *text,
                           const whosaid_annotations *set, const int32_t *found, size_t i) {
  const char *name = set->entries.items[i].speaker;
  for (size_t j = 0; j < i; j++) {
    const char *other = set->entries.items[j].speaker;
    if (found[j] >= 0 && other != NULL && strcmp(other, name) == 0) return found[j];
  }
  return speaker_called(m, doc, text, name);
}

static int apply_all(name_matcher *m, whosaid_doc *doc, const char *text,
                     const whosaid_annotations *set) {
  int32_t *found = ws_malloc((doc->places.len + 1) * sizeof(*found));
  int status = found == NULL ? WHOSAID_ENOMEM : ensure_attributions(doc);
  for (size_t i = 0; status == 0 && i < doc->places.len; i++) {
    const api_place *place = &doc->places.items[i];
    found[i] = -1;
    if (!place->attached || set->entries.items[i].speaker == NULL) continue;
    if (!(doc->quotes.items[place->quote].flags & WHOSAID_QUOTE_DIRECT)) continue;
    found[i] = speaker_for(m, doc, text, set, found, i);
    if (found[i] == -2) status = WHOSAID_ENOMEM;
    if (status == 0) set_speaker(doc, (size_t)place->quote, found[i]);
  }
  ws_free(found);
  return status == 0 ? renumber_speakers(doc) : status;
}

int api_apply_speakers(whosaid_doc *doc, const char *text, const whosaid_annotations *set) {
  name_matcher m = {VEC_INIT, VEC_INIT};
  int status = apply_all(&m, doc, text, set);
  VEC_FREE(&m.wanted);
  VEC_FREE(&m.other);
  return status;
}
