/*
 * test_tokenize.c: the tokenizer on small hand-written news snippets.
 *
 * Most tests compare a one-line description of the tokens, "text|K" for
 * each token with K its kind (W word, N number, A abbreviation, I initial,
 * C clitic, P punctuation, Q quote, D dash, E ellipsis, $ currency,
 * S symbol, U URL, M e-mail, H handle, T hashtag, X invalid), so that a
 * failure shows the whole tokenization.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "test.h"
#include "text/text.h"

static char kind_code(uint16_t kind) {
  return "WNAICPQDE$SUMHTX"[kind];
}

/* Describe the tokens of TEXT (LENGTH bytes) into BUFFER. */
static void describe(const char *text, size_t length, char *buffer, size_t size) {
  text_token_vec tokens = VEC_INIT;
  size_t used = 0;
  buffer[0] = '\0';
  if (text_tokenize(text, length, &tokens) != 0) {
    snprintf(buffer, size, "(out of memory)");
    return;
  }
  for (size_t i = 0; i < tokens.len && used < size; i++) {
    const text_token *token = &tokens.items[i];
    used += (size_t)snprintf(buffer + used, size - used, "%s%.*s|%c", i == 0 ? "" : " ",
                             (int)(token->end - token->start), text + token->start,
                             kind_code(token->kind));
  }
  VEC_FREE(&tokens);
}

static bool tokens_are(const char *text, const char *expected) {
  char actual[4096];
  describe(text, strlen(text), actual, sizeof actual);
  if (strcmp(actual, expected) == 0) return true;
  fprintf(stderr, "  text:     %s\n  expected: %s\n  actual:   %s\n", text, expected, actual);
  return false;
}

/* One letter per QUOTE token: o open, c close, b both; upper case when the
 * mark is double. */
static bool quotes_are(const char *text, const char *expected) {
  text_token_vec tokens = VEC_INIT;
  char actual[256] = "";
  size_t used = 0;
  if (text_tokenize(text, strlen(text), &tokens) != 0) return false;
  for (size_t i = 0; i < tokens.len && used + 1 < sizeof actual; i++) {
    uint16_t flags = tokens.items[i].flags;
    if (tokens.items[i].kind != WHOSAID_TOKEN_QUOTE) continue;
    bool open = flags & WHOSAID_TOKEN_QUOTE_OPEN, close = flags & WHOSAID_TOKEN_QUOTE_CLOSE;
    char letter = open && close ? 'b' : open ? 'o' : close ? 'c' : '?';
    actual[used++] = (flags & WHOSAID_TOKEN_QUOTE_DOUBLE) ? (char)(letter - 'a' + 'A') : letter;
  }
  actual[used] = '\0';
  VEC_FREE(&tokens);
  if (strcmp(actual, expected) == 0) return true;
  fprintf(stderr, "  text: %s\n  quotes expected %s, got %s\n", text, expected, actual);
  return false;
}

/* The flags of token INDEX of TEXT (LENGTH bytes), or 0xFFFF. */
static unsigned flags_of(const char *text, size_t length, size_t index) {
  text_token_vec tokens = VEC_INIT;
  unsigned flags = 0xFFFF;
  if (text_tokenize(text, length, &tokens) == 0 && index < tokens.len) {
    flags = tokens.items[index].flags;
  }
  VEC_FREE(&tokens);
  return flags;
}

enum {
  CAPITALIZED = WHOSAID_TOKEN_CAPITALIZED,
  ALL_CAPS = WHOSAID_TOKEN_ALL_CAPS,
  BEFORE = WHOSAID_TOKEN_SPACE_BEFORE,
  AFTER = WHOSAID_TOKEN_SPACE_AFTER,
  LINE = WHOSAID_TOKEN_LINE_START,
};

/* Empty and blank texts ***************************************************/

TEST(empty_text_has_no_tokens) {
  text_token_vec tokens = VEC_INIT;
  ASSERT_OK(text_tokenize("", 0, &tokens));
  ASSERT_EQ(tokens.len, 0);
  ASSERT_OK(text_tokenize(NULL, 0, &tokens));
  ASSERT_EQ(tokens.len, 0);
  VEC_FREE(&tokens);
}

