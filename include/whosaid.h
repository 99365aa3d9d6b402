/*
 * whosaid.h: the public C interface of libwhosaid.
 *
 * libwhosaid analyses news text: it splits it into tokens, sentences and
 * paragraphs, finds quoted spans and tells direct quotes from scare quotes
 * and titles, and (with a model that has them) finds named entities and
 * attributes each quote to its speaker.
 *
 * Conventions used throughout this header:
 *
 * - Offsets are UTF-8 BYTE offsets into the analysed text; ranges are
 *   half-open ([start, end)). Positions are 0-based (line, byte column)
 *   pairs, counted the way Neovim counts them: lines end at '\n', and a
 *   column is the number of bytes since the start of its line.
 * - Functions that can fail return 0 on success or a negative WHOSAID_E*
 *   status. A failed constructor leaves its out-parameter NULL.
 * - Every object created by a *_load or *_analyze function is freed with the
 *   matching *_free function, which accepts NULL.
 * - Pointers returned by accessors are borrowed from the object they came
 *   from and stay valid until that object is freed.
 * - Thread safety: a model is immutable after loading and may be shared by
 *   any number of threads. A document may be used by one thread at a time.
 *   whosaid_set_allocator() must be called, if at all, before anything else.
 */
#ifndef WHOSAID_H
#define WHOSAID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Symbols are hidden by default; the library exports only what is marked. */
#if defined(_WIN32) && defined(WHOSAID_BUILDING)
#define WHOSAID_API __declspec(dllexport)
#elif defined(__GNUC__)
#define WHOSAID_API __attribute__((visibility("default")))
#else
#define WHOSAID_API
#endif

/****************************************************************************/
/* Version                                                                  */
/****************************************************************************/

#define WHOSAID_VERSION_MAJOR 0
#define WHOSAID_VERSION_MINOR 1
#define WHOSAID_VERSION_PATCH 0
#define WHOSAID_VERSION_STRING "0.1.0"
/* One number that compares in order: major * 10000 + minor * 100 + patch. */
#define WHOSAID_VERSION \
  (WHOSAID_VERSION_MAJOR * 10000 + WHOSAID_VERSION_MINOR * 100 + WHOSAID_VERSION_PATCH)

/* The version of the library actually loaded, as WHOSAID_VERSION counts it. */
WHOSAID_API int whosaid_version(void);

/* The same as a static string such as "0.1.0". */
WHOSAID_API const char *whosaid_version_string(void);

/****************************************************************************/
/* Errors                                                                   */
/****************************************************************************/

/* XX(name, message): every status the library returns, all negative. */
#define WHOSAID_ERRNO_MAP(XX)                                        \
  XX(NOMEM, -1, "out of memory")                                     \
  XX(INVAL, -2, "invalid argument")                                  \
  XX(TOOBIG, -3, "text too large (the limit is 4 GiB - 1 bytes)")    \
  XX(NOENT, -4, "no such file or directory")                         \
  XX(IO, -5, "input/output error")                                   \
  XX(MODEL, -6, "model file is corrupt or has the wrong format")     \
  XX(RANGE, -7, "index or position out of range")                    \
  XX(FORMAT, -8, "malformed data (not msgpack-RPC, or not an annotation file)")

typedef enum {
  WHOSAID_OK = 0,
#define WHOSAID_XX(name, code, message) WHOSAID_E##name = code,
  WHOSAID_ERRNO_MAP(WHOSAID_XX)
#undef WHOSAID_XX
} whosaid_status;

/* A static English description of a status; never NULL. */
WHOSAID_API const char *whosaid_strerror(int status);

/* The status's symbolic name, such as "WHOSAID_ENOMEM"; never NULL. */
WHOSAID_API const char *whosaid_err_name(int status);

/*
 * Details of a failure that a status alone cannot carry (which file, which
 * line). Functions that take one fill it when they fail; it may be NULL.
 */
typedef struct {
  int status;
  char message[512];
} whosaid_error;

/****************************************************************************/
/* Memory                                                                   */
/****************************************************************************/

typedef struct {
  void *(*malloc)(size_t size);
  void *(*realloc)(void *ptr, size_t size);
  void (*free)(void *ptr);
} whosaid_allocator;

