// XChaCha20-Poly1305-IETF, byte for byte libsodium's
// crypto_aead_xchacha20poly1305_ietf_{encrypt,decrypt} (detached from any
// record format; sealed_record.hpp builds records with it).
//
// Two engines compute the same function:
//   sodium  - libsodium's own implementation (always available);
//   openssl - HChaCha20 from libsodium derives the per-nonce subkey, then
//             OpenSSL's ChaCha20-Poly1305 (RFC 8439) runs with the IV
//             0x00000000 | nonce[16..24). This is exactly how libsodium builds
//             XChaCha20-Poly1305 from the IETF construction
//             (draft-irtf-cfrg-xchacha, section 2.3).
// The automatic choice takes OpenSSL from fast_min_bytes of message on, where
// its vectorised code is about 1.8x faster on this project's machines
// (docs/benchmarks.md section 4), and libsodium below, where OpenSSL's
// per-call set-up costs more than it saves. If OpenSSL's cipher cannot be
// fetched (e.g. a FIPS-only provider configuration), libsodium does all.
//
// Secrets: the key is borrowed. The derived subkey lives on the stack and is
// wiped; OpenSSL's cipher context is reset (OpenSSL cleanses it) after every
// call, so no key material outlives a call. decrypt() writes plaintext only
// when authentication succeeds; on failure the output is all zeros.
//
// Thread rules: every function is thread-safe (one OpenSSL context per
// thread). libsodium must be initialised (sodium_init) before the first call.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nz::storage::aead {

inline constexpr size_t key_size = 32;
inline constexpr size_t nonce_size = 24;
inline constexpr size_t tag_size = 16;
/// Messages of at least this many bytes go to OpenSSL when it is available.
inline constexpr size_t fast_min_bytes = 2048;

enum class engine : uint8_t {
  /// fast_min_bytes decides (the default).
  automatic,
  sodium,
  openssl,
};

/// True when OpenSSL's ChaCha20-Poly1305 could be fetched in this process.
bool openssl_available();

/// Encryptions and decryptions (authentic or not) that OpenSSL carried out in
/// this process; the fallbacks to libsodium are not counted. Lets tests prove
/// that the OpenSSL engine really ran.
uint64_t openssl_calls();

/// Encrypts `m` (mlen bytes) into `c`: mlen bytes of ciphertext followed by
/// the 16-byte tag. REQUIRES: c holds mlen + tag_size bytes and does not
/// overlap m; nonce and key point to 24 and 32 bytes; the nonce
/// is never used twice with the same key. engine::openssl falls back to
/// libsodium when openssl_available() is false.
void encrypt(uint8_t* c, const uint8_t* m, size_t mlen, const uint8_t* ad, size_t adlen,
             const uint8_t nonce[nonce_size], const uint8_t key[key_size],
             engine which = engine::automatic);

/// Authenticates and decrypts `c` (clen bytes: ciphertext then tag) into `m`
/// (clen - tag_size bytes). Returns false, with m zeroed, when clen <
/// tag_size or authentication fails. REQUIRES: m holds clen - tag_size bytes
/// and does not overlap c; nonce and key point to 24 and 32 bytes.
[[nodiscard]] bool decrypt(uint8_t* m, const uint8_t* c, size_t clen, const uint8_t* ad,
                           size_t adlen, const uint8_t nonce[nonce_size],
                           const uint8_t key[key_size], engine which = engine::automatic);

}  // namespace nz::storage::aead
