// trust_set snapshots: round trip, canonicality and hostile bytes.
#include <doctest/doctest.h>

#include <algorithm>

#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/trust_set.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

struct fixture {
  test_key me = key(1), a = key(2), b = key(3);
  pubkey s = key(9).pk, s2 = key(10).pk;
  issuer_book book;
  trust_set ts{me.pk};

  fixture() {
    for (const auto& x :
         {book.set_level(me, a.pk, level::high), book.delegate(me, a.pk, 2, level::high),
          book.set_level(me, b.pk, level::medium), book.revoke(me, s2),
          book.set_level(a, s, level::high), book.delegate(a, b.pk, 1, level::low),
          book.revoke(a, key(11).pk), book.set_level(b, s, level::low)})
      REQUIRE(ts.apply(x) == apply_status::applied);
  }
};

// Writes snapshot bytes field by field (the layout of trust_set_codec.cpp).
struct snap_writer {
  nz::storage::byte_writer w;
  explicit snap_writer(const pubkey& own) {
    const uint8_t magic[4] = {'N', 'Z', 'T', 'S'};
    w.put_raw(magic, 4);
    w.put_u8(1);
    key(own);
  }
  void key(const pubkey& k) { w.put_raw(k.data(), k.size()); }
  void record(uint8_t flags, const std::vector<signed_assertion>& xs) {
    w.put_u8(flags);
    for (const auto& x : xs) encode_to(w, x);
  }
  std::vector<uint8_t> bytes() const { return w.bytes(); }
};

trust_errc decode_code(const std::vector<uint8_t>& b, const pubkey& own) {
  auto r = trust_set::decode(b.data(), b.size(), own);
  REQUIRE_FALSE(r);
  return r.error().code;
}

}  // namespace

TEST_CASE_FIXTURE(fixture, "a snapshot decodes to an equal set with the same answers") {
  auto bytes = ts.encode();
  auto back = trust_set::decode(bytes.data(), bytes.size(), me.pk);
  REQUIRE(back);
  CHECK(*back == ts);
  CHECK(back->encode() == bytes);
  CHECK(back->next_own_seq() == ts.next_own_seq());
  CHECK(back->trusted_count() == ts.trusted_count());
  CHECK(back->own_delegates() == ts.own_delegates());
  for (const auto& k : ts.known_keys()) {
    auto x = effective_trust(ts, k, t0), y = effective_trust(*back, k, t0);
    CHECK(x.lvl == y.lvl);
    CHECK(x.revoked == y.revoked);
    CHECK(x.path == y.path);
    CHECK(*back->find_node_id(node_id_of(k)) == k);
  }
  trust_set empty{me.pk};
  auto e = empty.encode();
  auto eb = trust_set::decode(e.data(), e.size(), me.pk);
  REQUIRE(eb);
  CHECK(*eb == empty);
}

TEST_CASE_FIXTURE(fixture, "a snapshot of another node's key is refused") {
  auto bytes = ts.encode();
  auto r = trust_set::decode(bytes.data(), bytes.size(), a.pk);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("another node key") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "every truncation and trailing bytes are refused") {
  auto bytes = ts.encode();
  for (size_t n = 0; n < bytes.size(); ++n)
    CHECK_FALSE(trust_set::decode(bytes.data(), n, me.pk));
  bytes.push_back(0);
  CHECK(decode_code(bytes, me.pk) == trust_errc::malformed);
}

TEST_CASE_FIXTURE(fixture, "a flipped byte is refused or decodes canonically") {
  auto bytes = ts.encode();
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= 0x04;
    auto r = trust_set::decode(bad.data(), bad.size(), me.pk);
    if (r) CHECK(r->encode() == bad);  // e.g. a flipped signature byte
  }
}

TEST_CASE_FIXTURE(fixture, "hostile snapshots are refused with the reason") {
  auto own_set = book.set_level(me, a.pk, level::high);
  auto own_del = book.delegate(me, a.pk, 1, level::low);
  auto msg = [&](const snap_writer& w) {
    auto b = w.bytes();
    auto r = trust_set::decode(b.data(), b.size(), me.pk);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == trust_errc::malformed);
    return r.error().message;
  };
  auto tail = [&](snap_writer& w, std::vector<pubkey> known) {
    w.w.put_varint(0);  // no foreign issuers
    w.w.put_varint(1);
    w.key(me.pk);
    w.w.put_varint(1000);  // highest own seq
    std::sort(known.begin(), known.end());
    w.w.put_varint(known.size());
    for (auto& k : known) w.key(k);
  };
  {  // a valid baseline
    snap_writer w{me.pk};
    w.w.put_varint(1);
    w.key(a.pk);
    w.record(3, {own_set, own_del});
    tail(w, {me.pk, a.pk});
    auto b = w.bytes();
    CHECK(trust_set::decode(b.data(), b.size(), me.pk));
  }
  for (uint8_t flags : {0, 8, 5, 7}) {
    snap_writer w{me.pk};
    w.w.put_varint(1);
    w.key(a.pk);
    w.record(flags, {own_set});
    tail(w, {me.pk, a.pk});
    CHECK(msg(w).find("flags") != std::string::npos);
  }
  {  // a delegate in the set_level slot
    snap_writer w{me.pk};
    w.w.put_varint(1);
    w.key(a.pk);
    w.record(1, {own_del});
    tail(w, {me.pk, a.pk});
    CHECK(msg(w).find("wrong kind") != std::string::npos);
  }
  {  // an own record holding someone else's assertion
    snap_writer w{me.pk};
    w.w.put_varint(1);
    w.key(a.pk);
    w.record(1, {book.set_level(b, a.pk, level::high)});
    tail(w, {me.pk, a.pk});
    CHECK(msg(w).find("wrong issuer") != std::string::npos);
  }
  {  // unsorted subjects
    auto lo = std::min(a.pk, b.pk), hi = std::max(a.pk, b.pk);
    snap_writer w{me.pk};
    w.w.put_varint(2);
    w.key(hi);
    w.record(1, {book.set_level(me, hi, level::low, t0, 0)});
    w.key(lo);
    w.record(1, {book.set_level(me, lo, level::low)});
    tail(w, {me.pk, a.pk, b.pk});
    CHECK(msg(w).find("ascending") != std::string::npos);
  }
  {  // a held seq above the issuer's highest
    auto big = own_set;
    big.a.issuer_seq = 1001;
    snap_writer w2{me.pk};
    w2.w.put_varint(1);
    w2.key(a.pk);
    w2.record(1, {big});
    tail(w2, {me.pk, a.pk});
    CHECK(msg(w2).find("above highest") != std::string::npos);
  }
  {  // a key missing from the known set
    snap_writer w{me.pk};
    w.w.put_varint(1);
    w.key(a.pk);
    w.record(1, {own_set});
    tail(w, {me.pk});
    CHECK(msg(w).find("known") != std::string::npos);
  }
  {  // an issuer with no subjects
    snap_writer w{me.pk};
    w.w.put_varint(0);
    w.w.put_varint(1);
    w.key(a.pk);
    w.w.put_varint(0);
    CHECK(msg(w).find("subject count") != std::string::npos);
  }
  {  // huge counts with nothing behind them fail at once
    snap_writer w{me.pk};
    w.w.put_varint(~uint64_t{0});
    CHECK(msg(w).find("truncated") != std::string::npos);
  }
  {  // an own record about this node itself
    snap_writer w{me.pk};
    w.w.put_varint(1);
    w.key(me.pk);
    w.record(1, {own_set});
    tail(w, {me.pk});
    CHECK(msg(w).find("about this node") != std::string::npos);
  }
}
