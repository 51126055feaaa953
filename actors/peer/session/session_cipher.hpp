// The transport of a peer session after the handshake: sealed frames over the
// two Noise CipherStates that Split() gave us. Sans-I/O: bytes and `now` in,
// bytes out; the caller owns the socket and the clock.
//
// Frame layout (docs/protocol.md, "Frames"), all of it one message on the
// ordered stream:
//
//   u8 version (1) | u8 flags | u64 counter (big endian) | ciphertext
//
// The 10-byte header is the AEAD associated data of the ciphertext; the
// counter is the Noise nonce the frame was sealed with. Flag bit 0 (rekey)
// says that the sender rekeyed its sending CipherState (Noise REKEY) right
// before this frame; the receiver rekeys its receiving state before
// decrypting it. The other flag bits must be zero.
//
// Contracts:
// - Counters start at 0 in each direction and increase by one per frame,
//   across rekeys. open() accepts only the next expected counter: a lower one
//   is `replayed`, a higher one `reordered`; neither is decrypted. A frame
//   with the expected counter that fails authentication is `forged`. A
//   refused frame is counted by reason and changes nothing else: the next
//   genuine frame is still accepted.
// - Size checks come first: a frame over max_plaintext + frame_overhead is
//   `too_long` before its header is read; seal() refuses a plaintext over
//   max_plaintext (payload_too_long) before allocating.
// - should_close() turns true after max_consecutive_failures refused frames
//   in a row (a genuine frame resets the run) or once a counter is exhausted;
//   the owner then tears the session down. open() and seal() keep working, but
//   nothing relies on that.
// - Rekey is the sender's decision: before sealing, it rekeys when
//   rekey_messages frames were sealed under the current key or
//   rekey_interval_ms passed since the last rekey (or since creation). Both
//   directions rekey independently and traffic is never paused.
// - `now_ms` is a monotonic clock in milliseconds; a value below an earlier
//   one counts as no time passed.
// - Keys live in guarded memory (noise::cipher_state) and are wiped on
//   destruction; plaintexts returned are the caller's to wipe if needed. They
//   are pinned readable for the transport's life (no mprotect per frame; see
//   noise/cipher_state.hpp), and stay behind guard pages, locked, wiped.
//
// Thread rules: one object is used by one thread at a time (one actor owns it).
#pragma once

#include "actors/peer/noise/cipher_state.hpp"
#include "actors/peer/noise/handshake_state.hpp"
#include "actors/peer/session/session_error.hpp"

#include <cstdint>
#include <vector>

namespace nz::peer {

/// The frame format version (the first header byte).
inline constexpr uint8_t frame_version = 1;
/// Flag bit 0: the sender rekeyed right before this frame.
inline constexpr uint8_t frame_flag_rekey = 0x01;
/// Version, flags and the 64-bit counter.
inline constexpr size_t frame_header_len = 10;
/// Header plus the AEAD tag: a frame is plaintext + frame_overhead bytes.
inline constexpr size_t frame_overhead = frame_header_len + noise::tag_len;
/// The largest plaintext a frame may carry: the Noise limit on a transport
/// message (65535 bytes) minus the tag.
inline constexpr size_t max_session_plaintext = noise::max_transport_payload_len;

/// Configuration of a session's transport; validate() lists the ranges.
struct session_options {
  /// Largest plaintext per frame, 1 .. max_session_plaintext.
  size_t max_plaintext = max_session_plaintext;
  /// Frames sealed under one key before the sender rekeys, >= 1.
  uint64_t rekey_messages = uint64_t{1} << 20;
  /// Milliseconds between rekeys of the sending key, >= 1.
  uint64_t rekey_interval_ms = uint64_t{10} * 60 * 1000;
  /// Refused frames in a row after which should_close() is true, >= 1.
  uint32_t max_consecutive_failures = 16;
};

/// Errors: invalid_argument naming the field out of range.
[[nodiscard]] session_status validate(const session_options& opts);

/// Refused frames by reason.
struct drop_counts {
  uint64_t too_long = 0;
  uint64_t malformed = 0;
  uint64_t replayed = 0;
  uint64_t reordered = 0;
  uint64_t forged = 0;
  uint64_t exhausted = 0;

