#include "actors/audit/audit_event_codec.hpp"

#include "storage/byte_codec.hpp"

namespace nz::audit {

namespace {

constexpr uint8_t version = 1;
/// Room for " [truncated N bytes]" with N up to 20 digits.
constexpr size_t marker_room = 40;

}  // namespace

std::string clamp(std::string s, size_t max) {
  if (s.size() <= max) return s;
  auto cut = max;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
  auto dropped = s.size() - cut;
  s.resize(cut);
  s += " [truncated " + std::to_string(dropped) + " bytes]";
  return s;
}

event_fields clamp_fields(event_fields f, const audit_limits& lim) {
  f.kind = clamp(std::move(f.kind), lim.max_kind);
  f.source = clamp(std::move(f.source), lim.max_source);
  f.detail = clamp(std::move(f.detail), lim.max_detail);
  return f;
}

std::vector<uint8_t> encode(const event_fields& f) {
  storage::byte_writer w;
  w.put_u8(version);
  w.put_string(f.kind);
  w.put_string(f.source);
  w.put_string(f.detail);
  return w.take();
}

std::optional<event_fields> decode(const std::vector<uint8_t>& payload,
                                   const audit_limits& lim) {
  storage::byte_reader r(payload);
  auto v = r.get_u8();
  if (!v || *v != version) return std::nullopt;
  event_fields f;
  auto kind = r.get_string(lim.max_kind + marker_room);
  auto source = r.get_string(lim.max_source + marker_room);
  auto detail = r.get_string(lim.max_detail + marker_room);
  if (!kind || !source || !detail || !r.at_end()) return std::nullopt;
  f.kind = std::move(*kind);
  f.source = std::move(*source);
  f.detail = std::move(*detail);
  return f;
}

}  // namespace nz::audit
