/*
 * rules.c: the names and explanations of the attribution rules and mention
 * kinds (WHOSAID_ATTRIBUTION_RULE_MAP in whosaid.h), for --explain output
 * and for debugging a wrong attribution.
 */
#include "attrib/attrib.h"

const char *whosaid_attribution_rule_name(whosaid_attribution_rule rule) {
  switch (rule) {
#define WHOSAID_XX(name, text)    \
  case WHOSAID_ATTRIBUTION_##name: \
    return #name;
    WHOSAID_ATTRIBUTION_RULE_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  }
  return "UNKNOWN";
}

const char *whosaid_attribution_rule_text(whosaid_attribution_rule rule) {
  switch (rule) {
#define WHOSAID_XX(name, text)    \
  case WHOSAID_ATTRIBUTION_##name: \
    return text;
    WHOSAID_ATTRIBUTION_RULE_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  }
  return "unknown rule";
}

const char *whosaid_mention_kind_name(whosaid_mention_kind kind) {
  static const char *const names[] = {"name", "pronoun", "nominal"};
  return (unsigned)kind < 3 ? names[kind] : "?";
}

const char *whosaid_quote_reason_name(whosaid_quote_reason reason) {
  switch (reason) {
#define WHOSAID_XX(name, text) \
  case WHOSAID_QUOTE_##name:   \
    return #name;
    WHOSAID_QUOTE_REASON_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  }
  return "UNKNOWN";
}

const char *whosaid_quote_reason_text(whosaid_quote_reason reason) {
  switch (reason) {
#define WHOSAID_XX(name, text) \
  case WHOSAID_QUOTE_##name:   \
    return text;
    WHOSAID_QUOTE_REASON_MAP(WHOSAID_XX)
#undef WHOSAID_XX
  }
  return "unknown reason";
}
