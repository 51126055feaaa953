// What every part of nz_bench_trust shares: the run's constants, `setup` (the
// actors, keys, lookup graph and lookup indexes of one invocation),
// `repetition` (the figures of one repetition) and die().
// `setup` is filled once by main() before the repetitions; afterwards the
// phases only read it (lookup_trust is set once, after the graph import).
// Every phase runs on main()'s thread, talking to the actors through scoped
// actors; only `counters` is written from actor threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "bench/support/bench_fail.hpp"
#include "bench/trust/counting_metrics.hpp"
#include "bench/trust/raw_baselines.hpp"
#include "bench/trust/trust_graph.hpp"

namespace nz {
class service_registry;
}  // namespace nz

namespace nz::bench {

inline constexpr int repeats = 3;
inline constexpr uint64_t append_window = 64;
inline constexpr uint64_t deep_window = 512;
inline constexpr uint64_t id_window = 64;
inline constexpr uint64_t actor_window = 64;
inline constexpr size_t lat_samples = 200;
inline constexpr size_t check_sample = 2000;
inline constexpr size_t map_size = size_t{1} << 30;  // storage actor
/// The lookup graph is imported with the actor's clock this far back, so that
/// the assertions that have expired by now were live when imported.
inline constexpr int64_t import_clock_back_ms = int64_t{3} * 24 * 3600 * 1000;
/// The timeout of every request the benchmark makes.
inline constexpr auto request_timeout = std::chrono::seconds(60);

/// Prints "nz_bench_trust: <what>" to stderr and exits with status 1: every
/// unexpected result ends the benchmark.
/// The figures of one repetition (rates per second unless noted), filled by
/// run_once() (bench_phases.hpp) and summarised by print_summary().
struct repetition {
  crypto_rates raw;
  double id_sign_1 = 0, id_sign_64 = 0;
  double append = 0;  ///< acknowledged appends per second, append_window in flight
  double appends_per_commit = 0;
  double append_deep = 0;  ///< the same with deep_window in flight
  double appends_per_commit_deep = 0;
  double lat_p50 = 0, lat_p99 = 0;  ///< µs, one append at a time
  double log_verify = 0;            ///< entries read back and verified per second
  double raw_commit = 0;            ///< raw LMDB puts per second (same batching)
  uint64_t restart_snapshot = 0;    ///< N of "snapshot at N + M log entries replayed"
  uint64_t restart_replayed = 0;    ///< M
  double restart_ms = 0;            ///< restart until the new actor served a list
  double lookup = 0;                ///< effective_trust() per second
  double eval_build_us = 0;
  double eval_lookup = 0;  ///< evaluator::effective_trust per second
  double actor_eval = 0;   ///< trust_eval through the actor per second
};

/// One invocation's actors and inputs, shared by every phase.
struct setup {
  caf::actor_system& sys;
  std::shared_ptr<nz::service_registry> reg;
  std::shared_ptr<counters> count;
  caf::actor id;
  std::shared_ptr<const std::vector<std::string>> subjects;  ///< hex keys
  uint64_t appends;
  uint64_t crypto_ops;
  bytes msg;  ///< assertion-sized
  size_t record_size;
  const trust_graph* graph;
  std::vector<uint32_t> lookup_idx, eval_idx;
  /// The trust actor holding the graph, the graph's subjects in hex and the
  /// indexes actor_eval asks about.
  caf::actor lookup_trust;
  std::shared_ptr<const std::vector<std::string>> subject_hex;
  std::shared_ptr<const std::vector<uint32_t>> actor_idx;
};

}  // namespace nz::bench