/*
 * Replace the allocator used for everything the library allocates; NULL
 * restores the C library's. Call it before creating any object: memory must
 * be freed by the allocator that allocated it. Not thread-safe.
 */
WHOSAID_API void whosaid_set_allocator(const whosaid_allocator *allocator);

/****************************************************************************/
/* Positions                                                                */
/****************************************************************************/

/* A 0-based line and byte column, as Neovim's extmarks count them. */
typedef struct {
  uint32_t line;
  uint32_t column;
} whosaid_point;

/* A half-open byte range with the positions of both ends. */
typedef struct {
  uint32_t start_byte;
  uint32_t end_byte;
  whosaid_point start;
  whosaid_point end;
} whosaid_range;

/****************************************************************************/
/* Model                                                                    */
/****************************************************************************/

/* The data the analysis reads: lexicons (and, later, trained weights). */
typedef struct whosaid_model whosaid_model;

/*
 * Load a model from the directory PATH (the repository's models/, installed
 * as share/whosaid/models): the speech cues (cues.txt) and, when present,
 * the entity tagger (ner.bin). PATH may also name a tagger file alone (as
 * `whosaid train-ner` writes it): the model then has no speech cues. On
 * success *out owns a model to be freed with whosaid_model_free(). A missing
 * or malformed file gives WHOSAID_ENOENT or WHOSAID_EMODEL, and ERR (if not
 * NULL) names the file and what is wrong.
 */
WHOSAID_API int whosaid_model_load(const char *path, whosaid_model **out, whosaid_error *err);

/* Free a model; NULL is a no-op. Documents analysed with it stay valid: a
 * document keeps no pointer to its model. */
WHOSAID_API void whosaid_model_free(whosaid_model *model);

/* The directory the model was loaded from (borrowed from MODEL). */
WHOSAID_API const char *whosaid_model_path(const whosaid_model *model);

/* Number of speech cues (reporting verbs and nouns) in the model. */
WHOSAID_API size_t whosaid_model_cue_count(const whosaid_model *model);

/* Whether the model can find named entities (it has a tagger); when false,
 * documents have no entities. */
WHOSAID_API bool whosaid_model_has_entities(const whosaid_model *model);

/* Whether the model attributes quotes to speakers; when false, every quote's
 * speaker is unknown. */
WHOSAID_API bool whosaid_model_has_attribution(const whosaid_model *model);

/****************************************************************************/
/* Analysis                                                                 */
/****************************************************************************/

/* The analysis of one text. It keeps no pointer to the text it was given. */
typedef struct whosaid_doc whosaid_doc;

/*
 * Analyse LENGTH bytes at TEXT. Any bytes are accepted: NUL bytes and invalid
 * UTF-8 never shift offsets (an invalid byte is one unit of its own). MODEL
 * may be NULL, in which case no lexicon is used: quote detection falls back
 * to rules that need none. TEXT is read only during the call.
 *
 * Returns 0 and a document in *out, to be freed with whosaid_doc_free(), or
 * WHOSAID_EINVAL (TEXT NULL with LENGTH > 0, or OUT NULL), WHOSAID_ETOOBIG
 * (LENGTH >= 4 GiB) or WHOSAID_ENOMEM.
 */
WHOSAID_API int whosaid_analyze(const whosaid_model *model, const char *text, size_t length,
                                whosaid_doc **out);

/* Free a document and everything borrowed from it; NULL is a no-op. */
WHOSAID_API void whosaid_doc_free(whosaid_doc *doc);

/* Length in bytes of the analysed text. */
WHOSAID_API size_t whosaid_doc_length(const whosaid_doc *doc);

/* Number of lines of the analysed text: 1 + the number of '\n' bytes. */
WHOSAID_API size_t whosaid_doc_line_count(const whosaid_doc *doc);

/* The position of byte OFFSET (OFFSET may equal the length); O(log lines).
 * An offset past the end is clamped to the end. */
WHOSAID_API whosaid_point whosaid_doc_point(const whosaid_doc *doc, uint32_t offset);

/* The byte offset of POINT; O(1). Returns WHOSAID_ERANGE for a line past the
 * last one and clamps a column past its line's end to that end. */
