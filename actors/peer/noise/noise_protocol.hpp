// Protocol names (Noise revision 34, section 8): "Noise_XX_25519_ChaChaPoly_BLAKE2b"
// parsed into a handshake pattern, DH, cipher and hash. Supported: every pattern
// of handshake_pattern.hpp without modifiers; DH 25519; ciphers ChaChaPoly and
// AESGCM (where the CPU has AES instructions); hashes BLAKE2b, SHA256, SHA512.
// The node itself speaks only node_protocol_name.
//
// Thread rules: plain values; safe from any thread.
#pragma once

#include "actors/peer/noise/cipher_state.hpp"
#include "actors/peer/noise/handshake_pattern.hpp"
#include "actors/peer/noise/noise_error.hpp"
#include "actors/peer/noise/noise_hash.hpp"

#include <string>
#include <string_view>

namespace nz::peer::noise {

/// The protocol of peer sessions (docs/architecture.md, "Between nodes").
inline constexpr std::string_view node_protocol_name =
    "Noise_XX_25519_ChaChaPoly_BLAKE2b";

/// The longest protocol name accepted (the spec sets no limit; real ones are
/// under 64 characters).
inline constexpr size_t max_protocol_name_len = 255;

struct noise_protocol {
  /// The full name, hashed into the handshake.
  std::string name;
  /// Points into the static pattern table; never null in a parsed protocol.
  const handshake_pattern* pattern = nullptr;
  cipher_algo cipher = cipher_algo::chachapoly;
  hash_algo hash = hash_algo::blake2b;
};

/// Parses and checks a protocol name. Errors: unsupported (malformed, too
/// long, unknown pattern, a modifier, another DH/cipher/hash, AESGCM without
/// AES instructions); the message says which part.
[[nodiscard]] noise_result<noise_protocol> parse_protocol_name(std::string_view name);

}  // namespace nz::peer::noise
