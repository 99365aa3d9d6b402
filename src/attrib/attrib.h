/*
 * attrib.h: who said it. For each direct quote, the words that name its
 * source at the speech cue (quote -> mention), and the entity behind them
 * (mention -> entity), as two ordered sieves in the manner of Muzny et al.
 * (2017): precise rules first, and every attribution keeps the rule that
 * made it, so that a wrong one can be traced.
 *
 *   attrib_cluster_entities   group the entity mentions of one real-world
 *                             entity; canonical names, roles, gender
 *   attrib_find_mentions      quote -> mention (sieve.c)
 *   attrib_resolve            mention -> entity (resolve.c)
 *   attrib_run                all three, in that order
 *
 * Everything works on token indices; the API layer turns them into bytes.
 */
#ifndef WHOSAID_ATTRIB_H
#define WHOSAID_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vec.h"
#include "quotes/quotes.h"
#include "text/text.h"
#include "whosaid.h"

/* What attribution reads: the analysis so far. */
typedef struct {
  uint32_t first_token, end_token; /* tokens [first, end) */
  whosaid_entity_type type;
} attrib_entity;

typedef struct {
  const char *text;
  const text_token *tokens;
  size_t token_count;
  const text_sentence *sentences;
  size_t sentence_count;
  const text_paragraph *paragraphs;
  size_t paragraph_count;
  const quote_span *quotes; /* direct or not; only direct ones are attributed */
  size_t quote_count;
  const attrib_entity *entities; /* in text order, not overlapping */
  size_t entity_count;
  const quote_cues *cues; /* NULL: no speech cue is known, so no cue rule fires */
  /* One byte per token remembering attrib_cue_at's answer (0: not asked
   * yet), as the rules ask about the same tokens again and again; NULL:
   * attrib_run provides one. */
  uint8_t *cue_cache;
} attrib_input;

/* A span of tokens that names a source or an entity. */
typedef struct {
  uint32_t first_token, end_token; /* [first, end); first == end: none */
  whosaid_mention_kind kind;
} attrib_mention;

enum { ATTRIB_GENDER_UNKNOWN, ATTRIB_GENDER_MALE, ATTRIB_GENDER_FEMALE };

/* One real-world entity: the mentions of a cluster share its index. */
typedef struct {
  whosaid_entity_type type;
  uint32_t name_first, name_end; /* its fullest name, titles left out */
  uint32_t role_first, role_end; /* "spokesman", "German Foreign Minister"; empty: none */
  uint8_t gender;                /* ATTRIB_GENDER_*: from honorifics and resolved pronouns */
  uint32_t last_mention;         /* token of its latest mention seen so far (resolve.c) */
  int8_t state;                  /* the US state of its party tag ("R-Fla."), or -1 */
} attrib_cluster;

/* The attribution of one quote. */
typedef struct {
  attrib_mention mention;       /* kind meaningful only when the span is not empty */
  whosaid_attribution_rule rule; /* WHOSAID_ATTRIBUTION_NONE: no speaker found */
  int32_t cluster;              /* the speaker, or -1 when unknown */
} attrib_quote;

/* Clusters by the words of their names (last word, first word, initials),
 * so that a name finds its cluster without a scan of all of them. */
typedef struct {
  uint64_t key;
  int32_t cluster, next; /* next: the previous entry of the same chain, or -1 */
} attrib_name_key;

typedef struct {
  VEC(attrib_name_key) keys;
  int32_t *heads; /* chain heads, -1: empty; NULL until the first name */
  size_t mask;
} attrib_name_index;

typedef struct {
  VEC(attrib_cluster) clusters;
  attrib_name_index names;
  VEC(int32_t) entity_cluster; /* the cluster of each input entity */
  VEC(attrib_quote) quotes;    /* one per input quote span */
} attrib_result;

void attrib_result_destroy(attrib_result *result);

/* Attribute every direct quote of IN into OUT (emptied first). */
int attrib_run(const attrib_input *in, attrib_result *out);

/* The stages, for tests. */
int attrib_cluster_entities(const attrib_input *in, attrib_result *out);
int attrib_find_mentions(const attrib_input *in, attrib_result *out);
int attrib_resolve(const attrib_input *in, attrib_result *out);

/* The cluster of the name [FIRST, END) of TYPE: an earlier mention's (same
 * words, a surname, initials), else a new one; -2 when out of memory. */
