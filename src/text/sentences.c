/*
 * sentences.c: splits each paragraph's tokens into sentences, and fills the
 * paragraphs' token and sentence ranges.
 *
 * A sentence ends after . ! ? (with the closing quotation marks and
 * brackets attached to them: `."` ends a sentence inside the quote), unless
 * the next token continues it: a lower-case word (`“Why?” she asked`), a
 * comma, semicolon, colon or dash. An ellipsis ends one only before a
 * capitalized token. Abbreviations: never after a TITLE (Mr. Gen.) or an
 * initial; after another (Inc. U.S.) only before a common sentence opener
 * ("The", "He") or at the paragraph's end. Sentences never cross
 * paragraphs, so a headline line is a sentence of its own.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "text/text.h"

/* Sentence openers *******************************************************/

/* Sorted by bytes, as compare_starter orders. */
static const char *const starters[] = {
    "A",     "After",     "All",     "Also",  "An",    "And",  "As",   "At",    "But",
    "By",    "During",    "Each",    "Even",  "For",   "From", "He",   "Her",   "Here",
    "His",   "How",       "However", "I",     "If",    "In",   "It",   "Its",   "Last",
    "Many",  "Meanwhile", "More",    "Most",  "My",    "No",   "Now",  "On",    "One",
    "Our",   "She",       "Since",   "So",    "Some",  "That", "The",  "Their", "Then",
    "There", "These",     "They",    "This",  "Those", "Thus", "To",   "Under", "We",
    "What",  "When",      "Where",   "While", "Who",   "Why",  "With", "Yet",   "You",
};

typedef struct {
  const char *word;
  size_t length;
} starter_key;

static int compare_starter(const void *key_pointer, const void *entry_pointer) {
  const starter_key *key = key_pointer;
  const char *entry = *(const char *const *)entry_pointer;
  size_t entry_length = strlen(entry);
  size_t shorter = key->length < entry_length ? key->length : entry_length;
  int difference = memcmp(key->word, entry, shorter);
  if (difference != 0) return difference;
  return (key->length > entry_length) - (key->length < entry_length);
}

bool text_is_sentence_starter(const char *word, size_t length) {
  if (length == 0) return false;
  starter_key key = {word, length};
  return bsearch(&key, starters, sizeof starters / sizeof starters[0], sizeof starters[0],
                 compare_starter) != NULL;
}

bool text_is_headline_small_word(const char *word, size_t length) {
  static const struct {
    const char *word;
    size_t length;
  } words[] = {{"a", 1},   {"an", 2},  {"the", 3}, {"of", 2},   {"in", 2},   {"on", 2},
               {"at", 2},  {"to", 2},  {"for", 3}, {"by", 2},   {"and", 3},  {"or", 2},
               {"but", 3}, {"with", 4}, {"from", 4}, {"as", 2}, {"vs", 2},   {"is", 2}};
  if (length > 4 || length == 0 || word[0] < 'a') return false; /* capitalized: not one */
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    if (words[i].length == length && memcmp(words[i].word, word, length) == 0) return true;
  }
  return false;
}

/* Tokens as the splitter sees them ****************************************/

/* The tokens of one paragraph, [first, end). */
typedef struct {
  const char *text;
  size_t length;
  const text_token *tokens;
  uint32_t first, end;
} paragraph_tokens;

static int32_t first_codepoint(const paragraph_tokens *p, uint32_t index) {
  return text_utf8_decode(p->text, p->length, p->tokens[index].start).codepoint;
}

static bool is_terminator(const paragraph_tokens *p, uint32_t index) {
  if (p->tokens[index].kind != WHOSAID_TOKEN_PUNCTUATION) return false;
  switch (first_codepoint(p, index)) {
    case '.':
    case '!':
    case '?':
    case 0x203C:
    case 0x203D:
    case 0x2047:
    case 0x2048:
    case 0x2049: /* ‼ ‽ ⁇ ⁈ ⁉ */
    case 0x3002:
    case 0xFF01:
    case 0xFF0E:
    case 0xFF1F: /* 。 ！ ． ？ */
      return true;
    default:
      return false;
  }
}

static bool is_punctuation_of(const paragraph_tokens *p, uint32_t index,
                              utf8proc_category_t category) {
  return p->tokens[index].kind == WHOSAID_TOKEN_PUNCTUATION &&
         utf8proc_category(first_codepoint(p, index)) == category;
}

/* What may follow a sentence's final punctuation and still belong to it,
 * when nothing separates them: closing quotation marks and brackets, more
 * final punctuation ("?!", "?..."). */
static bool is_attached_closer(const paragraph_tokens *p, uint32_t index) {
  const text_token *token = &p->tokens[index];
  if (token->flags & WHOSAID_TOKEN_SPACE_BEFORE) return false;
  if (token->kind == WHOSAID_TOKEN_QUOTE) return (token->flags & WHOSAID_TOKEN_QUOTE_CLOSE) != 0;
  return token->kind == WHOSAID_TOKEN_ELLIPSIS || is_terminator(p, index) ||
         is_punctuation_of(p, index, UTF8PROC_CATEGORY_PE);
}

/* Opening quotation marks and brackets, which stand before the word that
 * tells whether a new sentence starts. */
