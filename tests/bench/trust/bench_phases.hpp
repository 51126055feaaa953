// One repetition of nz_bench_trust: the measured phases in the order the file
// comment of trust_bench.cpp lists them (raw_crypto, id_sign, append,
// append_lat, log_verify, restart, append_512, raw_commit, lookup, eval_lookup,
// actor_eval), one line printed per phase and a `ratios` line at the end.
// Every phase that needs a trust store opens a fresh one (trust_env.hpp) and
// closes it before the next; actor_eval asks su.lookup_trust.
#pragma once

#include "bench/trust/bench_setup.hpp"

namespace nz::bench {

/// Runs and prints repetition `run` (1-based) and returns its figures; dies on
/// any unexpected result.
/// REQUIRES: su complete, su.lookup_trust included (graph_actor.hpp).
repetition run_once(setup& su, int run);

}  // namespace nz::bench
