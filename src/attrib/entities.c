/*
 * entities.c: the mentions of one real-world entity, grouped. A name joins
 * the entity of an earlier mention that spells it the same way (titles left
 * out: "Mr. Trump" is "Trump"), whose surname it is ("Pompeo" of "Mike
 * Pompeo", in either order), whose initials it is ("FBI" after "Federal
 * Bureau of Investigation"), or, failing those, a person's whose first word
 * it is: a family name written first ("Geng" of "Geng Shuang") or a given
 * name used alone ("Hillary"). The canonical name is the fullest one ("Richard
 * A. Grenell"). Along the way each person gets the role the article gives
 * ("spokesman Geng Shuang", "Dante Scala, a political scientist") and the
 * gender its honorifics tell ("Mr.", "Ms."); never one read off a first name.
 */
#include <string.h>

#include "attrib/attrib.h"
#include "core/alloc.h"

/* Roles are short: "German Foreign Minister", "US Ambassador to Germany". */
#define ROLE_WINDOW 6

void attrib_result_destroy(attrib_result *result) {
  VEC_FREE(&result->clusters);
  VEC_FREE(&result->names.keys);
  ws_free(result->names.heads);
  result->names.heads = NULL;
  VEC_FREE(&result->entity_cluster);
  VEC_FREE(&result->quotes);
}

/* Names ***********************************************************************/

/* Tokens [*FIRST, *END) without leading titles ("Sen.", "Mr.") and a
 * trailing possessive. */
static void strip_name(const attrib_input *in, uint32_t *first, uint32_t *end) {
  while (*first + 1 < *end && (attrib_is_title(in, *first) || attrib_is_determiner(in, *first) ||
                               !attrib_is_word(in, *first))) {
    (*first)++;
  }
  /* Names end with a capitalized word: "Noah quipped" is the tagger's slip. */
  while (*end > *first + 1 && (in->tokens[*end - 1].kind == WHOSAID_TOKEN_CLITIC ||
                               !attrib_is_capitalized(in, *end - 1))) {
    (*end)--;
  }
}

static bool same_words(const attrib_input *in, uint32_t a, uint32_t a_end, uint32_t b,
                       uint32_t b_end) {
  if (a_end - a != b_end - b) return false;
  for (uint32_t k = 0; k < a_end - a; k++) {
    if (!attrib_same_token(in, a + k, b + k)) return false;
  }
  return true;
}

/* Whether the all-capitals token at I spells the initials of [FIRST, END)
 * ("FBI": Federal Bureau of Investigation; small words do not count). */
static bool initials_of(const attrib_input *in, size_t i, uint32_t first, uint32_t end) {
  const text_token *acronym = &in->tokens[i];
  if (!(acronym->flags & WHOSAID_TOKEN_ALL_CAPS) || end - first < 2) return false;
  size_t n = 0, length = acronym->end - acronym->start;
  for (uint32_t k = first; k < end; k++) {
    if (!attrib_is_capitalized(in, k)) continue;
    if (n >= length || in->text[in->tokens[k].start] != in->text[acronym->start + n]) return false;
    n++;
  }
  return n == length;
}

/* Whether a one-word name joins a longer one of TYPE: a person's surname
 * ("Pompeo" of "Mike Pompeo"), an organisation's first or last word
 * ("Peabody" of "Peabody Energy"). */
static bool short_form(const attrib_input *in, whosaid_entity_type type, uint32_t word,
                       uint32_t first, uint32_t end) {
  if (end - first < 2) return false;
  if (type == WHOSAID_ENTITY_PER) return attrib_same_token(in, word, end - 1);
  return type == WHOSAID_ENTITY_ORG &&
         (attrib_same_token(in, word, first) || attrib_same_token(in, word, end - 1));
}

/* Whether [FIRST, END) is a person's surname with its particle in lower
 * case, the end of the name [NAME, NAME_END): "de Wit" of "Pieter de Wit". */
static bool particle_surname(const attrib_input *in, uint32_t first, uint32_t end, uint32_t name,
                             uint32_t name_end) {
  uint32_t n = end - first;
  return n >= 2 && name_end - name > n && !attrib_is_capitalized(in, first) &&
         same_words(in, first, end, name_end - n, name_end);
}

static bool gender_fits(const attrib_cluster *cluster, int gender) {
  return gender == ATTRIB_GENDER_UNKNOWN || cluster->gender == ATTRIB_GENDER_UNKNOWN ||
         cluster->gender == gender;
}

