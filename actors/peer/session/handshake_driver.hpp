// One side of the node's handshake, Noise_XX_25519_ChaChaPoly_BLAKE2b, over the
// pure Noise core (actors/peer/noise). Sans-I/O: the peer actor moves the
// bytes; the driver says what to send and what it learnt.
//
//   initiator                              responder
//   start()          -> msg1 -------------> on_msg1(msg1) -> msg2 (its binding)
//   on_msg2(msg2)    <--------------------
//     -> remote binding + msg3 (ours) ----> on_msg3(msg3) -> remote binding
//   transport()                            transport()
//
// Prologue: "nz-peer-v1" | protocol version (u16, big endian). Message 1 has an
// empty payload; messages 2 and 3 carry the sender's binding (binding.hpp),
// which the receiver verifies against the static key the handshake has just
// authenticated (docs/protocol.md, "Handshake").
//
// Contracts:
// - Every step returns its error as a value whose code is the reason to count
//   (too_long, malformed, bad_message, bad_binding, wrong_turn, ...). After any
//   error the driver is dead (Noise section 5.3: abort): its keys are wiped and
//   every later call fails with `aborted`.
// - Size limits come first: a handshake message over max_handshake_message_len
//   is too_long before the Noise core sees it.
// - The driver decides nothing about trust: the caller runs admission
//   (admission.hpp) on the binding a step returns, and on refusal simply does
//   not send msg3 (initiator) or does not take transport() (responder).
// - Our binding is checked at creation against our static key and version, so
//   a signing bug shows up locally instead of as a peer's bad_binding.
//
// Thread rules: one object is used by one thread at a time (one actor owns it).
#pragma once

#include "actors/peer/noise/handshake_state.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "actors/peer/session/session_error.hpp"
#include "actors/peer/session/session_protocol.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace nz::peer {

/// The prologue for a protocol version: prologue_label | u16 BE version.
std::vector<uint8_t> make_prologue(uint16_t version);

/// What the initiator gets from message 2.
struct initiator_reply {
  /// The responder's verified binding.
  binding remote;
  /// Message 3, carrying our binding; send it only if admission allows.
  std::vector<uint8_t> msg3;
};

class handshake_driver {
 public:
  /// Where the driver is.
  enum class stage : uint8_t {
    initiator_start,      ///< start() is next
    initiator_wait_msg2,  ///< on_msg2() is next
    responder_wait_msg1,  ///< on_msg1() is next
    responder_wait_msg3,  ///< on_msg3() is next
    finished,             ///< transport() is next
    transported,          ///< transport() was taken
    dead,                 ///< an error happened; everything fails with aborted
  };

  /// A driver for role `r` with our Noise static key pair (the process's key;
  /// pass a clone) and our binding payload (encode_binding of a signature over
  /// binding_message(local_static.public_key_bytes, version)). `rng` feeds the
  /// ephemeral key (empty: randombytes_buf). Errors: invalid_argument (the
  /// binding does not verify for our static key or names another version).
  [[nodiscard]] static session_result<handshake_driver> create(
      noise::role r, noise::keypair local_static, std::vector<uint8_t> local_binding,
      uint16_t version = protocol_version, noise::random_fn rng = {});

  handshake_driver(handshake_driver&&) noexcept = default;
  handshake_driver& operator=(handshake_driver&&) noexcept = default;

  // -- initiator --------------------------------------------------------------

  /// Message 1 (our ephemeral key, empty payload). Errors: wrong_turn, aborted.
  [[nodiscard]] session_result<std::vector<uint8_t>> start();

  /// Reads message 2, verifies the responder's binding and writes message 3.
  /// Errors: too_long, bad_message, bad_binding (includes a binding for
  /// another protocol version), malformed (binding layout), wrong_turn,
  /// aborted. On success the handshake is finished.
  [[nodiscard]] session_result<initiator_reply> on_msg2(noise::bytes_view msg2);

  // -- responder --------------------------------------------------------------

  /// Reads message 1 and writes message 2 (carrying our binding). Errors:
  /// too_long, bad_message (shorter than a key), malformed (a payload in
  /// message 1), wrong_turn, aborted.
  [[nodiscard]] session_result<std::vector<uint8_t>> on_msg1(noise::bytes_view msg1);

  /// Reads message 3 and verifies the initiator's binding. Errors: too_long,
  /// bad_message, bad_binding, malformed, wrong_turn, aborted. On success the
  /// handshake is finished.
  [[nodiscard]] session_result<binding> on_msg3(noise::bytes_view msg3);

  // -- after the handshake ------------------------------------------------------

  /// The transport, once finished; callable once. Wipes the handshake's
  /// remaining secrets. Errors: wrong_state (not finished, or taken already),
  /// invalid_argument (options), aborted.
  [[nodiscard]] session_result<session_cipher> transport(const session_options& opts,
                                                         uint64_t now_ms);

  // -- observers ----------------------------------------------------------------

  stage current_stage() const { return stage_; }
  bool is_finished() const { return stage_ == stage::finished; }
  bool is_dead() const { return stage_ == stage::dead; }
  noise::role my_role() const { return role_; }
  /// The peer's verified binding, once received.
  const std::optional<binding>& remote() const { return remote_; }
  /// The final handshake hash (64 bytes) for channel binding; empty until
  /// the handshake finished.
  const std::vector<uint8_t>& handshake_hash() const { return hash_; }

 private:
  handshake_driver(noise::role r, noise::handshake_state hs,
                   std::vector<uint8_t> local_binding, uint16_t version);
  /// Checks the turn; on a wrong one kills the driver.
  session_status expect(stage s);
  /// Kills the driver and returns the error.
  session_error fail(session_errc code, std::string message);
  /// Maps a Noise error of a read or write and kills the driver.
  session_error fail_noise(const noise::noise_error& e);
  /// Verifies a received binding against the authenticated static key.
  session_result<binding> check_remote(const std::vector<uint8_t>& payload);
  void finish();

  noise::role role_;
  std::optional<noise::handshake_state> hs_;
  std::vector<uint8_t> local_binding_;
  uint16_t version_;
  stage stage_;
  std::optional<binding> remote_;
  std::vector<uint8_t> hash_;
};

}  // namespace nz::peer
