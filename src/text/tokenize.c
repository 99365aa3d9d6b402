/*
 * tokenize.c: splits news text into tokens with exact byte offsets.
 *
 * One left-to-right pass. At each token start the first character picks a
 * scanner: words (which also recognise URLs, e-mail addresses, numbers,
 * abbreviations, initials and clitics), apostrophes and quotation marks,
 * periods and ellipses, dashes, handles, hashtags, and single characters.
 * Every scanner looks ahead a bounded distance or consumes what it reads,
 * so the pass is linear; tokens are appended to one growing vector, so there
 * is no allocation per token.
 *
 * Decisions worth knowing (see also whosaid.h):
 * - "1990s", "’90s", "21st", "9/11" and "£1.2m" are NUMBERs; "5G",
 *   "COVID-19" and "1990-91" are WORDs (a hyphen makes a word).
 * - "R-S.C.", "D-Calif." and "pro-U.S." are ABBREVIATIONs, like their last
 *   part; "U.S.-led" is a WORD.
 * - Clitics are split as in the Penn Treebank and CoNLL-2003: "Germany’s" is
 *   "Germany" + "’s", "can’t" is "ca" + "n’t", "we’ll" is "we" + "’ll".
 * - A period joins a word when a lower-case letter follows ("Amazon.com");
 *   a lone hyphen between spaces ("Paris - Berlin") is a DASH, elsewhere
 *   PUNCTUATION; three or more periods are an ELLIPSIS, one or two are
 *   PUNCTUATION tokens of one period each.
 * - `` and '' are double quotation marks, as in Penn Treebank text.
 */
#include <string.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "text/text.h"

/* The "character" before the start or after the end of the text. */
enum { NO_CHARACTER = -2 };

/* At most this many clitics come off one word ("should" "n't" "'ve"). */
enum { MAX_CLITICS = 3 };

typedef struct {
  const char *text;
  uint32_t length;
  text_token_vec *out;
  bool line_start;              /* no token yet on the current line */
  uint32_t email_checked_until; /* no e-mail address starts before this */
} scanner;

/* Characters ***********************************************************/

static utf8proc_category_t category_of(int32_t cp) {
  return cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
}

/* ASCII tests, also for bytes read with byte_at (never a part of a
 * multi-byte character taken for a code point); inline here, they keep the
 * common ASCII case off utf8proc's tables. */
static bool is_ascii_letter(int32_t byte) {
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
}

static bool is_ascii_digit(int32_t byte) {
  return byte >= '0' && byte <= '9';
}

static bool is_ascii_alphanumeric(int32_t byte) {
  return is_ascii_letter(byte) || is_ascii_digit(byte);
}

/* text_is_* with the ASCII case inline. */
static bool is_letter(int32_t cp) {
  return cp < 0x80 ? is_ascii_letter(cp) : text_is_letter(cp);
}

static bool is_digit(int32_t cp) {
  return cp < 0x80 ? is_ascii_digit(cp) : text_is_digit(cp);
}

static bool is_upper(int32_t cp) {
  return cp < 0x80 ? cp >= 'A' && cp <= 'Z' : text_is_upper(cp);
}

static bool is_space(int32_t cp) {
  return cp < 0x80 ? cp == ' ' || cp == 0 || (cp >= '\t' && cp <= '\r') : text_is_space(cp);
}

static bool is_format(int32_t cp) {
  return cp >= 0x80 && text_is_format(cp);
}

/* White space or a format character: what separates tokens. */
static bool is_separator(int32_t cp) {
  return is_space(cp) || is_format(cp);
}

/* Letters, combining marks and digits: what words are made of. */
static bool is_word_character(int32_t cp) {
  if (cp < 0x80) return is_ascii_alphanumeric(cp);
  utf8proc_category_t category = utf8proc_category(cp);
  return category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_NO;
}

static bool is_mark(int32_t cp) {
  utf8proc_category_t category = category_of(cp);
  return category >= UTF8PROC_CATEGORY_MN && category <= UTF8PROC_CATEGORY_ME;
}

static bool is_space_or_edge(int32_t cp) {
  return cp == NO_CHARACTER || is_space(cp);
}

/* Dashes proper; the hyphens (- U+2010 U+2011) are handled apart. */
static bool is_dash(int32_t cp) {
  return (cp >= 0x2012 && cp <= 0x2015) || cp == 0x2E3A || cp == 0x2E3B || cp == 0xFE58;
}

/* Characters Unicode files as "other punctuation" that news text uses as
 * symbols: per cent and per mille, &, #, @, *, section and pilcrow signs,
 * daggers, bullets and primes. */
static bool is_symbol_punctuation(int32_t cp) {
  switch (cp) {
    case '%':
    case '&':
    case '#':
    case '@':
    case '*':
    case 0x00A7:
    case 0x00B6:
    case 0x2020:
    case 0x2021:
    case 0x2022:
    case 0x2030:
    case 0x2031:
    case 0x2032:
    case 0x2033:
    case 0x2034:
      return true;
    default:
      return false;
  }
}

