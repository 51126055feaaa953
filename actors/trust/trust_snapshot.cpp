#include "actors/trust/trust_snapshot.hpp"

#include <algorithm>

#include "storage/byte_codec.hpp"

namespace nz::trust {

namespace {
constexpr uint8_t version = 1;
}  // namespace

std::vector<uint8_t> encode_snapshot(const snapshot_record& s) {
  storage::byte_writer w;
  w.reserve(s.set.size() + 48);
  w.put_u8(version);
  w.put_varint(s.seq);
  w.put_raw(s.head.data(), s.head.size());
  w.put_bytes(s.set);
  return w.take();
}

std::optional<snapshot_record> decode_snapshot(const std::vector<uint8_t>& bytes) {
  storage::byte_reader r(bytes);
  auto v = r.get_u8();
  if (!v || *v != version) return std::nullopt;
  snapshot_record s;
  auto seq = r.get_varint();
  const uint8_t* head = nullptr;
  if (!seq || !r.get_raw(s.head.size(), head)) return std::nullopt;
  auto set = r.get_bytes(max_snapshot_set);
  if (!set || !r.at_end()) return std::nullopt;
  s.seq = *seq;
  std::copy(head, head + s.head.size(), s.head.begin());
  s.set = std::move(*set);
  return s;
}

}  // namespace nz::trust
