/*
 * cli_analyze.c: the "analyze" command: options, then for each input file:
 * read it, check that it looks like text, analyse it (with the corrections
 * of --annotations), and write its report (to standard output, or to
 * OUTPUT_DIR/NAME.txt, .json, .csv or .md), or its --export file.
 *
 * A file that cannot be read, looks binary, or whose report cannot be
 * written is reported on stderr as "whosaid: FILE: why" and skipped; the
 * other files are still analysed and the exit code is 1 at the end. No
 * report is written over a file this run reads: an input (the text report
 * of DIR/a.txt with --output-dir DIR is DIR/a.txt) or the annotations.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* the build defines it too */
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

typedef enum { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_CSV, OUTPUT_MARKDOWN } output_format;

/* The --output-dir extension of each format. */
static const char *const output_extensions[] = {
    [OUTPUT_TEXT] = "txt", [OUTPUT_JSON] = "json", [OUTPUT_CSV] = "csv", [OUTPUT_MARKDOWN] = "md"};

typedef struct {
  output_format format;
  bool format_given; /* --text, --json, --csv or --markdown was given */
  bool pretty;
  bool explain;
  bool force;
  const char *output_directory;        /* NULL: standard output */
  const char *model_path;              /* NULL: look it up */
  const char *annotations_path;        /* --annotations, or NULL */
  const char *export_path;             /* --export, or NULL */
  whosaid_export_format export_format; /* of --export, else of --json, --csv or --markdown */
  const char **files;
  size_t file_count;
} analyze_options;

/* A file as the system knows it, whatever path names it. */
typedef struct {
  dev_t device;
  ino_t inode;
} file_id;

/* What the file loop carries from one file to the next. */
typedef struct {
  const analyze_options *options;
  const whosaid_model *model;
  const whosaid_annotations *annotations; /* --annotations, or NULL */
  bool wrote_report; /* to standard output, so the next one needs a blank line */
  bool stdout_failed;
  char **written_names; /* output files written so far (--output-dir) */
  size_t written_count;
  file_id *read_files; /* the inputs' and the annotations', as they were at the start */
  size_t read_count;
} analyze_state;

/* One input's report: the text report is written straight to its stream,
 * the other formats are rendered by the library first. */
typedef struct {
  const whosaid_doc *doc;
  const cli_input *input;
  const char *path;
  char *bytes; /* the rendered JSON, CSV or Markdown; NULL for the text report */
  size_t length;
} analyze_report;

void cli_print_analyze_help(FILE *stream) {
  fputs(
      "Usage: whosaid analyze [--text | --json | --csv | --markdown] [--pretty] [--explain]\n"
      "                       [--output-dir DIR] [--model PATH] [--force] FILE... | -\n"
      "       whosaid analyze [--annotations SIDECAR] [--export OUT] [...] FILE | -\n"
      "\n"
      "Analyse each FILE (- is standard input) and report its quotes.\n"
      "\n"
      "Options:\n"
      "  --text            a report to read (the default)\n"
      "  --json            JSON in the FORMAT.md format, one object per file and line:\n"
      "                    doc, entities, quotes (direct quotes only)\n"
      "  --csv             the direct quotes as CSV: speaker, role, quote, line, column,\n"
      "                    corrected, note\n"
      "  --markdown        a quote sheet: each speaker with its quotes\n"
      "  --pretty          indent the JSON by two spaces\n"
      "  --explain         say why each quoted span is or is not a direct quote; with\n"
      "                    --json, add \"reason\" to quotes and a \"not_quotes\" list\n"
      "  --annotations SIDECAR\n"
      "                    apply a person's corrections (an annotation file, as the\n"
      "                    editor saves it) to the one FILE; with --json, quotes get\n"
      "                    \"corrected\" and \"note\", and annotations that found no\n"
      "                    place are listed under \"orphans\"\n"
      "  --export OUT      write the one FILE's export to OUT instead of printing a\n"
      "                    report, in the format its extension names: .json (with\n"
      "                    \"corrected\" on every quote), .csv, .md or .markdown;\n"
      "                    never over FILE or SIDECAR\n"
      "  --output-dir DIR  write DIR/NAME.txt (.json, .csv, .md) for each FILE instead\n"
      "                    of printing; NAME is the file name without its extension\n"
      "                    (\"stdin\" for -). DIR is created if needed; a report\n"
      "                    that would replace an input is not written\n"
      "  --model PATH      the model directory (see MODEL)\n"
      "  --force           analyse files that look like binary data\n"
      "  -h, --help        show this help\n"
      "\n"
      "Positions in the text report are LINE:COLUMN, both counted from 1; COLUMN\n"
      "counts characters (so do the CSV's and the quote sheet's). JSON offsets are\n"
      "UTF-8 byte offsets from 0, end exclusive.\n"
      "\n"
      "MODEL: the first of these that exists is used:\n"
      "  1. --model PATH\n"
      "  2. $WHOSAID_MODEL\n"
      "  3. ../share/whosaid/models from the directory of the whosaid executable\n"
      "  4. " WHOSAID_INSTALLED_MODEL_DIR
      "\n"
      "A model given by 1 or 2 that cannot be loaded is an error (exit code 3).\n"
      "\n"
      "Exit codes:\n"
      "  0  success\n"
      "  1  some input could not be analysed (missing, unreadable, a directory, binary,\n"
      "     too large) or its report could not be written; the others were analysed\n"
      "  2  usage error, or an annotation file that cannot be read\n"
      "  3  model missing or invalid\n",
      stream);
}

