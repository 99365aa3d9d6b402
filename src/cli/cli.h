/*
 * cli.h: what the files of the whosaid program share: exit codes, messages,
 * input reading, model lookup, the text report and the exports. The program
 * uses the library through the public whosaid.h alone.
 */
#ifndef WHOSAID_CLI_H
#define WHOSAID_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "whosaid.h"

/* Exit codes, documented in --help and doc/cli-usage.md. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_INPUT = 1, /* some input could not be read, analysed or written */
  CLI_EXIT_USAGE = 2, /* bad command line */
  CLI_EXIT_MODEL = 3, /* model missing or invalid */
};

#if defined(__GNUC__)
#define CLI_PRINTF(format_index, first_argument) \
  __attribute__((format(printf, format_index, first_argument)))
#else
#define CLI_PRINTF(format_index, first_argument)
#endif

/* main.c ****************************************************************/

/* Print "whosaid: MESSAGE" and a newline on stderr. Standard output is
 * flushed first so that messages appear after the reports that precede
 * them. */
void cli_error(const char *format, ...) CLI_PRINTF(1, 2);

/* A usage error: the message, then a hint to run --help. Returns
 * CLI_EXIT_USAGE so callers can write "return cli_usage_error(...)". */
int cli_usage_error(const char *format, ...) CLI_PRINTF(1, 2);

/* Report, once per run, that writing to standard output failed with
 * ERROR_NUMBER (a full disk, a closed pipe); later failures say nothing. */
void cli_stdout_failed(int error_number);

/* cli_analyze.c *********************************************************/

/* The "analyze" command. ARGV[0] is "analyze"; PROGRAM_PATH is the
 * program's argv[0], a fallback to find the executable's directory. */
int cli_analyze_main(const char *program_path, int argc, char **argv);

void cli_print_analyze_help(FILE *stream);

/* cli_ner.c *************************************************************/

/* "train-ner --train FILE --dev FILE -o MODEL [...]" (ARGV[0] the command). */
int cli_train_ner_main(int argc, char **argv);

/* "eval-ner [--model MODEL] [--output TAGS] FILE.conll". */
int cli_eval_ner_main(const char *program_path, int argc, char **argv);

/* cli_host.c: whosaid host [--model PATH] [--debounce MS] */
int cli_host_main(const char *program_path, int argc, char **argv);
void cli_print_host_help(FILE *stream);

/* read_input.c **********************************************************/

/* The largest text the library accepts: 4 GiB - 1 bytes. */
#define CLI_INPUT_MAX_LENGTH ((size_t)UINT32_MAX)

typedef struct {
  char *bytes; /* LENGTH bytes and a NUL after them (for convenience only) */
  size_t length;
} cli_input;

/* Read the whole file PATH ("-" is standard input) into INPUT. Returns 0, or
 * -1 with a human-readable reason ("No such file or directory", "Is a
 * directory", "too large ...") in MESSAGE. */
int cli_input_read(const char *path, cli_input *input, char *message, size_t message_size);

void cli_input_free(cli_input *input);

/* Why the text looks like binary data rather than text (a short phrase), or
 * NULL when it looks like text. Only the first 64 KiB are examined. */
const char *cli_input_binary_reason(const char *bytes, size_t length);

/* model_locate.c ********************************************************/

/* Find and load the model: EXPLICIT_PATH (--model, may be NULL), then
 * $WHOSAID_MODEL, then next to the executable, then the installed
 * directory. Returns CLI_EXIT_OK with *MODEL set, or CLI_EXIT_MODEL after
 * printing why. */
int cli_model_load(const char *explicit_path, const char *program_path, whosaid_model **model);

/* cli_export.c **********************************************************/

/* Read the --annotations sidecar PATH. Returns CLI_EXIT_OK, or CLI_EXIT_USAGE
 * after printing why it cannot be read (FILE:LINE:COLUMN: ... for bad JSON);
 * a missing file is an error too, since the user named it. */
int cli_annotations_read(const char *path, whosaid_annotations **annotations);

/* Warn on stderr when annotations of DOC's set found no place in DISPLAY
 * (the input's name); LISTED: the output lists them under "orphans". */
void cli_warn_orphans(const whosaid_doc *doc, const char *display, bool listed);

/* What to export of one analysed input. */
typedef struct {
  const whosaid_doc *doc;
  const cli_input *input;
  const whosaid_annotations *set; /* --annotations, or NULL */
  const char *name;               /* the document's name: the JSON "doc", the sheet's title */
  whosaid_export_format format;
  bool pretty, explain; /* --json only */
} cli_export_request;

/* The --json, --csv or --markdown output of REQUEST into *BYTES (*LENGTH
 * bytes; free with whosaid_free). The JSON carries the corrections' marks
 * only when a set is given, so that without one it is the FORMAT.md object
 * that --json has always printed. Returns a whosaid status. */
int cli_export_render(const cli_export_request *request, char **bytes, size_t *length);

/* Write whosaid_export's REQUEST->format to PATH atomically (--export);
 * false after saying why it could not. */
bool cli_export_file(const cli_export_request *request, const char *path);

/* report_text.c *********************************************************/

typedef struct {
  const whosaid_model *model;
  const whosaid_doc *doc;
  const char *text;  /* the analysed bytes */
  const char *title; /* the file name as given, or "standard input" */
  bool explain;      /* also say why each direct quote is one */
} cli_text_report;

/* Write the human-readable report to STREAM. */
void cli_report_text(FILE *stream, const cli_text_report *report);

#endif
