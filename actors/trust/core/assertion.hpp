// A trust assertion: a statement by an issuer key about a subject key, and its
// validity rules. The encoding is in assertion_codec.hpp, signing in
// signature.hpp.
//
// Field rules (validate() enforces them; decoders call it):
// - kind set_level: lvl 0..4; depth 0; max_level 0.
// - kind delegate:  lvl 0; depth 1..limits.max_delegation_depth;
//                   max_level 1..4 (the cap on what the subject may vouch).
// - kind revoke, remove: lvl, depth, max_level 0; expires_ms 0 (a revocation
//   never expires; a removal is an instruction, not a state).
// - issuer_seq >= 1; created_ms >= 0; expires_ms 0 (none) or > created_ms.
// - labels: sorted by key (bytewise), keys unique and non-empty, at most
//   max_labels, each key <= max_label_key bytes, each value <= max_label_value
//   bytes, all keys plus values <= max_metadata bytes.
// Malformed fields yield trust_errc::malformed; exceeded limits (label bounds,
// delegation depth) yield trust_errc::limit.
//
// Issuer == subject is well-formed here; the trust set and the sync rules
// refuse it (self_subject).
//
// Thread rules: plain values and pure functions.
#pragma once

#include "actors/trust/core/keys.hpp"
#include "actors/trust/core/level.hpp"
#include "actors/trust/core/limits.hpp"
#include "actors/trust/core/trust_error.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nz::trust {

using label = std::pair<std::string, std::string>;

struct assertion {
  kind k = kind::set_level;
  pubkey issuer{};
  pubkey subject{};
  /// set_level: the level; otherwise unknown.
  level lvl = level::unknown;
  /// delegate: 1..max_delegation_depth; otherwise 0.
  uint8_t depth = 0;
  /// delegate: cap on what the subject may vouch; otherwise unknown.
  level max_level = level::unknown;
  /// >= 1, strictly increasing per issuer (replay protection).
  uint64_t issuer_seq = 0;
  int64_t created_ms = 0;
  /// 0 = no expiry; else > created_ms.
  int64_t expires_ms = 0;
  /// Sorted by key, unique keys.
  std::vector<label> labels;
};

struct signed_assertion {
  assertion a;
  /// Ed25519 signature of signing_bytes(a) by a.issuer.
  sig64 sig{};
};

bool operator==(const assertion& x, const assertion& y);
inline bool operator!=(const assertion& x, const assertion& y) {
  return !(x == y);
}
bool operator==(const signed_assertion& x, const signed_assertion& y);
inline bool operator!=(const signed_assertion& x, const signed_assertion& y) {
  return !(x == y);
}

/// Checks the field rules in the file comment. Errors: malformed, limit.
[[nodiscard]] trust_status validate(const assertion& a, const limits& l);

/// Unix ms at which `a` stops counting, or 0 for never. An own assertion
/// (foreign == false) expires at expires_ms. A foreign set_level/delegate
/// without expires_ms expires at created_ms + l.default_ttl_ms (saturating;
/// never if default_ttl_ms <= 0).
/// revoke and remove never expire.
int64_t expiry_of(const assertion& a, bool foreign, const limits& l);

/// True if `a` no longer counts at now_ms: expiry_of(...) != 0 and <= now_ms
/// (an assertion expiring exactly at now is expired).
bool is_expired(const assertion& a, bool foreign, const limits& l, int64_t now_ms);

}  // namespace nz::trust