/* Reading the text *******************************************************/

static text_char char_at(const scanner *s, uint32_t pos) {
  if (pos >= s->length) return (text_char){NO_CHARACTER, 0};
  unsigned char byte = (unsigned char)s->text[pos];
  if (byte < 0x80) return (text_char){byte, 1};
  return text_utf8_decode(s->text, s->length, pos);
}

static int32_t codepoint_at(const scanner *s, uint32_t pos) {
  return char_at(s, pos).codepoint;
}

/* The byte at POS, for ASCII tests; NO_CHARACTER at the end. */
static int32_t byte_at(const scanner *s, uint32_t pos) {
  return pos < s->length ? (unsigned char)s->text[pos] : NO_CHARACTER;
}

/* The character before POS, stepping over format characters (a zero-width
 * space is no neighbour); NO_CHARACTER at the start of the text. */
static int32_t character_before(const scanner *s, uint32_t pos) {
  while (pos > 0) {
    unsigned char byte = (unsigned char)s->text[pos - 1];
    if (byte < 0x80) return byte;
    text_char c = text_utf8_decode_before(s->text, s->length, pos);
    if (!is_format(c.codepoint)) return c.codepoint;
    pos -= c.length;
  }
  return NO_CHARACTER;
}

/* The character at POS, stepping over format characters. */
static int32_t character_after(const scanner *s, uint32_t pos) {
  for (;;) {
    text_char c = char_at(s, pos);
    if (!is_format(c.codepoint)) return c.codepoint;
    pos += c.length;
  }
}

/* The first position at or after POS that is not white space or a format
 * character. */
static uint32_t skip_separators(const scanner *s, uint32_t pos) {
  for (;;) {
    text_char c = char_at(s, pos);
    if (!is_separator(c.codepoint)) return pos;
    pos += c.length;
  }
}

static bool starts_with_caseless(const scanner *s, uint32_t pos, const char *prefix,
                                 size_t length) {
  if (s->length - pos < length) return false;
  for (size_t i = 0; i < length; i++) {
    if (text_ascii_lower((unsigned char)s->text[pos + i]) != (unsigned char)prefix[i]) return false;
  }
  return true;
}

/* Emitting tokens ********************************************************/

/* CAPITALIZED from the first letter or digit, ALL_CAPS from all letters. */
static uint16_t case_flags(const scanner *s, uint32_t start, uint32_t end) {
  uint16_t flags = 0;
  uint32_t letters = 0;
  bool seen_word_character = false, all_upper = true;
  for (uint32_t pos = start; pos < end;) {
    text_char c = char_at(s, pos);
    bool upper = is_upper(c.codepoint);
    if (!seen_word_character && is_word_character(c.codepoint)) {
      seen_word_character = true;
      if (upper) flags |= WHOSAID_TOKEN_CAPITALIZED;
    }
    if (is_letter(c.codepoint)) {
      letters++;
      all_upper = all_upper && upper;
    }
    if (seen_word_character && !all_upper) break; /* nothing left to learn */
    pos += c.length;
  }
  if (letters >= 2 && all_upper) flags |= WHOSAID_TOKEN_ALL_CAPS;
  return flags;
}

static int emit(scanner *s, uint32_t start, uint32_t end, whosaid_token_kind kind, uint16_t flags) {
  flags |= case_flags(s, start, end);
  if (is_space_or_edge(character_before(s, start))) flags |= WHOSAID_TOKEN_SPACE_BEFORE;
  if (is_space_or_edge(character_after(s, end))) flags |= WHOSAID_TOKEN_SPACE_AFTER;
  if (s->line_start) {
    flags |= WHOSAID_TOKEN_LINE_START;
    s->line_start = false;
  }
  text_token token = {start, end, (uint16_t)kind, flags};
  return VEC_PUSH(s->out, token);
}

/* Emit [START, END) and continue scanning at END. */
static int emit_to(scanner *s, uint32_t start, uint32_t end, whosaid_token_kind kind,
                   uint16_t flags, uint32_t *next) {
  *next = end;
  return emit(s, start, end, kind, flags);
}

/* URLs and e-mail addresses ***********************************************/

/* Where the part after "https://" or the like starts, or 0 if POS starts
 * no URL. "www." counts only before a host name. */
static uint32_t url_body_start(const scanner *s, uint32_t pos) {
  static const struct {
    const char *text;
    uint32_t length;
  } schemes[] = {{"https://", 8}, {"http://", 7}, {"ftp://", 6}};
  int first = byte_at(s, pos) | 0x20;
  if (first != 'h' && first != 'f' && first != 'w') return 0; /* the common case, quickly */
  for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
    if (starts_with_caseless(s, pos, schemes[i].text, schemes[i].length)) {
      return pos + schemes[i].length;
    }
  }
  if (starts_with_caseless(s, pos, "www.", 4) && is_word_character(codepoint_at(s, pos + 4))) {
    return pos + 4;
  }
  return 0;
}

