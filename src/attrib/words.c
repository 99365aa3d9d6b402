/*
 * words.c: the small closed word classes attribution reads: pronouns,
 * titles and honorifics, determiners, role nouns, adverbs and time words.
 * They are closed classes of English (or, for role nouns, the heads of the
 * nominal sources in political news), so they live here as tables rather
 * than in a data file; speech cues, an open class, are the model's
 * cues.txt.
 */
#include <string.h>

#include "attrib/attrib.h"

bool attrib_token_is(const attrib_input *in, size_t i, const char *word) {
  const text_token *token = &in->tokens[i];
  size_t length = token->end - token->start;
  for (size_t k = 0; k < length; k++) { /* WORD's NUL ends the match: no strlen */
    if (text_ascii_lower((unsigned char)in->text[token->start + k]) != (unsigned char)word[k]) {
      return false;
    }
  }
  return word[length] == '\0';
}

bool attrib_same_token(const attrib_input *in, size_t a, size_t b) {
  const text_token *x = &in->tokens[a], *y = &in->tokens[b];
  size_t length = x->end - x->start;
  return length == (size_t)(y->end - y->start) &&
         text_same_caseless(in->text + x->start, in->text + y->start, length);
}

bool attrib_token_in(const attrib_input *in, size_t i, const char *const *words) {
  unsigned char first = text_ascii_lower((unsigned char)in->text[in->tokens[i].start]);
  for (; *words != NULL; words++) { /* the first letter rules out most words cheaply */
    if ((unsigned char)(*words)[0] == first && attrib_token_is(in, i, *words)) return true;
  }
  return false;
}

/* The index of token I's text in WORDS (NULL-terminated), or -1. */
static int index_in(const attrib_input *in, size_t i, const char *const *words) {
  unsigned char first = text_ascii_lower((unsigned char)in->text[in->tokens[i].start]);
  for (int k = 0; words[k] != NULL; k++) {
    if ((unsigned char)words[k][0] == first && attrib_token_is(in, i, words[k])) return k;
  }
  return -1;
}

bool attrib_same_role(const attrib_input *in, size_t role, size_t noun) {
  if (attrib_same_token(in, role, noun)) return true;
  /* A title abbreviated before a name, and the noun a later mention uses:
   * "Sen. Marco Rubio" ... "the Florida senator". */
  static const struct {
    const char *titles[3]; /* with its period and without */
    const char *noun;
  } offices[] = {
      {{"sen.", "sen", NULL}, "senator"},   {{"gov.", "gov", NULL}, "governor"},
      {{"rep.", "rep", NULL}, "congressman"}, {{"rep.", "rep", NULL}, "representative"},
      {{"gen.", "gen", NULL}, "general"},   {{"amb.", "amb", NULL}, "ambassador"},
      {{"pres.", "pres", NULL}, "president"}, {{"sec.", "sec", NULL}, "secretary"}};
  for (size_t k = 0; k < sizeof(offices) / sizeof(offices[0]); k++) {
    if (attrib_token_in(in, role, offices[k].titles) &&
        attrib_token_is(in, noun, offices[k].noun)) {
      return true;
    }
  }
  return false;
}

bool attrib_is_word(const attrib_input *in, size_t i) {
  uint16_t kind = in->tokens[i].kind;
  return kind == WHOSAID_TOKEN_WORD || kind == WHOSAID_TOKEN_ABBREVIATION ||
         kind == WHOSAID_TOKEN_INITIAL;
}

bool attrib_is_capitalized(const attrib_input *in, size_t i) {
  return attrib_is_word(in, i) &&
         (in->tokens[i].flags & (WHOSAID_TOKEN_CAPITALIZED | WHOSAID_TOKEN_ALL_CAPS));
}

/* Pronouns ******************************************************************/

static const char *const male_pronouns[] = {"he", "him", "his", "himself", NULL};
static const char *const female_pronouns[] = {"she", "her", "hers", "herself", NULL};
static const char *const other_pronouns[] = {"they", "them", "their", "we", "i", "you",
                                             "it", "us", "one", NULL};

bool attrib_is_pronoun(const attrib_input *in, size_t i) {
  if (in->tokens[i].flags & WHOSAID_TOKEN_ALL_CAPS) return false; /* "US" is no "us" */
  return attrib_token_in(in, i, male_pronouns) || attrib_token_in(in, i, female_pronouns) ||
         attrib_token_in(in, i, other_pronouns);
}

int attrib_pronoun_gender(const attrib_input *in, size_t i) {
  if (in->tokens[i].flags & WHOSAID_TOKEN_ALL_CAPS) return ATTRIB_GENDER_UNKNOWN;
  if (attrib_token_in(in, i, male_pronouns)) return ATTRIB_GENDER_MALE;
  if (attrib_token_in(in, i, female_pronouns)) return ATTRIB_GENDER_FEMALE;
  return ATTRIB_GENDER_UNKNOWN;
}

