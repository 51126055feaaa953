// Getting the lookup graph (trust_graph.hpp) into a real trust actor for
// nz_bench_trust, the way a node gets such a set:
// - foreign assertions only in signed bundles (trust_import_atom, encode_bundle)
//   whose every assertion passes check_batch (sync_rules.hpp);
// - this node's own assertions only as trust_assert requests, which the actor
//   has signed by its identity (so they carry the identity's key, not the
//   graph's own key, and the actor's own issuer_seq and created_ms).
// The plan keeps the graph's order with two exceptions that change no verdict:
// this node's own assertions about subjects (set_level, revoke) go after all
// imports, so every own revoke still follows the foreign word about its
// subject; and a bundle ends before an assertion whose issuer a previous
// assertion of the same bundle introduced (check_batch judges issuers on the
// set as it was before the batch). The strangers' assertions cannot be
// imported at all (their issuers are not trusted at MEDIUM: unknown_issuer);
// strangers never count, so their absence changes no verdict either, only the
// number of records a lookup reads about a subject.
// Pure: no CAF (message types only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/trust/core/evaluator.hpp"
#include "bench/trust/trust_graph.hpp"
#include "messages/trust_api.hpp"

namespace nz::bench {

struct import_plan {
  /// Own assertions before the first foreign one (about the peers).
  std::vector<trust_assert_request> own_before;
  /// Encoded, signed bundles in order, and the assertions in each.
  std::vector<std::vector<uint8_t>> bundles;
  std::vector<size_t> bundle_sizes;
  /// Own assertions after the first foreign one (about subjects).
  std::vector<trust_assert_request> own_after;
  size_t foreign = 0;            ///< assertions in the bundles
  size_t strangers_skipped = 0;  ///< the strangers' assertions, not imported
};

/// Splits g.signed_list into the plan above, with bundles of at most
/// `max_batch` assertions signed by a fresh exporter key at created_ms.
import_plan plan_import(const trust_graph& g, size_t max_batch, int64_t created_ms);

/// True if `got` (from the actor) says what `pure` (an evaluator on g.set) says:
/// level, revocation, and the path hop by hop (kind, subject, level; the issuer
/// too unless it is this node, whose key differs). Else false with `why`.
bool same_verdict(const trust::verdict& pure, const trust_verdict& got,
                  const trust::pubkey& pure_own, std::string& why);

}  // namespace nz::bench
