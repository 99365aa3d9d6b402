/*
 * test_attribution.c: who said it, one small hand-written article per rule.
 * The entities are given by each test (every occurrence of the names it
 * lists), so that these tests do not move when the tagger is retrained;
 * the speech cues are the shipped cues.txt. For each sieve rule a quote it
 * must attribute, for each coreference rule a speaker it must find, and
 * the cases where the right answer is "nobody": a narrator's aside, an
 * impersonal passive, "according to" after a named speaker, a pronoun with
 * two candidates, a quote with no cue at all.
 */
#include <stdlib.h>
#include <string.h>

#include "attrib/attrib.h"
#include "core/alloc.h"
#include "core/file.h"
#include "test.h"

static quote_cues *cues;

/* An analysed text: the stages before attribution, then attribution. */
typedef struct {
  const char *text;
  text_token_vec tokens;
  text_paragraph_vec paragraphs;
  text_sentence_vec sentences;
  quote_span_vec quotes;
  VEC(attrib_entity) entities;
  attrib_input in;
  attrib_result out;
} analysis;

static void analysis_free(analysis *a) {
  VEC_FREE(&a->tokens);
  VEC_FREE(&a->paragraphs);
  VEC_FREE(&a->sentences);
  VEC_FREE(&a->quotes);
  VEC_FREE(&a->entities);
  attrib_result_destroy(&a->out);
}

/* Whether tokens from FIRST spell NAME (words separated by single spaces);
 * the token count goes to *COUNT. */
static bool spells(const analysis *a, size_t first, const char *name, size_t *count) {
  size_t k = first, at = 0, length = strlen(name);
  while (at < length && k < a->tokens.len) {
    const text_token *token = &a->tokens.items[k];
    size_t size = token->end - token->start;
    if (at + size > length || memcmp(a->text + token->start, name + at, size) != 0) return false;
    at += size, k++;
    if (at < length && name[at] == ' ') at++;
  }
  *count = k - first;
  return at == length;
}

/* Mark every occurrence of each "TYPE:Name" of SPECS (NULL-terminated) as
 * an entity, in text order. */
static int mark_entities(analysis *a, const char *const *specs) {
  for (size_t t = 0; t < a->tokens.len; t++) {
    for (const char *const *spec = specs; *spec != NULL; spec++) {
      static const char *const types[] = {"PER:", "ORG:", "LOC:", "MISC:"};
      whosaid_entity_type type = WHOSAID_ENTITY_PER;
      const char *name = *spec;
      for (int k = 0; k < 4; k++) {
        if (strncmp(name, types[k], strlen(types[k])) == 0) {
          type = (whosaid_entity_type)k, name += strlen(types[k]);
        }
      }
      size_t count;
      if (!spells(a, t, name, &count)) continue;
      attrib_entity entity = {(uint32_t)t, (uint32_t)(t + count), type};
      if (VEC_PUSH(&a->entities, entity) != 0) return WHOSAID_ENOMEM;
      t += count - 1;
      break;
    }
  }
  return 0;
}

static int analyze(analysis *a, const char *text, const char *const *entities) {
  memset(a, 0, sizeof(*a));
  a->text = text;
  size_t length = strlen(text);
  int status = text_tokenize(text, length, &a->tokens);
  if (status == 0) status = text_find_paragraphs(text, length, &a->paragraphs);
  if (status == 0) {
    status = text_split_sentences(text, length, a->tokens.items, a->tokens.len,
                                  a->paragraphs.items, a->paragraphs.len, &a->sentences);
  }
  if (status == 0) {
    status = quote_find_spans(text, a->tokens.items, a->tokens.len, a->paragraphs.items,
                              a->paragraphs.len, &a->quotes);
  }
  if (status == 0) {
    quote_classify(text, a->tokens.items, a->tokens.len, a->sentences.items, a->sentences.len,
                   cues, a->quotes.items, a->quotes.len);
    status = mark_entities(a, entities);
  }
  a->in = (attrib_input){text,
                         a->tokens.items,
                         a->tokens.len,
                         a->sentences.items,
                         a->sentences.len,
                         a->paragraphs.items,
                         a->paragraphs.len,
                         a->quotes.items,
                         a->quotes.len,
                         a->entities.items,
                         a->entities.len,
                         cues,
                     NULL};
  return status == 0 ? attrib_run(&a->in, &a->out) : status;
}

