/*
 * abbreviations.c: the abbreviations the tokenizer keeps whole with their
 * period, and whether each may end a sentence.
 *
 * TITLE abbreviations (Mr. Dr. Gen. Sen. St. Jr.) always precede or follow a
 * name, so the sentence splitter never ends a sentence after them. OTHER
 * ones (Inc. Jan. Calif. e.g. U.S.) end a sentence when a sentence opener
 * follows them. Lookup is a binary search of one table sorted by the
 * lower-cased text.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

typedef enum {
  CASE_VARIANTS, /* "Mr." also matches "MR." and "e.g." also "E.g." */
  EXACT_CASE     /* only as written: "Ill." is a state, "ill." is not */
} case_rule;

typedef struct {
  const char *text;
  uint8_t length;
  uint8_t abbreviation_class; /* text_abbreviation_class */
  uint8_t case_rule;
} abbreviation;

#define TITLE(text) \
  { text, sizeof(text) - 1, TEXT_ABBREVIATION_TITLE, CASE_VARIANTS }
#define OTHER(text) \
  { text, sizeof(text) - 1, TEXT_ABBREVIATION_OTHER, CASE_VARIANTS }
#define EXACT(text) \
  { text, sizeof(text) - 1, TEXT_ABBREVIATION_OTHER, EXACT_CASE }

/*
 * Titles and honorifics (TITLE); months, corporate suffixes, street and
 * reference abbreviations (OTHER); the AP style abbreviations of US states,
 * "No." and "v." (EXACT: as written, since each has a common lower-case or
 * single-letter twin). Sorted by lower-cased text, as compare_entry orders.
 */
static const abbreviation table[] = {
    OTHER("a.m."),    TITLE("Adm."),   OTHER("al."),    EXACT("Ala."),  TITLE("Amb."),
    OTHER("approx."), OTHER("Apr."),   EXACT("Ariz."),  EXACT("Ark."),  OTHER("Assn."),
    TITLE("Atty."),   OTHER("Aug."),   OTHER("Ave."),   OTHER("Blvd."), TITLE("Brig."),
    OTHER("Bros."),   OTHER("ca."),    EXACT("Calif."), TITLE("Capt."), TITLE("Cdr."),
    OTHER("cf."),     TITLE("Cllr."),  TITLE("Cmdr."),  OTHER("Co."),   TITLE("Col."),
    EXACT("Colo."),   TITLE("Comdr."), EXACT("Conn."),  OTHER("Corp."), OTHER("Cos."),
    TITLE("Cpl."),    OTHER("Dec."),   EXACT("Del."),   OTHER("Dept."), TITLE("Det."),
    TITLE("Dr."),     TITLE("Drs."),   OTHER("e.g."),   TITLE("Esq."),  OTHER("est."),
    OTHER("etc."),    OTHER("Feb."),   OTHER("Fig."),   EXACT("Fla."),  TITLE("Fr."),
    TITLE("Ft."),     EXACT("Ga."),    TITLE("Gen."),   TITLE("Gov."),  TITLE("Hon."),
    OTHER("Hwy."),    OTHER("i.e."),   EXACT("Ill."),   OTHER("Inc."),  EXACT("Ind."),
    TITLE("Insp."),   OTHER("Intl."),  OTHER("Jan."),   TITLE("Jr."),   OTHER("Jul."),
    OTHER("Jun."),    EXACT("Kan."),   EXACT("Ky."),    EXACT("La."),   TITLE("Lt."),
    OTHER("Ltd."),    TITLE("Maj."),   OTHER("Mar."),   EXACT("Mass."), EXACT("Md."),
    TITLE("Messrs."), OTHER("Mfg."),   EXACT("Mich."),  EXACT("Minn."), EXACT("Miss."),
    TITLE("Mlle."),   TITLE("Mme."),   TITLE("Mmes."),  EXACT("Mo."),   EXACT("Mont."),
    TITLE("Mr."),     TITLE("Mrs."),   TITLE("Ms."),    TITLE("Msgr."), TITLE("Mt."),
    TITLE("Mx."),     EXACT("Neb."),   EXACT("Nev."),   EXACT("No."),   EXACT("Nos."),
    OTHER("Nov."),    OTHER("Oct."),   EXACT("Okla."),  EXACT("Ore."),  OTHER("p.m."),
    EXACT("Pa."),     OTHER("Ph.D."),  OTHER("Plc."),   OTHER("pp."),   TITLE("Pres."),
    TITLE("Prof."),   TITLE("Pvt."),   OTHER("Rd."),    TITLE("Rep."),  TITLE("Reps."),
    TITLE("Rev."),    TITLE("Rt."),    TITLE("Sen."),   TITLE("Sens."), OTHER("Sep."),
    OTHER("Sept."),   TITLE("Sgt."),   TITLE("Spc."),   TITLE("Sr."),   TITLE("St."),
    TITLE("Ste."),    TITLE("Supt."),  EXACT("Tenn."),  EXACT("Tex."),  OTHER("Univ."),
    EXACT("v."),      EXACT("Va."),    OTHER("vol."),   OTHER("vs."),   EXACT("Vt."),
    EXACT("W.Va."),   EXACT("Wash."),  EXACT("Wis."),   EXACT("Wyo."),
};