int32_t attrib_cluster_name(const attrib_input *in, attrib_result *out, uint32_t first,
                            uint32_t end, whosaid_entity_type type);

/* Words (words.c) ***********************************************************/

/* Whether token I's text is WORD, ignoring ASCII case. */
bool attrib_token_is(const attrib_input *in, size_t i, const char *word);
/* Whether tokens A and B spell the same word, ignoring ASCII case. */
bool attrib_same_token(const attrib_input *in, size_t a, size_t b);
/* Whether token ROLE (of a role before a name) and the role noun NOUN of a
 * later mention name the same office: the same word, or a title and its
 * noun ("Sen." and "senator"). */
bool attrib_same_role(const attrib_input *in, size_t role, size_t noun);
/* Whether token I's text is one of WORDS (NULL-terminated), ignoring case. */
bool attrib_token_in(const attrib_input *in, size_t i, const char *const *words);

bool attrib_is_word(const attrib_input *in, size_t i);
bool attrib_is_capitalized(const attrib_input *in, size_t i);
/* he she they ... and the gender a third-person singular one gives. */
bool attrib_is_pronoun(const attrib_input *in, size_t i);
int attrib_pronoun_gender(const attrib_input *in, size_t i);
/* Mr. Mrs. Sen. President ...: written before a name, not part of it. */
bool attrib_is_title(const attrib_input *in, size_t i);
int attrib_title_gender(const attrib_input *in, size_t i);
/* the a an his her their ... */
bool attrib_is_determiner(const attrib_input *in, size_t i);
/* spokesman minister economist ...: nouns that name a role. */
bool attrib_is_role_noun(const attrib_input *in, size_t i);
int attrib_role_gender(const attrib_input *in, size_t i);
/* also then later ... and auxiliaries: what may stand between a subject
 * and its cue ("Trump also said", "she has said"). */
bool attrib_is_adverb(const attrib_input *in, size_t i);
/* Monday, yesterday, last week ...: time words after a cue ("said Tuesday"). */
bool attrib_is_time_word(const attrib_input *in, size_t i);
/* The US state whose name starts at token I, before token END ("Florida";
 * "New Jersey", two tokens, when *PAST is given it is set past them), or -1. */
int attrib_state_at(const attrib_input *in, size_t i, size_t end, size_t *past);
/* The US state of a party tag at token I ("R-Fla.", "I-Vt.", "D-Calif.",
 * "R-Iowa"), or -1. */
int attrib_party_state(const attrib_input *in, size_t i);

/* Cues: the length of the speech cue at token I (0: none), and its kind. */
enum { ATTRIB_CUE_VERB, ATTRIB_CUE_ACCORDING_TO, ATTRIB_CUE_PHRASE };
size_t attrib_cue_at(const attrib_input *in, size_t i, int *kind);

/* Mentions (mentions.c) ******************************************************/

/* Whether token I can be part of a name: a capitalized word, an initial, a
 * title, or a particle inside one ("bin", "de"). */
bool attrib_is_name_token(const attrib_input *in, size_t i);

/* The mention whose last token is I (nothing before FLOOR): a pronoun, a
 * name ("Sen. Ted Cruz"), a nominal ("the former secretary of state"), the
 * subject of an apposition ("Dante Scala, a political scientist at ...,")
 * or of a parenthesis ("Gwen Moore (D-Wis.)"). */
attrib_mention attrib_mention_ending_at(const attrib_input *in, size_t i, size_t floor);

/* The mention that starts at token I (nothing from CEILING on): after an
 * inverted cue ("said spokesman Geng Shuang", "said he"). */
attrib_mention attrib_mention_starting_at(const attrib_input *in, size_t i, size_t ceiling);

/* The subject that opens the sentence of token AT, before AT: "In July,
 * Gingrich dismissed ...", "But the Republican nominee also ...". */
attrib_mention attrib_sentence_subject(const attrib_input *in, size_t at);

/* The index of the entity containing token I, or -1. */
int32_t attrib_entity_at(const attrib_input *in, size_t i);

/* Whether token I opens its sentence. */
bool attrib_starts_sentence(const attrib_input *in, size_t i);

/* The sentence and the paragraph that hold token I. */
size_t attrib_sentence_of(const attrib_input *in, size_t token);
size_t attrib_paragraph_of(const attrib_input *in, size_t token);

#endif
