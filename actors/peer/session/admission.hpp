// Admission: whether a peer that has proven its identity in the handshake may
// finish it and hold a session. A pure decision over facts the caller gathers
// (the trust actor's effective level and revocation for the peer's node id,
// the configured policy); the peer actors ask it after on_msg2 / on_msg3.
//
// Policies:
//   open        every peer that is not revoked
//   trusted     peers whose effective trust level is at least min_level
//   allow_list  peers whose node id (or Ed25519 key in hex) is listed
// A revoked peer is refused under every policy, open and allow_list included:
// revocation is permanent (docs/trust.md) and wins over any listing.
//
// What the peer is told: only that it was refused, never why. The reason code
// is for our own logs and counters; on the wire the refusing side sends at
// most refusal_wire_text, or closes the connection, exactly as for a failed
// handshake (docs/protocol.md, "Admission"). Telling a peer "not_listed" or
// "revoked" would let it probe the policy and the trust store.
//
// Thread rules: stateless functions.
#pragma once

#include "actors/peer/session/binding.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nz::peer {

enum class admission_policy : uint8_t { open, trusted, allow_list };

/// "open", "trusted" or "allow_list".
const char* to_string(admission_policy x);
/// The inverse of to_string; nullopt for anything else.
std::optional<admission_policy> parse_admission_policy(std::string_view name);

/// Why a peer was refused. Stable names (to_string) for logs and counters.
enum class refusal : uint8_t {
  /// Its effective trust level is below the minimum (or not a valid level).
  not_trusted = 1,
  /// Its key is revoked.
  revoked = 2,
  /// The allow list does not name it.
  not_listed = 3,
};

const char* to_string(refusal x);

/// The only thing a refused peer is told.
inline constexpr std::string_view refusal_wire_text = "refused";

/// Highest trust level (ultimate); levels are 0 (unknown) .. 4.
inline constexpr uint8_t max_trust_level = 4;

/// What the trust store says about the peer.
struct peer_standing {
  /// Effective trust level 0..4 (docs/trust.md); anything higher counts as
  /// not trusted (fail closed).
  uint8_t level = 0;
  bool revoked = false;
};

/// The outcome: allowed, or refused with a reason.
struct admission_decision {
  std::optional<refusal> refused;

  bool allowed() const { return !refused.has_value(); }
};

/// Decides for the peer of a verified binding. `min_level` is used by
/// `trusted` (0 admits every non-revoked peer; above 4 admits nobody);
/// `allow_list` by `allow_list`: entries are node ids or Ed25519 public keys,
/// 64 hex digits each, compared case-insensitively; other entries match
/// nothing.
[[nodiscard]] admission_decision decide(admission_policy policy, const binding& peer,
                                        const peer_standing& standing, uint8_t min_level,
                                        const std::vector<std::string>& allow_list);

}  // namespace nz::peer