/* Titles and honorifics ****************************************************/

static const char *const male_titles[] = {"mr.", "mr", "sir", "lord", "king", "prince",
                                          "father", "brother", "sheikh", NULL};
static const char *const female_titles[] = {"mrs.", "mrs", "ms.", "ms", "miss", "madam",
                                            "dame", "lady", "queen", "princess", "sister",
                                            NULL};
static const char *const other_titles[] = {
    "dr.", "dr", "prof.", "sen.", "sen", "rep.", "rep", "gov.", "gov", "gen.", "lt.",
    "col.", "capt.", "sgt.", "adm.", "maj.", "rev.", "hon.", "pres.", "atty.", "supt.",
    "president", "senator", "governor", "secretary", "minister", "ambassador", "chancellor",
    "mayor", "judge", "justice", "representative", "congressman", "congresswoman",
    "speaker", "chairman", "chairwoman", "commissioner", "general", "premier",
    "vice-president", "spokesman", "spokeswoman", "pope", "ayatollah", NULL};

bool attrib_is_title(const attrib_input *in, size_t i) {
  return attrib_token_in(in, i, other_titles) || attrib_token_in(in, i, male_titles) ||
         attrib_token_in(in, i, female_titles);
}

/* Only honorifics tell a gender: "Mr. Trump", "Ms. Clinton" (and a few
 * titles that are gendered words). Never a first name. */
int attrib_title_gender(const attrib_input *in, size_t i) {
  if (attrib_token_in(in, i, male_titles)) return ATTRIB_GENDER_MALE;
  if (attrib_token_in(in, i, female_titles)) return ATTRIB_GENDER_FEMALE;
  return ATTRIB_GENDER_UNKNOWN;
}

/* Determiners ****************************************************************/

static const char *const determiners[] = {
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "that",
    "these", "those", "another", "one", "some", "many", "several", "two", "three", "other",
    "most", "few", "both", "each", "every", "no", "any", NULL};

bool attrib_is_determiner(const attrib_input *in, size_t i) {
  return attrib_token_in(in, i, determiners);
}

/* Role nouns **********************************************************/

/* The heads of nominal sources and appositions in political news: who
 * speaks when no name is given ("the spokesman", "a senior official"). */
static const char *const male_roles[] = {"spokesman", "congressman", "chairman", "businessman",
                                         "father", "son", "husband", "brother", "man",
                                         "king", "councilman", NULL};
static const char *const female_roles[] = {"spokeswoman", "congresswoman", "chairwoman",
                                           "businesswoman", "mother", "daughter", "wife",
                                           "sister", "woman", "queen", "councilwoman", NULL};
static const char *const roles[] = {
    "spokesperson", "spokespeople", "spokesmen", "spokeswomen", "official", "officials",
    "aide", "aides", "adviser", "advisers", "advisor", "advisors", "minister", "secretary",
    "ambassador", "senator", "president", "governor", "mayor", "manager", "director",
    "economist", "economists", "analyst", "analysts", "strategist", "strategists",
    "professor", "candidate", "nominee", "lawyer", "attorney", "chief", "leader", "leaders",
    "editor", "reporter", "correspondent", "founder", "executive", "ceo", "commissioner",
    "lawmaker", "lawmakers", "representative", "pollster", "consultant", "historian",
    "scientist", "expert", "experts", "chair", "speaker", "deputy", "head", "officer",
    "officers", "general", "envoy", "diplomat", "diplomats", "judge", "sheriff", "chancellor",
    "premier", "critic", "critics", "supporter", "supporters", "voter", "voters",
    "organizer", "activist", "activists", "researcher", "researchers", "fellow", "member",
    "members", "campaign", "company", "group", "agency", "ministry", "department",
    "committee", "party", "network", "newspaper", "paper", "union", "administration",
    "government", "office", "statement", "report", "source", "sources", "host", "anchor",
    "moderator", "operative", "donor", "delegate", "delegates", "surrogate", "chairperson",
    "treasurer", "prosecutor", "prosecutors", "investigator", "investigators", "police",
    "author", "writer", "columnist", "pastor", "bishop", "rabbi", "imam", "coach", "owner",
    "resident", "residents", "student", "students", "worker", "workers", "veteran",
    "attendee", "attendees", "protester", "protesters", "protestors", "republicans",
    "democrats", "people", "person", "vice", "nominees", "candidates", "ally", "allies",
    "constituent", "constituents", "adviser", "director", "delegate", "strategist",
    "organizer", "organizers", "consultants", "pollsters", "commentator", "commentators",
    "senators", "governors", "mayors", "officer", "staffer", "staffers", "aide", "counsel",
    "partner", "friend", "friends", "colleague", "colleagues", "neighbor", "neighbors",
    "boss", "chairman", "president-elect", "frontrunner", "front-runner", "challenger",
    "rival", "opponent", "incumbent", "hopeful", "contender", "secretary-general", NULL};

