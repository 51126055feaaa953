// Records: how bytes travel on a peer connection (docs/protocol.md,
// "Transport"). A peer connection is a plain TCP stream of records:
//
//   length  u32, big-endian: the number of bytes that follow (kind + payload)
//   kind    u8:  1 hello (Noise message 1), 2 handshake2, 3 handshake3,
//                4 frame (a sealed session frame), 5 abort (empty payload)
//   payload length - 1 bytes
//
// Rules:
// - 1 <= length <= max_len (default max_record_len: one kind byte plus the
//   largest sealed frame). A header announcing more is refused when its four
//   bytes arrive, before any payload byte is buffered: the reader never holds
//   more than 4 + max_len bytes.
// - kind must be one of the five; abort carries no payload.
// - After an error the reader stays failed: the connection must be closed
//   (the stream can no longer be trusted to be in step).
// Pure and sans-I/O: the caller feeds what the socket gave it.
//
// Thread rules: a plain value; one owner (the connection's broker).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/peer/session/session_cipher.hpp"
#include "actors/peer/session/session_error.hpp"

namespace nz::peer {

enum class record_kind : uint8_t {
  hello = 1,
  handshake2 = 2,
  handshake3 = 3,
  frame = 4,
  abort = 5,
};

/// "hello", "handshake2", ... (stable: logs, docs).
const char* to_string(record_kind x);

/// True for the five kinds above.
bool valid_record_kind(uint8_t x);

inline constexpr size_t record_header_len = 4;
/// One kind byte plus the largest sealed frame (header, 64 KiB - 1 of
/// ciphertext including its tag).
inline constexpr uint32_t max_record_len =
    1 + static_cast<uint32_t>(frame_header_len) + 65535;

/// A whole record as it goes on the wire: header, kind, payload.
/// REQUIRES: 1 + payload_len <= max_record_len (checked: too_long otherwise).
session_result<std::vector<uint8_t>> encode_record(record_kind kind,
                                                   const uint8_t* payload,
                                                   size_t payload_len);

/// Appends a whole record to `out` (a socket's write buffer); same rules.
session_result<void> append_record(std::vector<char>& out, record_kind kind,
                                   const uint8_t* payload, size_t payload_len);

/// One record taken off the stream: bytes[0] is the kind, the payload follows.
/// (Kept as one vector so that it moves to the session without a copy.)
using record_bytes = std::vector<uint8_t>;

class record_reader {
 public:
  explicit record_reader(uint32_t max_len = max_record_len);

  /// Consumes [data, data + n) and appends every record it completes to `out`.
  /// Returns the first violation (too_long, malformed); the records completed
  /// before it are in `out`. Once failed, every call fails again.
  session_result<void> feed(const uint8_t* data, size_t n,
                            std::vector<record_bytes>& out);

  /// Bytes of a partial record held (header bytes included).
  size_t buffered() const { return header_fill_ + body_.size(); }
  bool failed() const { return failed_.has_value(); }
  uint32_t max_len() const { return max_len_; }

 private:
  uint32_t max_len_;
  uint8_t header_[record_header_len] = {};
  size_t header_fill_ = 0;
  uint32_t want_ = 0;  ///< the current record's length once its header is complete
  record_bytes body_;
  std::optional<session_error> failed_;
};

}  // namespace nz::peer
