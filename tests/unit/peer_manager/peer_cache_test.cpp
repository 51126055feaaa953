// peer_cache: the change rules, eviction, the strict snapshot codec, hostile
// input, and the replay property journaled<> relies on.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "actors/peer/manager/peer_cache.hpp"
#include "storage/byte_codec.hpp"

using nz::peer::ed25519_public_key;
using nz::peer::peer_cache;
using nz::peer::peer_cache_limits;
using nz::peer::peer_manager_errc;
using nz::peer::peer_source;
using bytes = std::vector<uint8_t>;

namespace {

// A node id whose bytes are all `i` (so ids sort by i).
std::string id(uint8_t i) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (int k = 0; k < 32; ++k) {
    out.push_back(digits[i >> 4]);
    out.push_back(digits[i & 15]);
  }
  return out;
}

ed25519_public_key key(uint8_t i) {
  ed25519_public_key k;
  k.fill(static_cast<uint8_t>(0xa0 ^ i));
  return k;
}

std::string addr(uint8_t i) {
  return "10.0.0." + std::to_string(i) + ":7000";
}

void upsert(peer_cache& c, uint8_t i, peer_source src, int64_t now,
            const std::string& address = "") {
  auto ch = peer_cache::upsert_change(id(i), key(i), address.empty() ? addr(i) : address,
                                      src, now);
  REQUIRE(ch);
  c.apply(*ch);
}

void connected(peer_cache& c, uint8_t i, int64_t now) {
  c.apply(*peer_cache::connected_change(id(i), now));
}

void failed(peer_cache& c, uint8_t i, int64_t now) {
  c.apply(*peer_cache::failed_change(id(i), now));
}

peer_cache limited(size_t n) {
  return peer_cache{peer_cache_limits{n}};
}

// A cache with peers in every state.
peer_cache varied() {
  peer_cache c;
  upsert(c, 1, peer_source::bootstrap, 100);
  upsert(c, 2, peer_source::learned, 200, "[2001:db8::2]:9000");
  upsert(c, 3, peer_source::learned, -300);
  connected(c, 2, 250);
  failed(c, 3, 260);
  failed(c, 3, 270);
  failed(c, 1, 280);
  connected(c, 1, 290);
  return c;
}

}  // namespace

TEST_CASE("upsert inserts a peer with no connection history") {
  peer_cache c;
  upsert(c, 7, peer_source::learned, 1234);
  REQUIRE(c.size() == 1);
  auto* p = c.find(id(7));
  REQUIRE(p);
  CHECK(p->node_id == id(7));
  CHECK(p->public_key == key(7));
  CHECK(p->address == addr(7));
  CHECK(p->source == peer_source::learned);
  CHECK(p->updated_ms == 1234);
  CHECK_FALSE(p->last_connected_ms);
  CHECK_FALSE(p->last_failure_ms);
  CHECK(p->failures == 0);
  std::string upper = id(0xab);
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(ch));
  upsert(c, 0xab, peer_source::learned, 1);
  CHECK(c.find(upper) == c.find(id(0xab)));
  CHECK(c.find("not an id") == nullptr);
}

TEST_CASE("failures count up to the next connection, which resets them") {
  peer_cache c;
  upsert(c, 1, peer_source::learned, 0);
  failed(c, 1, 10);
  failed(c, 1, 20);
  CHECK(c.find(id(1))->failures == 2);
  CHECK(c.find(id(1))->last_failure_ms == 20);
  connected(c, 1, 30);
  CHECK(c.find(id(1))->failures == 0);
  CHECK(c.find(id(1))->last_connected_ms == 30);
  CHECK(c.find(id(1))->last_failure_ms == 20);
}

TEST_CASE("failures saturate at 2^32 - 1") {
  peer_cache c;
  upsert(c, 1, peer_source::learned, 0);
  failed(c, 1, 1);
  // Patch the failure count in the snapshot: it is the last varint.
  auto snap = c.encode();
  snap.pop_back();
  nz::storage::byte_writer w;
  w.put_varint(std::numeric_limits<uint32_t>::max());
  snap.insert(snap.end(), w.bytes().begin(), w.bytes().end());
  REQUIRE(peer_cache::decode(snap, c));
  failed(c, 1, 2);
  CHECK(c.find(id(1))->failures == std::numeric_limits<uint32_t>::max());
}