TEST(white_space_only_has_no_tokens) {
  ASSERT(tokens_are("   \t \n\r\n  \v\f ", ""));
  ASSERT(tokens_are("\xC2\xA0\xE2\x80\x83\xE3\x80\x80", "")); /* NBSP, em space, ideographic */
  ASSERT(tokens_are("\xE2\x80\x8B\xEF\xBB\xBF", ""));         /* ZWSP, BOM */
}

TEST(reused_vector_is_emptied_first) {
  text_token_vec tokens = VEC_INIT;
  ASSERT_OK(text_tokenize("one two three", 13, &tokens));
  ASSERT_EQ(tokens.len, 3);
  ASSERT_OK(text_tokenize("four", 4, &tokens));
  ASSERT_EQ(tokens.len, 1);
  ASSERT_EQ(tokens.items[0].start, 0);
  ASSERT_EQ(tokens.items[0].end, 4);
  VEC_FREE(&tokens);
}

/* Words ********************************************************************/

TEST(plain_words_and_punctuation) {
  ASSERT(tokens_are("The minister resigned.", "The|W minister|W resigned|W .|P"));
  ASSERT(tokens_are("Yes, no; maybe: (perhaps) [not] {ever}!?",
                    "Yes|W ,|P no|W ;|P maybe|W :|P (|P perhaps|W )|P [|P not|W ]|P {|P ever|W }|P "
                    "!|P ?|P"));
}

TEST(inner_hyphens_and_apostrophes) {
  ASSERT(tokens_are("a five-day so-called state-of-the-art plan",
                    "a|W five-day|W so-called|W state-of-the-art|W plan|W"));
  ASSERT(tokens_are("O’Brien and O'Neill in Côte d’Ivoire",
                    "O’Brien|W and|W O'Neill|W in|W Côte|W d’Ivoire|W"));
  ASSERT(tokens_are("rock'n'roll", "rock'n'roll|W"));
}

TEST(hyphen_at_word_edges_is_apart) {
  ASSERT(tokens_are("pre- and post-war", "pre|W -|P and|W post-war|W"));
  ASSERT(tokens_are("well-\nknown", "well|W -|P known|W"));
}

TEST(unicode_words) {
  ASSERT(tokens_are("Zürich naïve São Paulo Ελλάδα Москва",
                    "Zürich|W naïve|W São|W Paulo|W Ελλάδα|W Москва|W"));
  /* e + COMBINING ACUTE ACCENT stays in its word */
  ASSERT(tokens_are("cafe\xCC\x81 au lait", "cafe\xCC\x81|W au|W lait|W"));
}

TEST(ampersand_inside_capitals) {
  ASSERT(tokens_are("AT&T and S&P 500", "AT&T|W and|W S&P|W 500|N"));
  ASSERT(tokens_are("rock & roll", "rock|W &|S roll|W"));
  ASSERT(tokens_are("Tom&Jerry", "Tom|W &|S Jerry|W"));
}

TEST(period_before_lower_case_joins_a_word) {
  ASSERT(tokens_are("Amazon.com said", "Amazon.com|W said|W"));
  ASSERT(tokens_are("the end.The start", "the|W end|W .|P The|W start|W"));
}

/* Clitics ****************************************************************/

TEST(possessive_clitics_split) {
  ASSERT(tokens_are("Germany’s economy", "Germany|W ’s|C economy|W"));
  ASSERT(tokens_are("Germany's economy", "Germany|W 's|C economy|W"));
  ASSERT(tokens_are("O’Brien’s car", "O’Brien|W ’s|C car|W"));
  ASSERT(tokens_are("AT&T's network", "AT&T|W 's|C network|W"));
  ASSERT(tokens_are("the 1990's", "the|W 1990|N 's|C"));
}

TEST(negation_clitics_split) {
  ASSERT(tokens_are("can’t don't won't isn’t", "ca|W n’t|C do|W n't|C wo|W n't|C is|W n’t|C"));
  ASSERT(tokens_are("DON'T", "DO|W N'T|C"));
  ASSERT(tokens_are("n't", "n't|W"));
}

TEST(verb_clitics_split) {
  ASSERT(tokens_are("we’ll I'm they're I've he'd",
                    "we|W ’ll|C I|W 'm|C they|W 're|C I|W 've|C he|W 'd|C"));
  ASSERT(tokens_are("I'M", "I|W 'M|C"));
  ASSERT(tokens_are("shouldn't've", "should|W n't|C 've|C"));
}

TEST(words_that_only_look_like_clitics_stay_whole) {
  ASSERT(tokens_are("Ma'am y'all O'Neill Qur'an", "Ma'am|W y'all|W O'Neill|W Qur'an|W"));
}