WHOSAID_API int whosaid_doc_offset(const whosaid_doc *doc, whosaid_point point, uint32_t *offset);

/****************************************************************************/
/* Tokens, sentences, paragraphs                                            */
/****************************************************************************/

typedef enum {
  WHOSAID_TOKEN_WORD,         /* letters, digits, inner hyphens and apostrophes */
  WHOSAID_TOKEN_NUMBER,       /* 5, 1,000,000, 3.5, 1990s */
  WHOSAID_TOKEN_ABBREVIATION, /* U.S., Mr., Inc., Jan. (period included) */
  WHOSAID_TOKEN_INITIAL,      /* the A. of Richard A. Grenell */
  WHOSAID_TOKEN_CLITIC,       /* 's ’s n't ’ll: split off as in CoNLL data */
  WHOSAID_TOKEN_PUNCTUATION,  /* . , ; : ! ? ( ) [ ] and the like */
  WHOSAID_TOKEN_QUOTE,        /* a quotation mark: " “ ” ' ‘ ’ « » „ */
  WHOSAID_TOKEN_DASH,         /* — – and -- */
  WHOSAID_TOKEN_ELLIPSIS,     /* ... and … */
  WHOSAID_TOKEN_CURRENCY,     /* $ € £ ¥ and other currency symbols */
  WHOSAID_TOKEN_SYMBOL,       /* % & + and other symbols */
  WHOSAID_TOKEN_URL,          /* https://example.com/x, www.example.com */
  WHOSAID_TOKEN_EMAIL,        /* press@example.com */
  WHOSAID_TOKEN_HANDLE,       /* @handle */
  WHOSAID_TOKEN_HASHTAG,      /* #hashtag */
  WHOSAID_TOKEN_INVALID       /* a byte that is not valid UTF-8, or a control character */
} whosaid_token_kind;

/* Token flags, or-ed together. */
enum {
  WHOSAID_TOKEN_CAPITALIZED = 1 << 0,   /* first letter is upper case */
  WHOSAID_TOKEN_ALL_CAPS = 1 << 1,      /* two or more letters, all upper case */
  WHOSAID_TOKEN_SPACE_BEFORE = 1 << 2,  /* white space (or the text start) precedes it */
  WHOSAID_TOKEN_SPACE_AFTER = 1 << 3,   /* white space (or the text end) follows it */
  WHOSAID_TOKEN_LINE_START = 1 << 4,    /* first token of its line */
  WHOSAID_TOKEN_QUOTE_OPEN = 1 << 5,    /* a quotation mark that can open a quote */
  WHOSAID_TOKEN_QUOTE_CLOSE = 1 << 6,   /* a quotation mark that can close a quote */
  WHOSAID_TOKEN_QUOTE_DOUBLE = 1 << 7,  /* a double quotation mark (else single) */
};

typedef struct {
  whosaid_range range;
  whosaid_token_kind kind;
  uint32_t flags;
} whosaid_token;

typedef struct {
  whosaid_range range;
  uint32_t first_token; /* index of its first token */
  uint32_t token_count;
} whosaid_sentence;

typedef struct {
  whosaid_range range;
  uint32_t first_sentence;
  uint32_t sentence_count;
} whosaid_paragraph;

WHOSAID_API size_t whosaid_doc_token_count(const whosaid_doc *doc);
/* Fill *out with token INDEX; WHOSAID_ERANGE when INDEX is out of range. */
WHOSAID_API int whosaid_doc_token(const whosaid_doc *doc, size_t index, whosaid_token *out);

WHOSAID_API size_t whosaid_doc_sentence_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_sentence(const whosaid_doc *doc, size_t index, whosaid_sentence *out);

WHOSAID_API size_t whosaid_doc_paragraph_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_paragraph(const whosaid_doc *doc, size_t index,
                                      whosaid_paragraph *out);

/****************************************************************************/
/* Quotes                                                                   */
/****************************************************************************/

/*
 * Why a quoted span is, or is not, a direct quote. Every quoted span the
 * analysis finds carries one, so that a decision can be explained.
 */
