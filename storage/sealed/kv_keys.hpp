// LMDB key layout of the sealed key-value store and its file table:
//
//   ns bytes | 0x00 | record key bytes
//
// Namespaces are [a-z0-9._-]{1,64} and so never contain 0x00: the first 0x00
// ends the namespace, and everything after it is the record key verbatim (which
// may itself contain 0x00 or any other byte). All keys of one namespace sort
// together, in the byte order of their record keys.
//
// Thread rules: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb_env.hpp"

namespace nz::storage {

inline constexpr size_t max_namespace_size = 64;

/// True for 1-64 characters from [a-z0-9._-].
bool valid_namespace(std::string_view ns);

/// ns | 0x00 | key. REQUIRES: valid_namespace(ns).
std::vector<uint8_t> make_kv_key(std::string_view ns, byte_view key);

/// The same into `out` (replacing its contents, reusing its capacity).
void make_kv_key(std::vector<uint8_t>& out, std::string_view ns, byte_view key);

/// Splits an LMDB key at its first 0x00. False when there is none or the part
/// before it is not a valid namespace (a damaged or foreign key).
bool split_kv_key(byte_view lmdb_key, std::string_view& ns, byte_view& key);

/// True if `lmdb_key` starts with `prefix`.
bool has_prefix(byte_view lmdb_key, byte_view prefix);

/// Views a string's bytes (no copy).
inline byte_view as_bytes(std::string_view s) {
  return byte_view{reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline byte_view as_bytes(const std::vector<uint8_t>& x) {
  return byte_view{x.data(), x.size()};
}

}  // namespace nz::storage