TEST(clitic_after_abbreviation) {
  ASSERT(tokens_are("the U.S.’s allies", "the|W U.S.|A ’s|C allies|W"));
  ASSERT(tokens_are("the U.S.'s allies", "the|W U.S.|A 's|C allies|W"));
}

/* Quotation marks **********************************************************/

TEST(curly_double_quotes) {
  const char *text = "“We will go,” he said.";
  ASSERT(tokens_are(text, "“|Q We|W will|W go|W ,|P ”|Q he|W said|W .|P"));
  ASSERT(quotes_are(text, "OC"));
}

TEST(curly_single_quotes) {
  const char *text = "‘Yes,’ he said.";
  ASSERT(tokens_are(text, "‘|Q Yes|W ,|P ’|Q he|W said|W .|P"));
  ASSERT(quotes_are(text, "oc"));
}

TEST(plural_possessive_apostrophe_is_a_closing_quote) {
  ASSERT(tokens_are("the Smiths’ house", "the|W Smiths|W ’|Q house|W"));
  ASSERT(quotes_are("the Smiths’ house", "c"));
  ASSERT(tokens_are("the Smiths' house", "the|W Smiths|W '|Q house|W"));
  ASSERT(quotes_are("the Smiths' house", "c"));
}

TEST(straight_double_quotes_by_neighbours) {
  const char *text = "He said: \"No.\" Then";
  ASSERT(tokens_are(text, "He|W said|W :|P \"|Q No|W .|P \"|Q Then|W"));
  ASSERT(quotes_are(text, "OC"));
  ASSERT(quotes_are("\"Hello,\" she said", "OC"));
  ASSERT(quotes_are("(\"quoted\")", "OC"));
  ASSERT(quotes_are("a word—\"quoted\"—there", "OC"));
  ASSERT(quotes_are("He called it \"\" today", "OC"));
}

TEST(ambiguous_straight_quotes_get_both_flags) {
  ASSERT(quotes_are("a \" b", "B"));
  ASSERT(quotes_are("a\"b", "B"));
  ASSERT(quotes_are("\"", "B"));
}

TEST(straight_single_quotes) {
  ASSERT(quotes_are("'Hello,' she said", "oc"));
  ASSERT(quotes_are("\"'Nested'\"", "OocC"));
}

TEST(other_quotation_marks) {
  ASSERT(tokens_are("«Bonjour»", "«|Q Bonjour|W »|Q"));
  ASSERT(quotes_are("«Bonjour»", "OC"));
  ASSERT(quotes_are("„Guten Tag“", "OO"));
  ASSERT(quotes_are("‹oui›", "oc"));
}

TEST(penn_treebank_quotes) {
  const char *text = "``Hello,'' he said";
  ASSERT(tokens_are(text, "``|Q Hello|W ,|P ''|Q he|W said|W"));
  ASSERT(quotes_are(text, "OC"));
  ASSERT(quotes_are("`yes'", "oc"));
}

TEST(apostrophe_at_word_start) {
  ASSERT(tokens_are("’Tis the season", "’|Q Tis|W the|W season|W"));
  ASSERT(quotes_are("’Tis the season", "b"));
  ASSERT(quotes_are("‘Go.’", "oc"));
}

TEST(apostrophe_before_digits_belongs_to_the_number) {
  ASSERT(tokens_are("the ’90s and '05, not 1990s", "the|W ’90s|N and|W '05|N ,|P not|W 1990s|N"));
  ASSERT(tokens_are("the ‘80s", "the|W ‘80s|N"));
  ASSERT(tokens_are("‘80 years’", "‘|Q 80|N years|W ’|Q"));
}

/* Dashes and ellipses ****************************************************/

TEST(dashes) {
  ASSERT(tokens_are("war — and peace", "war|W —|D and|W peace|W"));
  ASSERT(tokens_are("1990–91 and 9–5", "1990|N –|D 91|N and|W 9|N –|D 5|N"));
  ASSERT(tokens_are("yes--no", "yes|W --|D no|W"));
  ASSERT(tokens_are("wait---what", "wait|W ---|D what|W"));
  ASSERT(tokens_are("Paris - Berlin", "Paris|W -|D Berlin|W"));
  ASSERT(tokens_are("-5 degrees", "-|P 5|N degrees|W"));
  ASSERT(tokens_are("stop——now", "stop|W ——|D now|W"));
}

