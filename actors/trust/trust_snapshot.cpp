#include "actors/trust/trust_snapshot.hpp"

#include <algorithm>
#include <cstring>

#include <sodium.h>

#include "storage/byte_codec.hpp"

namespace nz::trust {

namespace {

constexpr uint8_t version = 2;

chain::hash32 digest_of(const std::vector<uint8_t>& set) {
  chain::hash32 h{};
  crypto_generichash(h.data(), h.size(), set.data(), set.size(), nullptr, 0);
  return h;
}

uint64_t chunks_for(uint64_t size, size_t chunk_size) {
  return (size + chunk_size - 1) / chunk_size;
}

}  // namespace

std::vector<uint8_t> snapshot_meta_key() {
  return {'s', 'n', 'a', 'p', 's', 'h', 'o', 't'};
}

std::vector<uint8_t> snapshot_chunk_key(uint64_t i) {
  std::vector<uint8_t> k{'c', 'h', 'u', 'n', 'k', 0, 0, 0, 0};
  for (int b = 0; b < 4; ++b)
    k[5 + static_cast<size_t>(b)] = static_cast<uint8_t>(i >> (24 - 8 * b));
  return k;
}

std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> split_snapshot(
    const snapshot_record& s, size_t chunk_size) {
  std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> out;
  auto n = chunks_for(s.set.size(), chunk_size);
  for (uint64_t i = 0; i < n; ++i) {
    auto from = i * chunk_size;
    auto len = std::min<uint64_t>(chunk_size, s.set.size() - from);
    std::vector<uint8_t> chunk(len);
    std::memcpy(chunk.data(), s.set.data() + from, len);
    out.emplace_back(snapshot_chunk_key(i), std::move(chunk));
  }
  storage::byte_writer w;
  w.put_u8(version);
  w.put_varint(s.seq);
  w.put_raw(s.head.data(), s.head.size());
  w.put_varint(s.set.size());
  w.put_varint(n);
  auto d = digest_of(s.set);
  w.put_raw(d.data(), d.size());
  out.emplace_back(snapshot_meta_key(), w.take());
  return out;
}

std::optional<snapshot_meta> decode_snapshot_meta(const std::vector<uint8_t>& bytes) {
  storage::byte_reader r(bytes);
  auto v = r.get_u8();
  if (!v || *v != version) return std::nullopt;
  snapshot_meta m;
  auto seq = r.get_varint();
  const uint8_t* head = nullptr;
  if (!seq || !r.get_raw(m.head.size(), head)) return std::nullopt;
  auto size = r.get_varint();
  auto chunks = r.get_varint();
  const uint8_t* digest = nullptr;
  if (!size || !chunks || !r.get_raw(m.digest.size(), digest) || !r.at_end())
    return std::nullopt;
  // At most 4,096 chunks (16 KiB each at the maximum size); none iff empty.
  if (*size > max_snapshot_set || *chunks > 4096 || (*size == 0) != (*chunks == 0)
      || *chunks > *size)
    return std::nullopt;
  m.seq = *seq;
  std::copy(head, head + m.head.size(), m.head.begin());
  m.size = *size;
  m.chunks = *chunks;
  std::copy(digest, digest + m.digest.size(), m.digest.begin());
  return m;
}

std::optional<snapshot_record> join_snapshot(
    const snapshot_meta& meta, const std::vector<std::vector<uint8_t>>& chunks,
    std::string& why) {
  if (chunks.size() != meta.chunks) {
    why = "the snapshot has " + std::to_string(chunks.size()) + " of "
          + std::to_string(meta.chunks) + " chunks";
    return std::nullopt;
  }
  snapshot_record s;
  s.seq = meta.seq;
  s.head = meta.head;
  uint64_t total = 0;
  for (auto& c : chunks) total += c.size();
  if (total != meta.size) {
    why = "the snapshot chunks hold " + std::to_string(total) + " bytes, not "
          + std::to_string(meta.size);
    return std::nullopt;
  }
  s.set.reserve(total);
  for (auto& c : chunks) s.set.insert(s.set.end(), c.begin(), c.end());
  if (digest_of(s.set) != meta.digest) {
    why = "the snapshot chunks do not match its hash (an interrupted snapshot?)";
    return std::nullopt;
  }
  return s;
}

}  // namespace nz::trust
