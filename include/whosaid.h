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
  XX(FORMAT, -8, "malformed data (not msgpack-RPC)")

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
  XX(EMPTY, "no words between the quotation marks")

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
  XX(SENTENCE_SUBJECT, "the subject of the sentence that holds the quote")

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
} whosaid_speaker;

/* Entity mentions in text order; none unless the model finds entities. */
WHOSAID_API size_t whosaid_doc_entity_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_entity(const whosaid_doc *doc, size_t index, whosaid_entity *out);

/* Speakers of quotes, in the order of their first quote; none unless the
 * model attributes quotes. */
WHOSAID_API size_t whosaid_doc_speaker_count(const whosaid_doc *doc);
WHOSAID_API int whosaid_doc_speaker(const whosaid_doc *doc, size_t index, whosaid_speaker *out);

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
} whosaid_host_options;

/*
 * Serve msgpack-RPC on INPUT_FD/OUTPUT_FD as Neovim's job channel speaks it
 * (jobstart([prog, 'host'], {'rpc': v:true})) until the input ends, then
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
