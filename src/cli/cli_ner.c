/*
 * cli_ner.c: the train-ner and eval-ner commands, for training the entity
 * tagger on CoNLL-2003 data and measuring it as conlleval does.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct {
  const char *train, *dev, *output, *gazetteers;
  whosaid_ner_train_options options;
} train_arguments;

static int need_value(int argc, char **argv, int i) {
  if (i + 1 >= argc) return cli_usage_error("option '%s' needs a value", argv[i]);
  return CLI_EXIT_OK;
}

static int parse_train(int argc, char **argv, train_arguments *a) {
  for (int i = 1; i < argc; i += 2) {
    if (need_value(argc, argv, i) != CLI_EXIT_OK) return CLI_EXIT_USAGE;
    const char *option = argv[i], *value = argv[i + 1];
    if (strcmp(option, "--train") == 0) {
      a->train = value;
    } else if (strcmp(option, "--dev") == 0) {
      a->dev = value;
    } else if (strcmp(option, "-o") == 0 || strcmp(option, "--output") == 0) {
      a->output = value;
    } else if (strcmp(option, "--gazetteers") == 0) {
      a->options.gazetteer_dir = value;
    } else if (strcmp(option, "--epochs") == 0) {
      a->options.epochs = atoi(value);
    } else if (strcmp(option, "--seed") == 0) {
      a->options.seed = strtoull(value, NULL, 10);
    } else if (strcmp(option, "--prune") == 0) {
      a->options.prune = strtof(value, NULL);
    } else {
      return cli_usage_error("train-ner: unknown option '%s'", option);
    }
  }
  if (!a->train || !a->dev || !a->output) {
    return cli_usage_error("train-ner needs --train FILE, --dev FILE and -o MODEL");
  }
  return CLI_EXIT_OK;
}

static void print_progress(void *context, int epoch, double train_f1, double dev_f1,
                           size_t features) {
  (void)context;
  printf("epoch %2d  train F1 %6.2f  dev F1 %6.2f  features %zu\n", epoch, train_f1, dev_f1,
         features);
  fflush(stdout);
}

int cli_train_ner_main(int argc, char **argv) {
  train_arguments a = {0};
  a.options.seed = 1;
  if (parse_train(argc, argv, &a) != CLI_EXIT_OK) return CLI_EXIT_USAGE;
  a.options.progress = print_progress;
  whosaid_error err = {0};
  int status = whosaid_ner_train(a.train, a.dev, a.output, &a.options, &err);
  if (status != 0) {
    cli_error("train-ner: %s", err.message[0] ? err.message : whosaid_strerror(status));
    return CLI_EXIT_INPUT;
  }
  printf("model written to %s\n", a.output);
  return CLI_EXIT_OK;
}

static void print_counts(const char *name, const whosaid_ner_counts *c) {
  printf("%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %zu\n", name, c->precision,
         c->recall, c->f1, c->predicted);
}

/* The figures, laid out as conlleval prints them. */
static void print_evaluation(const whosaid_ner_evaluation *e) {
  static const char *const types[] = {"PER", "ORG", "LOC", "MISC"};
  printf("processed %zu tokens with %zu phrases; found: %zu phrases; correct: %zu.\n", e->tokens,
         e->overall.gold, e->overall.predicted, e->overall.correct);
  printf("precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n", e->overall.precision,
         e->overall.recall, e->overall.f1);
  for (int t = 0; t < 4; t++) print_counts(types[t], &e->types[t]);
}

int cli_eval_ner_main(const char *program_path, int argc, char **argv) {
  const char *model_path = NULL, *tags = NULL, *file = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--model") == 0 || strcmp(argv[i], "--output") == 0) {
      if (need_value(argc, argv, i) != CLI_EXIT_OK) return CLI_EXIT_USAGE;
      *(strcmp(argv[i], "--model") == 0 ? &model_path : &tags) = argv[i + 1];
      i++;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return cli_usage_error("eval-ner: unknown option '%s'", argv[i]);
    } else if (file != NULL) {
      return cli_usage_error("eval-ner takes one CoNLL file");
    } else {
      file = argv[i];
    }
  }
  if (file == NULL) return cli_usage_error("eval-ner needs a CoNLL file");
  whosaid_model *model = NULL;
  int exit_code = cli_model_load(model_path, program_path, &model);
  if (exit_code != CLI_EXIT_OK) return exit_code;
  if (!whosaid_model_has_entities(model)) {
    whosaid_model_free(model);
    cli_error("eval-ner: the model %s has no entity tagger", model_path ? model_path : "");
    return CLI_EXIT_MODEL;
  }
  whosaid_ner_evaluation evaluation;
  whosaid_error err = {0};
  int status = whosaid_ner_evaluate(model, file, tags, &evaluation, &err);
  if (status == 0) print_evaluation(&evaluation);
  if (status != 0) cli_error("eval-ner: %s", err.message[0] ? err.message : whosaid_strerror(status));
  whosaid_model_free(model);
  return status == 0 ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}
