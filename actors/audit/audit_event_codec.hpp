// The payload of one audit chain entry: pure, no CAF.
//
// Layout (storage/byte_codec.hpp rules): u8 version (1), string kind, string
// source, string detail. Each field is bounded (audit_limits); clamp() cuts a
// longer value at a UTF-8 character boundary and appends " [truncated N bytes]"
// so that an oversized field is recorded, never refused: an attacker cannot
// suppress an event with a long client name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nz::audit {

struct audit_limits {
  size_t max_kind = 32;
  size_t max_source = 128;
  size_t max_detail = 1024;
};

struct event_fields {
  std::string kind;
  std::string source;
  std::string detail;
};

/// Cuts `s` to at most `max` bytes plus a marker (see above).
std::string clamp(std::string s, size_t max);

/// Clamps each field to its limit.
event_fields clamp_fields(event_fields f, const audit_limits& lim = {});

std::vector<uint8_t> encode(const event_fields& f);

/// nullopt on anything malformed: wrong version, a field above its limit plus
/// the marker's room, trailing bytes.
std::optional<event_fields> decode(const std::vector<uint8_t>& payload,
                                   const audit_limits& lim = {});

/// The chain domain of the audit log.
inline constexpr const char* chain_domain = "nz-audit-log";

}  // namespace nz::audit
