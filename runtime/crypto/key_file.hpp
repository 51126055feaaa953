// The at-rest format of <data>/identity.key, the only place the node's secret
// material (the 32-byte identity seed) is stored. Byte layout, bounds and error
// messages: docs/key-file-format.md. In short, 116 bytes:
//
//   off size field
//     0    8 magic "NZIDKEY\0"
//     8    2 format version, u16 LE = 1
//    10    1 KDF id, u8: 2 = Argon2id v1.3
//    11    8 opslimit, u64 LE      in [1, 20]
//    19    8 memlimit, u64 LE      in [8 KiB, 4 GiB]
//    27   16 salt
//    43    1 AEAD id, u8: 1 = XChaCha20-Poly1305-IETF
//    44   24 nonce
//    68   48 ciphertext: seed (32) + Poly1305 tag (16)
//
// key = Argon2id(passphrase, salt, opslimit, memlimit) -> 32 bytes, and the 68
// header bytes are the AEAD's associated data, so any header change fails
// authentication even where the parser accepts it.
//
// This file is pure: bytes in, bytes out, no I/O. Files: key_file_io.hpp.
// Thread rules: free functions; arguments as for secret (one thread at a time).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/crypto/crypto_status.hpp"
#include "runtime/crypto/kdf_params.hpp"
#include "runtime/crypto/secret.hpp"
#include "runtime/crypto/secret_string.hpp"

namespace nz::crypto {

// -- layout constants ---------------------------------------------------------

inline constexpr std::array<uint8_t, 8> key_file_magic = {'N', 'Z', 'I', 'D',
                                                          'K', 'E', 'Y', '\0'};
inline constexpr uint16_t key_file_version = 1;
inline constexpr uint8_t key_file_kdf_argon2id13 = 2;
inline constexpr uint8_t key_file_aead_xchacha20poly1305 = 1;

inline constexpr size_t key_file_seed_size = 32;
inline constexpr size_t key_file_salt_size = 16;   // crypto_pwhash_SALTBYTES
inline constexpr size_t key_file_nonce_size = 24;  // XChaCha20 NPUBBYTES
inline constexpr size_t key_file_tag_size = 16;    // Poly1305
inline constexpr size_t key_file_ciphertext_size = key_file_seed_size + key_file_tag_size;
inline constexpr size_t key_file_header_size = 8 + 2 + 1 + 8 + 8 + 16 + 1 + 24;  // 68
inline constexpr size_t key_file_size = key_file_header_size + key_file_ciphertext_size;

/// The parsed contents of a key file (header fields and the ciphertext).
struct key_file_header {
  uint16_t version = key_file_version;
  uint8_t kdf_id = key_file_kdf_argon2id13;
  kdf_params kdf;
  std::array<uint8_t, key_file_salt_size> salt{};
  uint8_t aead_id = key_file_aead_xchacha20poly1305;
  std::array<uint8_t, key_file_nonce_size> nonce{};
  std::array<uint8_t, key_file_ciphertext_size> ciphertext{};
};

/// The seed type stored in a key file.
using identity_seed = secret<key_file_seed_size>;

// -- functions ----------------------------------------------------------------

/// Encrypts `seed` under a key derived from `passphrase` with a fresh random
/// salt and nonce, and writes the complete file image (key_file_size bytes)
/// to `out`. The derived key lives in guarded memory and is wiped on return.
/// Does not judge the passphrase; callers creating one use
/// check_new_passphrase() (passphrase.hpp) first.
/// Errors: kdf_params_out_of_range, kdf_failed (out of memory).
[[nodiscard]] crypto_status seal_key_file(std::vector<uint8_t>& out,
                                          const identity_seed& seed,
                                          const secret_string& passphrase,
                                          kdf_params params);

/// Parses a key file image, checking every field before anything is derived.
/// Errors, checked in file order, each message naming the field or value:
///   truncated (including empty), bad_magic, unsupported_version,
///   unknown_algorithm (KDF or AEAD id), kdf_params_out_of_range,
///   trailing_bytes.
[[nodiscard]] crypto_status parse_key_file(key_file_header& out, const uint8_t* data,
                                           size_t len);

/// Writes the file image of `h` (key_file_size bytes) to `out`.
void encode_key_file(std::vector<uint8_t>& out, const key_file_header& h);

/// Derives the key and decrypts the seed into `seed`. On failure `seed` is
/// wiped. Errors: wrong_passphrase ("wrong passphrase or damaged key file";
/// a Poly1305 failure cannot tell the two apart), kdf_failed, and the header
/// checks of parse_key_file for a header not produced by it.
[[nodiscard]] crypto_status open_key_file(identity_seed& seed, const key_file_header& h,
                                          const secret_string& passphrase);

}  // namespace nz::crypto