/* The attribution of the quote whose text (after its mark) starts with
 * PREFIX, or NULL. */
static const attrib_quote *quote_of(const analysis *a, const char *prefix) {
  for (size_t q = 0; q < a->quotes.len; q++) {
    const quote_span *span = &a->quotes.items[q];
    const char *inside = a->text + a->tokens.items[span->open_token].end;
    if (strncmp(inside, prefix, strlen(prefix)) == 0) return &a->out.quotes.items[q];
  }
  return NULL;
}

/* The text of tokens [FIRST, END) into OUT. */
static const char *span_text(const analysis *a, uint32_t first, uint32_t end, char *out,
                             size_t room) {
  out[0] = '\0';
  if (end <= first) return out;
  uint32_t from = a->tokens.items[first].start, to = a->tokens.items[end - 1].end;
  size_t length = to - from < room - 1 ? to - from : room - 1;
  memcpy(out, a->text + from, length);
  out[length] = '\0';
  return out;
}

static char mention_buffer[128], speaker_buffer[128], role_buffer[128];

static const char *mention_of(const analysis *a, const attrib_quote *quote) {
  if (quote == NULL) return "(no such quote)";
  return span_text(a, quote->mention.first_token, quote->mention.end_token, mention_buffer,
                   sizeof(mention_buffer));
}

/* The canonical name of the quote's speaker; "" when unknown. */
static const char *speaker_of(const analysis *a, const attrib_quote *quote) {
  if (quote == NULL || quote->cluster < 0) return "";
  const attrib_cluster *c = &a->out.clusters.items[quote->cluster];
  return span_text(a, c->name_first, c->name_end, speaker_buffer, sizeof(speaker_buffer));
}

static const char *role_of(const analysis *a, const attrib_quote *quote) {
  if (quote == NULL || quote->cluster < 0) return "";
  const attrib_cluster *c = &a->out.clusters.items[quote->cluster];
  return span_text(a, c->role_first, c->role_end, role_buffer, sizeof(role_buffer));
}

/* Analyse TEXT and check the quote starting with PREFIX: its mention, its
 * speaker ("" for none) and its rule. */
#define ASSERT_ATTRIBUTION(TEXT, ENTITIES, PREFIX, MENTION, SPEAKER, RULE)       \
  do {                                                                          \
    analysis an_;                                                               \
    int status_ = analyze(&an_, (TEXT), (ENTITIES));                            \
    const attrib_quote *qt_ = quote_of(&an_, (PREFIX));                         \
    char got_[2][128];                                                          \
    strcpy(got_[0], mention_of(&an_, qt_));                                     \
    strcpy(got_[1], speaker_of(&an_, qt_));                                     \
    int rule_ = qt_ != NULL ? (int)qt_->rule : -1;                              \
    analysis_free(&an_);                                                        \
    ASSERT_OK(status_);                                                         \
    ASSERT_STR_EQ(got_[0], (MENTION));                                          \
    ASSERT_STR_EQ(got_[1], (SPEAKER));                                          \
    ASSERT_STR_EQ(whosaid_attribution_rule_name((whosaid_attribution_rule)rule_), \
                  whosaid_attribution_rule_name(RULE));                         \
  } while (0)

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Analyse TEXT and check the role of the speaker of the quote starting
 * with PREFIX. */
#define ASSERT_ROLE(TEXT, ENTITIES, PREFIX, ROLE)              \
  do {                                                        \
    analysis an_;                                             \
    int status_ = analyze(&an_, (TEXT), (ENTITIES));          \
    char role_[128];                                          \
    strcpy(role_, role_of(&an_, quote_of(&an_, (PREFIX))));   \
    analysis_free(&an_);                                      \
    ASSERT_OK(status_);                                       \
    ASSERT_STR_EQ(role_, (ROLE));                             \
  } while (0)

/* The sieve ****************************************************************/