#define WHOSAID_QUOTE_REASON_MAP(XX)                                              \
  XX(LONG, "three or more words: reproduces someone's words")                    \
  XX(CUE, "a speech cue (said, told, ...) introduces or follows it")             \
  XX(UTTERANCE, "a short utterance of its own (ends in ! or ?, opens a sentence, " \
     "follows a colon, or is a full sentence)")                                  \
  XX(SHORT_TERM, "one or two words inside a sentence: a scare quote or a term")   \
  XX(TITLE, "a name or title (called, titled, known as, dubbed ...)")            \
  XX(SINGLE_QUOTES, "single quotation marks in a text that quotes with double ones") \
  XX(NESTED, "inside another quote")                                             \
  XX(EMPTY, "no words between the quotation marks")                             \
  XX(ANNOTATED, "a person said whether it is a quote (an annotation)")

typedef enum {
#define WHOSAID_XX(name, text) WHOSAID_QUOTE_##name,
  WHOSAID_QUOTE_REASON_MAP(WHOSAID_XX)
#undef WHOSAID_XX
} whosaid_quote_reason;

/* Quote flags, or-ed together. */
enum {
  WHOSAID_QUOTE_DIRECT = 1 << 0,          /* a direct quote (else scare quote, title, ...) */
  WHOSAID_QUOTE_UNBALANCED = 1 << 1,      /* never closed: ends at its paragraph's end */
  WHOSAID_QUOTE_MULTI_PARAGRAPH = 1 << 2, /* reopened in following paragraphs */
  WHOSAID_QUOTE_SINGLE_MARKS = 1 << 3,    /* quoted with single marks (‘ ’ or ') */
  WHOSAID_QUOTE_HUMAN_VERDICT = 1 << 4,   /* a person decided whether it is a quote */
  WHOSAID_QUOTE_HUMAN_SPEAKER = 1 << 5,   /* a person named its speaker */
};

/*
 * How a quote's speaker was found: the rule of the attribution sieve that
 * named the source (tried in this order), so that each attribution can be
 * explained and a wrong one traced.
 */
#define WHOSAID_ATTRIBUTION_RULE_MAP(XX)                                           \
  XX(NONE, "no speaker found: none is guessed")                                 \
  XX(TRAILING_CUE, "a speech cue follows the quote: \"...,\" Pompeo said")        \
  XX(SPLIT_QUOTE, "the cue inside a split quote: \"A,\" he said, \"B.\"")          \
  XX(LEADING_CUE, "a speech cue before a colon or comma introduces it: "          \
     "Pompeo said: \"...\"")                                                     \
  XX(REPORTED_SPEECH, "part of reported speech: Grenell told the minister that " \
     "Germany \"...\"")                                                          \
  XX(ACCORDING_TO, "according to the source named")                              \
  XX(TRANSCRIPT_TURN, "a transcript turn names its speaker: \"PENCE: ...\"")       \
  XX(CONTINUATION, "no cue of its own: continues the previous quote's speaker")  \
  XX(SENTENCE_SUBJECT, "the subject of the sentence that holds the quote")       \
  XX(ANNOTATED, "a person named the speaker (an annotation)")

typedef enum {
#define WHOSAID_XX(name, text) WHOSAID_ATTRIBUTION_##name,
  WHOSAID_ATTRIBUTION_RULE_MAP(WHOSAID_XX)
#undef WHOSAID_XX
} whosaid_attribution_rule;

/* What kind of words name a quote's source. */
typedef enum {
  WHOSAID_MENTION_NAME,    /* "Pompeo", "Sen. Ted Cruz" */
  WHOSAID_MENTION_PRONOUN, /* "he", "she", "they" */
  WHOSAID_MENTION_NOMINAL  /* "the spokesman", "officials" */
} whosaid_mention_kind;

typedef struct {
  whosaid_range range;         /* includes the quotation marks */
  uint32_t flags;              /* WHOSAID_QUOTE_* flags */
  whosaid_quote_reason reason; /* why it is or is not direct */
  int32_t parent;              /* index of the enclosing quote, or -1 */
  bool has_speaker_mention;    /* false: speaker_mention is meaningless */
  whosaid_range speaker_mention; /* the words that name the source at the cue */
  whosaid_mention_kind speaker_mention_kind;
  whosaid_attribution_rule rule; /* how the source was found; NONE when it was not */
  int32_t speaker;             /* index into the speakers, or -1 when unknown */
  int32_t annotation;          /* index into the document's annotations, or -1 */
} whosaid_quote;