/* Options ***********************************************************/

/*
 * Whether ARGV[*INDEX] is the option NAME with a value, given as
 * "NAME=VALUE" or as "NAME VALUE" (then *INDEX moves past the value).
 * Returns 1 with *VALUE set, 0 when it is another argument, or -1 after a
 * usage error (no value).
 */
static int match_valued_option(const char *name, int argc, char **argv, int *index,
                               const char **value) {
  const char *argument = argv[*index];
  size_t name_length = strlen(name);
  if (strncmp(argument, name, name_length) != 0) return 0;
  if (argument[name_length] == '=') {
    *value = argument + name_length + 1;
  } else if (argument[name_length] != '\0') {
    return 0;
  } else if (*index + 1 < argc) {
    *value = argv[++*index];
  } else {
    cli_usage_error("analyze: %s needs a value", name);
    return -1;
  }
  if ((*value)[0] == '\0') {
    cli_usage_error("analyze: %s needs a non-empty value", name);
    return -1;
  }
  return 1;
}

/* The output format flags; false when ARGUMENT is none of them. */
static bool match_format(const char *argument, analyze_options *options) {
  static const struct {
    const char *flag;
    output_format format;
    whosaid_export_format export_format; /* the library renders all but --text */
  } flags[] = {{"--text", OUTPUT_TEXT, WHOSAID_EXPORT_JSON},
               {"--json", OUTPUT_JSON, WHOSAID_EXPORT_JSON},
               {"--csv", OUTPUT_CSV, WHOSAID_EXPORT_CSV},
               {"--markdown", OUTPUT_MARKDOWN, WHOSAID_EXPORT_MARKDOWN}};
  for (size_t index = 0; index < sizeof(flags) / sizeof(flags[0]); index++) {
    if (strcmp(argument, flags[index].flag) == 0) {
      options->format = flags[index].format;
      options->export_format = flags[index].export_format;
      options->format_given = true;
      return true;
    }
  }
  return false;
}

/* Options without a value; false when ARGUMENT is none of them. */
static bool match_flag(const char *argument, analyze_options *options) {
  if (match_format(argument, options)) {
    return true;
  } else if (strcmp(argument, "--pretty") == 0) {
    options->pretty = true;
  } else if (strcmp(argument, "--explain") == 0) {
    options->explain = true;
  } else if (strcmp(argument, "--force") == 0) {
    options->force = true;
  } else {
    return false;
  }
  return true;
}

/* Check what --annotations and --export mean with the other options. */
static int check_corrections(analyze_options *options) {
  if ((options->annotations_path != NULL || options->export_path != NULL) &&
      options->file_count != 1) {
    return cli_usage_error("analyze: --annotations and --export apply to one FILE");
  }
  if (options->export_path == NULL) return CLI_EXIT_OK;
  if (whosaid_export_format_of(options->export_path, &options->export_format) != WHOSAID_OK) {
    return cli_usage_error(
        "analyze: --export %s: unknown extension (use .json, .csv, .md or "
        ".markdown)",
        options->export_path);
  }
  if (options->format_given || options->output_directory != NULL) {
    return cli_usage_error(
        "analyze: --export writes OUT instead of a report: leave out --text, "
        "--json, --csv, --markdown and --output-dir");
  }
  return CLI_EXIT_OK;
}

