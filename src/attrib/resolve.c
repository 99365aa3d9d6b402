/*
 * resolve.c: mention -> entity. A name is the entity it names (clustered
 * by entities.c; a name the tagger missed gets an entity of its own). A
 * pronoun is the most recent speaker before it, within the two paragraphs
 * before, whose gender does not contradict it, provided no other person of
 * that gender is named in between outside quotes: with two candidates,
 * whosaid says it does not know. An organisation may be "he" when it is
 * the subject of a cue or a sentence (the tagger takes some people for
 * organisations), unless its sentence calls it "it" ("Huawei, for its
 * part, ..."). A definite nominal ("the spokesman") is the latest person
 * the article gave that role ("spokesman Geng Shuang"; "Sen. Marco Rubio"
 * for "the senator").
 * Plural and first- or second-person pronouns, indefinite nominals ("a
 * spokesman") and the like stay unresolved.
 */
#include "attrib/attrib.h"
#include "core/alloc.h"

/* How many paragraphs back a pronoun's antecedent may be, and how many
 * tokens at most: a text with no paragraph breaks must not make every
 * pronoun look back over all of it. */
#define PRONOUN_PARAGRAPHS 2
#define PRONOUN_TOKENS 1500

static bool inside_a_quote(const attrib_input *in, size_t token) {
  /* The last quote that opens before TOKEN; top-level quotes do not
   * overlap, and nested ones lie inside their parent. */
  size_t low = 0, high = in->quote_count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (in->quotes[middle].open_token < token) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  for (size_t q = low; q-- > 0;) {
    const quote_span *span = &in->quotes[q];
    if (span->parent >= 0) continue;
    uint32_t close = span->close_token == QUOTE_NO_TOKEN ? span->open_token : span->close_token;
    return token < close;
  }
  return false;
}