/*
 * All quoted spans in text order (by start), direct or not; nested spans come
 * after their parent. Use the WHOSAID_QUOTE_DIRECT flag to keep direct
 * quotes only.
 */
WHOSAID_API size_t whosaid_doc_quote_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_quote(const whosaid_doc *doc, size_t index, whosaid_quote *out);

/* A static name ("SHORT_TERM") and explanation of a reason; never NULL. */
WHOSAID_API const char *whosaid_quote_reason_name(whosaid_quote_reason reason);
WHOSAID_API const char *whosaid_quote_reason_text(whosaid_quote_reason reason);

/* The same for attribution rules ("TRAILING_CUE") and mention kinds
 * ("pronoun"); never NULL. */
WHOSAID_API const char *whosaid_attribution_rule_name(whosaid_attribution_rule rule);
WHOSAID_API const char *whosaid_attribution_rule_text(whosaid_attribution_rule rule);
WHOSAID_API const char *whosaid_mention_kind_name(whosaid_mention_kind kind);

/****************************************************************************/
/* Entities and speakers                                                    */
/****************************************************************************/

typedef enum {
  WHOSAID_ENTITY_PER,  /* people */
  WHOSAID_ENTITY_ORG,  /* organisations */
  WHOSAID_ENTITY_LOC,  /* places: countries, cities, regions */
  WHOSAID_ENTITY_MISC  /* other names: nationalities, events, products */
} whosaid_entity_type;

/* "PER", "ORG", "LOC" or "MISC"; "?" for a value out of range. */
WHOSAID_API const char *whosaid_entity_type_name(whosaid_entity_type type);

typedef struct {
  whosaid_range range;
  whosaid_entity_type type;
  int32_t cluster; /* mentions of one real-world entity share it; -1 if none */
} whosaid_entity;

/*
 * A speaker: an entity the article quotes. Its mentions are the entities of
 * its cluster and the speaker mentions of its quotes (which may be "he" or
 * "the spokesman"); its quotes are those whose speaker is its index.
 */
typedef struct {
  const char *name; /* canonical (fullest) name, titles left out; borrowed from the document */
  const char *role; /* as the text gives it ("spokesman", "German Foreign Minister"); or NULL */
  whosaid_entity_type type;
  int32_t cluster;            /* the cluster of its entity mentions */
  size_t quote_count;         /* direct quotes attributed to it */
  whosaid_range first_mention; /* where the article first names it */
  bool unnamed;               /* only an annotation names it: the article never does,
                                 cluster is -1 and first_mention is meaningless */
} whosaid_speaker;

/* Entity mentions in text order; none unless the model finds entities. */
WHOSAID_API size_t whosaid_doc_entity_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_entity(const whosaid_doc *doc, size_t index, whosaid_entity *out);

/* Speakers of quotes, in the order of their first quote; none unless the
 * model attributes quotes. */
WHOSAID_API size_t whosaid_doc_speaker_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_speaker(const whosaid_doc *doc, size_t index, whosaid_speaker *out);

/****************************************************************************/
/* Annotations: a person's corrections                                      */
/****************************************************************************/

/*
 * A set of corrections a person made to one article: this quote is by
 * someone else, this quoted span is not a quote, this unmarked one is, and
 * free-text notes. Analysing with a set applies it, and corrections outrank
 * the engine everywhere (quotes, speakers, flags).
 *
 * Each annotation is anchored by the words it was made on and where they
 * were. The words are compared as a fingerprint (case-folded words and
 * numbers; punctuation, quotation marks and line breaks ignored), so an
 * annotation re-attaches after the article is edited above it, reflowed, or
 * reopened: to the nearest exact occurrence, else to the quoted span whose
 * words are most alike (at least 3 in 4 of them shared; only for anchors of
 * 4 words or more). A speaker or a NOT_QUOTE verdict attaches to direct
 * quotes only (whosaid_annotations_edit gives a speaker named on any other
 * span the QUOTE verdict). One that finds no place is an orphan: it stays
 * in the set, with its last anchor, and is never dropped.
 *
 * A set is saved as a versioned JSON file, the sidecar (see "whosaid-sidecar"
 * in doc/whosaid.txt); fields a newer version adds are kept on rewrite.
 * Thread safety: as a document; analysing reads the set, so copy it to
 * analyse on another thread while this one edits it.
 */
