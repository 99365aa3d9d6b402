/*
 * gazetteer.h: lists of names (countries, cities, regions, nationalities,
 * languages ...) and matching them against token sequences, for the
 * tagger's gazetteer features.
 *
 * A gazetteer is a directory with one UTF-8 text file per list, NAME.txt
 * (NAME such as "loc.country" or "misc.nationality"), one entry per line,
 * '#' comments. The lists to load are named, in order, in the directory's
 * "lists" file (one NAME per line), so that a list's number, which the
 * trained weights refer to, never depends on the file system's order.
 * Each entry is tokenized with text_tokenize and matched token by token.
 */
#ifndef WHOSAID_NER_GAZETTEER_H
#define WHOSAID_NER_GAZETTEER_H

#include <stddef.h>
#include <stdint.h>

#include "text/text.h"
#include "whosaid.h"

#define GAZETTEER_MAX_LISTS 16
#define GAZETTEER_MAX_TOKENS 8 /* longer entries are rejected when loading */

typedef struct gazetteer gazetteer;

/* Load every list named in DIR/lists. WHOSAID_EMODEL with ERR naming the file
 * and line for a malformed list (invalid UTF-8, a NUL byte, a line over 256
 * bytes, more than GAZETTEER_MAX_LISTS lists, an entry of too many tokens). */
int gazetteer_load(const char *dir, gazetteer **out, whosaid_error *err);
void gazetteer_free(gazetteer *gazetteer);

/* The lists of DIR as a tagger model's GAZT section: per list (in the order
 * of DIR/lists), u32 name length, name, u32 text length, text. */
typedef VEC(char) gazetteer_bytes;
int gazetteer_write_blob(const char *dir, gazetteer_bytes *out, whosaid_error *err);

/* Load lists from the GAZT section of a tagger model (see ner/model.h): per
 * list, u32 name length, name, u32 text length, text. NAME names the model
 * file in error messages. */
int gazetteer_load_blob(const void *blob, size_t size, const char *name, gazetteer **out,
                        whosaid_error *err);

size_t gazetteer_list_count(const gazetteer *gazetteer);
const char *gazetteer_list_name(const gazetteer *gazetteer, size_t list);
size_t gazetteer_entry_count(const gazetteer *gazetteer);

/*
 * For each of COUNT tokens (spans of TEXT), set MATCHES[i] to the lists
 * whose entries cover token i in a match: bit 2*list when the match begins
 * at token i, bit 2*list+1 when it continues there. At each position the
 * longest entry of each list wins, and matches do not cross a token that is
 * not a word, number, abbreviation, initial or clitic (so no match spans a
 * comma or quotation mark) except for the punctuation an entry itself has.
 * A token matches an entry token when the texts are equal, or when the
 * token is in capitals (ALL_CAPS flag) and equals the entry token in
 * capitals: "GERMANY" matches "Germany" but "us" never matches "US".
 */
void gazetteer_match(const gazetteer *gazetteer, const char *text, const text_token *tokens,
                     size_t count, uint32_t *matches);

#endif
