// Errors as values for the session layer (actors/peer/session): the handshake
// driver, the binding, the transport cipher, the frame body and their options.
// Codes below 32 are caused by the peer or by the bytes on the wire; they are
// what the peer actors count by reason (metrics labels). Codes from 32 on are
// local conditions or misuse by our own code. The names returned by to_string
// are stable (logs, metrics labels) and never contain key material; neither
// do the messages.
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace nz::peer {

/// Failure classes of the session layer.
enum class session_errc : uint8_t {
  // -- caused by the peer or the wire -----------------------------------------
  /// A handshake message, binding, frame or frame-body field over its limit;
  /// refused before anything is allocated or decrypted.
  too_long = 1,
  /// Bytes that do not have the required layout: a binding of the wrong size,
  /// a frame shorter than header and tag, an unknown frame version or flag, a
  /// handshake message 1 with a payload, a frame body that is not exactly
  /// [str, bin, bin] or has trailing bytes.
  malformed = 2,
  /// A handshake message the Noise core refuses: truncated, tampered, made
  /// with other keys or another prologue, or carrying a low-order key.
  bad_message = 3,
  /// A binding whose signature does not verify for the sender's Noise static
  /// key (another key, another session's static key, a bad signature), or
  /// that names another protocol version.
  bad_binding = 4,
  /// A frame whose counter is below the next expected one.
  replayed = 5,
  /// A frame whose counter is above the next expected one (reordered, or a
  /// frame in between was lost).
  reordered = 6,
  /// A frame with the expected counter that fails authentication.
  forged = 7,

  // -- local conditions and misuse of the API ---------------------------------
  /// A handshake step that is not this role's next one.
  wrong_turn = 32,
  /// A handshake step after an earlier error: the driver is dead.
  aborted = 33,
  /// transport() before the handshake finished, or a second time.
  wrong_state = 34,
  /// A counter reached 2^64-1; the session cannot send or receive any more.
  exhausted = 35,
  /// Our own plaintext, body or field over the configured limit.
  payload_too_long = 36,
  /// Options out of range, our own binding that does not verify, a frame type
  /// outside its alphabet.
  invalid_argument = 37,
  /// A Noise error that cannot happen with valid use (a bug).
  internal = 38,
};

/// The code's name, e.g. "replayed".
const char* to_string(session_errc x);

/// True for the codes caused by the peer or the wire (below 32).
inline bool is_peer_error(session_errc x) {
  return static_cast<uint8_t>(x) < 32;
}

struct session_error {
  session_errc code;
  /// Human-readable detail. Never contains key material.
  std::string message;
};

/// A value or a session_error (messages/result.hpp).
template <class T>
using session_result = basic_result<T, session_error>;

/// Success or a session_error.
using session_status = basic_result<void, session_error>;

inline session_error make_session_error(session_errc code, std::string message) {
  return session_error{code, std::move(message)};
}

}  // namespace nz::peer