typedef struct whosaid_annotations whosaid_annotations;

/* The version of the sidecar format this library reads and writes. */
#define WHOSAID_SIDECAR_VERSION 1

/* What a person said about a span being a quote. */
typedef enum {
  WHOSAID_VERDICT_NONE,     /* nothing: the detector decides */
  WHOSAID_VERDICT_QUOTE,    /* a direct quote, whatever the detector says */
  WHOSAID_VERDICT_NOT_QUOTE /* not a direct quote */
} whosaid_verdict;

/* "none", "quote" or "not_quote", as the sidecar writes them; "?" for a
 * value out of range. */
WHOSAID_API const char *whosaid_verdict_name(whosaid_verdict verdict);

typedef struct {
  uint32_t id;                   /* unique in its set while the set lives (not saved) */
  const char *text;              /* the annotated words, as last seen */
  uint32_t start_byte, end_byte; /* where they were last seen */
  uint32_t line;                 /* 0-based line of start_byte then */
  whosaid_verdict verdict;
  const char *speaker;           /* the speaker a person named, or NULL */
  const char *note;              /* a free-text note, or NULL */
  const char *created, *updated; /* "2026-11-28T10:00:00Z", or NULL */
} whosaid_annotation;

/* An empty set. */
WHOSAID_API int whosaid_annotations_new(whosaid_annotations **out);
WHOSAID_API void whosaid_annotations_free(whosaid_annotations *set);
WHOSAID_API int whosaid_annotations_copy(const whosaid_annotations *set,
                                         whosaid_annotations **out);

/*
 * Parse a sidecar of LENGTH bytes. NAME (a file name) starts the messages.
 * Anything that is not a sidecar this version can read (bad JSON, a wrong
 * field type, a newer format version) is WHOSAID_EFORMAT, and ERR says
 * "NAME:LINE:COLUMN: what is wrong" for bad JSON, "NAME: ..." otherwise.
 */
WHOSAID_API int whosaid_annotations_parse(const char *json, size_t length, const char *name,
                                          whosaid_annotations **out, whosaid_error *err);

/* Read the sidecar PATH: WHOSAID_ENOENT when there is none, else as parse. */
WHOSAID_API int whosaid_annotations_read(const char *path, whosaid_annotations **out,
                                         whosaid_error *err);

/* The sidecar text of SET (UTF-8 JSON, ending in a newline) in *JSON, to be
 * freed with whosaid_free(). */
WHOSAID_API int whosaid_annotations_format(const whosaid_annotations *set, char **json,
                                           size_t *length);

/* Write SET to PATH atomically: a temporary file in the same directory,
 * fsync, rename. On failure PATH is as it was and ERR says why. */
WHOSAID_API int whosaid_annotations_write(const whosaid_annotations *set, const char *path,
                                          whosaid_error *err);

WHOSAID_API size_t whosaid_annotations_count(const whosaid_annotations *set);
/* Annotation INDEX (in the order they were made); strings are borrowed from
 * SET until it changes. */
WHOSAID_API int whosaid_annotations_get(const whosaid_annotations *set, size_t index,
                                        whosaid_annotation *out);

/* What whosaid_annotations_edit changes; NULL (or VERDICT -1) leaves a
 * field as it is, "" clears a string. */
typedef struct {
  const char *speaker;
  const char *note;
  int verdict; /* whosaid_verdict, or -1 */
} whosaid_annotation_change;

/*
 * Change the annotation on bytes [START, END) of TEXT, adding one when there
 * is none. DOC is the analysis of TEXT (LENGTH bytes) with SET, which finds
 * an annotation already attached there or to the quote those bytes lie in.
 * An annotation left with nothing to say is removed. *ID (may be NULL) gets
 * its id, or 0 when it was removed.
 */
WHOSAID_API int whosaid_annotations_edit(whosaid_annotations *set, const whosaid_doc *doc,
                                         const char *text, size_t length, uint32_t start,
                                         uint32_t end, const whosaid_annotation_change *change,
                                         uint32_t *id);