TEST_CASE("a node id's public key is pinned at first sight") {
  peer_cache c;
  upsert(c, 1, peer_source::learned, 0);
  auto other =
      peer_cache::upsert_change(id(1), key(2), "evil:1", peer_source::bootstrap, 5);
  REQUIRE(other);
  CHECK(c.try_apply(*other));
  CHECK(c.find(id(1))->public_key == key(1));
  CHECK(c.find(id(1))->address == addr(1));
  CHECK(c.find(id(1))->source == peer_source::learned);
}

TEST_CASE(
    "gossip cannot move a bootstrap peer, configuration can promote a learned one") {
  peer_cache c;
  upsert(c, 1, peer_source::bootstrap, 0);
  upsert(c, 1, peer_source::learned, 10, "elsewhere:1");
  CHECK(c.find(id(1))->address == addr(1));
  CHECK(c.find(id(1))->updated_ms == 0);
  upsert(c, 1, peer_source::bootstrap, 20, "moved:2");
  CHECK(c.find(id(1))->address == "moved:2");
  CHECK(c.find(id(1))->updated_ms == 20);
  upsert(c, 2, peer_source::learned, 0);
  upsert(c, 2, peer_source::learned, 30, "new.home:3");
  CHECK(c.find(id(2))->address == "new.home:3");
  CHECK(c.find(id(2))->updated_ms == 30);
  upsert(c, 2, peer_source::bootstrap, 40);
  CHECK(c.find(id(2))->source == peer_source::bootstrap);
}

TEST_CASE("changes about unknown peers change nothing and forget removes any peer") {
  auto c = varied();
  auto before = c;
  connected(c, 99, 1);
  failed(c, 99, 1);
  c.apply(*peer_cache::forget_change(id(99)));
  CHECK(c == before);
  c.apply(*peer_cache::forget_change(id(1)));  // a bootstrap peer
  CHECK(c.size() == 2);
  CHECK(c.find(id(1)) == nullptr);
}

TEST_CASE("beyond max_peers the stalest learned peer is evicted") {
  auto c = limited(3);
  upsert(c, 1, peer_source::learned, 100);
  upsert(c, 2, peer_source::learned, 50);
  upsert(c, 3, peer_source::learned, 300);
  connected(c, 2, 10);  // connected long ago, but connected
  upsert(c, 4, peer_source::learned, 400);
  // Never-connected peers go first, the oldest update among them: 1.
  CHECK(c.size() == 3);
  CHECK(c.find(id(1)) == nullptr);
  upsert(c, 5, peer_source::learned, 500);  // evicts 3 (updated 300 < 400)
  CHECK(c.find(id(3)) == nullptr);
  connected(c, 4, 600);
  connected(c, 5, 700);
  upsert(c, 6, peer_source::learned, 800);  // the newcomer is the only never-connected
  CHECK(c.find(id(6)) == nullptr);
  CHECK(c.size() == 3);
  // Among connected peers, the oldest connection goes: 2 (at 10).
  upsert(c, 7, peer_source::bootstrap, 900);
  CHECK(c.find(id(2)) == nullptr);
  CHECK(c.find(id(7)) != nullptr);
}

TEST_CASE("equal staleness is broken by the smaller node id") {
  auto c = limited(2);
  upsert(c, 9, peer_source::learned, 5);
  upsert(c, 8, peer_source::learned, 5);
  upsert(c, 7, peer_source::learned, 5);
  CHECK(c.find(id(7)) == nullptr);  // the smallest id among three equals
  CHECK(c.size() == 2);
}

TEST_CASE(
    "bootstrap peers are never evicted, and with only them left the newcomer is "
    "dropped") {
  auto c = limited(2);
  upsert(c, 1, peer_source::bootstrap, 0);
  upsert(c, 2, peer_source::bootstrap, 0);
  upsert(c, 3, peer_source::learned, 10);
  CHECK(c.find(id(3)) == nullptr);
  upsert(c, 4, peer_source::bootstrap, 10);
  CHECK(c.find(id(4)) == nullptr);
  CHECK(c.size() == 2);
}

