// A synthetic trust graph for the lookup benchmark, built with the pure trust
// core (no CAF, no I/O):
// - this node sets HIGH on `peers` keys and delegates to them (depth 2, cap
//   HIGH for even peers, MEDIUM for odd ones);
// - every peer sets HIGH on `fanout` second-level keys and delegates to them
//   (depth 1, cap HIGH), so those count at path length 2;
// - `strangers` issuers that nobody delegated to also speak (never counted);
// - foreign set_level assertions by peers, second-level keys and strangers
//   cover `subjects` keys; some subjects are revoked by a counted issuer, some
//   assertions have expired (explicitly or by the default TTL), a few subjects
//   carry this node's own set_level or revoke, and a few only strangers' word.
// Every assertion is signed with a libsodium key pair (deterministic seeds) and
// applied with trust_set::apply; the builder dies if one is not applied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/trust/core/trust_set.hpp"

namespace nz::bench {

struct graph_shape {
  size_t peers = 50;
  size_t fanout = 4;
  size_t strangers = 20;
  size_t subjects = 10000;
};

struct trust_graph {
  explicit trust_graph(const trust::pubkey& own, const trust::limits& l) : set(own, l) {}

  trust::trust_set set;
  int64_t now_ms = 0;
  /// The covered subjects (the keys lookups draw from).
  std::vector<trust::pubkey> subjects;
  /// Counted delegators the shape implies (peers + second-level keys).
  size_t expected_delegators = 0;
  size_t assertions = 0;
  /// Every assertion, signed, in the order it was applied (per-issuer
  /// sequence numbers rise along it).
  std::vector<trust::signed_assertion> signed_list;
  /// The issuers nobody delegated to.
  std::vector<trust::pubkey> strangers;
  double sign_seconds = 0;   ///< signing all assertions
  double apply_seconds = 0;  ///< trust_set::apply of all assertions
};

/// Builds the graph described in the file comment at `now_ms` (seeded: the
/// same seed gives the same graph).
trust_graph build_trust_graph(const graph_shape& shape, int64_t now_ms, uint64_t seed);

/// What a sample of lookups returned: the evidence that the graph is not empty.
struct graph_check {
  size_t sampled = 0;
  size_t by_level[5] = {0, 0, 0, 0, 0};
  size_t revoked = 0;
  size_t by_path_length[5] = {0, 0, 0, 0, 0};  ///< 4 = 4 or more
  size_t delegators = 0;
  /// Empty when plausible; else why not.
  std::string problem;
};

/// Evaluates `sample` subjects both with effective_trust() and with one shared
/// evaluator, compares the two, and checks that the verdicts are non-trivial
/// (levels, revocations, unknowns, delegated paths of length 2 and 3).
graph_check check_trust_graph(const trust_graph& g, size_t sample);

/// Evaluator constructions timed by time_lookups().
constexpr int evaluator_builds = 200;

struct lookup_rates {
  double lookup = 0;         ///< trust::effective_trust() per second
  double build_us = 0;       ///< one evaluator, built and destroyed
  double shared_lookup = 0;  ///< evaluator::effective_trust per second
  uint64_t sink = 0;         ///< keeps the results alive
};

/// Times effective_trust(g.set, g.subjects[i], g.now_ms) for each i in `idx`;
/// then evaluator_builds evaluator constructions (mean); then one evaluator,
/// built inside the timing, asked about g.subjects[i] for each i in `shared_idx`.
lookup_rates time_lookups(const trust_graph& g, const std::vector<uint32_t>& idx,
                          const std::vector<uint32_t>& shared_idx);

}  // namespace nz::bench
