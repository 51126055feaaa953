// The record the trust actor keeps in "nz.trust.state"/"snapshot": the
// materialised trust set (trust_set::encode) and the log position and head
// hash it covers, so that a start checks the snapshot against the chain before
// using it. Pure, no CAF.
//
// Layout (storage/byte_codec.hpp rules): u8 version (1) | varint seq |
// 32 bytes head | bytes set (varint length, at most max_snapshot_set).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/chain/entry.hpp"

namespace nz::trust {

struct snapshot_record {
  uint64_t seq = 0;
  chain::hash32 head{};
  std::vector<uint8_t> set;
};

inline constexpr size_t max_snapshot_set = size_t{64} << 20;

std::vector<uint8_t> encode_snapshot(const snapshot_record& s);

/// nullopt on a wrong version, truncation, oversize or trailing bytes.
std::optional<snapshot_record> decode_snapshot(const std::vector<uint8_t>& bytes);

}  // namespace nz::trust
