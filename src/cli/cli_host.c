/*
 * cli_host.c: `whosaid host`, the msgpack-RPC host the editor starts. It
 * loads the model as analyze does, then serves standard input and output
 * until the input ends.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

void cli_print_host_help(FILE *stream) {
  fputs("Usage: whosaid host [--model PATH] [--debounce MS]\n"
        "\n"
        "Serve msgpack-RPC on standard input and output, as Neovim's job channel speaks\n"
        "it (jobstart([prog, 'host'], {'rpc': v:true})), until the input ends. Nothing\n"
        "but msgpack-RPC is written to standard output; messages go to standard error,\n"
        "or to $WHOSAID_LOG_FILE, at the level of $WHOSAID_LOG_LEVEL (error, warn,\n"
        "info, debug). The methods are described in doc/host.md.\n"
        "\n"
        "Options:\n"
        "  --model PATH   the model directory (default: as for analyze)\n"
        "  --debounce MS  wait this long after an edit before analysing (default 30)\n",
        stream);
}

int cli_host_main(const char *program_path, int argc, char **argv) {
  const char *model_path = NULL;
  whosaid_host_options options = {STDIN_FILENO, STDOUT_FILENO, 0, 0};
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
