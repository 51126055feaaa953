// Errors as values for the Noise core (actors/peer/noise). Codes below 32 are
// caused by the peer or by the bytes on the wire (tampering, truncation, a
// hostile key); codes from 32 on are local conditions or misuse of the API by
// our own code. The session layer aborts a handshake on any error (Noise
// revision 34, section 5.3) and tears a transport session down on any error.
// The names returned by to_string are stable (logs, metrics labels).
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace nz::peer::noise {

/// Failure classes of the Noise core.
enum class noise_errc : uint8_t {
  // -- caused by the peer or the wire -----------------------------------------
  /// A message or payload over the Noise limit of 65535 bytes.
  too_long = 1,
  /// A handshake message shorter than its tokens need, or a ciphertext shorter
  /// than its authentication tag.
  truncated = 2,
  /// AEAD authentication failed: tampered bytes, a wrong key or a wrong nonce
  /// (replayed, reordered or dropped transport messages).
  decrypt_failed = 3,
  /// A DH output was all zero: the peer sent a low-order Curve25519 point.
  bad_dh = 4,

  // -- local conditions and misuse of the API ---------------------------------
  /// The nonce reached 2^64-1; the cipher state can no longer be used.
  nonce_exhausted = 32,
  /// write_message when the peer is to write next, or read_message when we are.
  wrong_turn = 33,
  /// The handshake is already complete (write/read), or not yet (split).
  wrong_state = 34,
  /// The pattern needs a key the configuration does not provide (a local static
  /// key pair, or the responder's static key for IK/NK/XK/...).
  missing_key = 35,
  /// A protocol name that is malformed or names something not implemented
  /// (another DH, cipher or hash, a modifier such as psk or fallback).
  unsupported = 36,
  /// A transport cipher state without a key: the unused direction of a one-way
  /// pattern (N, K, X).
  no_key = 37,
};

/// The code's name, e.g. "decrypt_failed".
const char* to_string(noise_errc x);

/// True for the codes caused by the peer or the wire (below 32).
inline bool is_peer_error(noise_errc x) {
  return static_cast<uint8_t>(x) < 32;
}

struct noise_error {
  noise_errc code;
  /// Human-readable detail. Never contains key material.
  std::string message;
};

/// A value or a noise_error (messages/result.hpp).
template <class T>
using noise_result = basic_result<T, noise_error>;

/// Success or a noise_error.
using noise_status = basic_result<void, noise_error>;

inline noise_error make_error(noise_errc code, std::string message) {
  return noise_error{code, std::move(message)};
}

}  // namespace nz::peer::noise
