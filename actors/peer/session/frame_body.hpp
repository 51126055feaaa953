// The plaintext inside a frame: what a message is (type), the trace context it
// continues and its body. Encoded as a MessagePack array of exactly three
// elements (docs/protocol.md, "Frame body"):
//
//   [ type: str (1..32 bytes of a-z 0-9 _ .),
//     trace: bin (0..64 bytes, the trace context; empty when none),
//     body: bin (0..max_body bytes, the type's own encoding) ]
//
// An array rather than a map: the fields are fixed, so keys would only add
// bytes and ways to be malformed (duplicates, order, unknown keys).
//
// Contracts:
// - decode is strict: anything but one array of [str, bin, bin] followed by
//   nothing is malformed; any MessagePack encoding of those types is accepted
//   (the shortest is not required: fixarray/array16/array32 of 3,
//   fixstr/str8/str16/str32, bin8/bin16/bin32), but nothing else (no ext, no
//   nesting). encode writes the shortest forms, as msgpack-c's packer does.
// - The subset is parsed by hand (no msgpack-c zone per frame): a frame is
//   parsed on the hot path of every session.
// - decode is bounded: input over max_body + max_frame_body_overhead is
//   too_long before parsing; a declared length beyond the input is malformed,
//   whatever its size (a 4 GiB length prefix allocates nothing); a field
//   whose bytes are present but over its limit is too_long; nothing is
//   allocated before every check passed (parse allocates nothing at all).
// - encode refuses what decode would refuse (invalid_argument for the type,
//   payload_too_long for the sizes), so a frame we send always decodes.
//
// Thread rules: stateless functions.
#pragma once

#include "actors/peer/noise/noise_types.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "actors/peer/session/session_error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nz::peer {

/// Longest message type name.
inline constexpr size_t max_frame_type_len = 32;
/// Longest trace context.
inline constexpr size_t max_trace_len = 64;
/// The most bytes the encoding adds to the body: array header (1), str8 type
/// (2 + 32), bin8 trace (2 + 64), bin32 body header (5).
inline constexpr size_t max_frame_body_overhead =
    1 + 2 + max_frame_type_len + 2 + max_trace_len + 5;
/// The default body limit: whatever fits in the largest frame plaintext.
inline constexpr size_t default_max_body =
    max_session_plaintext - max_frame_body_overhead;

struct frame_body {
  std::string type;
  std::vector<uint8_t> trace;
  std::vector<uint8_t> body;
};

/// A decoded frame body that points into the plaintext it was parsed from
/// (REQUIRES: that buffer outlives the view and is not changed meanwhile).
struct frame_body_view {
  std::string_view type;
  noise::bytes_view trace;
  noise::bytes_view body;
};

/// True for 1..max_frame_type_len characters of [a-z0-9_.].
bool valid_frame_type(std::string_view type);

/// The MessagePack encoding. Errors: invalid_argument (type not
/// valid_frame_type), payload_too_long (trace over max_trace_len or body over
/// max_body).
[[nodiscard]] session_result<std::vector<uint8_t>> encode_frame_body(
    const frame_body& x, size_t max_body = default_max_body);

/// Appends everything of the encoding before the body's bytes: the array
/// header, the type, the trace and the body's length. The caller then appends
/// exactly `body_size` bytes (that is the whole contract: nothing else may
/// follow). Errors as encode_frame_body; on error `out` is as it was.
[[nodiscard]] session_status append_frame_body_head(std::vector<uint8_t>& out,
                                                    std::string_view type,
                                                    noise::bytes_view trace,
                                                    size_t body_size,
                                                    size_t max_body = default_max_body);

/// decode_frame_body without copying: the fields point into `bytes`. Same
/// checks, in the same order, same errors.
[[nodiscard]] session_result<frame_body_view> parse_frame_body(
    noise::bytes_view bytes, size_t max_body = default_max_body);

/// Decodes a frame plaintext. Errors: too_long (input over max_body +
/// max_frame_body_overhead, a type over 32 bytes, a trace over 64, a body over
/// max_body), malformed (not exactly [str, bin, bin], trailing bytes, a
/// declared length beyond the input, a type outside its alphabet).
[[nodiscard]] session_result<frame_body> decode_frame_body(
    noise::bytes_view bytes, size_t max_body = default_max_body);

}  // namespace nz::peer
