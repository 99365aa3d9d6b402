/*
 * status.c: names and messages of the WHOSAID_E* statuses, and the version.
 */
#include "whosaid.h"

int whosaid_version(void) {
  return WHOSAID_VERSION;
}

const char *whosaid_version_string(void) {
  return WHOSAID_VERSION_STRING;
}

const char *whosaid_strerror(int status) {
  switch (status) {
    case WHOSAID_OK:
      return "success";
#define WHOSAID_XX(name, code, message) \
  case WHOSAID_E##name:                 \
    return message;
      WHOSAID_ERRNO_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  }
  return "unknown error";
}

const char *whosaid_err_name(int status) {
  switch (status) {
    case WHOSAID_OK:
      return "WHOSAID_OK";
#define WHOSAID_XX(name, code, message) \
  case WHOSAID_E##name:                 \
    return "WHOSAID_E" #name;
      WHOSAID_ERRNO_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  }
  return "WHOSAID_EUNKNOWN";
}
