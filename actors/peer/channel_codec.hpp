// The body of a "chan" frame (docs/protocol.md): an application message on a
// named channel. Pure, no CAF.
//
// Layout (storage/byte_codec.hpp rules): u8 version (1) | string channel |
// varint id | varint reply_to (0: none) | bytes payload.
// channel: 1..64 characters of [a-z0-9._-]; payload at most max_channel_payload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nz::peer {

inline constexpr size_t max_channel_name = 64;
/// Fits one frame body (65,413 bytes) with the header of this encoding.
inline constexpr size_t max_channel_payload = 65'000;

struct channel_frame {
  std::string channel;
  uint64_t id = 0;
  uint64_t reply_to = 0;
  std::vector<uint8_t> payload;
};

bool valid_channel_name(std::string_view name);

/// REQUIRES: valid_channel_name(x.channel), payload within the limit (the
/// caller checks and reports); returns empty bytes otherwise.
std::vector<uint8_t> encode_channel_frame(const channel_frame& x);

/// nullopt on a wrong version, a bad channel name, an oversized payload,
/// truncation or trailing bytes.
std::optional<channel_frame> decode_channel_frame(const std::vector<uint8_t>& bytes);

}  // namespace nz::peer
