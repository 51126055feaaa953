// The rogue's side of a real peer handshake (docs/protocol.md, "Handshake")
// over a raw_conn: the pure session layer (handshake_driver, binding,
// session_cipher) as a node's initiator uses it, with an identity the rogue
// owns. Whether the target admits it is the target's decision (its trust
// store and peer-policy); the test can make the target trust this identity.
//
// Thread rules: one owner.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <sodium.h>

#include "actors/peer/session/handshake_driver.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "support/rogue/raw_conn.hpp"

namespace nz::rogue {

/// An Ed25519 identity and the binding of a fresh Noise static key to it.
class rogue_identity {
 public:
  /// From 64 hex digits of seed, or a random seed when `seed_hex` is empty.
  /// nullopt if the hex is bad.
  static std::optional<rogue_identity> make(const std::string& seed_hex);

  rogue_identity(const rogue_identity&) = delete;
  rogue_identity& operator=(const rogue_identity&) = delete;
  rogue_identity(rogue_identity&&) noexcept;
  rogue_identity& operator=(rogue_identity&&) noexcept = delete;
  ~rogue_identity();

  /// Lowercase hex of the Ed25519 public key (what `nzctl trust add` takes).
  std::string key_hex() const;
  /// The node id a target sees (BLAKE2b of the key, 64 hex digits).
  std::string node_id() const;

  /// An initiator driver with a fresh Noise static key bound to this identity.
  peer::session_result<peer::handshake_driver> initiator() const;

 private:
  rogue_identity() = default;
  peer::ed25519_public_key pk_{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk_{};
};

/// How a handshake attempt ended.
struct handshake_outcome {
  /// "admitted" (the responder's first sealed frame, "ready", arrived),
  /// "refused" (an abort record), "closed" (the node closed without a word),
  /// "timeout", "failed: <why>" (our side).
  std::string verdict;
  /// The transport, when admitted.
  std::optional<peer::session_cipher> cipher;
};

/// Runs the initiator's side on `conn`: hello, handshake2, handshake3, then
/// waits for the first sealed frame. Every wait is bounded by `timeout_ms`.
handshake_outcome run_handshake(raw_conn& conn, const rogue_identity& id,
                                int64_t timeout_ms);

/// A sealed frame record carrying a frame body of `type` with `body`.
std::optional<bytes> sealed_frame_record(peer::session_cipher& cipher,
                                         const std::string& type, const bytes& body);

}  // namespace nz::rogue
