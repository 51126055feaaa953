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

/// A decoded chan body pointing into the bytes it was parsed from (REQUIRES:
/// they outlive the view).
struct channel_frame_view {
  std::string_view channel;
  uint64_t id = 0;
  uint64_t reply_to = 0;
  const uint8_t* payload = nullptr;
  size_t payload_size = 0;
};

bool valid_channel_name(std::string_view name);

/// The size encode_channel_frame's result would have.
size_t channel_frame_size(std::string_view channel, uint64_t id, uint64_t reply_to,
                          size_t payload_size);

/// encode_channel_frame appended to `out` (which may hold, say, the frame
/// body's head); exactly channel_frame_size(...) bytes. REQUIRES: as
/// encode_channel_frame; appends nothing otherwise.
void append_channel_frame(std::vector<uint8_t>& out, std::string_view channel,
                          uint64_t id, uint64_t reply_to, const uint8_t* payload,
                          size_t payload_size);

/// REQUIRES: valid_channel_name(x.channel), payload within the limit (the
/// caller checks and reports); returns empty bytes otherwise.
std::vector<uint8_t> encode_channel_frame(const channel_frame& x);

/// nullopt on a wrong version, a bad channel name, an oversized payload,
/// truncation or trailing bytes.
std::optional<channel_frame> decode_channel_frame(const std::vector<uint8_t>& bytes);

/// decode_channel_frame without copying (the same checks).
std::optional<channel_frame_view> parse_channel_frame(const uint8_t* data, size_t size);

}  // namespace nz::peer
