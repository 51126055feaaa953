#include "actors/peer/manager/peer_cache.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <tuple>

#include "storage/byte_codec.hpp"

namespace nz::peer {

namespace {

constexpr uint8_t upsert_tag = 1;
constexpr uint8_t connected_tag = 2;
constexpr uint8_t failed_tag = 3;
constexpr uint8_t forget_tag = 4;
constexpr uint8_t snapshot_version = 1;

constexpr uint8_t flag_learned = 1;
constexpr uint8_t flag_connected = 2;
constexpr uint8_t flag_failure = 4;

// node id 32 + key 32 + address "h:1" with its length 4 + flags 1 + updated_ms 1 +
// failures 1: the smallest encoded record.
constexpr size_t min_record_size = 71;

using id_bytes = std::array<uint8_t, 32>;

// REQUIRES: `hex` is 64 lowercase hex digits (parse_node_id's output).
id_bytes id_from_hex(std::string_view hex) {
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  id_bytes out{};
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

std::string hex_from_id(const uint8_t* id) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    out[2 * i] = digits[id[i] >> 4];
    out[2 * i + 1] = digits[id[i] & 0x0f];
  }
  return out;
}

peer_manager_result<storage::byte_writer> start_change(uint8_t tag,
                                                       std::string_view node_id) {
  auto id = parse_node_id(node_id);
  if (!id) return id.error();
  storage::byte_writer w;
  w.put_u8(tag);
  auto raw = id_from_hex(*id);
  w.put_raw(raw.data(), raw.size());
  return w;
}

peer_manager_result<peer_cache::bytes> timed_change(uint8_t tag, std::string_view node_id,
                                                    int64_t now_ms) {
  auto w = start_change(tag, node_id);
  if (!w) return w.error();
  w->put_i64(now_ms);
  return w->take();
}

std::optional<std::string> read_id(storage::byte_reader& r) {
  const uint8_t* p = nullptr;
  if (!r.get_raw(32, p)) return std::nullopt;
  return hex_from_id(p);
}

std::optional<ed25519_public_key> read_key(storage::byte_reader& r) {
  const uint8_t* p = nullptr;
  if (!r.get_raw(32, p)) return std::nullopt;
  ed25519_public_key out;
  std::copy(p, p + 32, out.begin());
  return out;
}

std::optional<std::string> read_address(storage::byte_reader& r) {
  auto a = r.get_string(max_peer_address_size);
  if (!a || !valid_peer_address(*a)) return std::nullopt;
  return a;
}

// Eviction order: never connected before connected, then the older time, then
// the smaller node id. The smallest key is the stalest peer.
std::tuple<bool, int64_t, const std::string&> staleness(const peer_record& p) {
  bool connected = p.last_connected_ms.has_value();
  return {connected, connected ? *p.last_connected_ms : p.updated_ms, p.node_id};
}

peer_manager_error malformed(const char* what) {
  return make_error(peer_manager_errc::malformed_change, what);
}

}  // namespace

peer_cache::peer_cache(peer_cache_limits limits) : limits_(limits) {
  limits_.max_peers = std::clamp<size_t>(limits_.max_peers, 1, max_snapshot_peers);
}

// -- changes ----------------------------------------------------------------------

peer_manager_result<peer_cache::bytes> peer_cache::upsert_change(
    std::string_view node_id, const ed25519_public_key& key, std::string_view address,
    peer_source source, int64_t now_ms) {
  if (source != peer_source::bootstrap && source != peer_source::learned)
    return make_error(peer_manager_errc::bad_source, "peer source out of range");
  if (!valid_peer_address(address))
    return make_error(peer_manager_errc::bad_address,
                      "address is not host:port (at most 255 bytes)");
  auto w = start_change(upsert_tag, node_id);
  if (!w) return w.error();
  w->put_raw(key.data(), key.size());
  w->put_string(address);
  w->put_u8(static_cast<uint8_t>(source));
  w->put_i64(now_ms);
  return w->take();
}

peer_manager_result<peer_cache::bytes> peer_cache::connected_change(
    std::string_view node_id, int64_t now_ms) {
  return timed_change(connected_tag, node_id, now_ms);
}

peer_manager_result<peer_cache::bytes> peer_cache::failed_change(std::string_view node_id,
                                                                 int64_t now_ms) {
  return timed_change(failed_tag, node_id, now_ms);
}

peer_manager_result<peer_cache::bytes> peer_cache::forget_change(
    std::string_view node_id) {
  auto w = start_change(forget_tag, node_id);
  if (!w) return w.error();
  return w->take();
}