TEST_CASE("change constructors reject bad ids, addresses and sources") {
  auto k = key(1);
  auto r = peer_cache::upsert_change("abc", k, "h:1", peer_source::learned, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == peer_manager_errc::bad_node_id);
  r = peer_cache::upsert_change(id(1), k, "no port", peer_source::learned, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == peer_manager_errc::bad_address);
  r = peer_cache::upsert_change(id(1), k, std::string(300, 'h') + ":1",
                                peer_source::learned, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == peer_manager_errc::bad_address);
  r = peer_cache::upsert_change(id(1), k, "h:1", static_cast<peer_source>(7), 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == peer_manager_errc::bad_source);
  CHECK_FALSE(peer_cache::connected_change(std::string(64, 'x'), 0));
  CHECK_FALSE(peer_cache::failed_change("", 0));
  CHECK_FALSE(peer_cache::forget_change(id(1) + "0"));
}

TEST_CASE("malformed changes are refused and leave the state unchanged") {
  auto c = varied();
  auto before = c;
  auto up = *peer_cache::upsert_change(id(9), key(9), "h:1", peer_source::learned, 0);
  auto conn = *peer_cache::connected_change(id(1), 5);
  auto forget = *peer_cache::forget_change(id(1));
  std::vector<bytes> bad{{}, {1}, {9}};
  bad.push_back(up);
  bad.back().push_back(0);  // trailing byte
  bad.push_back(conn);
  bad.back().push_back(0);
  bad.push_back(forget);
  bad.back().push_back(0);
  for (size_t n = 0; n < up.size(); ++n) bad.emplace_back(up.begin(), up.begin() + n);
  for (size_t n = 0; n < conn.size(); ++n)
    bad.emplace_back(conn.begin(), conn.begin() + n);
  bytes bad_source = up;
  bad_source[up.size() - 2] = 2;  // source byte (now = 0 encodes as one byte)
  bad.push_back(bad_source);
  bytes bad_tag = forget;
  bad_tag[0] = 5;
  bad.push_back(bad_tag);
  bytes bad_addr = up;
  bad_addr[1 + 32 + 32 + 1] = ' ';  // the address "h:1" becomes " :1"
  bad.push_back(bad_addr);
  for (auto& b : bad) {
    CAPTURE(b.size());
    auto st = c.try_apply(b);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == peer_manager_errc::malformed_change);
    c.apply(b);
    CHECK(c == before);
  }
  CHECK(c.try_apply(up));
  CHECK(c.size() == before.size() + 1);
}

TEST_CASE("a snapshot decodes to an equal cache and re-encodes byte for byte") {
  auto c = varied();
  auto snap = c.encode();
  auto out = limited(7);
  REQUIRE(peer_cache::decode(snap, out));
  CHECK(out == c);
  CHECK(out.limits().max_peers == 7);  // limits are configuration
  CHECK(out.encode() == snap);
  peer_cache empty;
  auto e = empty.encode();
  CHECK(e == bytes{1, 0});
  REQUIRE(peer_cache::decode(e, out));
  CHECK(out.size() == 0);
}

TEST_CASE("a snapshot over max_peers decodes whole and the next insertion evicts down") {
  peer_cache big;
  for (uint8_t i = 1; i <= 10; ++i) upsert(big, i, peer_source::learned, i);
  auto small = limited(4);
  REQUIRE(peer_cache::decode(big.encode(), small));
  CHECK(small.size() == 10);
  upsert(small, 11, peer_source::learned, 11);
  CHECK(small.size() == 4);
  for (uint8_t i = 8; i <= 11; ++i) CHECK(small.find(id(i)) != nullptr);
}

