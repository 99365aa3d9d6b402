/*
 * fuzz_rpc_decoder.c: fuzz_rpc's first half alone, the msgpack-RPC decoder
 * (however the bytes are cut, with the host's limits and with small ones),
 * without a host serving the bytes. Serving costs a thread, pipes, a loop
 * and several analyses per input: 100 to 250 inputs a second on one core
 * under ASan; the decoder alone, four decodings per input, about 1,700, so
 * the layer that reads every byte a peer sends gets the most executions.
 * Same corpus, regressions and mutator as fuzz_rpc (corpus/rpc_decoder and
 * regressions/rpc_decoder link there).
 */
#define FUZZ_RPC_DECODER_ONLY 1
#include "fuzz_rpc.c"