TEST(ellipses) {
  ASSERT(tokens_are("Wait... what… ok", "Wait|W ...|E what|W …|E ok|W"));
  ASSERT(tokens_are("so....", "so|W ....|E"));
  ASSERT(tokens_are("huh..", "huh|W .|P .|P"));
  ASSERT(tokens_are("etc... and", "etc|W ...|E and|W"));
}

/* Numbers and currency **************************************************/

TEST(numbers_with_separators) {
  ASSERT(tokens_are("1,000,000 2019 3.5 10:30 9/11 192.168.0.1",
                    "1,000,000|N 2019|N 3.5|N 10:30|N 9/11|N 192.168.0.1|N"));
  ASSERT(tokens_are("1,2 and 1,0000", "1|N ,|P 2|N and|W 1|N ,|P 0000|N"));
  ASSERT(tokens_are("in 2019.", "in|W 2019|N .|P"));
  ASSERT(tokens_are("1,000, then", "1,000|N ,|P then|W"));
  ASSERT(tokens_are("at .5 percent", "at|W .5|N percent|W"));
}

TEST(decades_ordinals_and_alphanumerics) {
  ASSERT(tokens_are("1990s 80s 21st 2nd 3rd 4th", "1990s|N 80s|N 21st|N 2nd|N 3rd|N 4th|N"));
  ASSERT(tokens_are("5G G7 3D COVID-19 F-35 1990-91 mp3",
                    "5G|W G7|W 3D|W COVID-19|W F-35|W 1990-91|W mp3|W"));
}

TEST(amounts_with_multipliers_are_numbers) {
  ASSERT(tokens_are("£1.2m and $3bn, 5k, 100m, 2tn",
                    "£|$ 1.2m|N and|W $|$ 3bn|N ,|P 5k|N ,|P 100m|N ,|P 2tn|N"));
  ASSERT(tokens_are("5km 3x 10M", "5km|W 3x|W 10M|W"));
}

TEST(currency_is_apart) {
  ASSERT(tokens_are("$1,000.50", "$|$ 1,000.50|N"));
  ASSERT(tokens_are("$1.5 billion", "$|$ 1.5|N billion|W"));
  ASSERT(
      tokens_are("€20, £5, ¥100 and ₹500", "€|$ 20|N ,|P £|$ 5|N ,|P ¥|$ 100|N and|W ₹|$ 500|N"));
  ASSERT(tokens_are("US$5", "US|W $|$ 5|N"));
}

TEST(percent_and_symbols) {
  ASSERT(tokens_are("3.5%", "3.5|N %|S"));
  ASSERT(tokens_are("2 + 2 = 4 * 1 ° ©", "2|N +|S 2|N =|S 4|N *|S 1|N °|S ©|S"));
  ASSERT(tokens_are("a/b \\ c", "a|W /|P b|W \\|P c|W"));
  /* thumbs up, then a skin tone modifier (its own symbol) */
  ASSERT(tokens_are("ok 👍🏽", "ok|W 👍|S 🏽|S"));
  /* a variation selector stays with its symbol */
  ASSERT(tokens_are("❤️ x", "❤️|S x|W"));
}

/* Abbreviations and initials ********************************************/

TEST(title_abbreviations) {
  ASSERT(tokens_are("Mr. Smith said.", "Mr.|A Smith|W said|W .|P"));
  ASSERT(tokens_are("Mrs. Ms. Dr. Prof. Gen. Sen. Rep. Gov. Lt. Col. Capt. Sgt. Adm. Maj.",
                    "Mrs.|A Ms.|A Dr.|A Prof.|A Gen.|A Sen.|A Rep.|A Gov.|A Lt.|A Col.|A "
                    "Capt.|A Sgt.|A Adm.|A Maj.|A"));
  ASSERT(tokens_are("Rev. Pres. Amb. Supt. Cmdr. St. Hon. Jr. Sr.",
                    "Rev.|A Pres.|A Amb.|A Supt.|A Cmdr.|A St.|A Hon.|A Jr.|A Sr.|A"));
  ASSERT(tokens_are("MR. SMITH", "MR.|A SMITH|W"));
}