/*
 * Move SET's anchors to where DOC (the analysis of TEXT with SET or a copy
 * of it) attached them, with the words found there; orphans keep theirs.
 * Call it before writing, so that the file follows the article's edits.
 */
WHOSAID_API int whosaid_annotations_reanchor(whosaid_annotations *set, const whosaid_doc *doc,
                                             const char *text, size_t length);

/* whosaid_analyze, applying SET (which may be NULL). */
WHOSAID_API int whosaid_analyze_annotated(const whosaid_model *model, const char *text,
                                          size_t length, const whosaid_annotations *set,
                                          whosaid_doc **out);

/* Where each annotation of the set a document was analysed with landed. */
typedef struct {
  uint32_t id;         /* the annotation's id in the set */
  bool attached;       /* false: an orphan */
  whosaid_range range; /* the span it attached to (meaningless for an orphan) */
  int32_t quote;       /* the quoted span it applies to, or -1 */
} whosaid_annotation_place;

/* One per annotation of the set, in the set's order. */
WHOSAID_API size_t whosaid_doc_annotation_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_annotation(const whosaid_doc *doc, size_t index,
                                       whosaid_annotation_place *out);

/****************************************************************************/
/* Export                                                                   */
/****************************************************************************/

typedef enum {
  WHOSAID_EXPORT_JSON,    /* ../FORMAT.md's JSON, corrections applied and marked */
  WHOSAID_EXPORT_CSV,     /* speaker, role, quote, line, column, corrected, note */
  WHOSAID_EXPORT_MARKDOWN /* a quote sheet: speakers with their quotes, in article order */
} whosaid_export_format;

/* The format the extension of PATH asks for: .json, .csv, .md or
 * .markdown, in any case; WHOSAID_EINVAL for any other. */
WHOSAID_API int whosaid_export_format_of(const char *path, whosaid_export_format *out);

/*
 * Export DOC, the analysis of TEXT (LENGTH bytes) with SET (or NULL), as
 * FORMAT into *OUT (*OUT_LENGTH bytes and a NUL; free with whosaid_free()).
 * NAME is the document's name (the JSON "doc" field, the sheet's title).
 * WHOSAID_EINVAL when an argument is NULL or LENGTH is not DOC's length.
 */
WHOSAID_API int whosaid_export(const whosaid_doc *doc, const char *text, size_t length,
                               const whosaid_annotations *set, const char *name,
                               whosaid_export_format format, char **out, size_t *out_length);

/* Choices of the JSON export; all false is what whosaid_export writes. */
typedef struct {
  bool pretty;  /* indented by two spaces, one member per line */
  bool explain; /* why each span is or is not a direct quote (spans that are not go under
                   "not_quotes"), and the rule behind each attribution */
  bool plain;   /* without "corrected", "note" and "orphans": FORMAT.md's object alone */
  /* The file TEXT was read from, when its bytes differ from TEXT's (as an
   * editor holds a file in lines): the JSON's offsets and texts are then
   * those of the file, as FORMAT.md asks. */
  bool crlf; /* its lines end in "\r\n" where TEXT's end in "\n" */
  bool bom;  /* it starts with a UTF-8 byte order mark (3 bytes) that TEXT lacks */
  bool cr;   /* its lines end in "\r" (an old Mac file) where TEXT's end in "\n";
                crlf wins over it */
} whosaid_export_options;

/* whosaid_export with OPTIONS (NULL: the defaults); they change JSON only. */
WHOSAID_API int whosaid_export_with(const whosaid_doc *doc, const char *text, size_t length,
                                    const whosaid_annotations *set, const char *name,
                                    whosaid_export_format format,
                                    const whosaid_export_options *options, char **out,
                                    size_t *out_length);

/* Write LENGTH bytes at DATA to PATH atomically (temporary file in the same
 * directory, fsync, rename); on failure PATH is as it was and ERR says why. */
WHOSAID_API int whosaid_write_file(const char *path, const char *data, size_t length,
                                   whosaid_error *err);

/* Free memory the library returned (whosaid_annotations_format,
 * whosaid_export); NULL is a no-op. */
WHOSAID_API void whosaid_free(void *memory);

/****************************************************************************/
/* Named-entity tagger: training and evaluation                             */
/****************************************************************************/