#undef TITLE
#undef OTHER
#undef EXACT

/* The longest entry ("approx.", "Messrs."): longer words need no search. */
enum { LONGEST_ENTRY = 7 };

typedef struct {
  const char *word;
  size_t length;
} lookup_key;

static int lower(int c) {
  return text_ascii_lower((unsigned char)c);
}

static int upper(int c) {
  return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

static bool is_ascii_letter(int c) {
  return lower(c) >= 'a' && lower(c) <= 'z';
}

/* Case-insensitive byte order, a prefix before what it prefixes. */
static int compare_entry(const void *key_pointer, const void *entry_pointer) {
  const lookup_key *key = key_pointer;
  const abbreviation *entry = entry_pointer;
  size_t shorter = key->length < entry->length ? key->length : entry->length;
  for (size_t i = 0; i < shorter; i++) {
    int difference = lower((unsigned char)key->word[i]) - lower((unsigned char)entry->text[i]);
    if (difference != 0) return difference;
  }
  return (key->length > entry->length) - (key->length < entry->length);
}

/* Whether WORD (as long as ENTRY) is ENTRY as written, in capitals ("MR."),
 * or, for a lower-case entry, capitalized ("E.g."). */
static bool case_matches(const abbreviation *entry, const char *word) {
  if (memcmp(word, entry->text, entry->length) == 0) return true;
  if (entry->case_rule == EXACT_CASE) return false;
  bool capitals = true, capitalized = entry->text[0] != upper(entry->text[0]);
  for (size_t i = 0; i < entry->length; i++) {
    int expected = entry->text[i], got = word[i];
    if (got != upper(expected)) capitals = false;
    if (got != (i == 0 ? upper(expected) : expected)) capitalized = false;
  }
  return capitals || capitalized;
}

/* "U.S.", "a.m.", "U.S.A.": two or more single letters, each with a period. */
static bool is_letter_sequence(const char *word, size_t length) {
  if (length < 4 || length % 2 != 0) return false;
  for (size_t i = 0; i < length; i += 2) {
    if (!is_ascii_letter(word[i]) || word[i + 1] != '.') return false;
  }
  return true;
}

/* "R-S.C.", "D-Calif." and "ex-Gov." are what their last part is (but the
 * "A." of "Grade-A." is no initial). */
static size_t last_part_start(const char *word, size_t length) {
  for (size_t i = length; i > 0; i--) {
    if (word[i - 1] == '-') return i;
  }
  return 0;
}

text_abbreviation_class text_abbreviation_classify(const char *word, size_t length) {
  size_t part = last_part_start(word, length);
  word += part;
  length -= part;
  if (length < 2 || word[length - 1] != '.') return TEXT_ABBREVIATION_NONE;
  if (length <= LONGEST_ENTRY) {
    lookup_key key = {word, length};
    const abbreviation *entry =
        bsearch(&key, table, sizeof table / sizeof table[0], sizeof table[0], compare_entry);
    if (entry != NULL && case_matches(entry, word)) return entry->abbreviation_class;
  }
  /* A single capital and its period is an initial, as in "Richard A.
   * Grenell": like a title, it belongs to the name that follows. */
  if (length == 2 && part == 0 && word[0] >= 'A' && word[0] <= 'Z') return TEXT_ABBREVIATION_TITLE;
  if (is_letter_sequence(word, length)) return TEXT_ABBREVIATION_OTHER;
  return TEXT_ABBREVIATION_NONE;
}