/* The index of the first entity that starts at or after TOKEN. */
static size_t first_entity_from(const attrib_input *in, size_t token) {
  size_t low = 0, high = in->entity_count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (in->entities[middle].first_token < token) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

static bool compatible(const attrib_cluster *cluster, int gender) {
  return cluster->type == WHOSAID_ENTITY_PER &&
         (cluster->gender == ATTRIB_GENDER_UNKNOWN || cluster->gender == gender);
}

/* Names ***********************************************************************/

static int32_t resolve_name(const attrib_input *in, attrib_result *out, attrib_mention m) {
  /* The head of a name mention is its last name: "Interim DNC Chairwoman
   * Donna Brazile" is Brazile, "ACLU executive director Anthony Romero" is
   * Romero even where the tagger missed him. */
  uint32_t last = m.end_token;
  while (last > m.first_token && !attrib_is_name_token(in, last - 1)) last--;
  if (last > m.first_token) {
    int32_t e = attrib_entity_at(in, last - 1);
    if (e >= 0) return out->entity_cluster.items[e];
    uint32_t first = last - 1;
    while (first > m.first_token && attrib_is_name_token(in, first - 1) &&
           attrib_entity_at(in, first - 1) < 0) {
      first--;
    }
    return attrib_cluster_name(in, out, first, last, WHOSAID_ENTITY_PER);
  }
  /* No name token ("We've"): an entity inside it, a person first. */
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
  return -1;
}

/* Whether another person of a fitting gender is named outside quotes in
 * the sentence of token AT: then a pronoun could mean either. */
static bool rival_in_sentence(const attrib_input *in, const attrib_result *out, int32_t cluster,
                              int gender, size_t at) {
  const text_sentence *sentence = &in->sentences[attrib_sentence_of(in, at)];
  for (size_t e = first_entity_from(in, sentence->first_token); e < in->entity_count; e++) {
    const attrib_entity *entity = &in->entities[e];
    if (entity->first_token >= sentence->first_token + sentence->token_count) break;
    int32_t c = out->entity_cluster.items[e];
    if (c != cluster && compatible(&out->clusters.items[c], gender) &&
        !inside_a_quote(in, entity->first_token)) {
      return true;
    }
  }
  return false;
}

/* Whether entity E is the subject of a speech cue: "Biden said", "Trump,
 * Sexton said,", "said Katie Harbath". */
static bool speaks(const attrib_input *in, const attrib_entity *e) {
  int kind;
  size_t after = e->end_token;
  while (after < in->token_count && after < e->end_token + 3 &&
         (attrib_is_adverb(in, after) || in->tokens[after].kind == WHOSAID_TOKEN_CLITIC)) {
    after++;
  }
  if (after < in->token_count && attrib_cue_at(in, after, &kind) > 0 && kind == ATTRIB_CUE_VERB) {
    return true;
  }
  size_t before = e->first_token;
  while (before > 0 && before + 3 > e->first_token && attrib_is_title(in, before - 1)) before--;
  return before > 0 && attrib_cue_at(in, before - 1, &kind) > 0 && kind == ATTRIB_CUE_VERB;
}

/* Whether entity E is joined by "and" or "or" to another ("Smith and
 * Brown"). */
static bool coordinated(const attrib_input *in, size_t e) {
  static const char *const conjunctions[] = {"and", "or", "&", NULL};
  const attrib_entity *entity = &in->entities[e];
  if (e + 1 < in->entity_count && entity->end_token + 1 < in->token_count &&
      attrib_token_in(in, entity->end_token, conjunctions)) {
    uint32_t next = entity->end_token + 1;
    while (next < in->token_count && attrib_is_title(in, next)) next++;
    if (in->entities[e + 1].first_token == next) return true;
  }
  if (e > 0 && entity->first_token >= 2) {
    uint32_t before = entity->first_token - 1;
    while (before > 0 && attrib_is_title(in, before)) before--;
    return attrib_token_in(in, before, conjunctions) && in->entities[e - 1].end_token == before;
  }
  return false;
}

/* Whether entity E is its sentence's subject: "Former Hewlett-Packard CEO
 * Carly Fiorina named ...". */
static bool opens_sentence(const attrib_input *in, const attrib_entity *e) {
  attrib_mention subject = attrib_sentence_subject(in, e->end_token);
  return subject.first_token <= e->first_token && e->first_token < subject.end_token;
}

/* Whether the sentence of entity E calls it "it" after naming it ("Huawei,
 * for its part, ..."): an organisation the text treats as one, not a
 * person the tagger took for one. */
static bool called_it(const attrib_input *in, const attrib_entity *e) {
  static const char *const neuter[] = {"it", "its", "itself", NULL};
  const text_sentence *sentence = &in->sentences[attrib_sentence_of(in, e->first_token)];
  size_t end = sentence->first_token + sentence->token_count;
  for (size_t t = e->end_token; t < end; t++) {
    if (attrib_token_in(in, t, neuter)) return true;
  }
  return false;
}

/* The person a pronoun at AT refers to, looked for back to token FIRST:
 * the latest source (the speaker of an earlier quote, or a person who is
 * the subject of a speech cue or of a sentence) whose gender fits; else the latest person
 * named outside quotes, unless another person is named in the same
 * sentence. *WHERE is the mention's token; -1: none. */
static int32_t antecedent(const attrib_input *in, const attrib_result *out, size_t q,
                          size_t first, size_t at, int gender) {
  int32_t source = -1, named = -1;
  size_t source_at = 0, named_at = 0;
  for (size_t e = first_entity_from(in, at); e-- > 0;) {
    const attrib_entity *entity = &in->entities[e];
    if (entity->first_token < first) break;
    if (inside_a_quote(in, entity->first_token)) continue;
    int32_t c = out->entity_cluster.items[e];
    const attrib_cluster *cluster = &out->clusters.items[c];
    bool person = compatible(cluster, gender);
    bool may_talk = cluster->type != WHOSAID_ENTITY_LOC &&
                    (person || (cluster->type != WHOSAID_ENTITY_PER &&
                                cluster->gender == ATTRIB_GENDER_UNKNOWN));
    /* The subject of a cue is a source, and so is a sentence's subject
     * unless it shares the subject with someone ("Smith and Brown met.
     * He said ..." could be either). */
    bool talks = may_talk && !coordinated(in, e) &&
                 (speaks(in, entity) || opens_sentence(in, entity)) &&
                 !(cluster->type == WHOSAID_ENTITY_ORG && called_it(in, entity));
    if (talks && source < 0) source = c, source_at = entity->first_token;
    if (person && named < 0) named = c, named_at = entity->first_token;
    if (source >= 0 && named >= 0) break;
  }
  for (size_t p = q; p-- > 0;) {
    const attrib_quote *before = &out->quotes.items[p];
    uint32_t token = before->mention.first_token;
    /* Quotes and their speakers before the window end the look back, also
     * those without a speaker (a text of them would make it quadratic). */
    if (in->quotes[p].open_token < first && token < first) break;
    if (before->mention.end_token == token || before->cluster < 0 || token >= at) continue;
    if (token < first) break;
    /* A quoted speaker the tagger took for an organisation ("Bozell") may
     * still be "he": speakers are people unless the text says otherwise. */
    const attrib_cluster *speaker = &out->clusters.items[before->cluster];
    bool fits = speaker->type == WHOSAID_ENTITY_ORG
                    ? speaker->gender == ATTRIB_GENDER_UNKNOWN || speaker->gender == gender
                    : compatible(speaker, gender);
    if (!fits) continue;
    if (source < 0 || token > source_at) source = before->cluster, source_at = token;
    break;
  }
  if (source >= 0) return source;
  if (named >= 0 && !rival_in_sentence(in, out, named, gender, named_at)) return named;
  return -1;
}

static int32_t resolve_pronoun(const attrib_input *in, attrib_result *out, size_t q,
                               attrib_mention m) {
  int gender = attrib_pronoun_gender(in, m.first_token);
  if (gender == ATTRIB_GENDER_UNKNOWN) return -1; /* they, we, I, it: not resolved */
  size_t paragraph = attrib_paragraph_of(in, m.first_token);
  size_t first = in->paragraphs[paragraph >= PRONOUN_PARAGRAPHS ? paragraph - PRONOUN_PARAGRAPHS
                                                                : 0].first_token;
  if (m.first_token > PRONOUN_TOKENS && first < m.first_token - PRONOUN_TOKENS) {
    first = m.first_token - PRONOUN_TOKENS;
  }
  return antecedent(in, out, q, first, m.first_token, gender);
}

/* Nominals ******************************************************************/

/* How a role fits the words a nominal qualifies its noun with. */
typedef enum { ROLE_FITS, ROLE_SILENT, ROLE_CONFLICTS } role_fit;

/* Whether token I is part of a place or a group's name (LOC, MISC): the
 * "Texas" of "Texas Sen.", the "German" of "German Foreign Minister". */
static bool names_place_or_group(const attrib_input *in, size_t i) {
  int32_t e = attrib_entity_at(in, i);
  return e >= 0 && (in->entities[e].type == WHOSAID_ENTITY_LOC ||
                    in->entities[e].type == WHOSAID_ENTITY_MISC);
}

static bool role_has(const attrib_input *in, const attrib_cluster *cluster, size_t word) {
  for (uint32_t t = cluster->role_first; t < cluster->role_end; t++) {
    if (attrib_same_token(in, t, word)) return true;
  }
  return false;
}

/* The US state nominal M names before its noun ("the New Jersey
 * governor"), or -1. */
static int nominal_state(const attrib_input *in, attrib_mention m) {
  for (uint32_t q = m.first_token + 1; q + 1 < m.end_token; q++) {
    int state = attrib_state_at(in, q, m.end_token - 1, NULL);
    if (state >= 0) return state;
  }
  return -1;
}

/* How CLUSTER fits the capitalized words between "the" and the noun of
 * nominal M ("the Florida senator"): its party tag has that state ("Sen.
 * Marco Rubio (R-Fla.)") or its role has those words ("Florida Sen."), it
 * says nothing of them ("Sen."), or it names another state, place or group
 * ("Sen. Joni Ernst, R-Iowa", "Texas Sen. Ted Cruz"). */
static role_fit qualifiers_fit(const attrib_input *in, const attrib_cluster *cluster,
                               attrib_mention m) {
  int state = nominal_state(in, m);
  if (state >= 0 && cluster->state >= 0) {
    return cluster->state == state ? ROLE_FITS : ROLE_CONFLICTS;
  }
  bool all = true;
  for (uint32_t q = m.first_token + 1; q + 1 < m.end_token; q++) {
    if (attrib_is_capitalized(in, q) && !role_has(in, cluster, q)) all = false;
  }
  if (all) return ROLE_FITS;
  for (uint32_t t = cluster->role_first; t < cluster->role_end; t++) {
    if (!names_place_or_group(in, t)) continue;
    bool qualifier = false;
    for (uint32_t q = m.first_token + 1; q + 1 < m.end_token && !qualifier; q++) {
      qualifier = attrib_same_token(in, q, t);
    }
    if (!qualifier) return ROLE_CONFLICTS;
  }
  return ROLE_SILENT;
}

/* "the spokesman": the latest person whose role has that noun. With words
 * before the noun ("the Florida senator"), one whose role has them too
 * comes first, then one whose role does not say, never one whose role
 * names another place or group ("Texas Sen. Ted Cruz"). */
static int32_t resolve_nominal(const attrib_input *in, const attrib_result *out,
                               attrib_mention m) {
  if (!attrib_token_is(in, m.first_token, "the")) return -1; /* "a spokesman": someone new */
  uint32_t head = m.end_token - 1;
  if (!attrib_is_role_noun(in, head)) return -1;
  int32_t silent = -1;
  for (size_t c = out->clusters.len; c-- > 0;) {
    const attrib_cluster *cluster = &out->clusters.items[c];
    if (cluster->role_first >= m.first_token) continue; /* the role comes after: no */
    bool same = false;
    for (uint32_t t = cluster->role_first; t < cluster->role_end && !same; t++) {
      same = attrib_same_role(in, t, head);
    }
    if (!same) continue;
    role_fit fit = qualifiers_fit(in, cluster, m);
    if (fit == ROLE_FITS) return (int32_t)c;
    if (fit == ROLE_SILENT && silent < 0) silent = (int32_t)c;
  }
  return silent;
}

/* All ***********************************************************************/

/* The speakers of the quotes seen so far, by their mention: a split quote
 * or a continuation ("...," he said, "...") shares its mention with an
 * earlier quote and takes its speaker. A hash table rather than a look back
 * over every earlier quote, which made a text of a hundred thousand short
 * quotes take seconds. */
typedef struct {
  uint64_t *keys;  /* 0: empty; else the mention's tokens, plus one */
  int32_t *speakers;
  size_t mask;
} mention_table;

static uint64_t mention_key(attrib_mention m) {
  return ((uint64_t)m.first_token << 32 | m.end_token) + 1;
}

static int mention_table_init(mention_table *t, size_t quotes) {
  size_t size = 16;
  while (size < 2 * quotes) size *= 2;
  t->keys = ws_calloc(size, sizeof(*t->keys));
  t->speakers = ws_malloc(size * sizeof(*t->speakers));
  t->mask = size - 1;
  return t->keys != NULL && t->speakers != NULL ? 0 : WHOSAID_ENOMEM;
}

static void mention_table_free(mention_table *t) {
  ws_free(t->keys);
  ws_free(t->speakers);
}

/* The slot of KEY: where it is, or the empty slot where it would go. */
static size_t mention_slot(const mention_table *t, uint64_t key) {
  size_t slot = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & t->mask;
  while (t->keys[slot] != 0 && t->keys[slot] != key) slot = (slot + 1) & t->mask;
  return slot;
}

static int32_t resolve_one(const attrib_input *in, attrib_result *out, size_t q,
                           attrib_mention m) {
  switch (m.kind) {
    case WHOSAID_MENTION_NAME: return resolve_name(in, out, m);
    case WHOSAID_MENTION_PRONOUN: return resolve_pronoun(in, out, q, m);
    case WHOSAID_MENTION_NOMINAL: return resolve_nominal(in, out, m);
  }
  return -1;
}

/* A pronoun resolved is evidence for the next one: its speaker is a person
 * of that gender. */
static void learn_from_pronoun(const attrib_input *in, attrib_result *out, int32_t c,
                               attrib_mention m) {
  attrib_cluster *speaker = &out->clusters.items[c];
  speaker->type = WHOSAID_ENTITY_PER;
  if (speaker->gender == ATTRIB_GENDER_UNKNOWN) {
    speaker->gender = (uint8_t)attrib_pronoun_gender(in, m.first_token);
  }
}

int attrib_resolve(const attrib_input *in, attrib_result *out) {
  mention_table seen;
  if (mention_table_init(&seen, out->quotes.len) != 0) {
    mention_table_free(&seen);
    return WHOSAID_ENOMEM;
  }
  int status = 0;
  for (size_t q = 0; q < out->quotes.len && status == 0; q++) {
    attrib_quote *quote = &out->quotes.items[q];
    attrib_mention m = quote->mention;
    if (m.end_token == m.first_token) continue;
    size_t slot = mention_slot(&seen, mention_key(m));
    bool copied = seen.keys[slot] != 0;
    int32_t c = copied ? seen.speakers[slot] : resolve_one(in, out, q, m);
    if (c == -2) {
      status = WHOSAID_ENOMEM;
      break;
    }
    quote->cluster = c;
    seen.keys[slot] = mention_key(m);
    seen.speakers[slot] = c;
    if (c >= 0 && m.kind == WHOSAID_MENTION_PRONOUN && !copied) learn_from_pronoun(in, out, c, m);
  }
  mention_table_free(&seen);
  return status;
}

int attrib_run(const attrib_input *given, attrib_result *out) {
  attrib_input in = *given;
  uint8_t *cache = NULL;
  if (in.cue_cache == NULL) {
    cache = ws_calloc(in.token_count + 1, 1);
    if (cache == NULL) return WHOSAID_ENOMEM;
    in.cue_cache = cache;
  }
  int status = attrib_cluster_entities(&in, out);
  if (status == 0) status = attrib_find_mentions(&in, out);
  if (status == 0) status = attrib_resolve(&in, out);
  ws_free(cache);
  return status;
}