TEST(trailing_cue) {
  ASSERT_ATTRIBUTION("\xe2\x80\x9cWe will take our own decisions,\xe2\x80\x9d Pompeo said.\n",
                     NAMES("PER:Pompeo"), "We will", "Pompeo", "Pompeo",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(trailing_cue_inverted_and_not_the_outlet_of_according_to) {
  ASSERT_ATTRIBUTION("\xe2\x80\x9cWe hope the United States can stop these actions,\xe2\x80\x9d "
                     "said spokesman Geng Shuang, according to Reuters.\n",
                     NAMES("PER:Geng Shuang", "ORG:Reuters", "LOC:United States"), "We hope",
                     "spokesman Geng Shuang", "Geng Shuang", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(trailing_cue_after_an_apposition) {
  ASSERT_ATTRIBUTION("\"The state is in play this year,\" Dante Scala, a political scientist at "
                     "the University of New Hampshire, said on Monday.\n",
                     NAMES("PER:Dante Scala", "ORG:University of New Hampshire"), "The state",
                     "Dante Scala", "Dante Scala", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(trailing_dash) {
  ASSERT_ATTRIBUTION("\"I am truly afraid of what comes next.\" \xe2\x80\x95 Edwin Monroy\n",
                     NAMES("PER:Edwin Monroy"), "I am", "Edwin Monroy", "Edwin Monroy",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(split_quote_gives_both_parts_one_speaker) {
  static const char text[] =
      "Mr. Obama toured the island.\n\n"
      "\"My hope,\" he said, \"is that as ex-president I can have more influence.\"\n";
  ASSERT_ATTRIBUTION(text, NAMES("PER:Obama"), "My hope", "he", "Obama",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION(text, NAMES("PER:Obama"), "is that", "he", "Obama",
                     WHOSAID_ATTRIBUTION_SPLIT_QUOTE);
}

TEST(leading_cue_with_a_colon) {
  ASSERT_ATTRIBUTION("Pompeo told the news conference further: \xe2\x80\x9cThere is a risk we "
                     "will have to change our behavior.\xe2\x80\x9d\n",
                     NAMES("PER:Pompeo"), "There is", "Pompeo", "Pompeo",
                     WHOSAID_ATTRIBUTION_LEADING_CUE);
}

TEST(leading_cue_in_the_paragraph_before) {
  ASSERT_ATTRIBUTION("Caddell continued:\n\n\"The health issue is very much a partisan "
                     "issue for voters.\"\n",
                     NAMES("PER:Caddell"), "The health", "Caddell", "Caddell",
                     WHOSAID_ATTRIBUTION_LEADING_CUE);
}

TEST(reported_speech) {
  ASSERT_ATTRIBUTION("US Ambassador Richard A. Grenell told the minister in a letter that "
                     "Germany \"wouldn't be able to keep intelligence sharing at its level.\"\n",
                     NAMES("PER:Richard A. Grenell", "LOC:Germany"), "wouldn't",
                     "Ambassador Richard A. Grenell", "Richard A. Grenell",
                     WHOSAID_ATTRIBUTION_REPORTED_SPEECH);
}

TEST(reported_speech_skips_the_narrators_aside) {
  ASSERT_ATTRIBUTION("As we reported previously, Senator Smith said the plan was \"dead on "
                     "arrival in the Senate.\"\n",
                     NAMES("PER:Smith"), "dead on", "Senator Smith", "Smith",
                     WHOSAID_ATTRIBUTION_REPORTED_SPEECH);
}

TEST(according_to) {
  ASSERT_ATTRIBUTION("The talks will resume \"within the next few weeks at the latest,\" "
                     "according to Reuters.\n",
                     NAMES("ORG:Reuters"), "within", "Reuters", "Reuters",
                     WHOSAID_ATTRIBUTION_ACCORDING_TO);
}

TEST(transcript_turn) {
  ASSERT_ATTRIBUTION("Partial transcript as follows:\n\n\"PENCE: Well, look, we will win this "
                     "state.\n\n\"WALLACE: Let us move on.\"\n",
                     NAMES("PER:PENCE", "PER:WALLACE"), "PENCE", "PENCE", "PENCE",
                     WHOSAID_ATTRIBUTION_TRANSCRIPT_TURN);
}

TEST(quote_only_paragraph_continues_the_speaker) {
  ASSERT_ATTRIBUTION("\"We will win this state,\" Pompeo said.\n\n"
                     "\"And we will keep winning it for years to come.\"\n",
                     NAMES("PER:Pompeo"), "And we", "Pompeo", "Pompeo",
                     WHOSAID_ATTRIBUTION_CONTINUATION);
}

TEST(sentence_subject_of_a_partial_quote) {
  ASSERT_ATTRIBUTION("In July, Gingrich dismissed Estonia as being in the \"suburbs of St. "
                     "Petersburg\" on television.\n",
                     NAMES("PER:Gingrich", "LOC:Estonia", "LOC:St. Petersburg"), "suburbs",
                     "Gingrich", "Gingrich", WHOSAID_ATTRIBUTION_SENTENCE_SUBJECT);
}

TEST(no_speaker_for_an_impersonal_passive) {
  ASSERT_ATTRIBUTION("It was noted at the time that the warning is \"likely to cause alarm "
                     "among security circles.\"\n",
                     NAMES("PER:Nobody"), "likely", "", "", WHOSAID_ATTRIBUTION_NONE);
}

TEST(no_speaker_for_a_quote_without_a_cue) {
  ASSERT_ATTRIBUTION("The weather was fine.\n\n\"Nobody knows what will happen next in this "
                     "race.\"\n",
                     NAMES("PER:Nobody Else"), "Nobody", "", "", WHOSAID_ATTRIBUTION_NONE);
}

/* Mention -> entity ************************************************************/

TEST(surname_is_the_full_name_with_its_role) {
  static const char text[] =
      "Secretary of State Mike Pompeo arrived in Berlin on Friday.\n\n"
      "\"We will speak to them openly,\" Pompeo said.\n";
  ASSERT_ATTRIBUTION(text, NAMES("PER:Mike Pompeo", "PER:Pompeo", "LOC:Berlin"), "We will",
                     "Pompeo", "Mike Pompeo", WHOSAID_ATTRIBUTION_TRAILING_CUE);
  analysis a;
  ASSERT_OK(analyze(&a, text, NAMES("PER:Mike Pompeo", "PER:Pompeo", "LOC:Berlin")));
  char role[128];
  strcpy(role, role_of(&a, quote_of(&a, "We will")));
  ASSERT_EQ(a.out.entity_cluster.items[0], a.out.entity_cluster.items[2]); /* both Pompeos */
  analysis_free(&a);
  ASSERT_STR_EQ(role, "Secretary of State");
}

TEST(the_fullest_name_is_canonical_even_when_it_comes_later) {
  ASSERT_ATTRIBUTION("\"We wrote to them,\" Grenell said.\n\n"
                     "Ambassador Richard A. Grenell sent the letter in March.\n",
                     NAMES("PER:Richard A. Grenell", "PER:Grenell"), "We wrote", "Grenell",
                     "Richard A. Grenell", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(an_acronym_is_its_expansion) {
  ASSERT_ATTRIBUTION("The Federal Bureau of Investigation opened a case.\n\n"
                     "\"We are looking into the matter closely,\" the FBI said.\n",
                     NAMES("ORG:Federal Bureau of Investigation", "ORG:FBI"), "We are",
                     "FBI", "Federal Bureau of Investigation", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(a_first_name_alone_is_the_full_name_it_begins) {
  /* A family name written first, and a given name used alone. */
  ASSERT_ATTRIBUTION("Foreign ministry spokesman Geng Shuang spoke on Monday.\n\n"
                     "\"We firmly oppose it,\" Geng said.\n",
                     NAMES("PER:Geng Shuang", "PER:Geng"), "We firmly", "Geng", "Geng Shuang",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("Hillary Clinton was in Ohio on Monday.\n\n"
                     "\"We will win this state,\" Hillary said.\n",
                     NAMES("PER:Hillary Clinton", "LOC:Ohio", "PER:Hillary"), "We will", "Hillary",
                     "Hillary Clinton", WHOSAID_ATTRIBUTION_TRAILING_CUE);
  /* A surname comes first: "Clinton" is Bill's, whose surname it is. */
  ASSERT_ATTRIBUTION("Clinton Portis met Bill Clinton in Ohio on Monday.\n\n"
                     "\"We will win this state,\" Clinton said.\n",
                     NAMES("PER:Clinton Portis", "PER:Bill Clinton", "LOC:Ohio", "PER:Clinton"),
                     "We will", "Clinton", "Bill Clinton", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(a_first_name_is_not_that_of_a_name_run_on_with_a_verb) {
  /* A headline's "Obama Sees", and a sentence's "Viverito pillories Sanders". */
  ASSERT_ATTRIBUTION("Obama Sees 'Personal Insult' if Blacks Don't Rally for Clinton\n\n"
                     "\"It is about me,\" Obama said on Saturday.\n",
                     NAMES("PER:Obama Sees", "PER:Clinton", "PER:Obama"), "It is", "Obama",
                     "Obama", WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("Standing with activists, Viverito pillories Sanders over immigration.\n\n"
                     "\"He has failed us,\" Viverito said.\n",
                     NAMES("PER:Viverito pillories Sanders", "PER:Viverito"), "He has",
                     "Viverito", "Viverito", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(a_name_the_headline_makes_an_organisation_is_the_storys_person) {
  ASSERT_ATTRIBUTION("Elizabeth Warren Hammers Bank Chief Over Fake Accounts\n\n"
                     "Sen. Elizabeth Warren grilled the chief of the bank on Tuesday.\n\n"
                     "\"You should resign,\" Warren said.\n",
                     NAMES("PER:Sen. Elizabeth Warren", "ORG:Elizabeth Warren", "PER:Warren"),
                     "You should", "Warren", "Elizabeth Warren", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(pronoun_goes_to_the_latest_speaker) {
  ASSERT_ATTRIBUTION("\"It is a good deal,\" Smith said.\n\n"
                     "\"It could be better, of course, for everyone involved,\" he said.\n",
                     NAMES("PER:Smith"), "It could", "he", "Smith",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(pronoun_gender_comes_from_honorifics) {
  ASSERT_ATTRIBUTION("Mrs. Jones greeted Mr. Brown at the door.\n\n"
                     "\"It went very well for both of us,\" she said.\n",
                     NAMES("PER:Jones", "PER:Brown"), "It went", "she", "Jones",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("Mrs. Jones greeted Mr. Brown at the door.\n\n"
                     "\"It went very well for both of us,\" he said.\n",
                     NAMES("PER:Jones", "PER:Brown"), "It went", "he", "Brown",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(pronoun_with_two_candidates_is_unknown) {
  ASSERT_ATTRIBUTION("Smith and Brown met on Monday.\n\n"
                     "\"It went very well for both of us,\" he said.\n",
                     NAMES("PER:Smith", "PER:Brown"), "It went", "he", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(no_gender_is_read_off_a_first_name) {
  /* "Mary" says nothing: with no honorific, "he" may still be Mary Smith. */
  ASSERT_ATTRIBUTION("Mary Smith spoke first.\n\n\"We are ready to go,\" he said.\n",
                     NAMES("PER:Mary Smith"), "We are", "he", "Mary Smith",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(he_is_no_organisation_the_text_calls_it) {
  /* "Huawei, for its part" is an organisation: "he" is the spokesman. A
   * subject tagged ORG that the text does not call "it" may still be a
   * person the tagger mistook ("Fiorina"). */
  ASSERT_ATTRIBUTION("\"We oppose it,\" said spokesman Geng Shuang.\n\n"
                     "Huawei, for its part, is taking steps to block its employees.\n\n"
                     "\"It is a mistake,\" he said.\n",
                     NAMES("PER:Geng Shuang", "ORG:Huawei"), "It is", "he", "Geng Shuang",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("\"We oppose it,\" said spokesman Geng Shuang.\n\n"
                     "Fiorina is taking steps to block the merger.\n\n"
                     "\"It is a mistake,\" he said.\n",
                     NAMES("PER:Geng Shuang", "ORG:Fiorina"), "It is", "he", "Fiorina",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(nominal_goes_to_the_role_given_by_apposition) {
  ASSERT_ATTRIBUTION("\"We oppose it,\" said spokesman Geng Shuang.\n\n"
                     "\"It is a mistake that will hurt both sides,\" the spokesman said.\n",
                     NAMES("PER:Geng Shuang"), "It is", "the spokesman", "Geng Shuang",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(nominal_goes_to_the_role_before_a_name_between_commas) {
  static const char text[] =
      "A spokeswoman for the European Commission, Claire Dumont, said the Commission had "
      "received no complaint.\n\n"
      "\"We are following the situation closely,\" the spokeswoman said.\n";
#define COMMISSION NAMES("ORG:European Commission", "PER:Claire Dumont", "ORG:Commission")
  ASSERT_ATTRIBUTION(text, COMMISSION, "We are", "the spokeswoman", "Claire Dumont",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ROLE(text, COMMISSION, "We are", "spokeswoman for the European Commission");
#undef COMMISSION
}

TEST(a_role_before_a_comma_is_no_apposition_when_the_sentence_goes_on) {
  /* Smith is not the minister he met. */
  ASSERT_ATTRIBUTION("After meeting the minister, Smith said little.\n\n"
                     "\"We talked,\" the minister said.\n",
                     NAMES("PER:Smith"), "We talked", "the minister", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(kin_between_commas_gives_a_gender_not_a_role) {
  /* "her husband, Milton Berg," is a man: "she" is Rachel Berg; and he is
   * no "husband" in the list of speakers. */
  static const char text[] =
      "Rachel Berg, a philanthropist from Monsey, spoke on Thursday. Along with her husband, "
      "Milton Berg, a money manager, she has given to many candidates.\n\n"
      "\"I feel bad to say it,\" she said.\n\n"
      "\"We gave enough,\" Milton Berg said.\n";
#define BERGS NAMES("PER:Rachel Berg", "LOC:Monsey", "PER:Milton Berg", "PER:Milton Berg")
  ASSERT_ATTRIBUTION(text, BERGS, "I feel", "she", "Rachel Berg",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ROLE(text, BERGS, "We gave", "money manager");
#undef BERGS
}

TEST(nominal_with_a_place_goes_to_the_role_with_it) {
  static const char text[] =
      "Florida Sen. Marco Rubio and Texas Sen. Ted Cruz spoke on Monday.\n\n"
      "\"We will win Florida,\" the Florida senator said.\n\n"
      "\"We will win,\" the senator said.\n\n"
      "\"We will win Ohio,\" the Ohio senator said.\n";
#define PLACES NAMES("LOC:Florida", "PER:Marco Rubio", "LOC:Texas", "PER:Ted Cruz", "LOC:Florida")
  ASSERT_ATTRIBUTION(text, PLACES, "We will win Florida", "the Florida senator", "Marco Rubio",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION(text, PLACES, "We will win,", "the senator", "Ted Cruz", /* the latest */
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  /* Neither role says Ohio, and both name another state: no one. */
  ASSERT_ATTRIBUTION(text, PLACES, "We will win Ohio", "the Ohio senator", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
#undef PLACES
}

TEST(nominal_with_a_state_goes_to_the_party_tag_with_it) {
  static const char text[] =
      "Sen. Marco Rubio (R-Fla.) met Sen. Ted Cruz, R-Texas, and Sen. Joni Ernst (R-Iowa).\n\n"
      "\"We will win Florida,\" the Florida senator said.\n\n"
      "\"We will win New Jersey,\" the New Jersey senator said.\n";
#define TAGGED NAMES("PER:Marco Rubio", "PER:Ted Cruz", "PER:Joni Ernst", "LOC:Florida")
  ASSERT_ATTRIBUTION(text, TAGGED, "We will win Florida", "the Florida senator", "Marco Rubio",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  /* Every senator's tag names another state: no one. */
  ASSERT_ATTRIBUTION(text, TAGGED, "We will win New", "the New Jersey senator", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
#undef TAGGED
}

TEST(a_role_of_a_name_is_not_that_name) {
  /* Obama's strategist speaks, not Obama; "Kim's mental state" is no one,
   * and the speaker is found elsewhere. */
  ASSERT_ATTRIBUTION("\"It was outrageous,\" Obama's former campaign strategist said.\n",
                     NAMES("PER:Obama"), "It was", "Obama's former campaign strategist", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("\"It was outrageous,\" Obama\xE2\x80\x99s aide said.\n",
                     NAMES("PER:Obama"), "It was", "Obama\xE2\x80\x99s aide", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("\"It was outrageous,\" said Obama's former campaign strategist.\n",
                     NAMES("PER:Obama"), "It was", "Obama's former campaign strategist", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("\"It was outrageous,\" said Obama's turn against the president.\n",
                     NAMES("PER:Obama"), "It was", "Obama", "Obama",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(a_name_inside_a_nominal_is_not_the_speaker) {
  /* A Cruz adviser said it, not Cruz; a Treasury secretary is a role. */
  ASSERT_ATTRIBUTION("\"We will win Indiana,\" said a senior Cruz adviser.\n",
                     NAMES("PER:Cruz"), "We will", "a senior Cruz adviser", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
  ASSERT_ATTRIBUTION("\"We will not,\" said one Democratic source.\n",
                     NAMES("MISC:Democratic"), "We will", "one Democratic source", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(nominal_goes_to_the_title_before_a_name) {
  ASSERT_ATTRIBUTION("Sen. Marco Rubio spoke in Miami on Monday.\n\n"
                     "\"We will win Florida,\" the Florida senator said.\n",
                     NAMES("PER:Marco Rubio", "LOC:Miami", "LOC:Florida"), "We will",
                     "the Florida senator", "Marco Rubio", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(an_indefinite_nominal_is_someone_new) {
  ASSERT_ATTRIBUTION("\"We oppose it,\" said spokesman Geng Shuang.\n\n"
                     "\"It is a mistake that will hurt both sides,\" a spokesman said.\n",
                     NAMES("PER:Geng Shuang"), "It is", "a spokesman", "",
                     WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

TEST(a_name_the_tagger_missed_is_still_a_speaker) {
  ASSERT_ATTRIBUTION("\"Tax reform is dead for this year,\" said Douglas Holtz-Eakin.\n",
                     NAMES("LOC:Nowhere"), "Tax reform", "Douglas Holtz-Eakin",
                     "Douglas Holtz-Eakin", WHOSAID_ATTRIBUTION_TRAILING_CUE);
}

/* Robustness ******************************************************************/

TEST(empty_text_and_no_cues) {
  analysis a;
  ASSERT_OK(analyze(&a, "", NAMES("PER:x")));
  ASSERT_EQ(a.out.quotes.len, 0);
  analysis_free(&a);
  quote_cues *saved = cues;
  cues = NULL; /* without cues only the rules that need none can fire */
  int status = analyze(&a, "\"We will win this race easily,\" Smith said.\n", NAMES("PER:Smith"));
  cues = saved;
  ASSERT_OK(status);
  ASSERT_EQ(a.out.quotes.len, 1);
  ASSERT_EQ(a.out.quotes.items[0].rule, WHOSAID_ATTRIBUTION_NONE);
  analysis_free(&a);
}

int main(void) {
  char *data = NULL;
  size_t length = 0;
  whosaid_error err;
  if (ws_read_file(WHOSAID_MODEL_DIR "/cues.txt", 1u << 20, &data, &length, &err) != 0 ||
      quote_cues_parse(data, length, "cues.txt", &cues, &err) != 0) {
    fprintf(stderr, "cannot load cues.txt: %s\n", err.message);
    return 1;
  }
  ws_free(data);
  RUN(trailing_cue);
  RUN(trailing_cue_inverted_and_not_the_outlet_of_according_to);
  RUN(trailing_cue_after_an_apposition);
  RUN(trailing_dash);
  RUN(split_quote_gives_both_parts_one_speaker);
  RUN(leading_cue_with_a_colon);
  RUN(leading_cue_in_the_paragraph_before);
  RUN(reported_speech);
  RUN(reported_speech_skips_the_narrators_aside);
  RUN(according_to);
  RUN(transcript_turn);
  RUN(quote_only_paragraph_continues_the_speaker);
  RUN(sentence_subject_of_a_partial_quote);
  RUN(no_speaker_for_an_impersonal_passive);
  RUN(no_speaker_for_a_quote_without_a_cue);
  RUN(surname_is_the_full_name_with_its_role);
  RUN(the_fullest_name_is_canonical_even_when_it_comes_later);
  RUN(an_acronym_is_its_expansion);
  RUN(a_first_name_alone_is_the_full_name_it_begins);
  RUN(a_first_name_is_not_that_of_a_name_run_on_with_a_verb);
  RUN(a_name_the_headline_makes_an_organisation_is_the_storys_person);
  RUN(pronoun_goes_to_the_latest_speaker);
  RUN(pronoun_gender_comes_from_honorifics);
  RUN(pronoun_with_two_candidates_is_unknown);
  RUN(he_is_no_organisation_the_text_calls_it);
  RUN(nominal_goes_to_the_role_before_a_name_between_commas);
  RUN(a_role_before_a_comma_is_no_apposition_when_the_sentence_goes_on);
  RUN(kin_between_commas_gives_a_gender_not_a_role);
  RUN(nominal_with_a_place_goes_to_the_role_with_it);
  RUN(nominal_with_a_state_goes_to_the_party_tag_with_it);
  RUN(a_role_of_a_name_is_not_that_name);
  RUN(a_name_inside_a_nominal_is_not_the_speaker);
  RUN(nominal_goes_to_the_title_before_a_name);
  RUN(no_gender_is_read_off_a_first_name);
  RUN(nominal_goes_to_the_role_given_by_apposition);
  RUN(an_indefinite_nominal_is_someone_new);
  RUN(a_name_the_tagger_missed_is_still_a_speaker);
  RUN(empty_text_and_no_cues);
  quote_cues_free(cues);
  return test_report();
}
