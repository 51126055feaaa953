// Constants and small value types shared by the Noise core (actors/peer/noise):
// the sizes fixed by Noise_*_25519_ChaChaPoly_* (revision 34) and a borrowed
// byte span for arguments. No CAF, no I/O.
//
// Thread rules: plain values and constants only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace nz::peer::noise {

/// DHLEN for Curve25519: public keys, private keys and DH outputs.
inline constexpr size_t dh_len = 32;
/// Cipher key size (ChaChaPoly and AESGCM).
inline constexpr size_t key_len = 32;
/// AEAD authentication tag appended to every ciphertext under a key.
inline constexpr size_t tag_len = 16;
/// Largest HASHLEN of the supported hashes (BLAKE2b, SHA-512).
inline constexpr size_t max_hash_len = 64;
/// The Noise limit on any message, handshake or transport (spec section 3).
inline constexpr size_t max_message_len = 65535;
/// The largest transport plaintext: one message minus its tag.
inline constexpr size_t max_transport_payload_len = max_message_len - tag_len;
/// The reserved nonce: EncryptWithAd/DecryptWithAd refuse it, Rekey uses it.
inline constexpr uint64_t max_nonce = UINT64_MAX;

/// An X25519 public key (not secret).
using public_key = std::array<uint8_t, dh_len>;

/// A borrowed, read-only byte range. REQUIRES: the bytes outlive the view.
struct bytes_view {
  const uint8_t* data = nullptr;
  size_t size = 0;

  constexpr bytes_view() = default;
  constexpr bytes_view(const uint8_t* d, size_t n) : data(d), size(n) {}
  bytes_view(const std::vector<uint8_t>& x) : data(x.data()), size(x.size()) {}
  template <size_t N>
  constexpr bytes_view(const std::array<uint8_t, N>& x) : data(x.data()), size(N) {}
  /// The bytes of a string, without a terminator.
  static bytes_view of(std::string_view x) {
    return {reinterpret_cast<const uint8_t*>(x.data()), x.size()};
  }
};

/// The two roles of a handshake.
enum class role : uint8_t { initiator, responder };

/// "initiator" or "responder".
const char* to_string(role x);

}  // namespace nz::peer::noise
