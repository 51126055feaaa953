// On-disk layout of journal entries and snapshots: keys, record headers and the
// BLAKE2b-128 checksum. docs/storage-format.md is the prose version of this file;
// change both together and bump record_version.
//
// Key (both databases):  stream bytes | 0x00 | seq (u64 big endian)
//   Stream names are [a-z0-9._-]{1,64}, so the 0x00 separator sorts a stream's
//   keys together and in seq order.
// Journal entry value:   magic "NZJ1" | version u8 | seq u64 | length u64 |
//                        checksum[16] | payload[length]
// Snapshot value:        magic "NZS1" | version u8 | stream (varint len + bytes) |
//                        seq u64 | length u64 | checksum[16] | payload[length]
// Integers in values are little endian (byte_codec). The checksum is
// BLAKE2b-128 (crypto_generichash, 16 bytes, no key) over every byte before the
// checksum, then (journal only) the stream name, then the payload; it binds a
// record to its stream and seq, so a record copied to another key fails.
//
// Thread rules: pure functions; libsodium is initialised on first use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb_env.hpp"

namespace nz::storage {

inline constexpr uint32_t journal_magic = 0x314a5a4e;   // bytes "NZJ1"
inline constexpr uint32_t snapshot_magic = 0x31535a4e;  // bytes "NZS1"
inline constexpr uint8_t record_version = 1;
inline constexpr size_t checksum_size = 16;
inline constexpr size_t max_stream_name = 64;
/// Journal header bytes before the payload.
inline constexpr size_t journal_header_size = 4 + 1 + 8 + 8 + checksum_size;

/// True for 1-64 characters from [a-z0-9._-].
bool valid_stream_name(std::string_view stream);

/// stream | 0x00 | big-endian seq. REQUIRES: valid_stream_name(stream).
std::vector<uint8_t> make_key(std::string_view stream, uint64_t seq);

/// Splits a key; false if it is not stream | 0x00 | 8 bytes.
bool parse_key(byte_view key, std::string_view& stream, uint64_t& seq);

/// True if `key` belongs to `stream`.
bool key_has_stream(byte_view key, std::string_view stream);

std::vector<uint8_t> encode_journal_entry(std::string_view stream, uint64_t seq,
                                          byte_view payload);
std::vector<uint8_t> encode_snapshot(std::string_view stream, uint64_t seq,
                                     byte_view payload);

/// A verified record; `payload` points into the decoded value.
struct decoded_record {
  uint64_t seq = 0;
  byte_view payload;
};

/// Checks magic, version, seq (must equal the key's), length and checksum.
/// On failure returns false and sets `why` (e.g. "checksum mismatch").
bool decode_journal_entry(byte_view value, std::string_view stream, uint64_t key_seq,
                          decoded_record& out, std::string& why);
bool decode_snapshot(byte_view value, std::string_view stream, uint64_t key_seq,
                     decoded_record& out, std::string& why);

}  // namespace nz::storage
