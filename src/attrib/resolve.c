/*
 * resolve.c: mention -> entity. A name is the entity it names (clustered
 * by entities.c; a name the tagger missed gets an entity of its own). A
 * pronoun is the most recent speaker before it, within the two paragraphs
 * before, whose gender does not contradict it, provided no other person of
 * that gender is named in between outside quotes: with two candidates,
 * whosaid says it does not know. A definite nominal ("the spokesman") is the
 * latest person the article gave that role ("spokesman Geng Shuang").
 * Plural and first- or second-person pronouns, indefinite nominals ("a
 * spokesman") and the like stay unresolved.
 */
#include "attrib/attrib.h"

/* How many paragraphs back a pronoun's antecedent may be. */
#define PRONOUN_PARAGRAPHS 2

static bool inside_a_quote(const attrib_input *in, size_t token) {
  for (size_t q = 0; q < in->quote_count; q++) { /* few quotes: a scan will do */
    const quote_span *span = &in->quotes[q];
    if (span->parent >= 0) continue;
    uint32_t close = span->close_token == QUOTE_NO_TOKEN ? span->open_token : span->close_token;
    if (span->open_token < token && token < close) return true;
  }
  return false;
}

static bool compatible(const attrib_cluster *cluster, int gender) {
  return cluster->type == WHOSAID_ENTITY_PER &&
         (cluster->gender == ATTRIB_GENDER_UNKNOWN || cluster->gender == gender);
}

/* Names ***********************************************************************/

static int32_t resolve_name(const attrib_input *in, attrib_result *out, attrib_mention m) {
  /* The head of a name is at its end: "Interim DNC Chairwoman Donna
   * Brazile" is Brazile. A person first, then an organisation, then any. */
  int32_t best[3] = {-1, -1, -1};
  for (uint32_t t = m.end_token; t-- > m.first_token;) {
    int32_t e = attrib_entity_at(in, t);
    if (e < 0) continue;
    whosaid_entity_type type = in->entities[e].type;
    int rank = type == WHOSAID_ENTITY_PER ? 0 : type == WHOSAID_ENTITY_ORG ? 1 : 2;
    if (best[rank] < 0) best[rank] = out->entity_cluster.items[e];
  }
  for (int rank = 0; rank < 3; rank++) {
    if (best[rank] >= 0) return best[rank];
  }
  /* A name the tagger missed: a person of its own, or one named before. */
  return attrib_cluster_name(in, out, m.first_token, m.end_token, WHOSAID_ENTITY_PER);
}

/* Pronouns ******************************************************************/

/* The nearest person before token AT, within the paragraphs from FIRST on:
 * a speaker of an earlier quote or a person named outside quotes, whose
 * gender fits; *WHERE is the mention's token. -1: none. */
static int32_t nearest_person(const attrib_input *in, const attrib_result *out, size_t q,
                              size_t first, size_t at, int gender, size_t *where) {
  int32_t best = -1;
  *where = 0;
  for (size_t e = in->entity_count; e-- > 0;) {
    const attrib_entity *entity = &in->entities[e];
    if (entity->first_token >= at) continue;
    if (entity->first_token < first) break;
    int32_t c = out->entity_cluster.items[e];
    if (!compatible(&out->clusters.items[c], gender) || inside_a_quote(in, entity->first_token)) {
      continue;
    }
    best = c, *where = entity->first_token;
    break;
  }
  for (size_t p = q; p-- > 0;) {
    const attrib_quote *before = &out->quotes.items[p];
    uint32_t token = before->mention.first_token;
    if (before->mention.end_token == token || before->cluster < 0 || token >= at) continue;
    if (token < first) break;
    if (!compatible(&out->clusters.items[before->cluster], gender)) continue;
    if (best < 0 || token > *where) best = before->cluster, *where = token;
    break;
  }
  return best;
}

/* Whether another person of a fitting gender is named outside quotes in
 * the sentence of token AT: then a pronoun could mean either. */
