/*
 * test_abbreviations.c: classifying abbreviations by their text, and the
 * list of sentence openers.
 */
#include "test.h"
#include "text/text.h"

enum { N = TEXT_ABBREVIATION_NONE, T = TEXT_ABBREVIATION_TITLE, O = TEXT_ABBREVIATION_OTHER };

#define CLASS_OF(word) text_abbreviation_classify((word), strlen(word))

/* Every entry of the table: a table out of order would lose some of them to
 * the binary search. */
TEST(every_listed_abbreviation_is_found) {
  static const struct {
    const char *word;
    int expected;
  } entries[] = {
      {"a.m.", O},  {"Adm.", T},  {"al.", O},    {"Ala.", O},  {"Amb.", T},    {"approx.", O},
      {"Apr.", O},  {"Ariz.", O}, {"Ark.", O},   {"Assn.", O}, {"Atty.", T},   {"Aug.", O},
      {"Ave.", O},  {"Blvd.", O}, {"Brig.", T},  {"Bros.", O}, {"ca.", O},     {"Calif.", O},
      {"Capt.", T}, {"Cdr.", T},  {"cf.", O},    {"Cllr.", T}, {"Cmdr.", T},   {"Co.", O},
      {"Col.", T},  {"Colo.", O}, {"Comdr.", T}, {"Conn.", O}, {"Corp.", O},   {"Cos.", O},
      {"Cpl.", T},  {"Dec.", O},  {"Del.", O},   {"Dept.", O}, {"Det.", T},    {"Dr.", T},
      {"Drs.", T},  {"e.g.", O},  {"Esq.", T},   {"est.", O},  {"etc.", O},    {"Feb.", O},
      {"Fig.", O},  {"Fla.", O},  {"Fr.", T},    {"Ft.", T},   {"Ga.", O},     {"Gen.", T},
      {"Gov.", T},  {"Hon.", T},  {"Hwy.", O},   {"i.e.", O},  {"Ill.", O},    {"Inc.", O},
      {"Ind.", O},  {"Insp.", T}, {"Intl.", O},  {"Jan.", O},  {"Jr.", T},     {"Jul.", O},
      {"Jun.", O},  {"Kan.", O},  {"Ky.", O},    {"La.", O},   {"Lt.", T},     {"Ltd.", O},
      {"Maj.", T},  {"Mar.", O},  {"Mass.", O},  {"Md.", O},   {"Messrs.", T}, {"Mfg.", O},
      {"Mich.", O}, {"Minn.", O}, {"Miss.", O},  {"Mlle.", T}, {"Mme.", T},    {"Mmes.", T},
      {"Mo.", O},   {"Mont.", O}, {"Mr.", T},    {"Mrs.", T},  {"Ms.", T},     {"Msgr.", T},
      {"Mt.", T},   {"Mx.", T},   {"Neb.", O},   {"Nev.", O},  {"No.", O},     {"Nos.", O},
      {"Nov.", O},  {"Oct.", O},  {"Okla.", O},  {"Ore.", O},  {"p.m.", O},    {"Pa.", O},
      {"Ph.D.", O}, {"Plc.", O},  {"pp.", O},    {"Pres.", T}, {"Prof.", T},   {"Pvt.", T},
      {"Rd.", O},   {"Rep.", T},  {"Reps.", T},  {"Rev.", T},  {"Rt.", T},     {"Sen.", T},
      {"Sens.", T}, {"Sep.", O},  {"Sept.", O},  {"Sgt.", T},  {"Spc.", T},    {"Sr.", T},
      {"St.", T},   {"Ste.", T},  {"Supt.", T},  {"Tenn.", O}, {"Tex.", O},    {"Univ.", O},
      {"v.", O},    {"Va.", O},   {"vol.", O},   {"vs.", O},   {"Vt.", O},     {"W.Va.", O},
      {"Wash.", O}, {"Wis.", O},  {"Wyo.", O},
  };
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
    if ((int)CLASS_OF(entries[i].word) != entries[i].expected) {
      TEST_FAIL_("%s: got %d, expected %d", entries[i].word, (int)CLASS_OF(entries[i].word),
                 entries[i].expected);
    }
  }
}

TEST(titles_never_end_sentences) {
  ASSERT_EQ(CLASS_OF("Mr."), T);
  ASSERT_EQ(CLASS_OF("Gen."), T);
  ASSERT_EQ(CLASS_OF("St."), T);
  ASSERT_EQ(CLASS_OF("Jr."), T);
}

TEST(others_may_end_sentences) {
  ASSERT_EQ(CLASS_OF("Inc."), O);
  ASSERT_EQ(CLASS_OF("Jan."), O);
  ASSERT_EQ(CLASS_OF("Calif."), O);
  ASSERT_EQ(CLASS_OF("e.g."), O);
}