/* Check what the options mean together, once all are read. */
static int check_options(analyze_options *options) {
  if (options->file_count == 0) {
    return cli_usage_error("analyze: no input files (give FILE..., or - for standard input)");
  }
  if (options->pretty && options->format != OUTPUT_JSON) {
    return cli_usage_error("analyze: --pretty applies only to --json output");
  }
  if (options->explain && (options->export_path != NULL || options->format == OUTPUT_CSV ||
                           options->format == OUTPUT_MARKDOWN)) {
    return cli_usage_error("analyze: --explain applies only to --text and --json output");
  }
  int status = check_corrections(options);
  if (status != CLI_EXIT_OK) return status;
  size_t stdin_count = 0;
  for (size_t index = 0; index < options->file_count; index++) {
    if (strcmp(options->files[index], "-") == 0) stdin_count++;
  }
  if (stdin_count > 1) return cli_usage_error("analyze: - (standard input) can be given only once");
  return CLI_EXIT_OK;
}

/* The options that take a value: 1 when ARGV[*INDEX] is one of them, 0
 * when it is none, -1 after a usage error. */
static int match_valued_options(int argc, char **argv, int *index, analyze_options *options) {
  static const char *const names[] = {"--output-dir", "--model", "--annotations", "--export"};
  const char **values[] = {&options->output_directory, &options->model_path,
                           &options->annotations_path, &options->export_path};
  for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
    int matched = match_valued_option(names[n], argc, argv, index, values[n]);
    if (matched != 0) return matched;
  }
  return 0;
}

/* Fill OPTIONS from ARGV; returns CLI_EXIT_OK, CLI_EXIT_USAGE, or -1 when
 * --help was printed. Options may follow file names; "--" ends them. */
static int parse_options(int argc, char **argv, analyze_options *options) {
  bool options_ended = false;
  for (int index = 1; index < argc; index++) {
    const char *argument = argv[index];
    if (options_ended || argument[0] != '-' || strcmp(argument, "-") == 0) {
      options->files[options->file_count++] = argument;
      continue;
    }
    if (strcmp(argument, "--") == 0) {
      options_ended = true;
    } else if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
      cli_print_analyze_help(stdout);
      return -1;
    } else if (!match_flag(argument, options)) {
      int matched = match_valued_options(argc, argv, &index, options);
      if (matched < 0) return CLI_EXIT_USAGE;
      if (matched == 0) return cli_usage_error("analyze: unknown option '%s'", argument);
    }
  }
  return check_options(options);
}

/* Output files ******************************************************/

static bool is_directory(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

/* Create DIRECTORY and its missing parents, as mkdir -p does. Returns 0 or
 * an errno value. */
static int make_directories(const char *directory) {
  char *path = strdup(directory);
  if (path == NULL) return ENOMEM;
  int error_number = 0;
  /* Create each prefix that ends before a slash, then the whole path. */
  for (char *cursor = path + 1; error_number == 0; cursor++) {
    if (*cursor != '/' && *cursor != '\0') continue;
    char saved = *cursor;
    *cursor = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST) error_number = errno;
    *cursor = saved;
    if (saved == '\0') break;
  }
  free(path);
  if (error_number == 0 && !is_directory(directory)) error_number = ENOTDIR;
  return error_number;
}

/* NAME for PATH: its base name without the extension; "stdin" for "-".
 * Returns a string to free, or NULL when out of memory. */
static char *document_name(const char *path) {
  if (strcmp(path, "-") == 0) return strdup("stdin");
  const char *slash = strrchr(path, '/');
  const char *base = slash != NULL ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t length = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
  return strndup(base, length);
}

/* OUTPUT_DIR/NAME.EXTENSION, to free; NULL when out of memory. */
static char *output_path(const char *directory, const char *name, const char *extension) {
  size_t size = strlen(directory) + strlen(name) + strlen(extension) + 3;
  char *path = malloc(size);
  if (path != NULL) snprintf(path, size, "%s/%s.%s", directory, name, extension);
  return path;
}

/* The files this run reads (the inputs and --annotations): no report may
 * be written over one. Into STATE; false when out of memory. */
static bool note_read_files(analyze_state *state) {
  const analyze_options *options = state->options;
  state->read_files = calloc(options->file_count + 1, sizeof(*state->read_files));
  if (state->read_files == NULL) return false;
  for (size_t index = 0; index <= options->file_count; index++) {
    const char *path =
        index < options->file_count ? options->files[index] : options->annotations_path;
    struct stat status;
    if (path != NULL && strcmp(path, "-") != 0 && stat(path, &status) == 0) {
      state->read_files[state->read_count++] = (file_id){status.st_dev, status.st_ino};
    }
  }
  return true;
}

