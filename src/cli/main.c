/*
 * main.c: the whosaid program's entry point: command dispatch, --help,
 * --version, and the error-message helpers every command uses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* One large buffer for standard output: reports are written in many small
 * pieces, and a line-buffered terminal or a pipe would otherwise cost a
 * system call per line. */
#define STDOUT_BUFFER_SIZE (1024 * 1024)

static char stdout_buffer[STDOUT_BUFFER_SIZE];

static void print_help(FILE *stream) {
  fputs(
      "Usage: whosaid COMMAND [OPTIONS] [ARGUMENTS]\n"
      "\n"
      "whosaid reads English news text and finds its quotes: it tells direct quotes\n"
      "(someone's own words) from scare quotes and titles, and, with a model that can,\n"
      "names who said them and lists the named entities.\n"
      "\n"
      "Commands:\n"
      "  analyze FILE...  analyse text files (- reads standard input)\n"
      "  train-ner --train FILE --dev FILE -o MODEL [--gazetteers DIR] [--epochs N]\n"
      "                   [--seed N] [--prune X]\n"
      "                   train the entity tagger on CoNLL-2003 files (deterministic)\n"
      "  eval-ner [--model MODEL] [--output TAGS] FILE.conll\n"
      "                   tag a CoNLL-2003 file as given and print precision, recall\n"
      "                   and F1 as conlleval does; --output writes conlleval's input\n"
      "  host [--model PATH]\n"
      "                   serve msgpack-RPC on standard input and output (the editor\n"
      "                   starts it; see 'whosaid help host')\n"
      "  help [COMMAND]   show this help, or the help of COMMAND\n"
      "  version          print the version\n"
      "\n"
      "Options:\n"
      "  -h, --help       show this help\n"
      "  -V, --version    print the version\n"
      "\n",
      stream);
  cli_print_analyze_help(stream);
}

static int print_version(void) {
  printf("whosaid %s\n", whosaid_version_string());
  return CLI_EXIT_OK;
}

static int run_help(int argc, char **argv) {
  if (argc < 2) {
    print_help(stdout);
  } else if (strcmp(argv[1], "analyze") == 0) {
    cli_print_analyze_help(stdout);
  } else if (strcmp(argv[1], "host") == 0) {
    cli_print_host_help(stdout);
  } else if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "version") == 0) {
    print_help(stdout);
  } else {
    return cli_usage_error("help: unknown command '%s'", argv[1]);
  }
  return CLI_EXIT_OK;
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    return cli_usage_error("no command given (try 'whosaid analyze FILE')");
  }
  const char *command = argv[1];
  if (strcmp(command, "analyze") == 0) return cli_analyze_main(argv[0], argc - 1, argv + 1);
  if (strcmp(command, "train-ner") == 0) return cli_train_ner_main(argc - 1, argv + 1);
  if (strcmp(command, "eval-ner") == 0) return cli_eval_ner_main(argv[0], argc - 1, argv + 1);
  if (strcmp(command, "host") == 0) return cli_host_main(argv[0], argc - 1, argv + 1);
  if (strcmp(command, "help") == 0) return run_help(argc - 1, argv + 1);
  if (strcmp(command, "-h") == 0 || strcmp(command, "--help") == 0) {
    return run_help(argc - 1, argv + 1);
  }
  if (strcmp(command, "version") == 0 || strcmp(command, "-V") == 0 ||
      strcmp(command, "--version") == 0) {
    return print_version();
  }
  if (command[0] == '-') return cli_usage_error("unknown option '%s'", command);
  return cli_usage_error("unknown command '%s'", command);
}

int main(int argc, char **argv) {
  setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
  int status = dispatch(argc, argv);
  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_stdout_failed(errno != 0 ? errno : EIO);
    if (status == CLI_EXIT_OK) status = CLI_EXIT_INPUT;
  }
  return status;
}

void cli_stdout_failed(int error_number) {
  static bool reported = false;
  if (reported) return;
  reported = true;
  cli_error("standard output: %s", strerror(error_number));
}

static void print_message(const char *format, va_list arguments) {
  fflush(stdout);
  fputs("whosaid: ", stderr);
  vfprintf(stderr, format, arguments);
  fputc('\n', stderr);
}

void cli_error(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  print_message(format, arguments);
  va_end(arguments);
}

int cli_usage_error(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  print_message(format, arguments);
  va_end(arguments);
  fputs("Try 'whosaid --help' for more information.\n", stderr);
  return CLI_EXIT_USAGE;
}
