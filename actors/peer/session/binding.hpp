// The binding: the payload of XX messages 2 and 3 that ties the sender's Noise
// static key (fresh per process) to its long-term Ed25519 identity.
//
// The identity signs binding_message(static_pk, version) once per process; the
// result is encoded with encode_binding and given to every handshake driver.
// The receiver checks it with verify_binding against the static key the Noise
// handshake authenticated. Layout (docs/protocol.md, "Binding"), 102 bytes:
//
//   u16 protocol_version (big endian) | u32 features (big endian)
//   | 32 Ed25519 public key | 64 Ed25519 signature over binding_message
//
// Contracts:
// - The signature covers the domain label, the Noise static key and the
//   version; it does not cover `features`, which are protected by the Noise
//   handshake itself (the payload is encrypted and bound to the handshake hash
//   under keys only the holder of the static key can derive).
// - A binding copied from another session names that session's static key, so
//   it fails against any other static key (bad_binding).
// - Verification is strict: crypto_sign_verify_detached refuses non-canonical
//   signatures and small-order public keys and R points.
//
// Thread rules: stateless functions.
#pragma once

#include "actors/peer/noise/noise_types.hpp"
#include "actors/peer/session/session_error.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nz::peer {

using ed25519_public_key = std::array<uint8_t, 32>;
using ed25519_signature = std::array<uint8_t, 64>;

/// The domain label that starts every binding message (a NUL follows it).
inline constexpr std::string_view binding_domain = "nz-peer-binding-v1";
/// The size of an encoded version 1 binding.
inline constexpr size_t binding_len = 2 + 4 + 32 + 64;

/// What a verified binding tells about the peer.
struct binding {
  /// The peer's long-term identity key.
  ed25519_public_key ed25519_public{};
  /// Its node id: 64 lowercase hex digits of BLAKE2b-256 of the key (the same
  /// as identity::node_id_hex).
  std::string node_id;
  uint16_t protocol_version = 0;
  /// Feature bits the peer announces; unknown bits are kept (ignore them).
  uint32_t features = 0;
};

/// The bytes the identity signs: "nz-peer-binding-v1" NUL | static_pk (32)
/// | protocol_version (u16, big endian); 53 bytes.
std::vector<uint8_t> binding_message(const noise::public_key& static_pk,
                                     uint16_t protocol_version);

/// The binding payload (binding_len bytes) for a signature made over
/// binding_message(static_pk, protocol_version).
std::vector<uint8_t> encode_binding(const ed25519_public_key& ed25519_pk,
                                    const ed25519_signature& signature,
                                    uint16_t protocol_version, uint32_t features);

/// Checks a binding payload received from the peer whose Noise static key is
/// `remote_static`. Errors: too_long (over max_binding_len, checked first),
/// malformed (not exactly binding_len bytes), bad_binding (the signature does
/// not verify for remote_static and the version in the payload, or the key is
/// not a valid Ed25519 key). The caller compares protocol_version with its own.
[[nodiscard]] session_result<binding> verify_binding(
    noise::bytes_view payload, const noise::public_key& remote_static);

/// The node id of an Ed25519 public key (identity::node_id_hex).
std::string node_id_of(const ed25519_public_key& ed25519_pk);

}  // namespace nz::peer
