// node_info: boot entries, unclean counting, the 1 KiB detail bound and the
// snapshot codec under hostile input.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/node_info/node_info.hpp"
#include "storage/byte_codec.hpp"

using nz::node_info;

namespace {

node_info booted() {
  node_info n;
  n.apply(node_info::boot_change(false, 1000, ""));
  n.apply(node_info::boot_change(true, 2000, "replayed 12 entries"));
  n.apply(node_info::boot_change(false, 3000, "ignored for a clean boot"));
  return n;
}

}  // namespace

TEST_CASE("the first boot sets the first start time") {
  node_info n;
  n.apply(node_info::boot_change(false, 1000, ""));
  CHECK(n.first_start_ms == 1000);
  CHECK(n.boot_count == 1);
  CHECK(n.unclean_shutdowns == 0);
  CHECK(n.last_boot_ms == 1000);
  CHECK(n.last_recovery_ms == 0);
  CHECK(n.last_recovery.empty());
}

TEST_CASE("an unclean boot is counted and records its recovery") {
  auto n = booted();
  CHECK(n.first_start_ms == 1000);
  CHECK(n.boot_count == 3);
  CHECK(n.unclean_shutdowns == 1);
  CHECK(n.last_boot_ms == 3000);
  // A later clean boot keeps what the last recovery found.
  CHECK(n.last_recovery_ms == 2000);
  CHECK(n.last_recovery == "replayed 12 entries");
  n.apply(node_info::boot_change(true, 4000, "second"));
  CHECK(n.unclean_shutdowns == 2);
  CHECK(n.last_recovery_ms == 4000);
  CHECK(n.last_recovery == "second");
  CHECK(n.first_start_ms == 1000);
}

TEST_CASE("the recovery detail is truncated to 1 KiB") {
  std::string detail(5000, 'd');
  detail[1023] = 'e';
  detail[1024] = 'f';
  node_info n;
  n.apply(node_info::boot_change(true, 1, detail));
  CHECK(n.last_recovery.size() == 1024);
  CHECK(n.last_recovery.back() == 'e');
  CHECK(n.last_recovery == detail.substr(0, 1024));
  node_info exact;
  exact.apply(node_info::boot_change(true, 1, std::string(1024, 'x')));
  CHECK(exact.last_recovery.size() == 1024);
}

TEST_CASE("boot entries are deterministic") {
  CHECK(node_info::boot_change(true, 77, "x") == node_info::boot_change(true, 77, "x"));
  CHECK(node_info::boot_change(true, 77, "x") != node_info::boot_change(false, 77, "x"));
}

TEST_CASE("encode then decode gives an equal node_info") {
  auto n = booted();
  node_info copy;
  REQUIRE(node_info::decode(n.encode(), copy));
  CHECK(copy == n);
  node_info empty;
  node_info target = n;
  REQUIRE(node_info::decode(empty.encode(), target));
  CHECK(target == empty);
  // Replaying more entries on both keeps them equal.
  n.apply(node_info::boot_change(true, 5000, "z"));
  copy.apply(node_info::boot_change(true, 5000, "z"));
  CHECK(copy == n);
}

TEST_CASE("extreme values round-trip") {
  node_info n;
  n.first_start_ms = INT64_MIN;
  n.boot_count = UINT64_MAX;
  n.unclean_shutdowns = UINT64_MAX - 1;
  n.last_boot_ms = INT64_MAX;
  n.last_recovery_ms = -1;
  n.last_recovery = std::string(1024, '\0');
  node_info copy;
  REQUIRE(node_info::decode(n.encode(), copy));
  CHECK(copy == n);
}

TEST_CASE("decode rejects a wrong version") {
  auto snap = booted().encode();
  for (uint8_t v : {0, 2, 255}) {
    auto bad = snap;
    bad[0] = v;
    node_info out;
    CHECK_FALSE(node_info::decode(bad, out));
  }
}

TEST_CASE("decode rejects every truncation and trailing bytes and changes nothing") {
  auto snap = booted().encode();
  node_info sentinel;
  sentinel.apply(node_info::boot_change(true, 42, "sentinel"));
  for (size_t n = 0; n < snap.size(); ++n) {
    std::vector<uint8_t> prefix(snap.begin(), snap.begin() + static_cast<ptrdiff_t>(n));
    auto out = sentinel;
    CAPTURE(n);
    CHECK_FALSE(node_info::decode(prefix, out));
    CHECK(out == sentinel);
  }
  auto trailing = snap;
  trailing.push_back(0);
  auto out = sentinel;
  CHECK_FALSE(node_info::decode(trailing, out));
  CHECK(out == sentinel);
}

TEST_CASE("decode rejects a recovery note longer than 1 KiB") {
  nz::storage::byte_writer w;
  w.put_u8(1);
  w.put_i64(0);
  w.put_varint(1);
  w.put_varint(0);
  w.put_i64(0);
  w.put_i64(0);
  w.put_string(std::string(1025, 'n'));
  node_info out;
  CHECK_FALSE(node_info::decode(w.bytes(), out));
}

TEST_CASE("decode survives random bytes and whatever it accepts re-encodes identically") {
  std::mt19937_64 rng{77};
  auto snap = booted().encode();
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> data;
    if (i % 2 == 0) {
      data.resize(rng() % 48);
      for (auto& b : data) b = static_cast<uint8_t>(rng());
      if (!data.empty() && i % 4 == 0) data[0] = 1;
    } else {
      data = snap;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
        data[rng() % data.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    node_info out;
    if (node_info::decode(data, out)) {
      ++accepted;
      CHECK(out.encode() == data);
    }
  }
  MESSAGE("accepted " << accepted << " of 20000 random inputs");
}

TEST_CASE("apply throws on malformed entries and leaves the state alone") {
  auto n = booted();
  auto before = n;
  CHECK_THROWS_AS(n.apply({}), std::runtime_error);
  auto good = node_info::boot_change(true, 5, "detail");
  for (size_t k = 0; k < good.size(); ++k)
    CHECK_THROWS_AS(n.apply(std::vector<uint8_t>(
                        good.begin(), good.begin() + static_cast<ptrdiff_t>(k))),
                    std::runtime_error);
  auto trailing = good;
  trailing.push_back(1);
  CHECK_THROWS_AS(n.apply(trailing), std::runtime_error);
  auto bad_tag = good;
  bad_tag[0] = 2;
  CHECK_THROWS_AS(n.apply(bad_tag), std::runtime_error);
  nz::storage::byte_writer w;
  w.put_u8(1);
  w.put_u8(1);
  w.put_i64(5);
  w.put_string(std::string(1025, 'x'));
  CHECK_THROWS_AS(n.apply(w.bytes()), std::runtime_error);
  CHECK(n == before);
}
