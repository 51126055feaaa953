#include "actors/node_info/node_info.hpp"

#include <stdexcept>

#include "storage/byte_codec.hpp"

namespace nz {

namespace {

constexpr uint8_t boot_tag = 1;
constexpr uint8_t snapshot_version = 1;
constexpr size_t max_detail = 1024;

}  // namespace

std::vector<uint8_t> node_info::boot_change(bool unclean, int64_t now_ms,
                                            std::string detail) {
  if (detail.size() > max_detail) detail.resize(max_detail);
  storage::byte_writer w;
  w.put_u8(boot_tag);
  w.put_u8(unclean ? 1 : 0);
  w.put_i64(now_ms);
  w.put_string(detail);
  return w.take();
}

void node_info::apply(const std::vector<uint8_t>& change) {
  storage::byte_reader r{change};
  auto tag = r.get_u8();
  auto unclean = r.get_u8();
  auto now = r.get_i64();
  auto detail = r.get_string(max_detail);
  // Entries come only from boot_change and pass a checksum in storage, so a
  // malformed one is a programming error: fail loudly (the actor restarts and the
  // replay reports it) rather than guess.
  if (!tag || *tag != boot_tag || !unclean || !now || !detail || !r.at_end())
    throw std::runtime_error("node_info: malformed journal entry");
  if (boot_count == 0) first_start_ms = *now;
  ++boot_count;
  last_boot_ms = *now;
  if (*unclean != 0) {
    ++unclean_shutdowns;
    last_recovery_ms = *now;
    last_recovery = std::move(*detail);
  }
}

std::vector<uint8_t> node_info::encode() const {
  storage::byte_writer w;
  w.put_u8(snapshot_version);
  w.put_i64(first_start_ms);
  w.put_varint(boot_count);
  w.put_varint(unclean_shutdowns);
  w.put_i64(last_boot_ms);
  w.put_i64(last_recovery_ms);
  w.put_string(last_recovery);
  return w.take();
}

bool node_info::decode(const std::vector<uint8_t>& data, node_info& out) {
  storage::byte_reader r{data};
  auto version = r.get_u8();
  if (!version || *version != snapshot_version) return false;
  auto first = r.get_i64();
  auto boots = r.get_varint();
  auto unclean = r.get_varint();
  auto last_boot = r.get_i64();
  auto last_rec = r.get_i64();
  auto note = r.get_string(max_detail);
  if (!first || !boots || !unclean || !last_boot || !last_rec || !note || !r.at_end())
    return false;
  out.first_start_ms = *first;
  out.boot_count = *boots;
  out.unclean_shutdowns = *unclean;
  out.last_boot_ms = *last_boot;
  out.last_recovery_ms = *last_rec;
  out.last_recovery = std::move(*note);
  return true;
}

bool operator==(const node_info& a, const node_info& b) {
  return a.first_start_ms == b.first_start_ms && a.boot_count == b.boot_count
         && a.unclean_shutdowns == b.unclean_shutdowns && a.last_boot_ms == b.last_boot_ms
         && a.last_recovery_ms == b.last_recovery_ms
         && a.last_recovery == b.last_recovery;
}

}  // namespace nz