/* Whether the sentence of token I reads as a headline: in capitals, or in
 * Title Case, with words capitalized that are no person's name ("Sees",
 * "Personal", "Insult", which the tagger may take for an organisation):
 * three or more besides the first word, and twice as many as those in
 * lower case (but the small ones a title leaves so: "of", "for"). A name in
 * a headline may have taken in a verb: "Obama Sees 'Personal Insult' if
 * Blacks Don't Rally for Hillary Clinton". */
static bool in_headline(const attrib_input *in, size_t i) {
  if (in->sentence_count == 0) return false;
  const text_sentence *sentence = &in->sentences[attrib_sentence_of(in, i)];
  uint32_t words = 0, caps = 0, capitalized = 0, lower = 0;
  for (uint32_t k = sentence->first_token; k < sentence->first_token + sentence->token_count; k++) {
    const text_token *token = &in->tokens[k];
    if (token->kind != WHOSAID_TOKEN_WORD || token->end - token->start < 2) continue;
    words++;
    caps += (token->flags & WHOSAID_TOKEN_ALL_CAPS) != 0;
    if (!(token->flags & WHOSAID_TOKEN_CAPITALIZED)) {
      lower += !text_is_headline_small_word(in->text + token->start, token->end - token->start);
    } else if (k > sentence->first_token) {
      int32_t e = attrib_entity_at(in, k);
      capitalized += e < 0 || in->entities[e].type != WHOSAID_ENTITY_PER;
    }
  }
  return words >= 2 && (caps * 10 >= words * 8 || (capitalized >= 3 && capitalized >= 2 * lower));
}

/* Whether [FIRST, END) has the shape of a person's full name: two or three
 * words, each capitalized ("Geng Shuang", "Donald J. Trump"); not a name
 * the tagger ran on with ("Mark-Viverito pillories Sanders"). */
static bool full_name_shape(const attrib_input *in, uint32_t first, uint32_t end) {
  if (end - first < 2 || end - first > 3) return false;
  for (uint32_t k = first; k < end; k++) {
    if (!attrib_is_capitalized(in, k)) return false;
  }
  return true;
}

/* The name index ************************************************************/

enum { KEY_LAST = 1, KEY_FIRST, KEY_INITIALS };

static uint64_t hash_bytes(uint64_t h, const char *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) {
    h = (h ^ text_ascii_lower((unsigned char)bytes[i])) * 0x100000001b3ull;
  }
  return h;
}

static uint64_t token_key(const attrib_input *in, size_t i, int kind) {
  const text_token *token = &in->tokens[i];
  return hash_bytes(0xcbf29ce484222325ull ^ (uint64_t)kind, in->text + token->start,
                    token->end - token->start);
}

/* The initials of [FIRST, END) ("FBI"), as the key an acronym looks up. */
static uint64_t initials_key(const attrib_input *in, uint32_t first, uint32_t end) {
  uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)KEY_INITIALS;
  for (uint32_t k = first; k < end; k++) {
    if (attrib_is_capitalized(in, k)) h = hash_bytes(h, in->text + in->tokens[k].start, 1);
  }
  return h;
}

static int index_add(attrib_name_index *index, uint64_t key, int32_t cluster) {
  if (index->heads == NULL) {
    size_t capacity = 1024;
    index->heads = ws_malloc(capacity * sizeof(*index->heads));
    if (index->heads == NULL) return WHOSAID_ENOMEM;
    for (size_t i = 0; i < capacity; i++) index->heads[i] = -1;
    index->mask = capacity - 1;
  }
  size_t slot = (size_t)(key ^ key >> 29) & index->mask;
  attrib_name_key entry = {key, cluster, index->heads[slot]};
  if (VEC_PUSH(&index->keys, entry) != 0) return WHOSAID_ENOMEM;
  index->heads[slot] = (int32_t)(index->keys.len - 1);
  return 0;
}

/* File cluster C under its name's last word, first word and initials. */
static int index_cluster(const attrib_input *in, attrib_result *out, int32_t c) {
  const attrib_cluster *cluster = &out->clusters.items[c];
  int status = index_add(&out->names, token_key(in, cluster->name_end - 1, KEY_LAST), c);
  if (status == 0) {
    status = index_add(&out->names, token_key(in, cluster->name_first, KEY_FIRST), c);
  }
  if (status == 0 && cluster->name_end - cluster->name_first > 1) {
    status = index_add(&out->names, initials_key(in, cluster->name_first, cluster->name_end), c);
  }
  return status;
}

/* Finding a name's cluster ***************************************************/

typedef struct {
  int32_t same, shorter, initials, first; /* the latest cluster of each kind of match, or -1 */
} matches;

