/*
 * document.c: building the tagger's view of a document, from the analysis
 * of a text (its tokens and sentences) or word by word (CoNLL files).
 */
#include <stdlib.h>

#include "core/alloc.h"
#include "ner/ner.h"

void ner_document_destroy(ner_document *document) {
  VEC_FREE(&document->words);
  VEC_FREE(&document->sentences);
  VEC_FREE(&document->lower_words);
  VEC_FREE(&document->name_words);
  ner_lexicon_destroy(&document->lower_set);
  ner_lexicon_destroy(&document->name_set);
}

/* Words capitalized where capitals mean a name: inside a sentence that is
 * not a headline. A sentence's first word or a headline's can then tell
 * whether the document capitalizes the same word elsewhere. */
static int collect_name_words(ner_document *document) {
  document->name_words.len = 0;
  for (size_t s = 0; s < document->sentences.len; s++) {
    const ner_sentence *sentence = &document->sentences.items[s];
    if (sentence->headline) continue;
    for (uint32_t i = 1; i < sentence->word_count; i++) {
      const ner_word *word = &document->words.items[sentence->first_word + i];
      bool capitalized = (word->flags & WHOSAID_TOKEN_CAPITALIZED) &&
                         !(word->flags & WHOSAID_TOKEN_ALL_CAPS);
      if (capitalized && VEC_PUSH(&document->name_words, word->lower) != 0) {
        return WHOSAID_ENOMEM;
      }
    }
  }
  ner_lexicon_destroy(&document->name_set);
  document->name_set = (ner_lexicon){document->name_words.items, document->name_words.len, NULL, 0};
  return ner_lexicon_index(&document->name_set);
}

/* Hash each word's forms once, and keep the set of words in lower case. */
static int hash_words(ner_document *document) {
  document->lower_words.len = 0;
  for (size_t w = 0; w < document->words.len; w++) {
    ner_word *word = &document->words.items[w];
    word->lower = ner_hash_lower(document->text, word);
    word->shape = ner_hash_shape(document->text, word);
    bool lower_case = word->kind == WHOSAID_TOKEN_WORD &&
                      !(word->flags & (WHOSAID_TOKEN_CAPITALIZED | WHOSAID_TOKEN_ALL_CAPS));
    if (lower_case && VEC_PUSH(&document->lower_words, word->lower) != 0) return WHOSAID_ENOMEM;
  }
  ner_lexicon_destroy(&document->lower_set);
  document->lower_set = (ner_lexicon){document->lower_words.items, document->lower_words.len, NULL,
                                      0};
  return ner_lexicon_index(&document->lower_set);
}

/* Mark gazetteer matches and the headline kind of each sentence. */
int ner_document_finish(ner_document *document, const gazetteer *lists) {
  if (hash_words(document) != 0) return WHOSAID_ENOMEM;
  text_token_vec tokens = VEC_INIT;
  for (size_t s = 0; s < document->sentences.len; s++) {
    ner_sentence *sentence = &document->sentences.items[s];
    sentence->headline = (uint32_t)ner_headline_kind(document, sentence);
    if (lists == NULL || sentence->word_count == 0) continue;
    tokens.len = 0;
    if (VEC_RESERVE(&tokens, sentence->word_count) != 0) {
      VEC_FREE(&tokens);
      return WHOSAID_ENOMEM;
    }
    ner_word *words = &document->words.items[sentence->first_word];
    for (uint32_t i = 0; i < sentence->word_count; i++) {
      tokens.items[tokens.len++] = (text_token){words[i].start, words[i].end, words[i].kind,
                                                words[i].flags};
    }
    uint32_t matches[1024];
    for (uint32_t at = 0; at < sentence->word_count; at += 1024) {
      uint32_t count = sentence->word_count - at < 1024 ? sentence->word_count - at : 1024;
      gazetteer_match(lists, document->text, tokens.items + at, count, matches);
      for (uint32_t i = 0; i < count; i++) words[at + i].gazetteer = matches[i];
    }
  }
  VEC_FREE(&tokens);
  return collect_name_words(document);
}

int ner_document_from_tokens(ner_document *document, const char *text,
                             const text_token *tokens, const text_sentence *sentences,
                             size_t sentence_count, const gazetteer *lists) {
  *document = (ner_document){text, VEC_INIT, VEC_INIT, VEC_INIT, VEC_INIT, {0}, {0}};
  size_t word_count = 0;
  for (size_t s = 0; s < sentence_count; s++) word_count += sentences[s].token_count;
  if (VEC_RESERVE(&document->words, word_count) != 0 ||
      VEC_RESERVE(&document->sentences, sentence_count) != 0) {
    ner_document_destroy(document);
    return WHOSAID_ENOMEM;
  }
  for (size_t s = 0; s < sentence_count; s++) {
    for (uint32_t i = 0; i < sentences[s].token_count; i++) {
      const text_token *token = &tokens[sentences[s].first_token + i];
      /* A run-on "sentence" (a huge line without punctuation) is tagged in
       * pieces, which keeps the tagger's work per sentence bounded. */
      if (i % NER_MAX_SENTENCE_WORDS == 0) {
        ner_sentence piece = {(uint32_t)document->words.len, 0, 0};
        if (VEC_PUSH(&document->sentences, piece) != 0) {
          ner_document_destroy(document);
          return WHOSAID_ENOMEM;
        }
      }
      document->words.items[document->words.len++] =
          (ner_word){token->start, token->end, token->kind, token->flags, 0, 0, 0};
      VEC_LAST(&document->sentences)->word_count++;
    }
  }
  int status = ner_document_finish(document, lists);
  if (status != 0) ner_document_destroy(document);
  return status;
}
