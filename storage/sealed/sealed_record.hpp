// The sealed record: how every value of the key-value store and every stored
// file is encrypted and bound to its place. docs/sealed-storage.md is the prose
// version of this file; change both together and bump sealed_version.
//
// Layout:  version u8 (1) | nonce[24] (random) | ciphertext[n] | tag[16]
//   XChaCha20-Poly1305-IETF (libsodium's crypto_aead_xchacha20poly1305_ietf_*;
//   storage/sealed/xchacha_aead computes it, with OpenSSL for large values),
//   so a record is exactly sealed_overhead (41) bytes longer than its value.
// AAD:     domain | varint len(ns) | ns | varint len(key) | key
//   domain is "nz.sealed.v1" for key-value records and "nz.sealed.file.v1" for
//   files; varints are canonical LEB128 (storage/byte_codec). The AAD is an
//   injective function of (domain, ns, key), so a record copied under another
//   key, namespace or table fails authentication.
//
// Secrets: the 32-byte storage key is borrowed, never copied. seal() reads the
// plaintext from the caller and writes only ciphertext; open() decrypts straight
// into the caller's buffer, wiping whatever that buffer held before, and leaves
// it empty (and wiped) on failure. The caller wipes the plaintext after use.
//
// Thread rules: pure functions; libsodium is initialised on first use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb_env.hpp"
#include "storage/store_status.hpp"

namespace nz::storage {

inline constexpr uint8_t sealed_version = 1;
inline constexpr size_t sealed_key_size = 32;
inline constexpr size_t sealed_nonce_size = 24;
inline constexpr size_t sealed_tag_size = 16;
/// Bytes a sealed record adds to its value: version + nonce + tag.
inline constexpr size_t sealed_overhead = 1 + sealed_nonce_size + sealed_tag_size;

/// Which table a record belongs to; selects the AAD domain string.
enum class record_domain : uint8_t {
  /// Key-value records, AAD domain "nz.sealed.v1".
  kv,
  /// Stored files, AAD domain "nz.sealed.file.v1".
  file,
};

/// The AAD domain string of `d`.
std::string_view domain_string(record_domain d);

/// Seals `value` for (`domain`, `ns`, `record_key`) under the 32-byte `key`
/// with a fresh random nonce. `out` is replaced by the record
/// (value.size + sealed_overhead bytes). REQUIRES: key points to 32 bytes.
void seal(std::vector<uint8_t>& out, const uint8_t key[sealed_key_size],
          std::string_view ns, byte_view record_key, byte_view value,
          record_domain domain = record_domain::kv);

/// Like seal(), with a nonce the caller drew with randombytes_buf for this
/// record alone. kv_store::apply draws the nonces of a whole group commit with
/// one randombytes_buf call (n x 24 bytes): each nonce is as random as one
/// drawn on its own, and no state survives a restart, so nothing can repeat.
/// REQUIRES: key and nonce point to 32 and 24 bytes; the nonce is used once.
void seal_with_nonce(std::vector<uint8_t>& out, const uint8_t key[sealed_key_size],
                     const uint8_t nonce[sealed_nonce_size], std::string_view ns,
                     byte_view record_key, byte_view value,
                     record_domain domain = record_domain::kv);

/// Authenticates and decrypts `sealed`, which must have been sealed for exactly
/// (`domain`, `ns`, `record_key`) under `key`. On success `out` holds the value.
/// Errors: corrupt_record, the message naming the record and the reason:
/// "too short" (fewer than sealed_overhead bytes), "unknown version N",
/// "authentication failed" (wrong storage key, altered bytes, or a record moved
/// from another key, namespace or table). `out` is wiped and empty then.
[[nodiscard]] store_status open(std::vector<uint8_t>& out,
                                const uint8_t key[sealed_key_size], std::string_view ns,
                                byte_view record_key, byte_view sealed,
                                record_domain domain = record_domain::kv);

/// Safe, bounded text for a key or name in messages and logs: 'text' when every
/// byte is printable ASCII other than ' and \, otherwise 0x<hex>; at most 64
/// characters or 32 bytes of hex, then "...(N bytes)".
std::string printable_key(byte_view key);

/// "kv record 'ns'/'key'" or "file 'ns'/'name'", both parts via printable_key.
std::string describe_record(record_domain domain, std::string_view ns,
                            byte_view record_key);

/// Overwrites the vector's bytes with zeros (sodium_memzero) and clears it.
void wipe(std::vector<uint8_t>& x);

}  // namespace nz::storage