TEST_CASE("hostile snapshots are refused without allocating for their claims") {
  auto c = varied();
  auto good = c.encode();
  peer_cache out;
  auto rejects = [&](const bytes& b) {
    auto before = out;
    if (peer_cache::decode(b, out)) return false;
    CHECK(out == before);  // untouched on failure
    return true;
  };
  // Every truncation.
  for (size_t n = 0; n < good.size(); ++n)
    CHECK(rejects(bytes(good.begin(), good.begin() + n)));
  // Trailing garbage, another version.
  auto trailing = good;
  trailing.push_back(0);
  CHECK(rejects(trailing));
  auto version = good;
  version[0] = 2;
  CHECK(rejects(version));
  // Counts far beyond the input (or the hard bound).
  for (uint64_t n : {uint64_t{4}, uint64_t{100'000}, uint64_t{100'001},
                     std::numeric_limits<uint64_t>::max()}) {
    nz::storage::byte_writer w;
    w.put_u8(1);
    w.put_varint(n);
    w.put_raw(good.data() + 2, good.size() - 2);
    CHECK(rejects(w.take()));
  }
  // Records out of order, or duplicated.
  auto a = limited(10), b = limited(10);
  upsert(a, 1, peer_source::learned, 0);
  upsert(b, 2, peer_source::learned, 0);
  auto ra = a.encode(), rb = b.encode();
  // Two-record snapshots from the single records of a and b.
  auto pair = [](const bytes& first, const bytes& second) {
    nz::storage::byte_writer w;
    w.put_u8(1);
    w.put_varint(2);
    w.put_raw(first.data() + 2, first.size() - 2);
    w.put_raw(second.data() + 2, second.size() - 2);
    return w.take();
  };
  CHECK(rejects(pair(rb, ra)));
  CHECK(rejects(pair(ra, ra)));
  auto ordered = pair(ra, rb);
  CHECK_FALSE(rejects(ordered));
  // Unknown flag bits; failures without a failure time; an invalid address.
  size_t flags_at = 2 + 32 + 32 + 1 + addr(1).size();
  auto flags = ra;
  flags[flags_at] |= 8;
  CHECK(rejects(flags));
  auto failures = ra;
  failures.back() = 1;
  CHECK(rejects(failures));
  auto address = ra;
  address[2 + 64 + 1] = '\n';
  CHECK(rejects(address));
}

TEST_CASE("single-byte corruptions of a snapshot either fail or decode canonically") {
  auto good = varied().encode();
  std::mt19937_64 rng{11};
  for (size_t i = 0; i < good.size(); ++i) {
    for (int k = 0; k < 8; ++k) {
      auto b = good;
      b[i] = static_cast<uint8_t>(rng());
      peer_cache out;
      if (peer_cache::decode(b, out)) REQUIRE(out.encode() == b);
    }
  }
}

TEST_CASE("replaying from a snapshot at any point equals applying every change") {
  // The journaled<> property: state = decode(snapshot at k) + changes after k.
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng{seed};
    auto pick = [&](uint64_t n) { return rng() % n; };
    std::vector<bytes> changes;
    for (int i = 0; i < 300; ++i) {
      auto p = static_cast<uint8_t>(pick(14));
      auto now = static_cast<int64_t>(pick(2000)) - 100;
      switch (pick(10)) {
        case 0:
        case 1:
        case 2: {
          // Sometimes a conflicting key.
          auto k = pick(8) == 0 ? key(static_cast<uint8_t>(p + 1)) : key(p);
          auto src = pick(5) == 0 ? peer_source::bootstrap : peer_source::learned;
          changes.push_back(*peer_cache::upsert_change(
              id(p), k, addr(static_cast<uint8_t>(pick(4))), src, now));
          break;
        }
        case 3:
        case 4:
          changes.push_back(*peer_cache::connected_change(id(p), now));
          break;
        case 5:
        case 6:
        case 7:
          changes.push_back(*peer_cache::failed_change(id(p), now));
          break;
        case 8:
          changes.push_back(*peer_cache::forget_change(id(p)));
          break;
        default: {
          bytes junk(pick(40));
          for (auto& x : junk) x = static_cast<uint8_t>(rng());
          changes.push_back(junk);
        }
      }
    }
    auto straight = limited(8);
    std::vector<bytes> snapshots;
    for (auto& ch : changes) {
      snapshots.push_back(straight.encode());
      straight.apply(ch);
    }
    for (int trial = 0; trial < 10; ++trial) {
      auto k = static_cast<size_t>(pick(changes.size()));
      auto replayed = limited(8);
      REQUIRE(peer_cache::decode(snapshots[k], replayed));
      REQUIRE(replayed.encode() == snapshots[k]);
      for (size_t i = k; i < changes.size(); ++i) replayed.apply(changes[i]);
      REQUIRE(replayed == straight);
      REQUIRE(replayed.encode() == straight.encode());
    }
    CHECK(straight.size() <= 8);
  }
}