/* Characters of a URL: RFC 3986's ASCII set, and letters and digits of any
 * script (IRIs). Curly quotes, dashes and spaces end it. */
static bool is_url_character(int32_t cp) {
  if (cp >= 0x80) return is_word_character(cp);
  if (is_ascii_alphanumeric(cp)) return true;
  return cp > 0 && strchr("-._~:/?#[]@!$&'()*+,;=%", cp) != NULL;
}

/* Sentence punctuation that follows a URL rather than ending it. */
static bool is_url_trailer(unsigned char c) {
  return c != 0 && strchr(".,;:!?'\"*", c) != NULL;
}

/* Drop trailing punctuation from the URL body [BODY, END), and a closing
 * parenthesis that closes a parenthesis opened before the URL. */
static uint32_t trim_url(const scanner *s, uint32_t body, uint32_t end) {
  int balance = 0;
  for (uint32_t pos = body; pos < end; pos++) {
    balance += (s->text[pos] == '(') - (s->text[pos] == ')');
  }
  while (end > body) {
    unsigned char last = (unsigned char)s->text[end - 1];
    if (last == ')' && balance < 0) {
      balance++;
    } else if (!is_url_trailer(last)) {
      break;
    }
    end--;
  }
  return end;
}

/* The end of the URL at POS, or 0. */
static uint32_t url_end(const scanner *s, uint32_t pos) {
  uint32_t body = url_body_start(s, pos);
  if (body == 0) return 0;
  uint32_t end = body;
  for (text_char c = char_at(s, end); is_url_character(c.codepoint); c = char_at(s, end)) {
    end += c.length;
  }
  end = trim_url(s, body, end);
  return end > body ? end : 0;
}

static bool is_email_local_character(int32_t cp) {
  return is_ascii_alphanumeric(cp) || cp == '.' || cp == '_' || cp == '%' || cp == '+' || cp == '-';
}

/* A top-level domain: two or more ASCII letters. */
static bool is_top_level_domain(const scanner *s, uint32_t start, uint32_t end) {
  if (end - start < 2) return false;
  for (uint32_t pos = start; pos < end; pos++) {
    if (!is_ascii_letter((unsigned char)s->text[pos])) return false;
  }
  return true;
}

/* The end of the domain at POS ("example.co.uk"): two or more labels, the
 * last a top-level domain; 0 if there is none. */
static uint32_t domain_end(const scanner *s, uint32_t pos) {
  uint32_t end = 0, labels = 0;
  for (;;) {
    uint32_t label = pos;
    while (is_ascii_alphanumeric(byte_at(s, pos)) || byte_at(s, pos) == '-') pos++;
    if (pos == label) break;
    labels++;
    if (labels >= 2 && is_top_level_domain(s, label, pos)) end = pos;
    if (byte_at(s, pos) != '.' || !is_ascii_alphanumeric(byte_at(s, pos + 1))) break;
    pos++;
  }
  return end;
}

/* The end of the e-mail address at POS, or 0. A failed attempt records how
 * far it read: any later start before that point would fail the same way,
 * which keeps runs like "a.b.c.d..." linear. */
static uint32_t email_end(scanner *s, uint32_t pos) {
  if (pos < s->email_checked_until) return 0;
  uint32_t at = pos;
  while (is_email_local_character(byte_at(s, at))) at++;
  uint32_t end = 0;
  if (byte_at(s, at) == '@' && s->text[at - 1] != '.') end = domain_end(s, at + 1);
  if (end == 0) s->email_checked_until = at;
  return end;
}

/* Words and numbers ******************************************************/

/* "1,000": a comma joins a number only before a group of three digits. */
static bool digit_group_follows(const scanner *s, uint32_t pos) {
  for (uint32_t i = 0; i < 3; i++) {
    if (!is_ascii_digit(byte_at(s, pos + i))) return false;
  }
  return !is_ascii_digit(byte_at(s, pos + 3));
}

/* "10:30": a colon joins a number only before two digits. */
static bool minutes_follow(const scanner *s, uint32_t pos) {
  return is_ascii_digit(byte_at(s, pos)) && is_ascii_digit(byte_at(s, pos + 1)) &&
         !is_ascii_digit(byte_at(s, pos + 2));
}

/*
 * Whether the character JOINER at POS, between the word character PREVIOUS
 * and what follows, is inside a word: the hyphen of "five-day", the
 * apostrophe of "O’Brien", the period of "3.5" and "Amazon.com", the
 * separators of "1,000,000", "10:30" and "9/11", the & of "AT&T". NUMERIC
 * says that the word so far has only digits.
 */