static bool is_opener(const paragraph_tokens *p, uint32_t index) {
  const text_token *token = &p->tokens[index];
  if (token->kind == WHOSAID_TOKEN_QUOTE) return (token->flags & WHOSAID_TOKEN_QUOTE_OPEN) != 0;
  return is_punctuation_of(p, index, UTF8PROC_CATEGORY_PS);
}

static bool is_word_like(const text_token *token) {
  return token->kind == WHOSAID_TOKEN_WORD || token->kind == WHOSAID_TOKEN_ABBREVIATION ||
         token->kind == WHOSAID_TOKEN_INITIAL || token->kind == WHOSAID_TOKEN_CLITIC;
}

/* Whether the token at INDEX continues the sentence before it rather than
 * starting one: a lower-case word, a comma, semicolon, colon or dash. */
static bool continues_sentence(const paragraph_tokens *p, uint32_t index) {
  const text_token *token = &p->tokens[index];
  if (is_word_like(token)) return text_is_lower(first_codepoint(p, index));
  if (token->kind == WHOSAID_TOKEN_DASH) return true;
  if (token->kind != WHOSAID_TOKEN_PUNCTUATION) return false;
  int32_t cp = first_codepoint(p, index);
  return cp == ',' || cp == ';' || cp == ':';
}

static bool is_starter_word(const paragraph_tokens *p, uint32_t index) {
  const text_token *token = &p->tokens[index];
  return token->kind == WHOSAID_TOKEN_WORD &&
         text_is_sentence_starter(p->text + token->start, token->end - token->start);
}

static text_abbreviation_class abbreviation_class(const paragraph_tokens *p, uint32_t index) {
  const text_token *token = &p->tokens[index];
  return text_abbreviation_classify(p->text + token->start, token->end - token->start);
}

/* Splitting **************************************************************/

/* Whether the token at INDEX can end a sentence at all. */
static bool may_end_sentence(const paragraph_tokens *p, uint32_t index) {
  switch (p->tokens[index].kind) {
    case WHOSAID_TOKEN_PUNCTUATION:
      return is_terminator(p, index);
    case WHOSAID_TOKEN_ELLIPSIS:
      return true;
    case WHOSAID_TOKEN_ABBREVIATION: /* an unlisted one counts as OTHER */
      return abbreviation_class(p, index) != TEXT_ABBREVIATION_TITLE;
    default:
      return false; /* INITIAL too: "Richard A. Grenell" */
  }
}

/* If the token at INDEX ends a sentence, the index just past the sentence
 * (its attached closers included); else 0. */
static uint32_t sentence_end_after(const paragraph_tokens *p, uint32_t index) {
  if (!may_end_sentence(p, index)) return 0;
  /* The last final mark decides: "...?" ends as "?" does. */
  uint32_t after = index + 1, decisive = index;
  for (; after < p->end && is_attached_closer(p, after); after++) {
    if (p->tokens[after].kind != WHOSAID_TOKEN_QUOTE &&
        !is_punctuation_of(p, after, UTF8PROC_CATEGORY_PE)) {
      decisive = after;
    }
  }
  uint32_t next = after;
  while (next < p->end && is_opener(p, next)) next++;
  if (next == p->end) return after;
  switch (p->tokens[decisive].kind) {
    case WHOSAID_TOKEN_ELLIPSIS:
      return (p->tokens[next].flags & WHOSAID_TOKEN_CAPITALIZED) ? after : 0;
    case WHOSAID_TOKEN_ABBREVIATION:
      return is_starter_word(p, next) ? after : 0;
    default:
      return continues_sentence(p, next) ? 0 : after;
  }
}

static int push_sentence(const paragraph_tokens *p, uint32_t first, uint32_t end,
                         text_sentence_vec *out) {
  text_sentence sentence = {p->tokens[first].start, p->tokens[end - 1].end, first, end - first};
  return VEC_PUSH(out, sentence);
}

static int split_paragraph(const paragraph_tokens *p, text_sentence_vec *out) {
  uint32_t start = p->first;
  for (uint32_t index = p->first; index < p->end; index++) {
    uint32_t after = sentence_end_after(p, index);
    if (after == 0) continue;
    if (push_sentence(p, start, after, out) != 0) return WHOSAID_ENOMEM;
    start = after;
    index = after - 1;
  }
  if (start < p->end && push_sentence(p, start, p->end, out) != 0) return WHOSAID_ENOMEM;
  return 0;
}

int text_split_sentences(const char *text, size_t length, const text_token *tokens,
                         size_t token_count, text_paragraph *paragraphs, size_t paragraph_count,
                         text_sentence_vec *out) {
  out->len = 0;
  uint32_t next_token = 0;
  for (size_t i = 0; i < paragraph_count; i++) {
    text_paragraph *paragraph = &paragraphs[i];
    /* Tokens before the paragraph belong to none (there are none when the
     * paragraphs come from text_find_paragraphs). */
    while (next_token < token_count && tokens[next_token].end <= paragraph->start) next_token++;
    paragraph_tokens p = {text, length, tokens, next_token, next_token};
    while (p.end < token_count && tokens[p.end].start < paragraph->end) p.end++;
    paragraph->first_token = p.first;
    paragraph->token_count = p.end - p.first;
    paragraph->first_sentence = (uint32_t)out->len;
    if (split_paragraph(&p, out) != 0) {
      VEC_FREE(out);
      return WHOSAID_ENOMEM;
    }
    paragraph->sentence_count = (uint32_t)out->len - paragraph->first_sentence;
    next_token = p.end;
  }
  return 0;
}