TEST(other_abbreviations) {
  ASSERT(tokens_are("Jan. Feb. Aug. Sept. Oct. Nov. Dec.",
                    "Jan.|A Feb.|A Aug.|A Sept.|A Oct.|A Nov.|A Dec.|A"));
  ASSERT(
      tokens_are("Inc. Corp. Co. Ltd. Bros. Cos.", "Inc.|A Corp.|A Co.|A Ltd.|A Bros.|A Cos.|A"));
  ASSERT(tokens_are("e.g. i.e. etc. vs. approx. Ave. Blvd. Dept. Univ. a.m. p.m.",
                    "e.g.|A i.e.|A etc.|A vs.|A approx.|A Ave.|A Blvd.|A Dept.|A Univ.|A a.m.|A "
                    "p.m.|A"));
  ASSERT(tokens_are("Ph.D. student", "Ph.D.|A student|W"));
  ASSERT(tokens_are("Roe v. Wade", "Roe|W v.|A Wade|W"));
}

TEST(state_abbreviations_match_case_exactly) {
  ASSERT(tokens_are("Sacramento, Calif., and Boston, Mass.",
                    "Sacramento|W ,|P Calif.|A ,|P and|W Boston|W ,|P Mass.|A"));
  ASSERT(tokens_are("Fla. Ill. Pa. W.Va.", "Fla.|A Ill.|A Pa.|A W.Va.|A"));
  ASSERT(tokens_are("He was ill.", "He|W was|W ill|W .|P"));
  ASSERT(tokens_are("a mass.", "a|W mass|W .|P"));
}

TEST(number_abbreviation_needs_a_number) {
  ASSERT(tokens_are("No. 1 and No.2", "No.|A 1|N and|W No.|A 2|N"));
  ASSERT(tokens_are("He said No.", "He|W said|W No|W .|P"));
  ASSERT(tokens_are("He said no.", "He|W said|W no|W .|P"));
}

TEST(letter_period_sequences) {
  ASSERT(tokens_are("the U.S. and the U.K.", "the|W U.S.|A and|W the|W U.K.|A"));
  ASSERT(tokens_are("U.N. D.C. U.S.A.", "U.N.|A D.C.|A U.S.A.|A"));
  ASSERT(tokens_are("J.K. Rowling", "J.K.|A Rowling|W"));
  ASSERT(tokens_are("U.S.-led forces", "U.S.-led|W forces|W"));
}

TEST(hyphenated_abbreviations) {
  ASSERT(tokens_are("Graham, R-S.C., who", "Graham|W ,|P R-S.C.|A ,|P who|W"));
  ASSERT(tokens_are("McConnell, R-Ky., said", "McConnell|W ,|P R-Ky.|A ,|P said|W"));
  ASSERT(tokens_are("Schumer, D-N.Y.", "Schumer|W ,|P D-N.Y.|A"));
  ASSERT(tokens_are("pro-U.S. rebels", "pro-U.S.|A rebels|W"));
  ASSERT(tokens_are("ex-Gov. Smith", "ex-Gov.|A Smith|W"));
  ASSERT(tokens_are("Grade-A. Then", "Grade-A|W .|P Then|W"));
  ASSERT(tokens_are("Jay-Z. He", "Jay-Z|W .|P He|W"));
  ASSERT(tokens_are("follow-up.", "follow-up|W .|P"));
}

TEST(initials) {
  ASSERT(tokens_are("Richard A. Grenell told", "Richard|W A.|I Grenell|W told|W"));
  ASSERT(tokens_are("George H. W. Bush", "George|W H.|I W.|I Bush|W"));
  ASSERT(tokens_are("Malcolm X. He left", "Malcolm|W X|W .|P He|W left|W"));
  ASSERT(tokens_are("Plan B.", "Plan|W B|W .|P"));
  ASSERT(tokens_are("Plan B. later", "Plan|W B|W .|P later|W"));
  ASSERT(tokens_are("vitamin C.The", "vitamin|W C|W .|P The|W"));
}

TEST(period_and_ellipsis_after_abbreviation) {
  ASSERT(tokens_are("Apple Inc.. Then", "Apple|W Inc.|A .|P Then|W"));
  ASSERT(tokens_are("Apple Inc... Then", "Apple|W Inc|W ...|E Then|W"));
}

/* Web things ***************************************************************/