static void consider(const attrib_input *in, const attrib_result *out, uint32_t first,
                     uint32_t end, whosaid_entity_type type, int gender, int32_t c,
                     matches *found) {
  const attrib_cluster *cluster = &out->clusters.items[c];
  if (!gender_fits(cluster, gender)) return;
  if (same_words(in, first, end, cluster->name_first, cluster->name_end)) {
    if (c > found->same) found->same = c;
    return;
  }
  if (cluster->type != type) return;
  bool one_word = end - first == 1, its_one_word = cluster->name_end - cluster->name_first == 1;
  bool surname = type == WHOSAID_ENTITY_PER &&
                 (particle_surname(in, first, end, cluster->name_first, cluster->name_end) ||
                  particle_surname(in, cluster->name_first, cluster->name_end, first, end));
  if (((one_word && short_form(in, type, first, cluster->name_first, cluster->name_end)) ||
       (its_one_word && short_form(in, type, cluster->name_first, first, end)) || surname) &&
      c > found->shorter) {
    found->shorter = c;
  }
  if (one_word && initials_of(in, first, cluster->name_first, cluster->name_end) &&
      c > found->initials) {
    found->initials = c;
  }
  /* A person's first word: the family name of "Geng Shuang" (written
   * first), or the given name a text may use alone ("Hillary"); not of a
   * name in a headline, which may be a name and a verb ("Obama Sees"). */
  if (one_word && type == WHOSAID_ENTITY_PER && c > found->first &&
      attrib_same_token(in, first, cluster->name_first) &&
      full_name_shape(in, cluster->name_first, cluster->name_end) &&
      !in_headline(in, cluster->name_first)) {
    found->first = c;
  }
}

/* The cluster an earlier mention gives the name [FIRST, END) of TYPE and
 * GENDER (from an honorific), or -1: the latest with the same words, else
 * the latest it is a short form of (or that is its short form: "Mr.
 * Clinton" the latest Clinton not known as a woman), else the latest whose
 * initials it is, else the latest person whose first word it is. */
static int32_t find_cluster(const attrib_input *in, const attrib_result *out, uint32_t first,
                            uint32_t end, whosaid_entity_type type, int gender) {
  matches found = {-1, -1, -1, -1};
  if (out->names.heads == NULL) return -1;
  /* Same words and surnames share the last word; a one-word name may be an
   * organisation's first word or initials; a one-word organisation may be
   * this one's first word ("Peabody", then "Peabody Energy"). */
  bool one_word = end - first == 1;
  uint64_t keys[4] = {token_key(in, end - 1, KEY_LAST), token_key(in, first, KEY_FIRST),
                      token_key(in, first, KEY_INITIALS), token_key(in, first, KEY_LAST)};
  for (int k = 0; k < 4; k++) {
    if ((k == 1 || k == 2) && !one_word) continue;
    if (k == 3 && (one_word || type != WHOSAID_ENTITY_ORG)) continue;
    int32_t entry = out->names.heads[(size_t)(keys[k] ^ keys[k] >> 29) & out->names.mask];
    for (; entry >= 0; entry = out->names.keys.items[entry].next) {
      const attrib_name_key *e = &out->names.keys.items[entry];
      if (e->key == keys[k]) consider(in, out, first, end, type, gender, e->cluster, &found);
    }
  }
  if (found.same >= 0) return found.same;
  if (found.shorter >= 0) return found.shorter;
  return found.initials >= 0 ? found.initials : found.first;
}

/* Name suffixes the tagger leaves out: "Vann R. Newkirk II". */
static uint32_t with_suffix(const attrib_input *in, uint32_t end) {
  static const char *const suffixes[] = {"jr.", "sr.", "jr", "sr", "ii", "iii", "iv", NULL};
  if (end < in->token_count && attrib_token_in(in, end, suffixes)) return end + 1;
  if (end + 1 < in->token_count && attrib_token_is(in, end, ",") &&
      attrib_token_in(in, end + 1, suffixes) && !attrib_token_is(in, end + 1, "ii")) {
    return end + 2;
  }
  return end;
}

/* The gender an honorific before token FIRST (or at it) gives. */
static int honorific_gender(const attrib_input *in, uint32_t first) {
  int gender = attrib_title_gender(in, first);
  if (gender == ATTRIB_GENDER_UNKNOWN && first > 0) gender = attrib_title_gender(in, first - 1);
  return gender;
}

