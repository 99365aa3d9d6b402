/*
 * fuzz_vim_host.c: fuzz_json with the host serving each input in Vim mode
 * (`whosaid host --vim`): the dispatcher behind the JSON codec. About a
 * hundred inputs a second, against fuzz_json's thousands: the codec alone
 * gets the most executions there. Same corpus and regressions as fuzz_json
 * (corpus/vim_host and regressions/vim_host link there).
 */
#define FUZZ_JSON_SERVE 1
#include "fuzz_json.c"
