/*
 * mentions.c: the words that name a source, found next to a speech cue.
 * News text names a source in few ways: a name with its titles ("Sen. Ted
 * Cruz"), a pronoun, a nominal ("the former secretary of state"), any of
 * them followed by an apposition or a parenthesis before the cue ("Dante
 * Scala, a political scientist at ..., said"; "Gwen Moore (D-Wis.) said").
 * The named-entity tagger's spans are used where it found one; a run of
 * capitalized words stands for a name it missed.
 */
#include <string.h>

#include "attrib/attrib.h"

/* How far back an apposition or a nominal's determiner may be. */
#define APPOSITION_WINDOW 30
#define NOMINAL_WINDOW 10
#define PARENTHESIS_WINDOW 12

static const attrib_mention no_mention = {0, 0, WHOSAID_MENTION_NAME};

static attrib_mention mention(size_t first, size_t end, whosaid_mention_kind kind) {
  return (attrib_mention){(uint32_t)first, (uint32_t)end, kind};
}

/* Positions *****************************************************************/

int32_t attrib_entity_at(const attrib_input *in, size_t i) {
  size_t low = 0, high = in->entity_count;
  while (low < high) { /* the first entity that ends after I */
    size_t middle = low + (high - low) / 2;
    if (in->entities[middle].end_token <= i) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  if (low < in->entity_count && in->entities[low].first_token <= i) return (int32_t)low;
  return -1;
}

size_t attrib_sentence_of(const attrib_input *in, size_t token) {
  size_t low = 0, high = in->sentence_count;
  while (high - low > 1) { /* the last sentence that starts at or before TOKEN */
    size_t middle = low + (high - low) / 2;
    if (in->sentences[middle].first_token <= token) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low;
}

size_t attrib_paragraph_of(const attrib_input *in, size_t token) {
  size_t low = 0, high = in->paragraph_count;
  while (high - low > 1) {
    size_t middle = low + (high - low) / 2;
    if (in->paragraphs[middle].first_token <= token) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low;
}

bool attrib_starts_sentence(const attrib_input *in, size_t i) {
  return in->sentence_count > 0 &&
         in->sentences[attrib_sentence_of(in, i)].first_token == (uint32_t)i;
}

/* Names *********************************************************************/

static const char *const particles[] = {"de", "van", "von", "der", "bin", "al", "la", "le",
                                        "da", "del", "di", "du", "dos", "das", NULL};

static bool followed_by_cue(const attrib_input *in, size_t i) {
  size_t j = i + 1;
  while (j < in->token_count && j < i + 3 && attrib_is_adverb(in, j)) j++;
  int kind;
  return j < in->token_count && !(in->tokens[j].flags & WHOSAID_TOKEN_CAPITALIZED) &&
         attrib_cue_at(in, j, &kind) > 0 && kind == ATTRIB_CUE_VERB;
}

bool attrib_is_name_token(const attrib_input *in, size_t i) {
  if (!attrib_is_capitalized(in, i)) return false;
  if (attrib_token_is(in, i, "I") || attrib_is_time_word(in, i)) return false;
  /* A sentence's first word is capitalized whatever it is: a name there
   * is one the tagger found ("Hearing", "Unfortunately" are not), or the
   * subject of a cue ("Hayek confirmed"). */
  if (attrib_starts_sentence(in, i) && attrib_entity_at(in, i) < 0 && !attrib_is_title(in, i) &&
      !followed_by_cue(in, i)) {
    return false;
  }
  return !attrib_is_determiner(in, i) && !attrib_is_pronoun(in, i);
}

/* The first token of the name that ends at I, titles included. */
static size_t name_start(const attrib_input *in, size_t i, size_t floor) {
  int32_t entity = attrib_entity_at(in, i);
  size_t first = entity >= 0 ? in->entities[entity].first_token : i;
  if (first < floor) first = floor;
  /* A person the tagger found takes only titles before it ("Sen. Ted
   * Cruz"), not a place that happens to precede ("Germany Richard A."). */
  bool person = entity >= 0 && in->entities[entity].type == WHOSAID_ENTITY_PER;
  while (first > floor) {
    size_t before = first - 1;
    if ((attrib_is_name_token(in, before) && !person) || attrib_is_title(in, before)) {
      first = before;
    } else if (before > floor && attrib_token_in(in, before, particles) &&
               attrib_is_name_token(in, before - 1)) {
      first = before - 1;
    } else {
      break;
    }
  }
  return first;
}

/* The end of the name that starts at I. */
static size_t name_end(const attrib_input *in, size_t i, size_t ceiling) {
  int32_t entity = attrib_entity_at(in, i);
  size_t end = entity >= 0 ? in->entities[entity].end_token : i + 1;
  if (end > ceiling) end = ceiling;
  while (end < ceiling) {
    if (attrib_is_name_token(in, end)) {
      end++;
    } else if (end + 1 < ceiling && attrib_token_in(in, end, particles) &&
               attrib_is_name_token(in, end + 1)) {
      end += 2;
    } else {
      break;
    }
  }
  return end;
}

static bool ends_nominal(const attrib_input *in, size_t i);
static bool function_word(const attrib_input *in, size_t i);

/* Mentions that end at a cue ***************************************************/

/* "Joel Pollak of Breitbart California", "Archbishop Aris Shirvanian of the
 * Armenian Patriarchate of Jerusalem": a person named before "of" or "at"
 * and a place or organisation is the one who speaks. */
static attrib_mention head_of_name(const attrib_input *in, attrib_mention m, size_t floor) {
  for (int hops = 0; hops < 3; hops++) {
    int32_t named = attrib_entity_at(in, m.end_token - 1);
    if (named >= 0 && in->entities[named].type == WHOSAID_ENTITY_PER) return m;
    size_t k = m.first_token;
    if (k > floor && attrib_token_is(in, k - 1, "the")) k--;
    if (k < floor + 2 || !(attrib_token_is(in, k - 1, "of") || attrib_token_is(in, k - 1, "at"))) {
      return m;
    }
    if (!attrib_is_name_token(in, k - 2)) return m;
    size_t first = name_start(in, k - 2, floor);
    m = (attrib_mention){(uint32_t)first, (uint32_t)(k - 1), WHOSAID_MENTION_NAME};
  }
  return m;
}

static bool subject_pronoun(const attrib_input *in, size_t i) {
  static const char *const subjects[] = {"he", "she", "they", "we", "i", "you", "it", NULL};
  return attrib_is_pronoun(in, i) && attrib_token_in(in, i, subjects);
}

static bool is_punctuation(const attrib_input *in, size_t i, char c) {
  const text_token *token = &in->tokens[i];
  return token->end - token->start == 1 && in->text[token->start] == c;
}

/* Words a nominal may hold between its determiner and its last word: "the
 * former secretary of state and current Democratic presidential nominee",
 * "a narrator in the Clinton ad". */
static bool inside_nominal(const attrib_input *in, size_t j) {
  return attrib_is_word(in, j) || in->tokens[j].kind == WHOSAID_TOKEN_CLITIC;
}

/* Words a nominal never ends with. */
static bool function_word(const attrib_input *in, size_t i) {
  static const char *const words[] = {"and", "or", "but", "that", "who", "which", "of", "in",
                                      "at", "for", "to", "with", "by", "from", "on", "as",
                                      "than", "if", "so", "not", NULL};
  return attrib_token_in(in, i, words);
}

/* Whether token I is the possessive "'s" of a name before it ("Obama's"). */
static bool possessive_of_name(const attrib_input *in, size_t i, size_t floor) {
  const text_token *token = &in->tokens[i];
  const char *text = in->text + token->start;
  size_t length = token->end - token->start;
  bool apostrophe_s = (length == 2 && text[0] == '\'') ||
                      (length == 4 && memcmp(text, "\xE2\x80\x99", 3) == 0);
  return token->kind == WHOSAID_TOKEN_CLITIC && apostrophe_s &&
         (text[length - 1] == 's' || text[length - 1] == 'S') && i > floor &&
         attrib_is_name_token(in, i - 1);
}

/* "the former secretary of state", "a senior official", "officials";
 * "Obama's former campaign strategist", whom the name does not name (a
 * role noun last: "Kim's mental state" is no one). */
static attrib_mention nominal_ending_at(const attrib_input *in, size_t i, size_t floor) {
  if (function_word(in, i) || attrib_is_adverb(in, i)) return no_mention;
  size_t lowest = i >= floor + NOMINAL_WINDOW ? i - NOMINAL_WINDOW : floor;
  for (size_t j = i + 1; j-- > lowest;) {
    if (attrib_is_determiner(in, j)) return mention(j, i + 1, WHOSAID_MENTION_NOMINAL);
    if (j < i && possessive_of_name(in, j, floor) && attrib_is_role_noun(in, i)) {
      return mention(name_start(in, j - 1, floor), i + 1, WHOSAID_MENTION_NOMINAL);
    }
    if (!inside_nominal(in, j)) break;
  }
  if (attrib_is_role_noun(in, i)) return mention(i, i + 1, WHOSAID_MENTION_NOMINAL);
  /* A bare plural that opens its clause: "Multiple outlets reported". */
  const text_token *head = &in->tokens[i];
  if (head->end - head->start > 3 && in->text[head->end - 1] == 's') {
    size_t first = i;
    while (first > floor && first + 4 > i && attrib_is_word(in, first - 1) &&
           !function_word(in, first - 1) && !attrib_is_adverb(in, first - 1)) {
      first--;
    }
    if (first == floor || !attrib_is_word(in, first - 1)) {
      return mention(first, i + 1, WHOSAID_MENTION_NOMINAL);
    }
  }
  return no_mention;
}

static attrib_mention mention_before(const attrib_input *in, size_t i, size_t floor, int depth);

/* Whether a mention starting at FIRST can be a subject: nothing but
 * punctuation, a conjunction or the floor before it ("president of the
 * United Federation of Teachers" is not one). */
static bool can_be_subject(const attrib_input *in, size_t first, size_t floor) {
  if (first <= floor) return true;
  size_t before = first - 1;
  uint16_t kind = in->tokens[before].kind;
  return kind == WHOSAID_TOKEN_PUNCTUATION || kind == WHOSAID_TOKEN_QUOTE ||
         kind == WHOSAID_TOKEN_DASH || attrib_token_is(in, before, "and") ||
         attrib_token_is(in, before, "but") || attrib_is_adverb(in, before) ||
         (in->tokens[first].flags & WHOSAID_TOKEN_LINE_START);
}

/* "Dante Scala, a political scientist at ..., said", "Michael Mulgrew,
 * president of the United Federation of Teachers, which represents ...,
 * said": the subject before the appositions that end with the comma at I. */
static attrib_mention apposition_subject(const attrib_input *in, size_t i, size_t floor,
                                         int depth) {
  size_t lowest = i >= floor + APPOSITION_WINDOW ? i - APPOSITION_WINDOW : floor;
  for (size_t k = i; k-- > lowest;) {
    const text_token *token = &in->tokens[k];
    if (token->kind == WHOSAID_TOKEN_QUOTE) break;
    bool opens = is_punctuation(in, k, ',') || is_punctuation(in, k, '(') ||
                 token->kind == WHOSAID_TOKEN_DASH;
    if (!opens || k == floor) continue;
    attrib_mention m = mention_before(in, k - 1, floor, depth + 1);
    if (m.end_token > m.first_token && can_be_subject(in, m.first_token, floor)) {
      /* "her senior policy adviser, Jake Sullivan, said": the name. */
      if (m.kind == WHOSAID_MENTION_NOMINAL && k + 1 < i && attrib_is_name_token(in, i - 1) &&
          name_start(in, i - 1, k + 1) == k + 1) {
        return mention(m.first_token, i, WHOSAID_MENTION_NAME);
      }
      return m;
    }
  }
  return no_mention;
}

static attrib_mention mention_before(const attrib_input *in, size_t i, size_t floor, int depth) {
  if (i < floor || i >= in->token_count) return no_mention;
  if (is_punctuation(in, i, ')')) { /* "Gwen Moore (D-Wis.) said" */
    size_t lowest = i >= floor + PARENTHESIS_WINDOW ? i - PARENTHESIS_WINDOW : floor;
    for (size_t k = i; k-- > lowest;) {
      if (!is_punctuation(in, k, '(')) continue;
      return k > floor ? mention_before(in, k - 1, floor, depth) : no_mention;
    }
    return no_mention;
  }
  if (subject_pronoun(in, i)) return mention(i, i + 1, WHOSAID_MENTION_PRONOUN);
  if (attrib_is_name_token(in, i)) {
    return head_of_name(in, mention(name_start(in, i, floor), i + 1, WHOSAID_MENTION_NAME), floor);
  }
  /* "the Chicago Police Department which reported", "Glenn Beck, who said". */
  if ((attrib_token_is(in, i, "who") || attrib_token_is(in, i, "which")) && i > floor) {
    size_t k = is_punctuation(in, i - 1, ',') && i - 1 > floor ? i - 2 : i - 1;
    return mention_before(in, k, floor, depth + 1);
  }
  if ((is_punctuation(in, i, ',') || in->tokens[i].kind == WHOSAID_TOKEN_DASH) && depth == 0) {
    return apposition_subject(in, i, floor, depth);
  }
  if (in->tokens[i].kind == WHOSAID_TOKEN_WORD) return nominal_ending_at(in, i, floor);
  return no_mention;
}

attrib_mention attrib_mention_ending_at(const attrib_input *in, size_t i, size_t floor) {
  return mention_before(in, i, floor, 0);
}

/* Mentions that start after a cue ******************************************/

/* Words that end a nominal after an inverted cue ("said the campaign, which
 * ..."). */
static bool ends_nominal(const attrib_input *in, size_t i) {
  static const char *const stops[] = {"who", "which", "that", "in", "at", "for", "on", "from",
                                      "with", "to", "about", "and", "but", "as", "after",
                                      "before", "during", "when", "while", NULL};
  return !attrib_is_word(in, i) || attrib_token_in(in, i, stops);
}

/* "Republican presidential candidate Donald Trump", "Clinton's top foreign
 * policy aide Jake Sullivan": after the name ending at END, lower-case
 * words and a second name, which is the one meant; returns the mention's
 * end. */
static size_t described_name(const attrib_input *in, size_t end, size_t ceiling) {
  size_t j = end;
  if (j < ceiling && in->tokens[j].kind == WHOSAID_TOKEN_CLITIC) j++;
  size_t words = 0;
  while (j < ceiling && words < 5 && in->tokens[j].kind == WHOSAID_TOKEN_WORD &&
         !attrib_is_capitalized(in, j) && !ends_nominal(in, j) && !function_word(in, j) &&
         !attrib_is_adverb(in, j)) {
    j++, words++;
  }
  /* The words describe the second name: they end with a role noun. */
  if (words == 0 || j >= ceiling || !attrib_is_name_token(in, j) || !attrib_is_role_noun(in, j - 1)) {
    return end;
  }
  return name_end(in, j, ceiling);
}

/* "Obama's former campaign strategist": after the name ending at END, its
 * possessive and lower-case words up to a role noun (not followed by
 * another name, as described_name's are); returns the end of the role
 * noun, or END. */
static size_t role_of_name(const attrib_input *in, size_t end, size_t ceiling) {
  if (end >= ceiling || !possessive_of_name(in, end, 0)) return end;
  for (size_t j = end + 1; j < ceiling && j < end + 5; j++) {
    if (in->tokens[j].kind != WHOSAID_TOKEN_WORD || attrib_is_capitalized(in, j) ||
        ends_nominal(in, j) || function_word(in, j) || attrib_is_determiner(in, j)) {
      return end; /* ("Mr. Trump's turn against the former president": no) */
    }
    if (attrib_is_role_noun(in, j) && !(j + 1 < ceiling && attrib_is_role_noun(in, j + 1))) {
      return j + 1;
    }
  }
  return end;
}

/* "Another critic, Laurence H. Tribe, likened ...": a nominal with the name
 * of its apposition. */
static attrib_mention with_apposition(const attrib_input *in, attrib_mention m, size_t ceiling) {
  size_t comma = m.end_token;
  if (comma + 2 >= ceiling || !is_punctuation(in, comma, ',') ||
      !attrib_is_name_token(in, comma + 1)) {
    return m;
  }
  size_t end = name_end(in, comma + 1, ceiling);
  if (end < ceiling && !is_punctuation(in, end, ',')) return m;
  return mention(m.first_token, end, WHOSAID_MENTION_NAME);
}

attrib_mention attrib_mention_starting_at(const attrib_input *in, size_t i, size_t ceiling) {
  if (i >= ceiling || i >= in->token_count) return no_mention;
  static const char *const complementizers[] = {"that", "this", "these", "those", NULL};
  if (attrib_token_in(in, i, complementizers)) return no_mention; /* said that ... */
  if (subject_pronoun(in, i)) return mention(i, i + 1, WHOSAID_MENTION_PRONOUN);
  if (attrib_is_name_token(in, i) || attrib_is_title(in, i)) {
    size_t end = name_end(in, i, ceiling);
    if (end > i) {
      size_t described = described_name(in, end, ceiling);
      if (described == end) { /* "said Obama's former campaign strategist" */
        size_t role = role_of_name(in, end, ceiling);
        if (role > end) return mention(i, role, WHOSAID_MENTION_NOMINAL);
      }
      return mention(i, described, WHOSAID_MENTION_NAME);
    }
  }
  /* "said spokesman Geng Shuang", "said the campaign manager, Kellyanne
   * Conway": lower-case words, then a name; or a nominal alone, up to its
   * first role noun ("the former secretary" of state). */
  bool determiner = attrib_is_determiner(in, i);
  size_t j = i + determiner;
  while (j < ceiling && j < i + 8 && !ends_nominal(in, j) && !attrib_is_name_token(in, j) &&
         !attrib_is_adverb(in, j)) {
    if (attrib_is_role_noun(in, j) && !(j + 1 < ceiling && attrib_is_name_token(in, j + 1)) &&
        !(j + 1 < ceiling && attrib_is_role_noun(in, j + 1))) {
      return with_apposition(in, mention(i, j + 1, WHOSAID_MENTION_NOMINAL), ceiling);
    }
    j++;
  }
  bool lower = true;
  for (size_t k = i + determiner; k < j; k++) lower = lower && !attrib_is_capitalized(in, k);
  if (j < ceiling && attrib_is_name_token(in, j) && j > i && lower) {
    size_t end = name_end(in, j, ceiling);
    /* "said one Democratic source", "said a White House spokesman": the
     * name describes the one who speaks. */
    if (determiner && end < ceiling && attrib_is_role_noun(in, end)) {
      return mention(i, end + 1, WHOSAID_MENTION_NOMINAL);
    }
    return mention(i, end, WHOSAID_MENTION_NAME);
  }
  if (determiner && j > i + 1) return mention(i, j, WHOSAID_MENTION_NOMINAL);
  return no_mention;
}

/* Sentence subjects ********************************************************/

/* How long a leading phrase may be ("In recent weeks, ..."). */
#define OPENING_PHRASE 12

static bool is_preposition(const attrib_input *in, size_t i) {
  static const char *const words[] = {
      "in", "on", "at", "during", "after", "before", "since", "for", "with", "from", "by",
      "like", "as", "when", "while", "although", "though", "because", "if", "speaking",
      "asked", "responding", "earlier", "later", "last", "following", "over", "under",
      "throughout", "despite", "unlike", "according", NULL};
  return attrib_token_in(in, i, words);
}

/* The subject that opens the sentence of token AT, before it: "In July,
 * Gingrich dismissed ...", "But the Republican nominee also ...". */
attrib_mention attrib_sentence_subject(const attrib_input *in, size_t at) {
  size_t i = in->sentences[attrib_sentence_of(in, at)].first_token;
  const text_token *opener = &in->tokens[i];
  bool participle = opener->end - opener->start > 4 && in->text[opener->end - 1] == 'g' &&
                    in->text[opener->end - 2] == 'n' && in->text[opener->end - 3] == 'i';
  if (i < at && (is_preposition(in, i) || participle)) { /* a leading phrase ends at its comma */
    for (size_t k = i; k < at && k < i + OPENING_PHRASE; k++) {
      if (is_punctuation(in, k, ',')) {
        i = k + 1;
        break;
      }
    }
  }
  static const char *const openers[] = {"but", "and", "so", "yet", "still", "now", "instead",
                                        "meanwhile", "however", "also", "then", NULL};
  for (size_t k = 0; k < 3 && i < at && (attrib_token_in(in, i, openers) || is_punctuation(in, i, ','));
       k++) {
    i++;
  }
  attrib_mention m = attrib_mention_starting_at(in, i, at);
  if (m.end_token > m.first_token) return m;
  /* "Hours later, Trump returned ...": after a short opening phrase. */
  for (size_t k = i; k < at && k < i + 6; k++) {
    if (is_punctuation(in, k, ',')) return attrib_mention_starting_at(in, k + 1, at);
  }
  return m;
}

