// Effective trust: how far this node trusts a key, derived from a trust_set at
// an instant `now`, with the path of assertions that justifies it.
//
// Rules (docs/trust.md, "Evaluation"). Expired assertions (is_expired with the
// foreign default TTL) never count; revocations never expire.
// 1. This node revoked S: unknown, revoked, path = [the revoke].
// 2. This node holds an unexpired set_level about S: that level, path = [it]
//    (this node's own word wins, also over delegated revocations).
// 3. Otherwise delegation. Delegators are found breadth-first from this node:
//    - This node's unexpired delegate about P offers P with remaining depth d
//      and cap m (the delegate's depth and max_level).
//    - A counted delegator X with remaining r >= 2 and cap c, holding an
//      unexpired delegate about Q (depth d, max_level m), offers Q with
//      remaining min(r - 1, d) and cap min(c, m).
//    - An offer of P at path length k is taken (P "counts") if P is not this
//      node, not revoked by this node, and P's trust judged from this node's
//      own word and the delegators counted at path lengths < k is >= MEDIUM
//      and not revoked. So a delegate alone confers no trust: this node (or a
//      closer delegator) must also trust P.
//    - Per key, only offers not dominated (in remaining and cap) by an earlier
//      one are kept; at most max_delegation_depth * 4 per key, so cycles end.
//    S's trust is then the best min(level, cap) over the unexpired set_levels
//    about S by counted delegators (ties: shortest path, then the smallest
//    issuer key); a revoke about S by any counted delegator makes S revoked
//    (safety first; the shortest such path is reported). No such assertion:
//    unknown with an empty path.
// This node's own key evaluates as ultimate with an empty path.
//
// Cost: building an evaluator walks the delegation graph reachable from this
// node (per-issuer delegate indexes of trust_set), independent of the number
// of set_level assertions; a lookup then reads at most the <= 32 foreign
// records about S. effective_trust() skips the walk when rule 1 or 2 decides
// or when no foreign issuer spoke about S. Build one evaluator for many lookups
// at the same instant (sync_rules does).
//
// Thread rules: an evaluator borrows the trust_set: REQUIRES: the set outlives
// it and is not changed while it is used.
#pragma once

#include "actors/trust/core/trust_set.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace nz::trust {

/// One assertion on a justifying path.
struct hop {
  pubkey issuer{};
  pubkey subject{};
  kind k = kind::set_level;
  /// set_level: its level; delegate: its max_level; revoke: unknown.
  level lvl = level::unknown;
  uint64_t issuer_seq = 0;
};

bool operator==(const hop& x, const hop& y);

struct verdict {
  level lvl = level::unknown;
  bool revoked = false;
  /// From this node to the deciding assertion (delegate hops, then the
  /// set_level or revoke about the subject). Empty if nothing spoke about it.
  std::vector<hop> path;
};

class evaluator {
 public:
  /// Finds the counted delegators at now_ms.
  evaluator(const trust_set& ts, int64_t now_ms);

  verdict effective_trust(const pubkey& subject) const;
  /// Rule 3 alone: what the counted delegators say about `subject`, ignoring
  /// this node's own word.
  verdict delegated(const pubkey& subject) const;

  /// A counted delegator's best cap (unknown if `key` does not count).
  level delegator_cap(const pubkey& key) const;
  /// Number of counted delegators.
  size_t delegator_count() const { return by_key_.size(); }

 private:
  struct offer {
    pubkey key;
    uint8_t remaining;
    level cap;
    uint32_t length;
    int32_t parent;  // index into offers_, -1 = this node
    const signed_assertion* via;
  };

  /// P's trust judged from own word and delegators counted at lengths < length.
  bool counts(const pubkey& p, uint32_t length) const;
  void add_offers(const offer& from, int32_t index, std::vector<offer>& next) const;
  bool dominated(const offer& o) const;
  std::vector<hop> path_to(int32_t index) const;

  const trust_set& ts_;
  int64_t now_;
  std::vector<offer> offers_;
  std::map<pubkey, std::vector<int32_t>> by_key_;
};

/// The effective trust of `subject` in `ts` at now_ms (see the file comment).
verdict effective_trust(const trust_set& ts, const pubkey& subject, int64_t now_ms);

/// Hop of an assertion (for paths).
hop hop_of(const assertion& a);

}  // namespace nz::trust