static bool rival_in_sentence(const attrib_input *in, const attrib_result *out, int32_t cluster,
                              int gender, size_t at) {
  const text_sentence *sentence = &in->sentences[attrib_sentence_of(in, at)];
  for (size_t e = 0; e < in->entity_count; e++) {
    const attrib_entity *entity = &in->entities[e];
    if (entity->first_token < sentence->first_token) continue;
    if (entity->first_token >= sentence->first_token + sentence->token_count) break;
    int32_t c = out->entity_cluster.items[e];
    if (c != cluster && compatible(&out->clusters.items[c], gender) &&
        !inside_a_quote(in, entity->first_token)) {
      return true;
    }
  }
  return false;
}

static int32_t resolve_pronoun(const attrib_input *in, attrib_result *out, size_t q,
                               attrib_mention m) {
  int gender = attrib_pronoun_gender(in, m.first_token);
  if (gender == ATTRIB_GENDER_UNKNOWN) return -1; /* they, we, I, it: not resolved */
  size_t paragraph = attrib_paragraph_of(in, m.first_token);
  size_t first = in->paragraphs[paragraph >= PRONOUN_PARAGRAPHS ? paragraph - PRONOUN_PARAGRAPHS
                                                                : 0].first_token;
  size_t where;
  int32_t c = nearest_person(in, out, q, first, m.first_token, gender, &where);
  if (c < 0 || rival_in_sentence(in, out, c, gender, where)) return -1;
  return c;
}

/* Nominals ******************************************************************/

static int32_t resolve_nominal(const attrib_input *in, const attrib_result *out,
                               attrib_mention m) {
  if (!attrib_token_is(in, m.first_token, "the")) return -1; /* "a spokesman": someone new */
  uint32_t head = m.end_token - 1;
  for (size_t c = out->clusters.len; c-- > 0;) {
    const attrib_cluster *cluster = &out->clusters.items[c];
    for (uint32_t t = cluster->role_first; t < cluster->role_end; t++) {
      if (cluster->role_first >= m.first_token) break; /* the role comes after: no */
      const text_token *a = &in->tokens[t], *b = &in->tokens[head];
      size_t length = a->end - a->start;
      if (length != (size_t)(b->end - b->start)) continue;
      bool same = true;
      for (size_t k = 0; k < length && same; k++) {
        char x = in->text[a->start + k], y = in->text[b->start + k];
        same = (x | 32) == (y | 32);
      }
      if (same && attrib_is_role_noun(in, head)) return (int32_t)c;
    }
  }
  return -1;
}

/* All ***********************************************************************/

static bool same_mention(attrib_mention a, attrib_mention b) {
  return a.first_token == b.first_token && a.end_token == b.end_token;
}

int attrib_resolve(const attrib_input *in, attrib_result *out) {
  for (size_t q = 0; q < out->quotes.len; q++) {
    attrib_quote *quote = &out->quotes.items[q];
    attrib_mention m = quote->mention;
    if (m.end_token == m.first_token) continue;
    int32_t c = -1;
    bool copied = false;
    for (size_t p = q; p-- > 0 && !copied;) { /* a split quote or a continuation */
      if (same_mention(out->quotes.items[p].mention, m)) c = out->quotes.items[p].cluster, copied = true;
    }
    if (!copied) {
      switch (m.kind) {
        case WHOSAID_MENTION_NAME: c = resolve_name(in, out, m); break;
        case WHOSAID_MENTION_PRONOUN: c = resolve_pronoun(in, out, q, m); break;
        case WHOSAID_MENTION_NOMINAL: c = resolve_nominal(in, out, m); break;
      }
    }
    if (c == -2) return WHOSAID_ENOMEM;
    quote->cluster = c;
    if (c >= 0 && m.kind == WHOSAID_MENTION_PRONOUN) { /* evidence for the next pronoun */
      attrib_cluster *speaker = &out->clusters.items[c];
      if (speaker->gender == ATTRIB_GENDER_UNKNOWN) {
        speaker->gender = (uint8_t)attrib_pronoun_gender(in, m.first_token);
      }
    }
  }
  return 0;
}

int attrib_run(const attrib_input *in, attrib_result *out) {
  int status = attrib_cluster_entities(in, out);
  if (status == 0) status = attrib_find_mentions(in, out);
  if (status == 0) status = attrib_resolve(in, out);
  return status;
}