TEST(capitals_and_capitalized_forms_match) {
  ASSERT_EQ(CLASS_OF("MR."), T);
  ASSERT_EQ(CLASS_OF("INC."), O);
  ASSERT_EQ(CLASS_OF("E.g."), O);
  ASSERT_EQ(CLASS_OF("E.G."), O);
  ASSERT_EQ(CLASS_OF("Approx."), O);
  ASSERT_EQ(CLASS_OF("APPROX."), O);
}

TEST(other_case_mixtures_do_not_match) {
  ASSERT_EQ(CLASS_OF("mr."), N);  /* lower case: the end of a sentence */
  ASSERT_EQ(CLASS_OF("rep."), N); /* "a sales rep." */
  ASSERT_EQ(CLASS_OF("gen."), N);
  ASSERT_EQ(CLASS_OF("mR."), N);
  ASSERT_EQ(CLASS_OF("aPPROX."), N);
}

TEST(exact_entries_match_only_as_written) {
  ASSERT_EQ(CLASS_OF("Ill."), O);
  ASSERT_EQ(CLASS_OF("ill."), N);
  ASSERT_EQ(CLASS_OF("ILL."), N);
  ASSERT_EQ(CLASS_OF("Mass."), O);
  ASSERT_EQ(CLASS_OF("mass."), N);
  ASSERT_EQ(CLASS_OF("No."), O);
  ASSERT_EQ(CLASS_OF("no."), N);
  ASSERT_EQ(CLASS_OF("v."), O);
  ASSERT_EQ(CLASS_OF("V."), T); /* an initial */
}

TEST(single_capital_is_an_initial) {
  ASSERT_EQ(CLASS_OF("A."), T);
  ASSERT_EQ(CLASS_OF("Z."), T);
  ASSERT_EQ(CLASS_OF("a."), N);
  ASSERT_EQ(CLASS_OF("1."), N);
}

TEST(letter_period_sequences) {
  ASSERT_EQ(CLASS_OF("U.S."), O);
  ASSERT_EQ(CLASS_OF("U.K."), O);
  ASSERT_EQ(CLASS_OF("U.S.A."), O);
  ASSERT_EQ(CLASS_OF("D.C."), O);
  ASSERT_EQ(CLASS_OF("J.R.R."), O);
  ASSERT_EQ(CLASS_OF("u.s."), O);
  ASSERT_EQ(CLASS_OF("U.S"), N);
  ASSERT_EQ(CLASS_OF("U..S."), N);
  ASSERT_EQ(CLASS_OF("1.2."), N);
}

TEST(hyphenated_words_are_their_last_part) {
  ASSERT_EQ(CLASS_OF("R-S.C."), O);
  ASSERT_EQ(CLASS_OF("D-Calif."), O);
  ASSERT_EQ(CLASS_OF("pro-U.S."), O);
  ASSERT_EQ(CLASS_OF("ex-Gov."), T);
  ASSERT_EQ(CLASS_OF("Grade-A."), N); /* no initial after a hyphen */
  ASSERT_EQ(CLASS_OF("follow-up."), N);
  ASSERT_EQ(CLASS_OF("U.S.-"), N);
  ASSERT_EQ(CLASS_OF("-"), N);
}

TEST(non_abbreviations) {
  ASSERT_EQ(text_abbreviation_classify("", 0), N);
  ASSERT_EQ(CLASS_OF("."), N);
  ASSERT_EQ(CLASS_OF("Mr"), N);
  ASSERT_EQ(CLASS_OF("said."), N);
  ASSERT_EQ(CLASS_OF("Messrsx."), N);
  ASSERT_EQ(CLASS_OF("\xC3\x89."), N);                 /* É. : only ASCII initials */
  ASSERT_EQ(text_abbreviation_classify("Mr.x", 3), T); /* only LENGTH bytes count */
}

TEST(sentence_starters) {
  const char *starters[] = {"The", "He", "She", "It",   "They", "We",      "I",   "But", "And",
                            "In",  "A",  "An",  "This", "That", "However", "Yet", "You"};
  for (size_t i = 0; i < sizeof starters / sizeof starters[0]; i++) {
    if (!text_is_sentence_starter(starters[i], strlen(starters[i]))) {
      TEST_FAIL_("%s is no starter", starters[i]);
    }
  }
  ASSERT(!text_is_sentence_starter("the", 3));
  ASSERT(!text_is_sentence_starter("THE", 3));
  ASSERT(!text_is_sentence_starter("Grenell", 7));
  ASSERT(!text_is_sentence_starter("Th", 2));
  ASSERT(!text_is_sentence_starter("", 0));
  ASSERT(text_is_sentence_starter("Thereafter", 5)); /* "There" */
}

int main(void) {
  RUN(every_listed_abbreviation_is_found);
  RUN(titles_never_end_sentences);
  RUN(others_may_end_sentences);
  RUN(capitals_and_capitalized_forms_match);
  RUN(other_case_mixtures_do_not_match);
  RUN(exact_entries_match_only_as_written);
  RUN(single_capital_is_an_initial);
  RUN(letter_period_sequences);
  RUN(hyphenated_words_are_their_last_part);
  RUN(non_abbreviations);
  RUN(sentence_starters);
  return test_report();
}
