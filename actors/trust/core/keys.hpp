// Key types of the trust core and the node id (the name operators type in
// `trust add <node-id>`).
//
// node id = lowercase hex of BLAKE2b-256 (crypto_generichash, no key) of the
// 32-byte Ed25519 public key; the same rule as identity::node_id_hex.
//
// Thread rules: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace nz::trust {

/// An Ed25519 public key (canonical 32-byte encoding).
using pubkey = std::array<uint8_t, 32>;
/// A detached Ed25519 signature.
using sig64 = std::array<uint8_t, 64>;

/// The node id of `pk` (64 lowercase hex characters).
std::string node_id_of(const pubkey& pk);

/// Lowercase hex of any bytes.
std::string to_hex(const uint8_t* data, size_t size);
inline std::string to_hex(const pubkey& pk) {
  return to_hex(pk.data(), pk.size());
}

/// The first 16 hex characters of the node id, for messages.
std::string short_id(const pubkey& pk);

/// Runs sodium_init() once per process (idempotent, thread-safe); returns false
/// if libsodium cannot initialise.
bool sodium_ready();

}  // namespace nz::trust