  uint64_t total() const {
    return too_long + malformed + replayed + reordered + forged + exhausted;
  }
};

/// What a session counts; read with session_cipher::counters().
struct session_counters {
  /// Frames sealed and frames accepted.
  uint64_t sent = 0;
  uint64_t received = 0;
  /// Rekeys of the sending and of the receiving key.
  uint64_t rekeys_sent = 0;
  uint64_t rekeys_received = 0;
  drop_counts dropped;
  /// Refused frames since the last accepted one.
  uint32_t consecutive_failures = 0;
  /// `now_ms` of the last accepted frame (creation time before the first).
  uint64_t last_received_ms = 0;
};

class session_cipher {
 public:
  /// A session over the Split() result of a finished handshake, created at
  /// time now_ms. Errors: invalid_argument (validate(opts), or a direction
  /// without a key).
  [[nodiscard]] static session_result<session_cipher> create(noise::transport_ciphers t,
                                                             const session_options& opts,
                                                             uint64_t now_ms);

  session_cipher(session_cipher&&) noexcept = default;
  session_cipher& operator=(session_cipher&&) noexcept = default;

  /// The frame carrying `plaintext`, rekeying first when the rekey rule says
  /// so. Errors: payload_too_long (over max_plaintext; nothing changes),
  /// exhausted (the send counter reached 2^64-1; should_close() turns true).
  [[nodiscard]] session_result<std::vector<uint8_t>> seal(noise::bytes_view plaintext,
                                                          uint64_t now_ms);
  /// seal(), appending the frame to `out` (which may already hold, say, a
  /// record's kind byte); on error `out` is as it was.
  [[nodiscard]] session_result<void> seal_append(noise::bytes_view plaintext,
                                                 uint64_t now_ms,
                                                 std::vector<uint8_t>& out);

  /// The plaintext of the next frame from the peer. Errors, checked in this
  /// order, each counted in counters().dropped and leaving keys and counters
  /// otherwise unchanged: too_long (over max_plaintext + frame_overhead),
  /// malformed (shorter than frame_overhead, unknown version or flag bits),
  /// replayed, reordered, exhausted (the receive counter reached 2^64-1),
  /// forged (authentication failed, including a tampered header or rekey flag).
  [[nodiscard]] session_result<std::vector<uint8_t>> open(noise::bytes_view frame,
                                                          uint64_t now_ms);
  /// open(), the plaintext replacing the contents of `out` (a buffer the
  /// caller reuses from frame to frame, and wipes). On error `out` is empty.
  [[nodiscard]] session_status open_into(noise::bytes_view frame, uint64_t now_ms,
                                         std::vector<uint8_t>& out);

  /// True once the session should be torn down (see the contracts above).
  bool should_close() const;
  const session_counters& counters() const { return counters_; }
  const session_options& options() const { return opts_; }
  /// The counter of the next frame seal() makes / open() accepts.
  uint64_t next_send_counter() const { return send_.nonce(); }
  uint64_t next_recv_counter() const { return recv_.nonce(); }

 private:
  session_cipher(noise::cipher_state send, noise::cipher_state recv,
                 const session_options& opts, uint64_t now_ms);
  /// Counts a refused frame and returns its error.
  session_error drop(session_errc code, const char* what);

  noise::cipher_state send_;
  noise::cipher_state recv_;
  session_options opts_;
  session_counters counters_;
  uint64_t sent_since_rekey_ = 0;
  uint64_t last_rekey_ms_ = 0;
  bool exhausted_ = false;
};

}  // namespace nz::peer
