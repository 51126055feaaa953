// The trust actor's snapshot in sealed kv ("nz.trust.state"): the materialised
// trust set (trust_set::encode) with the log position and head hash it covers,
// so that a start checks the snapshot against the chain before using it.
// Pure, no CAF.
//
// A set can be megabytes while one sealed value is limited (kv-max-value), so
// the encoded set is stored in chunks of at most `chunk_size` bytes under keys
// "chunk" | u32 index (big endian), and a small record under "snapshot" says
// which (layout, storage/byte_codec.hpp rules): u8 version (2) | varint seq |
// 32 head | varint set size | varint chunk count | 32 BLAKE2b-256 of the set.
// The chunks are written before the record, and join() checks every size and
// the hash, so a snapshot interrupted half way is detected and ignored (the
// set is then rebuilt from the whole log, which is always correct).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/chain/entry.hpp"

namespace nz::trust {

struct snapshot_record {
  uint64_t seq = 0;
  chain::hash32 head{};
  std::vector<uint8_t> set;
};

struct snapshot_meta {
  uint64_t seq = 0;
  chain::hash32 head{};
  uint64_t size = 0;
  uint64_t chunks = 0;
  chain::hash32 digest{};
};

inline constexpr size_t snapshot_chunk_size = 32 * 1024;
inline constexpr size_t max_snapshot_set = size_t{64} << 20;

/// The key of the meta record and of chunk `i`.
std::vector<uint8_t> snapshot_meta_key();
std::vector<uint8_t> snapshot_chunk_key(uint64_t i);

/// The records to write, chunks first and the meta record last.
std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> split_snapshot(
    const snapshot_record& s, size_t chunk_size = snapshot_chunk_size);

/// nullopt on a wrong version, truncation, trailing bytes, a size above
/// max_snapshot_set or a chunk count that does not fit the size.
std::optional<snapshot_meta> decode_snapshot_meta(const std::vector<uint8_t>& bytes);

/// The snapshot from its meta record and chunks (in order); an error text if a
/// chunk is missing or of the wrong size, or the hash does not match.
std::optional<snapshot_record> join_snapshot(
    const snapshot_meta& meta, const std::vector<std::vector<uint8_t>>& chunks,
    std::string& why);

}  // namespace nz::trust
