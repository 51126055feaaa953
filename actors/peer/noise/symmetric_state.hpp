// SymmetricState of the Noise Protocol Framework (revision 34, section 5.2): the
// chaining key ck, the handshake hash h and a CipherState. The chaining key is
// in guarded memory; h is not secret (both peers know it, and it becomes the
// channel-binding handshake hash).
//
// Thread rules: one object is used by one thread at a time.
#pragma once

#include "actors/peer/noise/cipher_state.hpp"
#include "actors/peer/noise/noise_hash.hpp"
#include "runtime/crypto/secret.hpp"

#include <array>
#include <string_view>
#include <utility>
#include <vector>

namespace nz::peer::noise {

class symmetric_state {
 public:
  /// InitializeSymmetric(protocol_name). REQUIRES: cipher_available(cipher).
  symmetric_state(hash_algo hash, cipher_algo cipher, std::string_view protocol_name);
  symmetric_state(symmetric_state&&) noexcept = default;
  symmetric_state& operator=(symmetric_state&&) noexcept = default;

  /// MixKey(input_key_material).
  void mix_key(bytes_view ikm);
  /// MixHash(data).
  void mix_hash(bytes_view data);
  /// EncryptAndHash(plaintext): appends the ciphertext (or the plaintext before
  /// the first MixKey) to `out`, then mixes it into h. Errors as
  /// cipher_state::encrypt_with_ad; on error nothing changes.
  [[nodiscard]] noise_status encrypt_and_hash(bytes_view plaintext,
                                              std::vector<uint8_t>& out);
  /// DecryptAndHash(ciphertext): appends the plaintext to `out`, then mixes the
  /// ciphertext into h. Errors as cipher_state::decrypt_with_ad; on error
  /// nothing changes.
  [[nodiscard]] noise_status decrypt_and_hash(bytes_view ciphertext,
                                              std::vector<uint8_t>& out);
  /// Split(): (c1, c2) for initiator-to-responder and responder-to-initiator,
  /// as keyless::refuse transport states. Wipes ck afterwards; the symmetric
  /// state must not be used again except for handshake_hash().
  std::pair<cipher_state, cipher_state> split();

  /// True once a MixKey happened (payloads are then encrypted).
  bool has_key() const { return cs_.has_key(); }
  /// h, hash_len(hash) bytes.
  std::vector<uint8_t> handshake_hash() const;
  hash_algo hash() const { return hash_; }

  /// An independent copy (new guarded buffers), for all-or-nothing updates.
  symmetric_state clone() const;

 private:
  symmetric_state(hash_algo hash, cipher_algo cipher);

  hash_algo hash_;
  cipher_algo cipher_;
  crypto::secret<max_hash_len> ck_;
  std::array<uint8_t, max_hash_len> h_{};
  cipher_state cs_;
};

}  // namespace nz::peer::noise
