// One entry of a tamper-evident hash chain (the trust log, the security audit
// log): a sequence number, the hash of the previous entry, a time and an opaque
// payload. docs/trust.md ("Hash chain") documents the byte layout.
//
// Encoding (canonical: one byte string per entry; storage/byte_codec):
//   u8 version (1) | varint seq (>= 1) | 32 bytes prev | i64 time_ms |
//   varint payload length (<= max_payload) | payload
//
// Hashing: BLAKE2b-256 (crypto_generichash, no key) over
//   "nz-chain-v1" NUL | varint len(domain) | domain | encode(entry)
// The domain ("nz-trust-log", "nz-audit-log", ...) keeps chains of different
// logs from being confused: the same entry hashes differently in each.
//
// Thread rules: free functions on values; safe from any thread.
#pragma once

#include "runtime/chain/chain_error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace nz::chain {

using hash32 = std::array<uint8_t, 32>;

/// Largest payload an entry may carry (decode rejects more).
constexpr size_t max_payload = size_t{64} * 1024;

/// The current (and only) entry encoding version.
constexpr uint8_t entry_version = 1;

struct entry {
  /// Position in the chain; the first entry of a chain has seq 1.
  uint64_t seq = 0;
  /// hash_of(domain, previous entry); all zero for the first entry.
  hash32 prev{};
  /// Unix milliseconds when the entry was made (informational: not checked
  /// for monotonicity, clocks step backwards).
  int64_t time_ms = 0;
  std::vector<uint8_t> payload;
};

bool operator==(const entry& a, const entry& b);
inline bool operator!=(const entry& a, const entry& b) {
  return !(a == b);
}

/// Canonical bytes of `e`. REQUIRES: e.payload.size() <= max_payload (aborts
/// otherwise: an oversized entry could never be read back).
std::vector<uint8_t> encode(const entry& e);

/// Strict inverse of encode. Errors: empty input, unknown version, truncated or
/// overlong fields, seq 0, payload longer than max_payload, trailing bytes.
/// For every accepted input, encode(*decode(b)) == b.
chain_result<entry> decode(const uint8_t* data, size_t size);
inline chain_result<entry> decode(const std::vector<uint8_t>& bytes) {
  return decode(bytes.data(), bytes.size());
}

/// The chain hash of `e` in the chain named `domain` (see the file comment).
/// REQUIRES: as for encode.
hash32 hash_of(std::string_view domain, const entry& e);

/// Lowercase hex of a hash (for messages and tools).
std::string to_hex(const hash32& h);

}  // namespace nz::chain