peer_manager_status peer_cache::try_apply(const bytes& change) {
  storage::byte_reader r{change};
  auto tag = r.get_u8();
  auto id = read_id(r);
  if (!tag || !id) return malformed("truncated peer change");
  switch (*tag) {
    case upsert_tag: {
      auto key = read_key(r);
      auto address = read_address(r);
      auto source = r.get_u8();
      auto now = r.get_i64();
      if (!key || !address || !source || *source > 1 || !now || !r.at_end())
        return malformed("malformed upsert");
      peer_record rec;
      rec.node_id = std::move(*id);
      rec.public_key = *key;
      rec.address = std::move(*address);
      rec.source = static_cast<peer_source>(*source);
      rec.updated_ms = *now;
      upsert(std::move(rec));
      return {};
    }
    case connected_tag:
    case failed_tag: {
      auto now = r.get_i64();
      if (!now || !r.at_end()) return malformed("malformed connected/failed");
      auto i = peers_.find(*id);
      if (i == peers_.end()) return {};
      auto& p = i->second;
      if (*tag == connected_tag) {
        p.last_connected_ms = *now;
        p.failures = 0;
      } else {
        p.last_failure_ms = *now;
        if (p.failures != std::numeric_limits<uint32_t>::max()) ++p.failures;
      }
      return {};
    }
    case forget_tag:
      if (!r.at_end()) return malformed("malformed forget");
      peers_.erase(*id);
      return {};
    default:
      return malformed("unknown peer change tag");
  }
}

void peer_cache::apply(const bytes& change) {
  (void)try_apply(change);
}

void peer_cache::upsert(peer_record rec) {
  auto i = peers_.find(rec.node_id);
  if (i == peers_.end()) {
    auto id = rec.node_id;
    peers_.emplace(id, std::move(rec));
    evict_if_full(id);
    return;
  }
  auto& p = i->second;
  if (p.public_key != rec.public_key) return;  // the key is pinned
  if (rec.source == peer_source::learned && p.source == peer_source::bootstrap) return;
  p.address = std::move(rec.address);
  p.source = rec.source;
  p.updated_ms = rec.updated_ms;
}

void peer_cache::evict_if_full(const std::string& inserted) {
  while (peers_.size() > limits_.max_peers) {
    auto victim = peers_.end();
    for (auto i = peers_.begin(); i != peers_.end(); ++i) {
      if (i->second.source == peer_source::bootstrap) continue;
      if (victim == peers_.end() || staleness(i->second) < staleness(victim->second))
        victim = i;
    }
    if (victim == peers_.end()) {  // only bootstrap peers: drop the newcomer
      peers_.erase(inserted);
      return;
    }
    peers_.erase(victim);
  }
}

// -- snapshots --------------------------------------------------------------------

peer_cache::bytes peer_cache::encode() const {
  storage::byte_writer w;
  w.put_u8(snapshot_version);
  w.put_varint(peers_.size());
  for (auto& [id, p] : peers_) {
    auto raw = id_from_hex(id);
    w.put_raw(raw.data(), raw.size());
    w.put_raw(p.public_key.data(), p.public_key.size());
    w.put_string(p.address);
    uint8_t flags = (p.source == peer_source::learned ? flag_learned : 0)
                    | (p.last_connected_ms ? flag_connected : 0)
                    | (p.last_failure_ms ? flag_failure : 0);
    w.put_u8(flags);
    w.put_i64(p.updated_ms);
    if (p.last_connected_ms) w.put_i64(*p.last_connected_ms);
    if (p.last_failure_ms) w.put_i64(*p.last_failure_ms);
    w.put_varint(p.failures);
  }
  return w.take();
}

bool peer_cache::decode(const bytes& data, peer_cache& out) {
  storage::byte_reader r{data};
  auto version = r.get_u8();
  auto count = r.get_varint();
  if (!version || *version != snapshot_version || !count || *count > max_snapshot_peers
      || *count > r.remaining() / min_record_size)
    return false;
  peer_cache tmp{out.limits_};
  for (uint64_t k = 0; k < *count; ++k) {
    auto id = read_id(r);
    auto key = read_key(r);
    auto address = read_address(r);
    auto flags = r.get_u8();
    auto updated = r.get_i64();
    if (!id || !key || !address || !flags || (*flags & ~7) != 0 || !updated) return false;
    peer_record p;
    if (*flags & flag_connected) {
      auto t = r.get_i64();
      if (!t) return false;
      p.last_connected_ms = *t;
    }
    if (*flags & flag_failure) {
      auto t = r.get_i64();
      if (!t) return false;
      p.last_failure_ms = *t;
    }
    auto failures = r.get_varint();
    if (!failures || *failures > std::numeric_limits<uint32_t>::max()
        || (*failures > 0 && !p.last_failure_ms))
      return false;
    // Lowercase hex sorts like the raw bytes: strictly ascending ids are canonical.
    if (!tmp.peers_.empty() && !(tmp.peers_.rbegin()->first < *id)) return false;
    p.node_id = *id;
    p.public_key = *key;
    p.address = std::move(*address);
    p.source = (*flags & flag_learned) ? peer_source::learned : peer_source::bootstrap;
    p.updated_ms = *updated;
    p.failures = static_cast<uint32_t>(*failures);
    tmp.peers_.emplace_hint(tmp.peers_.end(), std::move(*id), std::move(p));
  }
  if (!r.at_end()) return false;
  out = std::move(tmp);
  return true;
}

// -- queries ----------------------------------------------------------------------

const peer_record* peer_cache::find(std::string_view node_id) const {
  auto id = parse_node_id(node_id);
  if (!id) return nullptr;
  auto i = peers_.find(*id);
  return i == peers_.end() ? nullptr : &i->second;
}

}  // namespace nz::peer