static bool joins(const scanner *s, text_char joiner, uint32_t pos, int32_t previous,
                  bool numeric) {
  uint32_t after = pos + joiner.length;
  int32_t following = codepoint_at(s, after);
  switch (joiner.codepoint) {
    case '-':
    case 0x2010:
    case 0x2011:
      return is_word_character(following);
    case '\'':
    case 0x2019:
      return is_letter(following) && (is_letter(previous) || is_digit(previous));
    case '.':
      return (is_digit(previous) && is_digit(following)) || (following >= 'a' && following <= 'z');
    case ',':
      return numeric && digit_group_follows(s, after);
    case ':':
      return numeric && minutes_follow(s, after);
    case '/':
      return numeric && is_digit(following);
    case '&':
      return is_upper(previous) && is_upper(following);
    default:
      return false;
  }
}

/* The end of the word that starts with the word character at POS. */
static uint32_t word_end(const scanner *s, uint32_t pos) {
  int32_t previous = NO_CHARACTER;
  bool numeric = true;
  for (;;) {
    text_char c = char_at(s, pos);
    if (is_word_character(c.codepoint)) {
      numeric = numeric && is_digit(c.codepoint);
      previous = c.codepoint;
    } else if (!joins(s, c, pos, previous, numeric)) {
      return pos;
    }
    pos += c.length;
  }
}

static bool is_number_separator(int32_t cp) {
  return cp == '.' || cp == ',' || cp == ':' || cp == '/';
}

/* The decade "s" of "1990s", the ordinal endings of "1st" ... "4th", and
 * the thousands, millions, billions and trillions of "£1.2m" and "$3bn". */
static bool is_number_suffix(const char *suffix, size_t length) {
  static const char *const suffixes[] = {"s", "st", "nd", "rd", "th", "k", "m", "bn", "tn"};
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    if (strlen(suffixes[i]) == length && memcmp(suffix, suffixes[i], length) == 0) return true;
  }
  return false;
}

/* Whether [START, END) is a NUMBER: digits and separators ("1,000.50"),
 * perhaps after an apostrophe or period ("’90s", ".5") and before a decade
 * or ordinal suffix ("1990s", "21st"). */
static bool is_number(const scanner *s, uint32_t start, uint32_t end) {
  text_char c = char_at(s, start);
  if (c.codepoint == '\'' || c.codepoint == 0x2018 || c.codepoint == 0x2019 || c.codepoint == '.') {
    start += c.length;
  }
  if (!is_digit(codepoint_at(s, start))) return false;
  for (uint32_t pos = start; pos < end; pos += c.length) {
    c = char_at(s, pos);
    if (is_digit(c.codepoint) || is_number_separator(c.codepoint)) continue;
    return is_ascii_digit(byte_at(s, pos - 1)) && is_number_suffix(s->text + pos, end - pos);
  }
  return true;
}

/* The length of the apostrophe (' or ’) that ends just before POS, or 0. */
static uint32_t apostrophe_before(const scanner *s, uint32_t start, uint32_t pos) {
  if (pos > start && s->text[pos - 1] == '\'') return 1;
  if (pos >= start + 3 && memcmp(s->text + pos - 3, "\xE2\x80\x99", 3) == 0) return 3;
  return 0;
}

/* The letters of a clitic after its apostrophe, in either case: s m d ll
 * re ve. */
static bool is_clitic_suffix(const char *suffix, size_t length) {
  int first = suffix[0] | 0x20, second = length == 2 ? suffix[1] | 0x20 : 0;
  if (length == 1) return first == 's' || first == 'm' || first == 'd';
  return length == 2 && ((first == 'l' && second == 'l') || (first == 'r' && second == 'e') ||
                         (first == 'v' && second == 'e'));
}

/* Where the clitic that ends the word [START, END) starts ("’s" "’ll" "'re"
 * "n't"), or END if it has none. The rest of the word keeps one character
 * at least. */
static uint32_t clitic_start(const scanner *s, uint32_t start, uint32_t end) {
  if (end - start >= 3 && (s->text[end - 1] | 0x20) == 't') {
    uint32_t apostrophe = apostrophe_before(s, start, end - 1);
    uint32_t n = end - 1 - apostrophe; /* just after the n of n't */
    if (apostrophe != 0 && n > start + 1 && (s->text[n - 1] | 0x20) == 'n') return n - 1;
  }
  for (uint32_t letters = 1; letters <= 2 && letters < end - start; letters++) {
    uint32_t apostrophe = apostrophe_before(s, start, end - letters);
    if (apostrophe == 0 || !is_clitic_suffix(s->text + end - letters, letters)) continue;
    if (end - letters - apostrophe > start) return end - letters - apostrophe;
  }
  return end;
}

