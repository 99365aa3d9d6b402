/*
 * cli_export.c: what "analyze" does with a person's corrections and with the
 * library's exports: reading the --annotations sidecar, warning about the
 * annotations that found no place, rendering --json, --csv and --markdown,
 * and writing the --export file.
 */
#include "cli/cli.h"

int cli_annotations_read(const char *path, whosaid_annotations **annotations) {
  whosaid_error err = {0, ""};
  int status = whosaid_annotations_read(path, annotations, &err);
  if (status == WHOSAID_OK) return CLI_EXIT_OK;
  if (err.message[0] != '\0') {
    cli_error("%s", err.message);
  } else {
    cli_error("%s: %s", path, whosaid_strerror(status));
  }
  return CLI_EXIT_USAGE;
}

void cli_warn_orphans(const whosaid_doc *doc, const char *display, bool listed) {
  size_t count = whosaid_doc_annotation_count(doc), orphans = 0;
  for (size_t index = 0; index < count; index++) {
    whosaid_annotation_place place;
    if (whosaid_doc_annotation(doc, index, &place) == WHOSAID_OK && !place.attached) orphans++;
  }
  if (orphans == 0) return;
  cli_error("%zu %s found no place in %s (orphans); %s", orphans,
            orphans == 1 ? "annotation" : "annotations", display,
            listed ? "they are listed under \"orphans\""
                   : "the JSON export lists them under \"orphans\"");
}

int cli_export_render(const cli_export_request *request, char **bytes, size_t *length) {
  const cli_input *input = request->input;
  /* Without annotations, --json is FORMAT.md's object as it always was. */
  whosaid_export_options options = {
      .pretty = request->pretty, .explain = request->explain, .plain = request->set == NULL};
  return whosaid_export_with(request->doc, input->bytes, input->length, request->set,
                             request->name, request->format, &options, bytes, length);
}

bool cli_export_file(const cli_export_request *request, const char *path) {
  char *bytes = NULL;
  size_t length = 0;
  int status = whosaid_export(request->doc, request->input->bytes, request->input->length,
                              request->set, request->name, request->format, &bytes, &length);
  whosaid_error err = {0, ""};
  if (status == WHOSAID_OK) status = whosaid_write_file(path, bytes, length, &err);
  whosaid_free(bytes);
  if (status == WHOSAID_OK) return true;
  if (err.message[0] != '\0') {
    cli_error("%s", err.message); /* it names the file */
  } else {
    cli_error("%s: cannot write the export: %s", path, whosaid_strerror(status));
  }
  return false;
}