TEST(urls_without_trailing_punctuation) {
  ASSERT(tokens_are("see https://example.com/a?b=1.", "see|W https://example.com/a?b=1|U .|P"));
  ASSERT(tokens_are("at http://x.org/path, and", "at|W http://x.org/path|U ,|P and|W"));
  ASSERT(tokens_are("www.example.com!", "www.example.com|U !|P"));
  ASSERT(tokens_are("HTTPS://EXAMPLE.COM", "HTTPS://EXAMPLE.COM|U"));
  ASSERT(tokens_are("(see http://en.wikipedia.org/wiki/Foo_(bar)).",
                    "(|P see|W http://en.wikipedia.org/wiki/Foo_(bar)|U )|P .|P"));
  ASSERT(tokens_are("“https://example.com”", "“|Q https://example.com|U ”|Q"));
  ASSERT(tokens_are("\"https://example.com/\"", "\"|Q https://example.com/|U \"|Q"));
}

TEST(not_quite_urls) {
  ASSERT(tokens_are("http:// x", "http|W :|P /|P /|P x|W"));
  ASSERT(tokens_are("www and www.", "www|W and|W www|W .|P"));
}

TEST(email_addresses) {
  ASSERT(tokens_are("Write to press@example.com.", "Write|W to|W press@example.com|M .|P"));
  ASSERT(tokens_are("jane.doe+news@mail.example.co.uk", "jane.doe+news@mail.example.co.uk|M"));
  ASSERT(tokens_are("a@b and x@y.z", "a|W @|S b|W and|W x|W @|S y.z|W"));
}

TEST(handles_and_hashtags) {
  ASSERT(tokens_are("@handle and #hashtag", "@handle|H and|W #hashtag|T"));
  ASSERT(tokens_are("@user_1. #MeToo, #COVID19", "@user_1|H .|P #MeToo|T ,|P #COVID19|T"));
  ASSERT(tokens_are("#1 and @ and #", "#|S 1|N and|W @|S and|W #|S"));
  ASSERT(tokens_are("#Überraschung", "#Überraschung|T"));
}

/* Invalid bytes, controls and NUL ******************************************/

TEST(invalid_bytes_are_single_tokens) {
  const char text[] =
      "ab\xFF"
      "cd \xC3 \xE2\x80";
  text_token_vec tokens = VEC_INIT;
  ASSERT_OK(text_tokenize(text, sizeof text - 1, &tokens));
  ASSERT_EQ(tokens.len, 6);
  uint32_t expected[][3] = {{0, 2, WHOSAID_TOKEN_WORD},    {2, 3, WHOSAID_TOKEN_INVALID},
                            {3, 5, WHOSAID_TOKEN_WORD},    {6, 7, WHOSAID_TOKEN_INVALID},
                            {8, 9, WHOSAID_TOKEN_INVALID}, {9, 10, WHOSAID_TOKEN_INVALID}};
  for (size_t i = 0; i < 6; i++) {
    ASSERT_EQ(tokens.items[i].start, expected[i][0]);
    ASSERT_EQ(tokens.items[i].end, expected[i][1]);
    ASSERT_EQ(tokens.items[i].kind, expected[i][2]);
  }
  VEC_FREE(&tokens);
}

TEST(overlong_and_surrogate_encodings_are_invalid) {
  /* C0 AF: an overlong "/"; ED A0 80: a surrogate; F4 90 80 80: past U+10FFFF */
  const char text[] = "\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80";
  text_token_vec tokens = VEC_INIT;
  ASSERT_OK(text_tokenize(text, sizeof text - 1, &tokens));
  ASSERT_EQ(tokens.len, 9);
  for (size_t i = 0; i < tokens.len; i++) {
    ASSERT_EQ(tokens.items[i].start, i);
    ASSERT_EQ(tokens.items[i].kind, WHOSAID_TOKEN_INVALID);
  }
  VEC_FREE(&tokens);
}

TEST(nul_bytes_separate_like_spaces) {
  const char text[] = "ab\0cd\0\0.";
  char actual[256];
  describe(text, sizeof text - 1, actual, sizeof actual);
  ASSERT_STR_EQ(actual, "ab|W cd|W .|P");
  ASSERT_EQ(flags_of(text, sizeof text - 1, 0), LINE | BEFORE | AFTER);
  ASSERT_EQ(flags_of(text, sizeof text - 1, 2), BEFORE | AFTER);
}