/* Emit the word [START, END) as a WORD or NUMBER and its clitics. */
static int emit_word(scanner *s, uint32_t start, uint32_t end, uint32_t *next) {
  uint32_t cuts[MAX_CLITICS + 1] = {end};
  size_t clitics = 0;
  while (clitics < MAX_CLITICS) {
    uint32_t cut = clitic_start(s, start, cuts[clitics]);
    if (cut == cuts[clitics]) break;
    cuts[++clitics] = cut;
  }
  uint32_t base_end = cuts[clitics];
  whosaid_token_kind kind =
      is_number(s, start, base_end) ? WHOSAID_TOKEN_NUMBER : WHOSAID_TOKEN_WORD;
  int status = emit(s, start, base_end, kind, 0);
  for (size_t i = clitics; i > 0 && status == 0; i--) {
    status = emit(s, cuts[i], cuts[i - 1], WHOSAID_TOKEN_CLITIC, 0);
  }
  *next = end;
  return status;
}

/* Abbreviations and initials **********************************************/

/* The number of ASCII letters at POS, counting no further than LIMIT. */
static uint32_t ascii_letters_at(const scanner *s, uint32_t pos, uint32_t limit) {
  uint32_t count = 0;
  while (count < limit && is_ascii_letter(byte_at(s, pos + count))) count++;
  return count;
}

/* The end of a dotted abbreviation at POS: single letters ("U.S." "e.g."
 * "a.m." "U.S.A.") or a listed one ("Ph.D." "W.Va."); 0 if there is none. */
static uint32_t dotted_abbreviation_end(const scanner *s, uint32_t pos) {
  uint32_t end = pos, segments = 0;
  bool single_letters = true;
  for (;;) {
    uint32_t letters = ascii_letters_at(s, end, 3);
    if (letters == 0 || letters > 2 || byte_at(s, end + letters) != '.') break;
    single_letters = single_letters && letters == 1;
    end += letters + 1;
    segments++;
    /* Only single letters go on and on; listed ones are short. */
    if (!single_letters && end - pos > 8) return 0;
  }
  if (segments < 2) return 0;
  if (single_letters) return end;
  bool listed = text_abbreviation_classify(s->text + pos, end - pos) != TEXT_ABBREVIATION_NONE;
  return listed ? end : 0;
}

/* "Richard A. Grenell": after the period at POS come white space and a
 * capitalized word that is not a common sentence opener. */
static bool name_follows(const scanner *s, uint32_t pos) {
  uint32_t word = skip_separators(s, pos);
  if (word == pos || !is_upper(codepoint_at(s, word))) return false;
  uint32_t end = word;
  for (text_char c = char_at(s, end); is_letter(c.codepoint); c = char_at(s, end)) {
    end += c.length;
  }
  return !text_is_sentence_starter(s->text + word, end - word);
}

static bool digit_follows(const scanner *s, uint32_t pos) {
  return is_digit(codepoint_at(s, skip_separators(s, pos)));
}

/* "No." abbreviates "number" only before one: "No. 1", not "He said No." */
static bool needs_number(const scanner *s, uint32_t start, uint32_t end) {
  return (end - start == 2 && memcmp(s->text + start, "No", 2) == 0) ||
         (end - start == 3 && memcmp(s->text + start, "Nos", 3) == 0);
}

/* What the word [START, END) is together with the period at END: an
 * INITIAL, an ABBREVIATION, or (WORD) neither, the period being apart. */
static whosaid_token_kind period_word_kind(const scanner *s, uint32_t start, uint32_t end) {
  if (byte_at(s, end + 1) == '.' && byte_at(s, end + 2) == '.') return WHOSAID_TOKEN_WORD;
  text_char first = char_at(s, start);
  if (start + first.length == end && is_upper(first.codepoint)) {
    return name_follows(s, end + 1) ? WHOSAID_TOKEN_INITIAL : WHOSAID_TOKEN_WORD;
  }
  if (text_abbreviation_classify(s->text + start, end + 1 - start) == TEXT_ABBREVIATION_NONE) {
    return WHOSAID_TOKEN_WORD;
  }
  if (needs_number(s, start, end) && !digit_follows(s, end + 1)) return WHOSAID_TOKEN_WORD;
  return WHOSAID_TOKEN_ABBREVIATION;
}

/* "R-S.C." and "pro-U.S.": a hyphenated word [START, END) whose last part
 * starts a dotted abbreviation, which the word scanner stopped in ("R-S").
 * The abbreviation's end, or 0. ("D-Calif." needs no help: the period right
 * after the word makes it an abbreviation like "Calif.".) */
static uint32_t hyphenated_abbreviation_end(const scanner *s, uint32_t start, uint32_t end) {
  uint32_t part = end;
  while (part > start && end - part < 3 && is_ascii_letter((unsigned char)s->text[part - 1])) {
    part--;
  }
  if (part == start || s->text[part - 1] != '-' || part == end) return 0;
  uint32_t dotted = dotted_abbreviation_end(s, part);
  return dotted > end ? dotted : 0;
}