bool attrib_is_role_noun(const attrib_input *in, size_t i) {
  return attrib_token_in(in, i, roles) || attrib_token_in(in, i, male_roles) ||
         attrib_token_in(in, i, female_roles);
}

int attrib_role_gender(const attrib_input *in, size_t i) {
  if (attrib_token_in(in, i, male_roles)) return ATTRIB_GENDER_MALE;
  if (attrib_token_in(in, i, female_roles)) return ATTRIB_GENDER_FEMALE;
  return ATTRIB_GENDER_UNKNOWN;
}

/* Adverbs and time words ****************************************************/

static const char *const adverbs[] = {
    "also", "then", "later", "once", "again", "further", "previously", "recently", "just",
    "simply", "flatly", "quickly", "repeatedly", "often", "frequently", "has", "had", "have",
    "would", "will", "could", "might", "may", "did", "does", "is", "was", "were", "are",
    "reportedly", "allegedly", "famously", "publicly", "privately", "still", "even", "never",
    "finally", "first", "earlier", "already", "openly", "bluntly", "proudly", "angrily",
    "loudly", "softly", "quietly", "jokingly", "subsequently", "additionally", "only", "too",
    "not", "n't", "ultimately", "initially", "herself", "himself", "themselves",
    "eventually", "immediately", "continually", "confidently", "emphatically", NULL};

bool attrib_is_adverb(const attrib_input *in, size_t i) {
  if (index_in(in, i, adverbs) >= 0) return true;
  /* -ly adverbs in general: "Trump angrily said" */
  const text_token *token = &in->tokens[i];
  size_t length = token->end - token->start;
  return token->kind == WHOSAID_TOKEN_WORD && length > 4 &&
         !(token->flags & WHOSAID_TOKEN_CAPITALIZED) &&
         memcmp(in->text + token->end - 2, "ly", 2) == 0;
}

static const char *const time_words[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "yesterday", "today", "tonight", "recently", "later", "earlier", "afterward",
    "afterwards", "then", "last", "this", "next", "week", "month", "year", "morning",
    "afternoon", "evening", "night", "on", "in", "at", "during", "after", "before", "ago",
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "jan.", "feb.", "aug.", "sept.", "oct.", "nov.",
    "dec.", NULL};

bool attrib_is_time_word(const attrib_input *in, size_t i) {
  return in->tokens[i].kind == WHOSAID_TOKEN_NUMBER || attrib_token_in(in, i, time_words);
}

/* Cues **********************************************************************/

static size_t find_cue(const attrib_input *in, size_t i, int *kind);

size_t attrib_cue_at(const attrib_input *in, size_t i, int *kind) {
  if (in->cue_cache == NULL) return find_cue(in, i, kind);
  uint8_t cached = in->cue_cache[i];
  if (cached == 0) { /* 1 + length * 4 + kind; lengths are at most QUOTE_CUE_MAX_WORDS */
    int found_kind = ATTRIB_CUE_VERB;
    size_t length = find_cue(in, i, &found_kind);
    cached = (uint8_t)(1 + length * 4 + (size_t)found_kind);
    in->cue_cache[i] = cached;
  }
  *kind = (cached - 1) & 3;
  return (size_t)(cached - 1) >> 2;
}

static size_t find_cue(const attrib_input *in, size_t i, int *kind) {
  /* Cues are verbs and phrases in lower case: "States" of "United States"
   * or "Post" of "Washington Post" are names. A sentence may start with
   * one ("Said Dorothy Poynter, ...", "Stated Stone:"). */
  uint16_t flags = in->tokens[i].flags;
  if ((flags & WHOSAID_TOKEN_ALL_CAPS) ||
      ((flags & WHOSAID_TOKEN_CAPITALIZED) && !attrib_starts_sentence(in, i))) {
    return 0;
  }
  size_t length = quote_cues_match(in->cues, in->text, in->tokens, in->token_count, i);
  if (length == 0) return 0;
  if (attrib_token_is(in, i, "according")) {
    *kind = ATTRIB_CUE_ACCORDING_TO;
  } else if (attrib_token_is(in, i, "in")) {
    *kind = ATTRIB_CUE_PHRASE;
  } else {
    /* A cue word used as a noun: "the report said", "Trump's claim that",
     * "a series of tweets" — after a determiner, a possessive or "of", it
     * is no verb. */
    bool noun = i > 0 && (attrib_is_determiner(in, i - 1) ||
                          in->tokens[i - 1].kind == WHOSAID_TOKEN_CLITIC ||
                          attrib_token_is(in, i - 1, "of"));
    *kind = noun ? ATTRIB_CUE_PHRASE : ATTRIB_CUE_VERB;
  }
  return length;
}