TEST(control_characters_are_invalid) {
  ASSERT(
      tokens_are("a\x01"
                 "b\x7F"
                 "c",
                 "a|W \x01|X b|W \x7F|X c|W"));
  ASSERT(
      tokens_are("a\xC2\x80"
                 "b",
                 "a|W \xC2\x80|X b|W")); /* C1 control U+0080 */
  ASSERT(
      tokens_are("a\xC2\x85"
                 "b",
                 "a|W b|W")); /* NEL is white space */
}

TEST(truncated_sequence_at_the_end_is_never_overread) {
  /* Copy to the heap so that AddressSanitizer sees any read past the end. */
  const char source[] = "word \xF0\x9F\x98";
  char *text = malloc(sizeof source - 1);
  ASSERT_NOT_NULL(text);
  memcpy(text, source, sizeof source - 1);
  char actual[256];
  describe(text, sizeof source - 1, actual, sizeof actual);
  free(text);
  ASSERT_STR_EQ(actual, "word|W \xF0|X \x9F|X \x98|X");
}

TEST(format_characters_separate_but_are_not_space) {
  /* U+200B ZERO WIDTH SPACE, U+00AD SOFT HYPHEN */
  const char *text =
      "a\xE2\x80\x8B"
      "b co\xC2\xAD"
      "op";
  ASSERT(tokens_are(text, "a|W b|W co|W op|W"));
  ASSERT_EQ(flags_of(text, strlen(text), 0), LINE | BEFORE);
  ASSERT_EQ(flags_of(text, strlen(text), 1), AFTER);
}

/* Flags ******************************************************************/

TEST(case_flags) {
  const char *text = "NATO said iPhone A U.S. 5G x";
  ASSERT_EQ(flags_of(text, strlen(text), 0), CAPITALIZED | ALL_CAPS | BEFORE | AFTER | LINE);
  ASSERT_EQ(flags_of(text, strlen(text), 1), BEFORE | AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 2), BEFORE | AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 3), CAPITALIZED | BEFORE | AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 4), CAPITALIZED | ALL_CAPS | BEFORE | AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 5), BEFORE | AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 6), BEFORE | AFTER);
}

TEST(case_flags_of_unicode_and_clitics) {
  const char *text = "Émile ÉCOLE DON'T 東京";
  ASSERT_EQ(flags_of(text, strlen(text), 0), CAPITALIZED | BEFORE | AFTER | LINE);
  ASSERT_EQ(flags_of(text, strlen(text), 1), CAPITALIZED | ALL_CAPS | BEFORE | AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 2), CAPITALIZED | ALL_CAPS | BEFORE);
  ASSERT_EQ(flags_of(text, strlen(text), 3), CAPITALIZED | ALL_CAPS | AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 4), BEFORE | AFTER); /* no case */
}

TEST(space_flags_around_punctuation) {
  const char *text = "(Hi), you.";
  ASSERT_EQ(flags_of(text, strlen(text), 0), BEFORE | LINE); /* ( */
  ASSERT_EQ(flags_of(text, strlen(text), 1), CAPITALIZED);   /* Hi */
  ASSERT_EQ(flags_of(text, strlen(text), 2), 0);             /* ) */
  ASSERT_EQ(flags_of(text, strlen(text), 3), AFTER);         /* , */
  ASSERT_EQ(flags_of(text, strlen(text), 4), BEFORE);        /* you */
  ASSERT_EQ(flags_of(text, strlen(text), 5), AFTER);         /* . at the end */
}

TEST(line_start_flag) {
  const char *text = "  One two\nthree\n\n  four\r\nfive";
  ASSERT(tokens_are(text, "One|W two|W three|W four|W five|W"));
  ASSERT(flags_of(text, strlen(text), 0) & LINE);
  ASSERT(!(flags_of(text, strlen(text), 1) & LINE));
  ASSERT(flags_of(text, strlen(text), 2) & LINE);
  ASSERT(flags_of(text, strlen(text), 3) & LINE);
  ASSERT(flags_of(text, strlen(text), 4) & LINE);
}

TEST(crlf_line_endings) {
  const char *text = "Hello,\r\nWorld.\r\n";
  ASSERT(tokens_are(text, "Hello|W ,|P World|W .|P"));
  ASSERT_EQ(flags_of(text, strlen(text), 1), AFTER);
  ASSERT_EQ(flags_of(text, strlen(text), 2), CAPITALIZED | BEFORE | LINE);
}

TEST(only_the_first_token_of_a_split_word_starts_its_line) {
  const char *text = "x\ncan't";
  ASSERT(flags_of(text, strlen(text), 1) & LINE);
  ASSERT(!(flags_of(text, strlen(text), 2) & LINE));
}