/* Whether writing PATH would overwrite a file this run reads. */
static bool overwrites_a_read_file(const analyze_state *state, const char *path) {
  struct stat status;
  if (stat(path, &status) != 0) return false; /* (nothing there to lose) */
  for (size_t index = 0; index < state->read_count; index++) {
    const file_id *read = &state->read_files[index];
    if (read->device == status.st_dev && read->inode == status.st_ino) return true;
  }
  return false;
}

/* Reports ***********************************************************/

/* Write REPORT to STREAM. Returns 0, or -1 with errno set. */
static int write_report(analyze_state *state, FILE *stream, const analyze_report *report) {
  const analyze_options *options = state->options;
  errno = 0;
  if (report->bytes != NULL) {
    fwrite(report->bytes, 1, report->length, stream);
  } else {
    bool is_stdin = strcmp(report->path, "-") == 0;
    cli_text_report text = {state->model, report->doc, report->input->bytes,
                            is_stdin ? "standard input" : report->path, options->explain};
    cli_report_text(stream, &text);
  }
  if (fflush(stream) != 0 || ferror(stream)) {
    if (errno == 0) errno = EIO;
    return -1;
  }
  return 0;
}

/* Whether another input of this run already wrote NAME; remembers it. */
static bool name_already_written(analyze_state *state, const char *name) {
  for (size_t index = 0; index < state->written_count; index++) {
    if (strcmp(state->written_names[index], name) == 0) return true;
  }
  char **names = realloc(state->written_names, (state->written_count + 1) * sizeof(*names));
  char *copy = strdup(name);
  if (names != NULL) state->written_names = names;
  if (names == NULL || copy == NULL) {
    free(copy);
    return false;
  }
  state->written_names[state->written_count++] = copy;
  return false;
}

/* Write REPORT to FILE_PATH; a partly written file is removed. Returns 0,
 * or -1 with errno set. */
static int write_report_to(analyze_state *state, const analyze_report *report,
                           const char *file_path) {
  FILE *stream = fopen(file_path, "w");
  if (stream == NULL) return -1;
  int status = write_report(state, stream, report);
  int error_number = errno;
  if (fclose(stream) != 0 && status == 0) {
    status = -1;
    error_number = errno;
  }
  if (status != 0) remove(file_path);
  errno = error_number;
  return status;
}

/* The report in OUTPUT_DIR/NAME.txt (.json, ...); returns false after
 * saying why it could not be written. */
static bool write_report_file(analyze_state *state, const analyze_report *report, const char *name,
                              const char *display) {
  const analyze_options *options = state->options;
  char *file_path =
      output_path(options->output_directory, name, output_extensions[options->format]);
  bool ok = false;
  if (file_path == NULL) {
    cli_error("%s: %s", display, strerror(ENOMEM));
  } else if (overwrites_a_read_file(state, file_path)) {
    cli_error("%s: not written: %s is a file this run reads (choose another --output-dir)",
              display, file_path);
  } else if (name_already_written(state, name)) {
    cli_error("%s: not written: %s was already written for another input of the same name", display,
              file_path);
  } else if (write_report_to(state, report, file_path) != 0) {
    cli_error("%s: cannot write %s: %s", display, file_path, strerror(errno));
  } else {
    ok = true;
  }
  free(file_path);
  return ok;
}

static bool write_report_stdout(analyze_state *state, const analyze_report *report) {
  if (state->options->format == OUTPUT_TEXT && state->wrote_report) fputc('\n', stdout);
  if (write_report(state, stdout, report) != 0) {
    cli_stdout_failed(errno);
    state->stdout_failed = true;
    return false;
  }
  state->wrote_report = true;
  return true;
}

/* Write the report of REQUEST's input (PATH); false after saying why not. */
static bool deliver_report(analyze_state *state, const cli_export_request *request,
                           const char *path, const char *display) {
  analyze_report report = {request->doc, request->input, path, NULL, 0};
  if (state->options->format != OUTPUT_TEXT) {
    int status = cli_export_render(request, &report.bytes, &report.length);
    if (status != WHOSAID_OK) {
      cli_error("%s: cannot export it: %s", display, whosaid_strerror(status));
      return false;
    }
  }
  bool ok = state->options->output_directory != NULL
                ? write_report_file(state, &report, request->name, display)
                : write_report_stdout(state, &report);
  whosaid_free(report.bytes);
  return ok;
}

