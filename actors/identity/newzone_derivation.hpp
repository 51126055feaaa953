// The NewZone identity derivation, bit-compatible with the JavaScript NewZoneCore
// (rules: docs/identity.md). From BIP-39 entropy:
//   seed32        = BLAKE2b-512(entropy)[0..32)
//   ed25519 seed  = HKDF-BLAKE2b-512(IKM = seed32, salt = "", info = "identity", 32)
//   x25519 secret = HKDF-BLAKE2b-512(IKM = seed32, salt = "", info = "ecdh", 32)
// with HMAC-BLAKE2b-512 per RFC 2104 (128-byte block, unkeyed BLAKE2b) and HKDF per
// RFC 5869 (hLen = 64). Other keys (storage, trust log, backup, API tokens) come
// from seed32 through crypto_kdf_derive_from_key; they are NewZone-C++ only.
//
// Every output buffer may hold a secret; the caller wipes it (sodium_memzero or
// wipe()). Functions initialise libsodium themselves.
//
// Thread rules: pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "actors/identity/identity_status.hpp"

namespace nz::identity {

inline constexpr size_t hmac_blake2b512_bytes = 64;
/// The largest HKDF output (RFC 5869: 255 * hLen).
inline constexpr size_t hkdf_blake2b512_max_bytes = size_t{255} * 64;
inline constexpr size_t seed32_bytes = 32;

/// The two identity key pairs. Trivially copyable on purpose: the identity actor
/// keeps it in sodium_malloc memory; wipe() it when done.
struct identity_keys {
  uint8_t ed25519_pk[32];
  uint8_t ed25519_sk[64];  // libsodium layout: seed || public key
  uint8_t x25519_pk[32];
  uint8_t x25519_sk[32];
};
static_assert(std::is_trivially_copyable_v<identity_keys>);
static_assert(std::is_standard_layout_v<identity_keys>);

/// Zeroes all four keys (sodium_memzero).
void wipe(identity_keys& keys);

/// HMAC (RFC 2104) over unkeyed BLAKE2b-512 with a 128-byte block; equals
/// Python's hmac.new(key, msg, hashlib.blake2b). Keys longer than 128 bytes are
/// hashed first. Not libsodium's keyed BLAKE2b, which is a different function.
void hmac_blake2b512(uint8_t out[hmac_blake2b512_bytes], const uint8_t* key,
                     size_t keylen, const uint8_t* msg, size_t msglen);

/// HKDF (RFC 5869: extract, then expand) with HMAC-BLAKE2b-512, hLen = 64. An
/// empty salt (saltlen 0) means 64 zero bytes. Errors: invalid_output_length
/// when outlen is 0 or exceeds hkdf_blake2b512_max_bytes.
[[nodiscard]] identity_status hkdf_blake2b512(uint8_t* out, size_t outlen,
                                              const uint8_t* ikm, size_t ikmlen,
                                              const uint8_t* salt, size_t saltlen,
                                              const uint8_t* info, size_t infolen);

/// seed32 = the first 32 bytes of BLAKE2b-512(entropy): a 64-byte digest,
/// truncated (not BLAKE2b with a 32-byte digest, which differs entirely).
void seed32_from_entropy(uint8_t out[seed32_bytes], const uint8_t* entropy, size_t len);

/// The identity key pairs of seed32: Ed25519 = crypto_sign_seed_keypair(HKDF(
/// seed32, "", "identity", 32)); X25519 secret = HKDF(seed32, "", "ecdh", 32),
/// public = crypto_scalarmult_base (RFC 7748 clamping). Errors: crypto_failure
/// (not expected; `out` is wiped then).
[[nodiscard]] identity_status derive_identity(identity_keys& out,
                                              const uint8_t seed32[seed32_bytes]);

/// seed32_from_entropy followed by derive_identity; seed32 is wiped.
[[nodiscard]] identity_status derive_identity_from_entropy(identity_keys& out,
                                                           const uint8_t* entropy,
                                                           size_t len);

/// What a subkey is for; each purpose has its own 8-byte crypto_kdf context and
/// subkey id 1 (see subkey_context).
enum class subkey_purpose : uint8_t {
  /// Context "nzstore1": encryption of the local store.
  storage = 1,
  /// Context "nztrust1": MAC/encryption of the trust log.
  trust_log = 2,
  /// Context "nzbackup": encryption of backups.
  backup = 3,
  /// Context "nztoken1": API token MACs.
  tokens = 4,
};

/// The 8-character crypto_kdf context of a purpose, e.g. "nzstore1".
const char* subkey_context(subkey_purpose p);

/// The subkey crypto_kdf_derive_from_key(len, 1, subkey_context(p), seed32).
/// Errors: invalid_output_length unless crypto_kdf_BYTES_MIN (16) <= len <=
/// crypto_kdf_BYTES_MAX (64).
[[nodiscard]] identity_status derive_subkey(uint8_t* out, size_t len,
                                            const uint8_t seed32[seed32_bytes],
                                            subkey_purpose p);

/// The node id: lowercase hex of BLAKE2b-256 (crypto_generichash, 32-byte
/// digest) of the Ed25519 public key; 64 characters.
std::string node_id_hex(const uint8_t ed25519_pk[32]);

/// Standard base64 with padding (sodium_base64_VARIANT_ORIGINAL), as the JS
/// version printed keys.
std::string to_base64(const uint8_t* data, size_t len);

}  // namespace nz::identity
