// HandshakeState of the Noise Protocol Framework (revision 34, section 5.3), for
// every pattern of handshake_pattern.hpp with DH 25519. Sans-I/O: bytes in,
// bytes out; randomness comes from the configuration's random_fn.
//
//   auto hs = handshake_state::create(std::move(cfg));   // checks keys
//   auto m1 = hs->write_message(payload);                // initiator
//   auto p1 = peer->read_message(*m1);                   // responder
//   ...
//   if (hs->is_finished()) auto t = hs->split();         // transport ciphers
//
// Contracts:
// - Every write_message/read_message is all-or-nothing: on error the state is
//   exactly as before the call (an error is never half-applied). Noise requires
//   that a failed handshake be aborted, and the session layer does so; the
//   guarantee only means that nothing is left in an undefined state.
// - Size limits are checked before anything is allocated or mixed: a payload
//   or message over 65535 bytes fails with too_long, and so does a payload that
//   would make the message exceed 65535 bytes.
// - Payloads read before the first DH (message 1 of XX, NN, ...) are neither
//   encrypted nor authenticated; they are only bound into the handshake hash.
// - The remote static key is authenticated only when the handshake finishes;
//   deciding whether it is acceptable (trust policy) is the caller's job.
// - Secrets (s, e, ck, k) live in guarded memory and are wiped on destruction;
//   split() wipes ck and e right away.
//
// Thread rules: one object is used by one thread at a time (one actor owns it).
#pragma once

#include "actors/peer/noise/cipher_state.hpp"
#include "actors/peer/noise/noise_error.hpp"
#include "actors/peer/noise/noise_protocol.hpp"
#include "actors/peer/noise/symmetric_state.hpp"
#include "actors/peer/noise/x25519.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nz::peer::noise {

/// What Initialize() of the spec takes. Move-only (it holds key pairs).
struct handshake_config {
  std::string protocol_name = std::string{node_protocol_name};
  role my_role = role::initiator;
  std::vector<uint8_t> prologue;
  /// Our static key pair; required when the pattern sends or uses it.
  std::optional<keypair> local_static;
  /// A fixed ephemeral key pair, for test vectors only; otherwise one is
  /// generated with `rng` when the pattern's first "e" is written.
  std::optional<keypair> local_ephemeral;
  /// The peer's static key, required when it is a pre-message (the initiator
  /// of IK/NK/XK/KK/N/K/X and deferred variants, the responder of K*). Ignored
  /// (and replaced) when the pattern transmits it.
  std::optional<public_key> remote_static;
  /// The peer's ephemeral key, only for patterns with an "e" pre-message.
  std::optional<public_key> remote_ephemeral;
  /// Randomness for ephemeral keys; empty means randombytes_buf.
  random_fn rng;
};

/// The transport cipher states of our side after the handshake.
struct transport_ciphers {
  /// Encrypts what we send (nonce from 0). After a one-way pattern the
  /// responder's send state has no key and refuses (no_key).
  cipher_state send;
  /// Decrypts what we receive. After a one-way pattern the initiator's receive
  /// state has no key and refuses (no_key).
  cipher_state recv;
  /// The handshake hash h, for channel binding.
  std::vector<uint8_t> handshake_hash;
};

class handshake_state {
 public:
  /// Initialize(): parses the protocol name, checks that every key the pattern
  /// needs is there, mixes the prologue and the pre-messages. Errors:
  /// unsupported (protocol name), missing_key.
  [[nodiscard]] static noise_result<handshake_state> create(handshake_config config);

  handshake_state(handshake_state&&) noexcept = default;
  handshake_state& operator=(handshake_state&&) noexcept = default;

  /// WriteMessage(payload): the next handshake message. Errors: wrong_state
  /// (finished), wrong_turn, too_long, bad_dh (a low-order key received
  /// earlier), nonce_exhausted (impossible in practice).
  [[nodiscard]] noise_result<std::vector<uint8_t>> write_message(bytes_view payload);

  /// ReadMessage(message): the peer's payload. Errors: wrong_state, wrong_turn,
  /// too_long (over 65535 bytes, checked first), truncated, decrypt_failed
  /// (tampered, or keys that do not match), bad_dh.
  [[nodiscard]] noise_result<std::vector<uint8_t>> read_message(bytes_view message);

  /// Split() once finished: our send/receive states and the handshake hash.
  /// Wipes the chaining key and ephemeral key; callable once. Errors:
  /// wrong_state (not finished, or already split).
  [[nodiscard]] noise_result<transport_ciphers> split();

  // -- observers -----------------------------------------------------------------

  bool is_finished() const { return index_ == protocol_.pattern->messages.size(); }
  /// True when write_message (not read_message) is next.
  bool is_my_turn() const;
  role my_role() const { return role_; }
  /// Handshake messages processed so far.
  size_t message_index() const { return index_; }
  /// The current handshake hash h (final once is_finished()).
  std::vector<uint8_t> handshake_hash() const { return ss_.handshake_hash(); }
  /// The peer's static key, once known (pre-message or received).
  const std::optional<public_key>& remote_static() const { return rs_; }
  const std::optional<public_key>& remote_ephemeral() const { return re_; }
  const noise_protocol& protocol() const { return protocol_; }

 private:
  /// The parts a message may change, updated on a copy and committed whole.
  struct work;

  handshake_state(noise_protocol protocol, role r, symmetric_state ss);
  noise_status dh(work& w, token t, uint8_t* out) const;

  noise_protocol protocol_;
  role role_;
  symmetric_state ss_;
  std::optional<keypair> s_;
  std::optional<keypair> e_;
  std::optional<keypair> fixed_e_;
  std::optional<public_key> rs_;
  std::optional<public_key> re_;
  random_fn rng_;
  size_t index_ = 0;
  bool split_done_ = false;
};

}  // namespace nz::peer::noise