/* Word-like tokens *******************************************************/

/* A token that starts with a letter or digit. */
static int scan_word(scanner *s, uint32_t pos, uint32_t *next) {
  uint32_t end = url_end(s, pos);
  if (end != 0) return emit_to(s, pos, end, WHOSAID_TOKEN_URL, 0, next);
  end = email_end(s, pos);
  if (end != 0) return emit_to(s, pos, end, WHOSAID_TOKEN_EMAIL, 0, next);
  end = dotted_abbreviation_end(s, pos);
  if (end != 0) {
    /* "U.S.-led" is one word. */
    if (byte_at(s, end) == '-' && is_word_character(codepoint_at(s, end + 1))) {
      return emit_word(s, pos, word_end(s, end + 1), next);
    }
    return emit_to(s, pos, end, WHOSAID_TOKEN_ABBREVIATION, 0, next);
  }
  end = word_end(s, pos);
  if (byte_at(s, end) == '.') {
    uint32_t abbreviation = hyphenated_abbreviation_end(s, pos, end);
    if (abbreviation != 0) {
      return emit_to(s, pos, abbreviation, WHOSAID_TOKEN_ABBREVIATION, 0, next);
    }
    whosaid_token_kind kind = period_word_kind(s, pos, end);
    if (kind != WHOSAID_TOKEN_WORD) return emit_to(s, pos, end + 1, kind, 0, next);
  }
  return emit_word(s, pos, end, next);
}

/* Quotation marks and apostrophes ****************************************/

/* Before an opening quotation mark: the start, white space, an opening
 * bracket, a dash or another quotation mark. */
static bool can_precede_opening(int32_t cp) {
  if (is_space_or_edge(cp) || cp == '"' || cp == '\'' || cp == '`') return true;
  utf8proc_category_t category = category_of(cp);
  return category == UTF8PROC_CATEGORY_PS || category == UTF8PROC_CATEGORY_PD ||
         category == UTF8PROC_CATEGORY_PI;
}

/* After a closing quotation mark: the end, white space or punctuation. */
static bool can_follow_closing(int32_t cp) {
  if (is_space_or_edge(cp)) return true;
  utf8proc_category_t category = category_of(cp);
  return category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO;
}

/* The direction of a straight " or ' at [START, END), from its neighbours;
 * both flags when they do not tell. */
static uint16_t straight_quote_direction(const scanner *s, uint32_t start, uint32_t end) {
  int32_t before = character_before(s, start), after = character_after(s, end);
  bool opening = can_precede_opening(before) && !is_space_or_edge(after);
  bool closing = !is_space_or_edge(before) && can_follow_closing(after);
  if (opening == closing) return WHOSAID_TOKEN_QUOTE_OPEN | WHOSAID_TOKEN_QUOTE_CLOSE;
  return opening ? WHOSAID_TOKEN_QUOTE_OPEN : WHOSAID_TOKEN_QUOTE_CLOSE;
}

/* ’ outside a word closes ("the Smiths’ house", "‘yes.’"), except that at a
 * word's start it may also be a misprinted opening mark or the apostrophe of
 * "’em": then both flags. */
static uint16_t right_single_quote_direction(const scanner *s, uint32_t start, uint32_t end) {
  int32_t before = character_before(s, start);
  if (!is_word_character(before) && can_precede_opening(before) &&
      !is_space_or_edge(character_after(s, end))) {
    return WHOSAID_TOKEN_QUOTE_OPEN | WHOSAID_TOKEN_QUOTE_CLOSE;
  }
  return WHOSAID_TOKEN_QUOTE_CLOSE;
}

/* The flags of a quotation mark whose direction its shape tells, or 0. */
static uint16_t shaped_quote_flags(int32_t cp) {
  switch (cp) {
    case 0x201C:
    case 0x201E:
    case 0x201F:
    case 0x00AB: /* “ „ ‟ « */
      return WHOSAID_TOKEN_QUOTE_OPEN | WHOSAID_TOKEN_QUOTE_DOUBLE;
    case 0x201D:
    case 0x00BB: /* ” » */
      return WHOSAID_TOKEN_QUOTE_CLOSE | WHOSAID_TOKEN_QUOTE_DOUBLE;
    case 0x2018:
    case 0x201A:
    case 0x201B:
    case 0x2039: /* ‘ ‚ ‛ ‹ */
      return WHOSAID_TOKEN_QUOTE_OPEN;
    case 0x203A: /* › */
      return WHOSAID_TOKEN_QUOTE_CLOSE;
    default:
      return 0;
  }
}

/* "U.S.’s": a clitic after an abbreviation, whose period kept the word
 * scanner from taking the apostrophe. Its end, or 0. */
