/*
 * model_locate.c: finding the model directory and loading it.
 *
 * The order is: --model PATH, then $WHOSAID_MODEL, then the directory
 * WHOSAID_RELATIVE_MODEL_DIR relative to the running executable (which is
 * both build/bin -> build/share/whosaid/models in the build tree and
 * PREFIX/bin -> PREFIX/share/whosaid/models once installed, wherever PREFIX
 * is), then the configured WHOSAID_INSTALLED_MODEL_DIR.
 *
 * A model the user named (--model, $WHOSAID_MODEL) that fails to load is an
 * error, never a reason to quietly use another one. The implicit places are
 * skipped only when their directory does not exist; one that exists but does
 * not load is reported, since silently preferring an older installed model
 * would be worse.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* the build defines it too */
#endif

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef WHOSAID_RELATIVE_MODEL_DIR
#define WHOSAID_RELATIVE_MODEL_DIR "../share/whosaid/models"
#endif
#ifndef WHOSAID_INSTALLED_MODEL_DIR
#define WHOSAID_INSTALLED_MODEL_DIR "/usr/local/share/whosaid/models"
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Load the model at PATH; on failure say why, naming ORIGIN (how PATH was
 * chosen). */
static int load_or_report(const char *path, const char *origin, whosaid_model **model) {
  whosaid_error error;
  memset(&error, 0, sizeof(error));
  int status = whosaid_model_load(path, model, &error);
  if (status == WHOSAID_OK) return CLI_EXIT_OK;
  const char *reason = error.message[0] != '\0' ? error.message : whosaid_strerror(status);
  cli_error("cannot load the model from %s (%s): %s", path, origin, reason);
  return CLI_EXIT_MODEL;
}

static bool directory_exists(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

/* The directory of the running executable, from /proc/self/exe, or from
 * PROGRAM_PATH (argv[0]) when /proc is not mounted and argv[0] is a path. */
static bool find_executable_directory(const char *program_path, char *directory, size_t size) {
  ssize_t length = readlink("/proc/self/exe", directory, size - 1);
  if (length > 0) {
    directory[length] = '\0';
  } else {
    if (strchr(program_path, '/') == NULL || strlen(program_path) >= size) return false;
    strcpy(directory, program_path);
  }
  char *last_slash = strrchr(directory, '/');
  if (last_slash == directory) last_slash++; /* the executable is in "/" */
  *last_slash = '\0';
  return true;
}

/* Append RELATIVE to DIRECTORY (of SIZE bytes). For an absolute DIRECTORY,
 * "." and ".." are resolved by text, so that messages show
 * ".../share/whosaid/models" rather than ".../bin/../share/..."; that is
 * safe because the kernel gave a path without symbolic links. Returns false
 * if the result does not fit. */
static bool join_path(char *directory, size_t size, const char *relative) {
  size_t length = strlen(directory);
  bool resolve = directory[0] == '/';
  const char *component = relative;
  while (*component != '\0') {
    size_t component_length = strcspn(component, "/");
    bool is_dot = component_length == 1 && component[0] == '.';
    bool is_dot_dot = component_length == 2 && strncmp(component, "..", 2) == 0;
    if (resolve && is_dot_dot) {
      while (length > 1 && directory[length - 1] != '/') length--;
      if (length > 1) length--; /* the slash, unless it is the root */
    } else if (component_length > 0 && !(resolve && is_dot)) {
      bool needs_slash = length > 0 && directory[length - 1] != '/';
      if (length + needs_slash + component_length + 1 > size) return false;
      if (needs_slash) directory[length++] = '/';
      memcpy(directory + length, component, component_length);
      length += component_length;
    }
    directory[length] = '\0';
    component += component_length;
    if (*component == '/') component++;
  }
  return true;
}

static void report_not_found(const char *relative_path) {
  cli_error("no model found. Looked in:");
  fprintf(stderr,
          "  --model PATH          (not given)\n"
          "  $WHOSAID_MODEL        (not set)\n");
  if (relative_path != NULL) {
    fprintf(stderr, "  %s (no such directory)\n", relative_path);
  } else {
    fprintf(stderr,
            "  the executable's ../share/whosaid/models (the executable's path is unknown)\n");
  }
  fprintf(stderr,
          "  %s (no such directory)\n"
          "Give the model directory with --model PATH, or set WHOSAID_MODEL=PATH.\n",
          WHOSAID_INSTALLED_MODEL_DIR);
}

int cli_model_load(const char *explicit_path, const char *program_path, whosaid_model **model) {
  *model = NULL;
  if (explicit_path != NULL) return load_or_report(explicit_path, "--model", model);
  const char *environment_path = getenv("WHOSAID_MODEL");
  if (environment_path != NULL && environment_path[0] != '\0') {
    return load_or_report(environment_path, "$WHOSAID_MODEL", model);
  }
  char relative_path[PATH_MAX];
  bool have_relative =
      find_executable_directory(program_path, relative_path, sizeof(relative_path)) &&
      join_path(relative_path, sizeof(relative_path), WHOSAID_RELATIVE_MODEL_DIR);
  if (have_relative && directory_exists(relative_path)) {
    return load_or_report(relative_path, "next to the executable", model);
  }
  if (directory_exists(WHOSAID_INSTALLED_MODEL_DIR)) {
    return load_or_report(WHOSAID_INSTALLED_MODEL_DIR, "the installed model", model);
  }
  report_not_found(have_relative ? relative_path : NULL);
  return CLI_EXIT_MODEL;
}