int32_t attrib_cluster_name(const attrib_input *in, attrib_result *out, uint32_t first,
                            uint32_t end, whosaid_entity_type type) {
  int gender = type == WHOSAID_ENTITY_PER ? honorific_gender(in, first) : ATTRIB_GENDER_UNKNOWN;
  strip_name(in, &first, &end);
  if (type == WHOSAID_ENTITY_PER) end = with_suffix(in, end);
  int32_t c = find_cluster(in, out, first, end, type, gender);
  if (c >= 0) {
    attrib_cluster *cluster = &out->clusters.items[c];
    /* The tagger is surer of a name in the story than in the headline: the
     * same words a person there ("Elizabeth Warren"), an organisation in a
     * Title Case headline, are a person. */
    if (type == WHOSAID_ENTITY_PER && cluster->type != type &&
        in_headline(in, cluster->name_first) && !in_headline(in, first)) {
      cluster->type = type;
    }
    if (cluster->gender == ATTRIB_GENDER_UNKNOWN) cluster->gender = (uint8_t)gender;
    if (end - first > cluster->name_end - cluster->name_first) { /* the fullest name */
      cluster->name_first = first;
      cluster->name_end = end;
      if (index_cluster(in, out, c) != 0) return -2;
    }
    return c;
  }
  attrib_cluster cluster = {type, first, end, 0, 0, (uint8_t)gender, 0, -1};
  if (VEC_PUSH(&out->clusters, cluster) != 0) return -2;
  c = (int32_t)(out->clusters.len - 1);
  return index_cluster(in, out, c) == 0 ? c : -2;
}

/* Roles and gender ************************************************************/

static bool is_role_word(const attrib_input *in, size_t i) {
  return attrib_is_role_noun(in, i) || attrib_is_title(in, i);
}

/* "German Foreign Minister Heiko Maas", "said spokesman Geng Shuang": the
 * words before the name that end in a title or a role noun. */
static void role_before(const attrib_input *in, uint32_t name, uint32_t *first, uint32_t *end) {
  uint32_t k = name;
  size_t sentence = attrib_sentence_of(in, name);
  while (k > 0 && name - k < ROLE_WINDOW && attrib_sentence_of(in, k - 1) == sentence) {
    size_t t = k - 1;
    bool linking = (attrib_token_is(in, t, "of") || attrib_token_is(in, t, "to")) &&
                   attrib_is_capitalized(in, k);
    bool part = is_role_word(in, t) || linking ||
                (attrib_is_capitalized(in, t) && !attrib_is_determiner(in, t) &&
                 !attrib_is_pronoun(in, t));
    if (!part || in->tokens[t].kind == WHOSAID_TOKEN_QUOTE) break;
    k--;
  }
  while (k < name && !is_role_word(in, k) && !attrib_is_capitalized(in, k)) k++;
  for (uint32_t t = k; t < name; t++) {
    if (is_role_word(in, t) && !(attrib_is_title(in, t) && t + 1 == name &&
                                 attrib_title_gender(in, t) != ATTRIB_GENDER_UNKNOWN)) {
      *first = k, *end = name;
      return;
    }
  }
}

/* Whether token I names what a person is: a role noun, in the singular,
 * that is not a body or a document ("In a statement, ..."). */
static bool is_personal_role(const attrib_input *in, size_t i) {
  static const char *const not_people[] = {
      "campaign", "company", "group", "agency", "ministry", "department", "committee", "party",
      "network", "newspaper", "paper", "union", "administration", "government", "office",
      "statement", "report", "source", "police", "people", "vice", "person", NULL};
  const text_token *token = &in->tokens[i];
  bool plural = in->text[token->end - 1] == 's' && !attrib_token_is(in, i, "boss");
  return attrib_is_role_noun(in, i) && !plural && !attrib_token_in(in, i, not_people);
}

/* Words that tell how a person stands to someone else, not what the person
 * is: "her husband, Milton Berg," says he is a man, and no more. */
static bool is_kin(const attrib_input *in, size_t i) {
  static const char *const kin[] = {"father", "son", "husband", "brother", "man", "mother",
                                    "daughter", "wife", "sister", "woman", "friend", "partner",
                                    "colleague", "neighbor", "ally", "boss", NULL};
  return attrib_token_in(in, i, kin);
}

/* "A spokeswoman for the European Commission, Claire Dumont, said", "Varga's
 * deputy, Pieter de Wit, struck": a role noun, then what qualifies it (of,
 * for, at, in and names), then the name between commas. The second comma
 * tells an apposition from a sentence that goes on ("After meeting the
 * minister, Smith said"). Returns the role noun's token, or -1; the role
 * goes in *FIRST and *END unless the noun is kin. */