static uint32_t clitic_after_abbreviation_end(const scanner *s, uint32_t pos, text_char mark) {
  const text_token_vec *out = s->out;
  if (mark.codepoint == 0x2018 || out->len == 0 || VEC_LAST(out)->end != pos ||
      VEC_LAST(out)->kind != WHOSAID_TOKEN_ABBREVIATION) {
    return 0;
  }
  uint32_t start = pos + mark.length;
  uint32_t letters = ascii_letters_at(s, start, 3);
  if (letters == 0 || letters > 2 || !is_clitic_suffix(s->text + start, letters)) return 0;
  return is_word_character(codepoint_at(s, start + letters)) ? 0 : start + letters;
}

/* "’90s" and "'05": an apostrophe for the century; with ‘ (a misprint
 * autocorrection makes) only in the decade form "‘90s". */
static bool starts_year(const scanner *s, uint32_t pos, text_char mark) {
  uint32_t digits = pos + mark.length;
  if (!is_ascii_digit(byte_at(s, digits)) || is_word_character(character_before(s, pos))) {
    return false;
  }
  if (mark.codepoint != 0x2018) return true;
  return is_ascii_digit(byte_at(s, digits + 1)) && byte_at(s, digits + 2) == 's' &&
         !is_word_character(codepoint_at(s, digits + 3));
}

/* ' and ’ where no word took them as an inner apostrophe, and ‘. */
static int scan_apostrophe(scanner *s, uint32_t pos, text_char mark, uint32_t *next) {
  uint32_t end = clitic_after_abbreviation_end(s, pos, mark);
  if (end != 0) return emit_to(s, pos, end, WHOSAID_TOKEN_CLITIC, 0, next);
  if (starts_year(s, pos, mark)) return emit_word(s, pos, word_end(s, pos + mark.length), next);
  end = pos + mark.length;
  if (mark.codepoint == 0x2018) {
    return emit_to(s, pos, end, WHOSAID_TOKEN_QUOTE, WHOSAID_TOKEN_QUOTE_OPEN, next);
  }
  uint16_t flags;
  if (mark.codepoint == 0x2019) {
    flags = right_single_quote_direction(s, pos, end);
  } else if (byte_at(s, end) == '\'') { /* '' */
    end++;
    flags = straight_quote_direction(s, pos, end) | WHOSAID_TOKEN_QUOTE_DOUBLE;
  } else {
    flags = straight_quote_direction(s, pos, end);
  }
  return emit_to(s, pos, end, WHOSAID_TOKEN_QUOTE, flags, next);
}

/* " and the backquotes ` and `` (opening, as in Penn Treebank text). */
static int scan_straight_quote(scanner *s, uint32_t pos, uint32_t *next) {
  if (s->text[pos] == '"') {
    uint16_t flags = straight_quote_direction(s, pos, pos + 1) | WHOSAID_TOKEN_QUOTE_DOUBLE;
    return emit_to(s, pos, pos + 1, WHOSAID_TOKEN_QUOTE, flags, next);
  }
  if (byte_at(s, pos + 1) == '`') {
    return emit_to(s, pos, pos + 2, WHOSAID_TOKEN_QUOTE,
                   WHOSAID_TOKEN_QUOTE_OPEN | WHOSAID_TOKEN_QUOTE_DOUBLE, next);
  }
  return emit_to(s, pos, pos + 1, WHOSAID_TOKEN_QUOTE, WHOSAID_TOKEN_QUOTE_OPEN, next);
}

/* Punctuation runs ********************************************************/

/* Periods and …: an ELLIPSIS for three periods or more or any …; a
 * PUNCTUATION token for a single period; a NUMBER for ".5". */
static int scan_periods(scanner *s, uint32_t pos, uint32_t *next) {
  if (byte_at(s, pos) == '.' && is_ascii_digit(byte_at(s, pos + 1)) &&
      !is_word_character(character_before(s, pos))) {
    return emit_word(s, pos, word_end(s, pos + 1), next);
  }
  uint32_t end = pos, periods = 0;
  bool ellipsis = false;
  for (;;) {
    if (byte_at(s, end) == '.') {
      periods++;
      end++;
    } else if (codepoint_at(s, end) == 0x2026) {
      ellipsis = true;
      end += 3;
    } else {
      break;
    }
  }
  if (ellipsis || periods >= 3) return emit_to(s, pos, end, WHOSAID_TOKEN_ELLIPSIS, 0, next);
  return emit_to(s, pos, pos + 1, WHOSAID_TOKEN_PUNCTUATION, 0, next);
}

/* Runs of dashes and hyphen-minus: "—", "–", "--", "---" are one DASH; a
 * lone "-" is a DASH between spaces and PUNCTUATION elsewhere ("-5"). */