/* Write DOC's report, or its --export file; false after saying why not. */
static bool deliver(analyze_state *state, const whosaid_doc *doc, const cli_input *input,
                    const char *path, const char *display) {
  const analyze_options *options = state->options;
  char *name = document_name(path);
  if (name == NULL) {
    cli_error("%s: %s", display, strerror(ENOMEM));
    return false;
  }
  cli_export_request request = {doc,
                                input,
                                state->annotations,
                                name,
                                options->export_format,
                                options->pretty,
                                options->explain};
  bool ok;
  if (options->export_path != NULL && overwrites_a_read_file(state, options->export_path)) {
    cli_error("%s: not written: it is a file this run reads (--export)", options->export_path);
    ok = false;
  } else {
    ok = options->export_path != NULL ? cli_export_file(&request, options->export_path)
                                      : deliver_report(state, &request, path, display);
  }
  free(name);
  return ok;
}

/* The file loop *****************************************************/

/* Whether the output lists the annotations that found no place. */
static bool lists_orphans(const analyze_options *options) {
  if (options->export_path != NULL) return options->export_format == WHOSAID_EXPORT_JSON;
  return options->format == OUTPUT_JSON;
}

/* Analyse one input and write its report; false after reporting an error. */
static bool analyze_file(analyze_state *state, const char *path) {
  const char *display = strcmp(path, "-") == 0 ? "standard input" : path;
  cli_input input;
  char message[256];
  if (cli_input_read(path, &input, message, sizeof(message)) != 0) {
    cli_error("%s: %s", display, message);
    return false;
  }
  const char *binary_reason =
      state->options->force ? NULL : cli_input_binary_reason(input.bytes, input.length);
  if (binary_reason != NULL) {
    cli_error("%s: looks like a binary file (%s); use --force to analyse it anyway", display,
              binary_reason);
    cli_input_free(&input);
    return false;
  }
  whosaid_doc *doc = NULL;
  int status =
      whosaid_analyze_annotated(state->model, input.bytes, input.length, state->annotations, &doc);
  bool ok = false;
  if (status != WHOSAID_OK) {
    cli_error("%s: cannot analyse it: %s", display, whosaid_strerror(status));
  } else {
    cli_warn_orphans(doc, display, lists_orphans(state->options));
    ok = deliver(state, doc, &input, path, display);
  }
  whosaid_doc_free(doc);
  cli_input_free(&input);
  return ok;
}

static int analyze_files(const analyze_options *options, const whosaid_model *model,
                         const whosaid_annotations *annotations) {
  analyze_state state = {options, model, annotations, false, false, NULL, 0, NULL, 0};
  if (!note_read_files(&state)) {
    cli_error("%s", strerror(ENOMEM));
    return CLI_EXIT_INPUT;
  }
  if (options->output_directory != NULL) {
    int error_number = make_directories(options->output_directory);
    if (error_number != 0) {
      cli_error("%s: cannot create the output directory: %s", options->output_directory,
                strerror(error_number));
      free(state.read_files);
      return CLI_EXIT_INPUT;
    }
  }
  bool all_ok = true;
  for (size_t index = 0; index < options->file_count && !state.stdout_failed; index++) {
    if (!analyze_file(&state, options->files[index])) all_ok = false;
  }
  for (size_t index = 0; index < state.written_count; index++) free(state.written_names[index]);
  free(state.written_names);
  free(state.read_files);
  return all_ok ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}

/* Read the sidecar (a bad one is reported before any output), load the
 * model, and analyse the files. */
static int run_analyze(const analyze_options *options, const char *program_path) {
  whosaid_annotations *annotations = NULL;
  if (options->annotations_path != NULL) {
    int status = cli_annotations_read(options->annotations_path, &annotations);
    if (status != CLI_EXIT_OK) return status;
  }
  whosaid_model *model = NULL;
  int status = cli_model_load(options->model_path, program_path, &model);
  if (status == CLI_EXIT_OK) status = analyze_files(options, model, annotations);
  whosaid_model_free(model);
  whosaid_annotations_free(annotations);
  return status;
}

int cli_analyze_main(const char *program_path, int argc, char **argv) {
  analyze_options options = {OUTPUT_TEXT, false, false, false, false,
                             NULL,        NULL,  NULL,  NULL,  WHOSAID_EXPORT_JSON,
                             NULL,        0};
  options.files = calloc((size_t)argc, sizeof(*options.files));
  if (options.files == NULL) {
    cli_error("%s", strerror(ENOMEM));
    return CLI_EXIT_INPUT;
  }
  int status = parse_options(argc, argv, &options);
  if (status < 0) {
    status = CLI_EXIT_OK; /* --help was printed */
  } else if (status == CLI_EXIT_OK) {
    status = run_analyze(&options, program_path);
  }
  free(options.files);
  return status;
}
