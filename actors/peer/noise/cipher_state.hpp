// CipherState of the Noise Protocol Framework (revision 34, section 5.1): a
// cipher key k and a 64-bit counter nonce n over an AEAD. ChaChaPoly is
// ChaCha20-Poly1305 (IETF) with the 96-bit nonce 0x00000000 || LE64(n); AESGCM
// (used only for the published test vectors, and only where the CPU has AES
// instructions) uses 0x00000000 || BE64(n).
//
// Contracts:
// - The key lives in guarded memory (runtime/crypto/secret.hpp) and is wiped
//   when the state is destroyed, cleared or rekeyed.
// - n = 2^64-1 is reserved: once n reaches it, encrypt and decrypt fail with
//   nonce_exhausted and leave everything unchanged.
// - A failed decrypt (decrypt_failed, truncated, too_long) leaves k and n
//   unchanged, so a session layer can drop one bad message; Noise itself does
//   not say whether a transport session survives one, and ours does not (see
//   docs/noise.md). A wrong nonce fails authentication: replayed, reordered or
//   dropped messages are detected, never silently accepted.
// - Rekey() sets k = the first 32 bytes of ENCRYPT(k, 2^64-1, "", 32 zero
//   bytes) and keeps n; both sides must rekey at the same message.
// - pin() keeps the key readable (one open read view) until unpin(), clear()
//   or destruction. A transport direction encrypts or decrypts every frame;
//   unpinned, each call flips the guarded pages twice (two mprotect calls,
//   about three times the cost of sealing a 1 KiB frame). The key stays in
//   guarded memory (guard pages, mlock, wiped on release); only the
//   no-access-while-idle protection is given up while pinned. Moves keep the
//   destination pinned if either side was.
// - Without a key, a state built with keyless::pass_through returns plaintext
//   unchanged (what the handshake needs before the first DH); one built with
//   keyless::refuse fails with no_key (what a transport direction needs).
//
// Thread rules: one object is used by one thread at a time (one actor owns it).
#pragma once

#include "actors/peer/noise/noise_error.hpp"
#include "actors/peer/noise/noise_types.hpp"
#include "runtime/crypto/secret.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace nz::peer::noise {

/// The supported AEADs.
enum class cipher_algo : uint8_t { chachapoly, aesgcm };

/// The name in a protocol name: "ChaChaPoly" or "AESGCM".
const char* to_string(cipher_algo x);
/// The inverse of to_string; nullopt for anything else.
std::optional<cipher_algo> parse_cipher_algo(std::string_view name);
/// False for AESGCM on CPUs without AES instructions (libsodium's requirement).
bool cipher_available(cipher_algo x);

class cipher_state {
 public:
  /// What encrypt/decrypt do while no key is set.
  enum class keyless : uint8_t { pass_through, refuse };

  /// An empty state (no key, n = 0). REQUIRES: cipher_available(algo).
  explicit cipher_state(cipher_algo algo = cipher_algo::chachapoly,
                        keyless mode = keyless::refuse);
  cipher_state(cipher_state&& other) noexcept;
  cipher_state& operator=(cipher_state&& other) noexcept;
  cipher_state(const cipher_state&) = delete;
  cipher_state& operator=(const cipher_state&) = delete;

  // -- the spec's CipherState functions ---------------------------------------

  /// InitializeKey(k): sets the key and n = 0. REQUIRES: key has key_len bytes.
  void initialize_key(const uint8_t* key);
  bool has_key() const { return k_.has_value(); }
  /// SetNonce(n).
  void set_nonce(uint64_t n) { n_ = n; }
  uint64_t nonce() const { return n_; }

  /// EncryptWithAd: appends ENCRYPT(k, n++, ad, plaintext) to `out` (or the
  /// plaintext, when keyless and pass_through). Errors: too_long (plaintext
  /// over max_transport_payload_len), nonce_exhausted, no_key. On error
  /// nothing changes and `out` is as it was.
  [[nodiscard]] noise_status encrypt_with_ad(bytes_view ad, bytes_view plaintext,
                                             std::vector<uint8_t>& out);
  /// DecryptWithAd: appends DECRYPT(k, n, ad, ciphertext) to `out`, then n++.
  /// Errors: too_long (over max_message_len), truncated (shorter than the
  /// tag), decrypt_failed, nonce_exhausted, no_key. On error nothing changes
  /// and `out` is as it was.
  [[nodiscard]] noise_status decrypt_with_ad(bytes_view ad, bytes_view ciphertext,
                                             std::vector<uint8_t>& out);
  /// Rekey(). Errors: no_key.
  [[nodiscard]] noise_status rekey();

  // -- conveniences ------------------------------------------------------------

  /// encrypt_with_ad into a fresh vector.
  [[nodiscard]] noise_result<std::vector<uint8_t>> encrypt(bytes_view ad,
                                                           bytes_view plaintext);
  /// decrypt_with_ad into a fresh vector.
  [[nodiscard]] noise_result<std::vector<uint8_t>> decrypt(bytes_view ad,
                                                           bytes_view ciphertext);

  /// An independent copy (a new guarded key buffer).
  cipher_state clone() const;
  /// Wipes and drops the key; n = 0.
  void clear();
  /// See the file comment. No-op without a key or when already pinned.
  void pin();
  void unpin() { pin_.reset(); }
  bool pinned() const { return pin_.has_value(); }
  cipher_algo algo() const { return algo_; }

 private:
  /// The 96-bit AEAD nonce for counter n.
  void make_nonce(uint64_t n, uint8_t out[12]) const;
  /// Raw ENCRYPT/DECRYPT; return false on authentication failure.
  void aead_encrypt(const uint8_t* key, uint64_t n, bytes_view ad, bytes_view pt,
                    uint8_t* out) const;
  bool aead_decrypt(const uint8_t* key, uint64_t n, bytes_view ad, bytes_view ct,
                    uint8_t* out) const;

  std::optional<crypto::secret<key_len>> k_;
  /// The open read view while pinned; declared after k_ so it closes first.
  std::optional<crypto::read_view> pin_;
  uint64_t n_ = 0;
  cipher_algo algo_;
  keyless mode_;
};

}  // namespace nz::peer::noise