static int64_t role_apposed(const attrib_input *in, uint32_t name, uint32_t name_end,
                            uint32_t *first, uint32_t *end) {
  static const char *const qualifying[] = {"of", "for", "at", "in", "to", "the", NULL};
  if (name < 2 || name_end >= in->token_count || !attrib_token_is(in, name - 1, ",") ||
      !attrib_token_is(in, name_end, ",")) {
    return -1;
  }
  uint32_t comma = name - 1;
  size_t sentence = attrib_sentence_of(in, comma);
  for (uint32_t r = comma; r-- > 0 && comma - r <= 2 * ROLE_WINDOW;) {
    if (attrib_sentence_of(in, r) != sentence || in->tokens[r].kind != WHOSAID_TOKEN_WORD) {
      return -1;
    }
    if (is_personal_role(in, r)) {
      if (is_kin(in, r)) return r;
      uint32_t k = r;
      while (k > 0 && r - k < ROLE_WINDOW && attrib_sentence_of(in, k - 1) == sentence &&
             (is_role_word(in, k - 1) ||
              (attrib_is_capitalized(in, k - 1) && !attrib_is_determiner(in, k - 1) &&
               !attrib_is_pronoun(in, k - 1)))) {
        k--;
      }
      *first = k, *end = comma;
      return r;
    }
    if (!attrib_token_in(in, r, qualifying) && !attrib_is_capitalized(in, r)) return -1;
  }
  return -1;
}

/* "Dante Scala, a political scientist at ...": the apposition's words up to
 * a preposition, when its head is a role noun. */
static void role_after(const attrib_input *in, uint32_t end_token, uint32_t *first,
                       uint32_t *end) {
  if (end_token + 2 >= in->token_count || !attrib_token_is(in, end_token, ",")) return;
  uint32_t k = end_token + 1;
  if (attrib_token_in(in, k, (const char *const[]){"a", "an", "the", NULL})) k++;
  uint32_t j = k;
  while (j < in->token_count && j < k + ROLE_WINDOW && in->tokens[j].kind == WHOSAID_TOKEN_WORD &&
         !attrib_token_in(in, j, (const char *const[]){"of", "at", "for", "in", "with", "who",
                                                        "from", "and", "on", NULL})) {
    j++;
  }
  if (j > k && attrib_is_role_noun(in, j - 1)) *first = k, *end = j;
}

/* The state of a party tag after a name: "Bernie Sanders (I-Vt.)", "Joni
 * Ernst, R-Iowa,"; -1. */
static int party_state_after(const attrib_input *in, uint32_t end_token) {
  if (end_token + 1 >= in->token_count) return -1;
  if (!attrib_token_is(in, end_token, "(") && !attrib_token_is(in, end_token, ",")) return -1;
  return attrib_party_state(in, end_token + 1);
}

static void learn_about(const attrib_input *in, attrib_cluster *cluster, const attrib_entity *e) {
  if (cluster->type != WHOSAID_ENTITY_PER) return;
  if (cluster->state < 0) cluster->state = (int8_t)party_state_after(in, e->end_token);
  if (cluster->role_end > cluster->role_first) return;
  role_before(in, e->first_token, &cluster->role_first, &cluster->role_end);
  int64_t noun = -1;
  if (cluster->role_end == cluster->role_first) {
    noun = role_apposed(in, e->first_token, e->end_token, &cluster->role_first,
                        &cluster->role_end);
  }
  if (cluster->role_end == cluster->role_first) {
    role_after(in, e->end_token, &cluster->role_first, &cluster->role_end);
  }
  if (cluster->gender == ATTRIB_GENDER_UNKNOWN && noun >= 0) {
    cluster->gender = (uint8_t)attrib_role_gender(in, (size_t)noun);
  }
  if (cluster->gender == ATTRIB_GENDER_UNKNOWN && cluster->role_end > cluster->role_first) {
    cluster->gender = (uint8_t)attrib_role_gender(in, cluster->role_end - 1);
  }
}

int attrib_cluster_entities(const attrib_input *in, attrib_result *out) {
  out->clusters.len = 0;
  out->entity_cluster.len = 0;
  if (VEC_RESERVE(&out->entity_cluster, in->entity_count) != 0) return WHOSAID_ENOMEM;
  for (size_t e = 0; e < in->entity_count; e++) {
    const attrib_entity *entity = &in->entities[e];
    int32_t c = attrib_cluster_name(in, out, entity->first_token, entity->end_token, entity->type);
    if (c < 0) return WHOSAID_ENOMEM;
    out->entity_cluster.items[out->entity_cluster.len++] = c;
    learn_about(in, &out->clusters.items[c], entity);
  }
  return 0;
}
