/*
 * states.c: the US states, as political news names them: "the Florida
 * senator", "Sen. Marco Rubio (R-Fla.)", "Rep. Nancy Pelosi, D-Calif.". A
 * nominal's state and a person's party tag tell which senator or governor
 * the nominal means (resolve.c). A closed class, so a table: each state's
 * name, its AP abbreviation (the name itself where AP writes it out), an
 * older one some papers still use, and its postal code.
 */
#include <string.h>

#include "attrib/attrib.h"

typedef struct {
  const char *name, *ap, *other, *postal;
} state;

static const state states[] = {
    {"Alabama", "Ala.", "Ala.", "AL"},          {"Alaska", "Alaska", "Alas.", "AK"},
    {"Arizona", "Ariz.", "Ariz.", "AZ"},        {"Arkansas", "Ark.", "Ark.", "AR"},
    {"California", "Calif.", "Cal.", "CA"},     {"Colorado", "Colo.", "Col.", "CO"},
    {"Connecticut", "Conn.", "Conn.", "CT"},    {"Delaware", "Del.", "Del.", "DE"},
    {"Florida", "Fla.", "Fla.", "FL"},          {"Georgia", "Ga.", "Ga.", "GA"},
    {"Hawaii", "Hawaii", "Hawaii", "HI"},       {"Idaho", "Idaho", "Ida.", "ID"},
    {"Illinois", "Ill.", "Ill.", "IL"},         {"Indiana", "Ind.", "Ind.", "IN"},
    {"Iowa", "Iowa", "Iowa", "IA"},             {"Kansas", "Kan.", "Kans.", "KS"},
    {"Kentucky", "Ky.", "Ky.", "KY"},           {"Louisiana", "La.", "La.", "LA"},
    {"Maine", "Maine", "Me.", "ME"},            {"Maryland", "Md.", "Md.", "MD"},
    {"Massachusetts", "Mass.", "Mass.", "MA"},  {"Michigan", "Mich.", "Mich.", "MI"},
    {"Minnesota", "Minn.", "Minn.", "MN"},      {"Mississippi", "Miss.", "Miss.", "MS"},
    {"Missouri", "Mo.", "Mo.", "MO"},           {"Montana", "Mont.", "Mont.", "MT"},
    {"Nebraska", "Neb.", "Nebr.", "NE"},        {"Nevada", "Nev.", "Nev.", "NV"},
    {"New Hampshire", "N.H.", "N.H.", "NH"},    {"New Jersey", "N.J.", "N.J.", "NJ"},
    {"New Mexico", "N.M.", "N.Mex.", "NM"},     {"New York", "N.Y.", "N.Y.", "NY"},
    {"North Carolina", "N.C.", "N.C.", "NC"},   {"North Dakota", "N.D.", "N.Dak.", "ND"},
    {"Ohio", "Ohio", "O.", "OH"},               {"Oklahoma", "Okla.", "Okla.", "OK"},
    {"Oregon", "Ore.", "Oreg.", "OR"},          {"Pennsylvania", "Pa.", "Penn.", "PA"},
    {"Rhode Island", "R.I.", "R.I.", "RI"},     {"South Carolina", "S.C.", "S.C.", "SC"},
    {"South Dakota", "S.D.", "S.Dak.", "SD"},   {"Tennessee", "Tenn.", "Tenn.", "TN"},
    {"Texas", "Texas", "Tex.", "TX"},           {"Utah", "Utah", "Utah", "UT"},
    {"Vermont", "Vt.", "Vt.", "VT"},            {"Virginia", "Va.", "Va.", "VA"},
    {"Washington", "Wash.", "Wash.", "WA"},     {"West Virginia", "W.Va.", "W.Va.", "WV"},
    {"Wisconsin", "Wis.", "Wisc.", "WI"},       {"Wyoming", "Wyo.", "Wyo.", "WY"},
};

#define STATE_COUNT (sizeof(states) / sizeof(states[0]))

static bool spells(const char *text, size_t length, const char *word) {
  return strlen(word) == length && text_same_caseless(text, word, length);
}

/* Whether tokens I.. (before END) spell NAME, a token for each of its
 * words ("New Jersey"); then *PAST is the token after them. */
static bool spelled_at(const attrib_input *in, size_t i, size_t end, const char *name,
                       size_t *past) {
  for (const char *word = name;; i++) {
    size_t length = strcspn(word, " ");
    if (i >= end) return false;
    const text_token *token = &in->tokens[i];
    if (token->end - token->start != length || !text_same_caseless(in->text + token->start, word, length)) {
      return false;
    }
    if (word[length] == '\0') break;
    word += length + 1;
  }
  *past = i + 1;
  return true;
}

int attrib_state_at(const attrib_input *in, size_t i, size_t end, size_t *past) {
  size_t ignored;
  for (size_t s = 0; s < STATE_COUNT; s++) {
    if (spelled_at(in, i, end, states[s].name, past != NULL ? past : &ignored)) return (int)s;
  }
  return -1;
}

int attrib_party_state(const attrib_input *in, size_t i) {
  const text_token *token = &in->tokens[i];
  const char *text = in->text + token->start;
  size_t length = token->end - token->start;
  if (length < 4 || strchr("RDI", text[0]) == NULL || text[1] != '-') return -1;
  text += 2, length -= 2;
  for (size_t s = 0; s < STATE_COUNT; s++) {
    const state *st = &states[s];
    if (spells(text, length, st->ap) || spells(text, length, st->other) ||
        spells(text, length, st->name) || spells(text, length, st->postal)) {
      return (int)s;
    }
  }
  return -1;
}