static int scan_dashes(scanner *s, uint32_t pos, uint32_t *next) {
  uint32_t end = pos, count = 0;
  bool dash = false;
  for (text_char c = char_at(s, end); c.codepoint == '-' || is_dash(c.codepoint);
       c = char_at(s, end)) {
    dash = dash || c.codepoint != '-';
    count++;
    end += c.length;
  }
  if (!dash && count == 1 &&
      !(is_space_or_edge(character_before(s, pos)) && is_space_or_edge(character_after(s, end)))) {
    return emit_to(s, pos, end, WHOSAID_TOKEN_PUNCTUATION, 0, next);
  }
  return emit_to(s, pos, end, WHOSAID_TOKEN_DASH, 0, next);
}

/* Handles, hashtags and single characters *********************************/

static int scan_single(scanner *s, uint32_t pos, text_char c, uint32_t *next);

/* "@handle": @ at a word's start and ASCII letters, digits or _. */
static int scan_handle(scanner *s, uint32_t pos, uint32_t *next) {
  uint32_t end = pos + 1;
  while (is_ascii_alphanumeric(byte_at(s, end)) || byte_at(s, end) == '_') end++;
  if (end == pos + 1 || is_word_character(character_before(s, pos))) {
    return scan_single(s, pos, (text_char){'@', 1}, next);
  }
  return emit_to(s, pos, end, WHOSAID_TOKEN_HANDLE, 0, next);
}

/* "#hashtag": # at a word's start, then letters, digits and _ of any
 * script, with one letter at least ("#1" is a symbol and a number). */
static int scan_hashtag(scanner *s, uint32_t pos, uint32_t *next) {
  uint32_t end = pos + 1;
  bool letter = false;
  for (text_char c = char_at(s, end); is_word_character(c.codepoint) || c.codepoint == '_';
       c = char_at(s, end)) {
    letter = letter || is_letter(c.codepoint);
    end += c.length;
  }
  if (!letter || is_word_character(character_before(s, pos))) {
    return scan_single(s, pos, (text_char){'#', 1}, next);
  }
  return emit_to(s, pos, end, WHOSAID_TOKEN_HASHTAG, 0, next);
}

static whosaid_token_kind single_kind(int32_t cp) {
  if (cp < 0) return WHOSAID_TOKEN_INVALID;
  if (is_symbol_punctuation(cp)) return WHOSAID_TOKEN_SYMBOL;
  utf8proc_category_t category = category_of(cp);
  if (category == UTF8PROC_CATEGORY_CC) return WHOSAID_TOKEN_INVALID;
  if (category == UTF8PROC_CATEGORY_SC) return WHOSAID_TOKEN_CURRENCY;
  if (category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO) {
    return WHOSAID_TOKEN_PUNCTUATION;
  }
  return WHOSAID_TOKEN_SYMBOL; /* Sm Sk So, private use, unassigned */
}

/* One character, with the combining marks that follow a symbol (the
 * variation selector of an emoji). */
static int scan_single(scanner *s, uint32_t pos, text_char c, uint32_t *next) {
  whosaid_token_kind kind = single_kind(c.codepoint);
  uint32_t end = pos + c.length;
  if (kind != WHOSAID_TOKEN_INVALID) {
    for (text_char mark = char_at(s, end); is_mark(mark.codepoint); mark = char_at(s, end)) {
      end += mark.length;
    }
  }
  return emit_to(s, pos, end, kind, 0, next);
}

/* The driver ***********************************************************/

static int scan_token(scanner *s, uint32_t pos, text_char c, uint32_t *next) {
  if (is_word_character(c.codepoint)) return scan_word(s, pos, next);
  switch (c.codepoint) {
    case '\'':
    case 0x2018:
    case 0x2019:
      return scan_apostrophe(s, pos, c, next);
    case '"':
    case '`':
      return scan_straight_quote(s, pos, next);
    case '.':
    case 0x2026:
      return scan_periods(s, pos, next);
    case '-':
      return scan_dashes(s, pos, next);
    case '@':
      return scan_handle(s, pos, next);
    case '#':
      return scan_hashtag(s, pos, next);
    default:
      break;
  }
  if (is_dash(c.codepoint)) return scan_dashes(s, pos, next);
  uint16_t quote = shaped_quote_flags(c.codepoint);
  if (quote != 0) return emit_to(s, pos, pos + c.length, WHOSAID_TOKEN_QUOTE, quote, next);
  return scan_single(s, pos, c, next);
}

int text_tokenize(const char *text, size_t length, text_token_vec *out) {
  out->len = 0;
  scanner s = {text, (uint32_t)length, out, true, 0};
  uint32_t pos = 0;
  while (pos < s.length) {
    text_char c = char_at(&s, pos);
    if (is_separator(c.codepoint)) {
      if (c.codepoint == '\n') s.line_start = true;
      pos += c.length;
      continue;
    }
    int status = scan_token(&s, pos, c, &pos);
    if (status != 0) {
      VEC_FREE(out);
      return status;
    }
  }
  return 0;
}
