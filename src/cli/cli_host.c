/*
 * cli_host.c: `whosaid host`, the msgpack-RPC host the editor starts (with
 * --vim, the same host speaking Vim's JSON channel). It loads the model as
 * analyze does, then serves standard input and output until the input ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

void cli_print_host_help(FILE *stream) {
  fputs("Usage: whosaid host [--vim] [--model PATH] [--debounce MS] [--max-message SIZE]\n"
        "                    [--max-buffer SIZE] [--max-line SIZE] [--max-marks N]\n"
        "\n"
        "Serve msgpack-RPC on standard input and output, as Neovim's job channel speaks\n"
        "it (jobstart([prog, 'host'], {'rpc': v:true})), until the input ends; with\n"
        "--vim, the JSON of Vim's job channels instead\n"
        "(job_start([prog, 'host', '--vim'], {'mode': 'json'})). Nothing but those\n"
        "messages is written to standard output; messages go to standard error, or to\n"
        "$WHOSAID_LOG_FILE, at the level of $WHOSAID_LOG_LEVEL (error, warn, info,\n"
        "debug). The methods and the limits are described in doc/host.md.\n"
        "\n"
        "Options:\n"
        "  --vim               speak Vim's JSON channel protocol (doc/host.md, \"Vim\")\n"
        "  --model PATH        the model directory (default: as for analyze)\n"
        "  --debounce MS       wait this long after an edit before analysing (default 30)\n"
        "  --max-message SIZE  skip a larger message from the editor (a request gets an\n"
        "                      error); each value in it counts 24 bytes more, its size\n"
        "                      decoded (default 64M)\n"
        "  --max-buffer SIZE   do not analyse a larger buffer: its highlights are cleared\n"
        "                      and the user told once, until it is smaller (default 16M)\n"
        "  --max-line SIZE     read a longer line as blanks: no highlights in it, the\n"
        "                      user told once (default 1M)\n"
        "  --max-marks N       highlight at most the first N spans of a buffer, the user\n"
        "                      told once when there are more (default 100000)\n"
        "\n"
        "A SIZE is in MiB, or with a unit: 512K, 8M, 1G.\n",
        stream);
}

/* A SIZE argument: MiB, or a number with K, M or G; 0 when it is none (or
 * below 1 KiB, or over 1 TiB). */
static size_t parse_size(const char *text) {
  char *end;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (end == text || errno != 0 || text[0] == '-') return 0;
  unsigned shift = 20;
  if (*end == 'K' || *end == 'k') shift = 10, end++;
  else if (*end == 'M' || *end == 'm') shift = 20, end++;
  else if (*end == 'G' || *end == 'g') shift = 30, end++;
  if (*end != '\0' || value == 0 || value > (1ull << 40) >> shift) return 0;
  size_t bytes = (size_t)(value << shift);
  return bytes >= 1024 ? bytes : 0;
}

/* The field of OPTIONS a size option NAME sets, or NULL. */
static size_t *size_option(const char *name, whosaid_host_options *options) {
  if (strcmp(name, "--max-message") == 0) return &options->max_message_bytes;
  if (strcmp(name, "--max-buffer") == 0) return &options->max_buffer_bytes;
  if (strcmp(name, "--max-line") == 0) return &options->max_line_bytes;
  return NULL;
}

int cli_host_main(const char *program_path, int argc, char **argv) {
  const char *model_path = NULL;
  whosaid_host_options options = {.input_fd = STDIN_FILENO, .output_fd = STDOUT_FILENO};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      model_path = argv[++i];
    } else if (strcmp(argv[i], "--debounce") == 0 && i + 1 < argc) {
      char *end;
      long ms = strtol(argv[++i], &end, 10);
      if (*end != '\0' || ms < 1 || ms > 10000) {
        return cli_usage_error("host: --debounce takes milliseconds from 1 to 10000");
      }
      options.debounce_ms = (unsigned)ms;
    } else if (size_option(argv[i], &options) != NULL && i + 1 < argc) {
      size_t bytes = parse_size(argv[i + 1]);
      if (bytes == 0) {
        return cli_usage_error("host: %s takes a size from 1K to 1024G, such as 512K or 8M "
                               "(a number alone is MiB)", argv[i]);
      }
      *size_option(argv[i], &options) = bytes;
      i++;
    } else if (strcmp(argv[i], "--max-marks") == 0 && i + 1 < argc) {
      char *end;
      long n = strtol(argv[++i], &end, 10);
      if (*end != '\0' || end == argv[i] || n < 1 || n > 10000000) {
        return cli_usage_error("host: --max-marks takes a number from 1 to 10000000");
      }
      options.max_marks = (size_t)n;
    } else if (strcmp(argv[i], "--vim") == 0) {
      options.vim = true;
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      cli_print_host_help(stdout);
      return CLI_EXIT_OK;
    } else {
      return cli_usage_error("host: unknown argument '%s'", argv[i]);
    }
  }
  whosaid_model *model = NULL;
  int exit_code = cli_model_load(model_path, program_path, &model);
  if (exit_code != CLI_EXIT_OK) return exit_code;
  int status = whosaid_host_run(model, &options);
  whosaid_model_free(model);
  if (status != 0) cli_error("host: %s", whosaid_strerror(status));
  return status == 0 ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}