typedef struct {
  int epochs;                /* passes over the training data; 0: 12 */
  uint64_t seed;             /* the shuffle's seed: the same seed gives the same model */
  float prune;               /* drop features whose averaged weights all stay below; 0: none */
  const char *gazetteer_dir; /* name lists to train with (copied into the model); NULL: none */
  /* Called after each epoch with the entity F1 on the training and
   * development data and the number of features; may be NULL. */
  void (*progress)(void *context, int epoch, double train_f1, double dev_f1, size_t features);
  void *progress_context;
} whosaid_ner_train_options;

/*
 * Train the tagger on TRAIN (a CoNLL-2003 file: token ... tag per line, IOB2
 * tags), keep the epoch with the best entity F1 on DEV, and write the model
 * to OUTPUT (atomically). OPTIONS may be NULL for the defaults. Training is
 * deterministic: the same inputs and seed give a byte-identical file.
 */
WHOSAID_API int whosaid_ner_train(const char *train, const char *dev, const char *output,
                                  const whosaid_ner_train_options *options, whosaid_error *err);

typedef struct {
  size_t gold, predicted, correct; /* entities: exact span and type */
  double precision, recall, f1;    /* in percent */
} whosaid_ner_counts;

typedef struct {
  whosaid_ner_counts types[4]; /* by whosaid_entity_type */
  whosaid_ner_counts overall;
  size_t documents, sentences, tokens;
} whosaid_ner_evaluation;

/*
 * Tag the tokens of the CoNLL file PATH as given (a document per -DOCSTART-,
 * a sentence per block) with MODEL's tagger and score them as conlleval
 * does. With TAGS not NULL, also write conlleval's input there ("token gold
 * predicted" per line, IOB2). WHOSAID_EINVAL when MODEL has no tagger.
 */
WHOSAID_API int whosaid_ner_evaluate(const whosaid_model *model, const char *path,
                                     const char *tags, whosaid_ner_evaluation *out,
                                     whosaid_error *err);

/****************************************************************************/
/* The RPC host                                                             */
/****************************************************************************/

typedef struct {
  int input_fd;            /* msgpack-RPC in; the host does not close it */
  int output_fd;           /* msgpack-RPC out; nothing else is written there */
  unsigned debounce_ms;    /* wait for a pause in the typing; 0: 30 ms */
  size_t background_bytes; /* analyse larger buffers off the loop thread; 0: 64 KiB */
  /* Limits (doc/host.md, "Limits"); 0 is the default. */
  size_t max_message_bytes; /* a larger message from the editor is skipped (a request
                               gets an error); its bytes count with 24 per object in
                               it, its size decoded; 0: 64 MiB */
  size_t max_buffer_bytes;  /* a larger buffer is not analysed and its highlights are
                               cleared, the user told once, until it shrinks; 0: 16 MiB */
  size_t max_marks;         /* highlights placed in a buffer, the first in text order;
                               0: 100000 */
  size_t max_line_bytes;    /* a longer line is not analysed (it is read as blanks, so
                               that every other position stays), the user told once;
                               0: 1 MiB */
  bool vim;                 /* speak Vim's JSON channel protocol instead of msgpack-RPC
                               (`whosaid host --vim`; doc/host.md, "Vim") */
} whosaid_host_options;

/*
 * Serve msgpack-RPC on INPUT_FD/OUTPUT_FD as Neovim's job channel speaks it
 * (jobstart([prog, 'host'], {'rpc': v:true})), or with VIM the JSON of
 * Vim's (job_start([prog, 'host', '--vim'], {'mode': 'json'})), the same
 * methods either way, until the input ends, then
 * release everything and return 0; a broken output or a stream that is not
 * msgpack-RPC ends it too (WHOSAID_EIO, WHOSAID_EFORMAT). MODEL may be
 * NULL (quotes only). Logs go to stderr or $WHOSAID_LOG_FILE, at the level
 * of $WHOSAID_LOG_LEVEL. The methods are listed in doc/host.md.
 */
WHOSAID_API int whosaid_host_run(const whosaid_model *model, const whosaid_host_options *options);

#ifdef __cplusplus
}
#endif

#endif /* WHOSAID_H */