/* Offsets ****************************************************************/

TEST(offsets_cover_exactly_the_token_bytes) {
  const char *text = " “Germany’s” — 3.5%…";
  text_token_vec tokens = VEC_INIT;
  ASSERT_OK(text_tokenize(text, strlen(text), &tokens));
  uint32_t expected[][2] = {{1, 4},   {4, 11},  {11, 15}, {15, 18},
                            {19, 22}, {23, 26}, {26, 27}, {27, 30}};
  ASSERT_EQ(tokens.len, 8);
  for (size_t i = 0; i < tokens.len; i++) {
    ASSERT_EQ(tokens.items[i].start, expected[i][0]);
    ASSERT_EQ(tokens.items[i].end, expected[i][1]);
  }
  VEC_FREE(&tokens);
}

TEST(every_byte_is_in_a_token_or_a_separator) {
  const char *text = "He said: “We’ll see…” — U.S. Inc. $3.5bn (5%) https://x.io/a. Ok!";
  size_t length = strlen(text);
  text_token_vec tokens = VEC_INIT;
  ASSERT_OK(text_tokenize(text, length, &tokens));
  uint32_t pos = 0;
  for (size_t i = 0; i < tokens.len; i++) {
    ASSERT(tokens.items[i].start >= pos);
    ASSERT(tokens.items[i].end > tokens.items[i].start);
    for (; pos < tokens.items[i].start; pos++) ASSERT_EQ(text[pos], ' ');
    pos = tokens.items[i].end;
  }
  ASSERT_EQ(pos, length);
  VEC_FREE(&tokens);
}

int main(void) {
  RUN(empty_text_has_no_tokens);
  RUN(white_space_only_has_no_tokens);
  RUN(reused_vector_is_emptied_first);
  RUN(plain_words_and_punctuation);
  RUN(inner_hyphens_and_apostrophes);
  RUN(hyphen_at_word_edges_is_apart);
  RUN(unicode_words);
  RUN(ampersand_inside_capitals);
  RUN(period_before_lower_case_joins_a_word);
  RUN(possessive_clitics_split);
  RUN(negation_clitics_split);
  RUN(verb_clitics_split);
  RUN(words_that_only_look_like_clitics_stay_whole);
  RUN(clitic_after_abbreviation);
  RUN(curly_double_quotes);
  RUN(curly_single_quotes);
  RUN(plural_possessive_apostrophe_is_a_closing_quote);
  RUN(straight_double_quotes_by_neighbours);
  RUN(ambiguous_straight_quotes_get_both_flags);
  RUN(straight_single_quotes);
  RUN(other_quotation_marks);
  RUN(penn_treebank_quotes);
  RUN(apostrophe_at_word_start);
  RUN(apostrophe_before_digits_belongs_to_the_number);
  RUN(dashes);
  RUN(ellipses);
  RUN(numbers_with_separators);
  RUN(decades_ordinals_and_alphanumerics);
  RUN(amounts_with_multipliers_are_numbers);
  RUN(currency_is_apart);
  RUN(percent_and_symbols);
  RUN(title_abbreviations);
  RUN(other_abbreviations);
  RUN(state_abbreviations_match_case_exactly);
  RUN(number_abbreviation_needs_a_number);
  RUN(letter_period_sequences);
  RUN(hyphenated_abbreviations);
  RUN(initials);
  RUN(period_and_ellipsis_after_abbreviation);
  RUN(urls_without_trailing_punctuation);
  RUN(not_quite_urls);
  RUN(email_addresses);
  RUN(handles_and_hashtags);
  RUN(invalid_bytes_are_single_tokens);
  RUN(overlong_and_surrogate_encodings_are_invalid);
  RUN(nul_bytes_separate_like_spaces);
  RUN(control_characters_are_invalid);
  RUN(truncated_sequence_at_the_end_is_never_overread);
  RUN(format_characters_separate_but_are_not_space);
  RUN(case_flags);
  RUN(case_flags_of_unicode_and_clitics);
  RUN(space_flags_around_punctuation);
  RUN(line_start_flag);
  RUN(crlf_line_endings);
  RUN(only_the_first_token_of_a_split_word_starts_its_line);
  RUN(offsets_cover_exactly_the_token_bytes);
  RUN(every_byte_is_in_a_token_or_a_separator);
  return test_report();
}
