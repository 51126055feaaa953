// auth_limiter: the pure lockout and global-budget rules, the snapshot codec and
// hostile journal/snapshot input.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/operator/auth_limiter.hpp"
#include "storage/byte_codec.hpp"

using nz::auth_limiter;
using nz::auth_limits;
using nz::auth_outcome;

namespace {

auth_limits test_limits() {
  auth_limits l;
  l.max_failures = 5;
  l.lockout_ms = 1000;
  l.global_budget = 20;
  l.global_window_ms = 60000;
  l.max_clients = 10000;
  return l;
}

void fail(auth_limiter& lim, const std::string& client, int64_t now) {
  lim.apply(auth_limiter::failure_change(client, now));
}

void succeed(auth_limiter& lim, const std::string& client, int64_t now) {
  lim.apply(auth_limiter::success_change(client, now));
}

// A limiter with several clients in different states and some global failures.
auth_limiter busy_limiter() {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 5; ++i) fail(lim, "locked", 100 + i);
  fail(lim, "once", 200);
  fail(lim, "twice", 210);
  fail(lim, "twice", 220);
  fail(lim, std::string(128, 'x'), 230);
  return lim;
}

}  // namespace

TEST_CASE("five failures lock a client out for lockout_ms") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 4; ++i) fail(lim, "alice", 100 + i);
  auto d = lim.check("alice", 104);
  CHECK(d.outcome == auth_outcome::allowed);
  CHECK(d.failures == 4);
  CHECK(lim.lockouts() == 0);
  fail(lim, "alice", 104);
  CHECK(lim.lockouts() == 1);
  d = lim.check("alice", 105);
  CHECK(d.outcome == auth_outcome::locked_out);
  CHECK(d.retry_after_ms == 104 + 1000 - 105);
  // Other clients are not affected.
  CHECK(lim.check("bob", 105).outcome == auth_outcome::allowed);
}

TEST_CASE("the check right after the fifth failure reports the full lockout") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 5; ++i) fail(lim, "alice", 1000);
  auto d = lim.check("alice", 1000);
  CHECK(d.outcome == auth_outcome::locked_out);
  CHECK(d.retry_after_ms == 1000);
}

TEST_CASE("a lockout ends exactly lockout_ms after the failure that started it") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 5; ++i) fail(lim, "alice", 500);
  auto d = lim.check("alice", 1499);
  CHECK(d.outcome == auth_outcome::locked_out);
  CHECK(d.retry_after_ms == 1);
  d = lim.check("alice", 1500);
  CHECK(d.outcome == auth_outcome::allowed);
  CHECK(d.retry_after_ms == 0);
}

TEST_CASE("after a lockout ends the client needs max_failures new failures") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 5; ++i) fail(lim, "alice", 0);
  for (int i = 0; i < 4; ++i) fail(lim, "alice", 1000 + i);
  CHECK(lim.check("alice", 1004).outcome == auth_outcome::allowed);
  fail(lim, "alice", 1004);
  CHECK(lim.check("alice", 1004).outcome == auth_outcome::locked_out);
  CHECK(lim.lockouts() == 2);
}

TEST_CASE("failures older than lockout_ms stop counting") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 4; ++i) fail(lim, "alice", i);
  // The newest of the four is exactly lockout_ms old: all of them are forgotten.
  fail(lim, "alice", 1003);
  auto d = lim.check("alice", 1003);
  CHECK(d.outcome == auth_outcome::allowed);
  CHECK(d.failures == 1);
  // While the oldest is 1 ms younger than lockout_ms, all five count.
  auth_limiter other{test_limits()};
  for (int i = 0; i < 4; ++i) fail(other, "alice", i);
  fail(other, "alice", 999);
  CHECK(other.check("alice", 999).outcome == auth_outcome::locked_out);
}

TEST_CASE(
    "a failure older than lockout_ms does not count even when later ones keep coming") {
  // The header's rule: "A failure older than lockout_ms no longer counts towards
  // the next lockout." Failures 600 ms apart with lockout_ms = 1000: at t=2400 only
  // the failures at 1800 and 2400 are younger than lockout_ms.
  auth_limiter lim{test_limits()};
  for (int64_t t : {0, 600, 1200, 1800, 2400}) fail(lim, "alice", t);
  auto d = lim.check("alice", 2400);
  CHECK(d.outcome == auth_outcome::allowed);
  CHECK(lim.lockouts() == 0);
}

TEST_CASE("a success clears the failure count") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 4; ++i) fail(lim, "alice", i);
  succeed(lim, "alice", 10);
  CHECK(lim.check("alice", 10).failures == 0);
  CHECK(lim.clients().count("alice") == 0);
  for (int i = 0; i < 4; ++i) fail(lim, "alice", 20 + i);
  CHECK(lim.check("alice", 30).outcome == auth_outcome::allowed);
}

TEST_CASE("a success does not lift an active lockout") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 5; ++i) fail(lim, "alice", 0);
  succeed(lim, "alice", 10);
  auto d = lim.check("alice", 10);
  CHECK(d.outcome == auth_outcome::locked_out);
  CHECK(d.retry_after_ms == 990);
  // After the lockout a success removes the record.
  succeed(lim, "alice", 1000);
  CHECK(lim.clients().count("alice") == 0);
}

TEST_CASE("the global budget throttles fresh clients until the window frees up") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 19; ++i) fail(lim, "c" + std::to_string(i), i);
  CHECK(lim.check("fresh", 19).outcome == auth_outcome::allowed);
  fail(lim, "c19", 19);
  auto d = lim.check("fresh", 20);
  CHECK(d.outcome == auth_outcome::throttled);
  CHECK(d.retry_after_ms == 0 + 60000 - 20);
  d = lim.check("fresh", 59999);
  CHECK(d.outcome == auth_outcome::throttled);
  CHECK(d.retry_after_ms == 1);
  // The failure at t=0 leaves the window at t=60000.
  d = lim.check("fresh", 60000);
  CHECK(d.outcome == auth_outcome::allowed);
  CHECK(d.retry_after_ms == 0);
  // A client that failed before is throttled like everybody else.
  CHECK(lim.check("c3", 30).outcome == auth_outcome::throttled);
}

TEST_CASE("a locked-out client is reported as locked out rather than throttled") {
  auth_limiter lim{test_limits()};
  for (int i = 0; i < 5; ++i) fail(lim, "alice", 0);
  for (int i = 0; i < 15; ++i) fail(lim, "c" + std::to_string(i), 1);
  CHECK(lim.check("alice", 2).outcome == auth_outcome::locked_out);
  CHECK(lim.check("bob", 2).outcome == auth_outcome::throttled);
}

TEST_CASE(
    "eviction at max_clients drops the stalest unlocked client and keeps locked ones") {
  auto limits = test_limits();
  limits.max_clients = 3;
  limits.max_failures = 2;
  limits.lockout_ms = 100000;
  auth_limiter lim{limits};
  fail(lim, "locked", 0);
  fail(lim, "locked", 1);
  REQUIRE(lim.check("locked", 2).outcome == auth_outcome::locked_out);
  fail(lim, "a", 2);
  fail(lim, "b", 3);
  CHECK(lim.clients().size() == 3);
  fail(lim, "c", 4);
  CHECK(lim.clients().size() == 3);
  CHECK(lim.clients().count("locked") == 1);
  CHECK(lim.clients().count("a") == 0);
  CHECK(lim.clients().count("b") == 1);
  CHECK(lim.clients().count("c") == 1);
  fail(lim, "d", 5);
  CHECK(lim.clients().count("locked") == 1);
  CHECK(lim.clients().count("b") == 0);
  CHECK(lim.check("locked", 6).outcome == auth_outcome::locked_out);
}

TEST_CASE("eviction keeps every client when all of them are locked out") {
  auto limits = test_limits();
  limits.max_clients = 1;
  limits.max_failures = 1;
  auth_limiter lim{limits};
  fail(lim, "a", 0);
  fail(lim, "b", 1);
  CHECK(lim.clients().size() == 2);
  CHECK(lim.check("a", 2).outcome == auth_outcome::locked_out);
  CHECK(lim.check("b", 2).outcome == auth_outcome::locked_out);
}

TEST_CASE("client names are bounded to 128 bytes in entries and checks") {
  auth_limiter lim{test_limits()};
  std::string longname(200, 'q');
  for (int i = 0; i < 5; ++i) fail(lim, longname, 0);
  REQUIRE(lim.clients().size() == 1);
  CHECK(lim.clients().begin()->first == std::string(128, 'q'));
  CHECK(lim.check(longname, 1).outcome == auth_outcome::locked_out);
  CHECK(lim.check(std::string(150, 'q'), 1).outcome == auth_outcome::locked_out);
}

TEST_CASE("encode then decode gives an equal limiter that decides the same") {
  auto lim = busy_limiter();
  auth_limiter copy{test_limits()};
  REQUIRE(auth_limiter::decode(lim.encode(), copy));
  CHECK(copy == lim);
  CHECK(copy.lockouts() == 1);
  CHECK(copy.encode() == lim.encode());
  for (auto& name : {"locked", "once", "twice", "nobody"}) {
    for (int64_t t : {230, 1103, 1104, 70000}) {
      auto a = lim.check(name, t);
      auto b = copy.check(name, t);
      CAPTURE(name);
      CAPTURE(t);
      CHECK(a.outcome == b.outcome);
      CHECK(a.retry_after_ms == b.retry_after_ms);
      CHECK(a.failures == b.failures);
    }
  }
  // Applying the same entry to both keeps them equal.
  fail(lim, "once", 300);
  fail(copy, "once", 300);
  CHECK(copy == lim);
}

TEST_CASE("decode keeps the limits of the target, which are not part of a snapshot") {
  auto lim = busy_limiter();
  auto limits = test_limits();
  limits.max_failures = 9;
  auth_limiter target{limits};
  REQUIRE(auth_limiter::decode(lim.encode(), target));
  CHECK(target.limits().max_failures == 9);
}

TEST_CASE("an empty limiter round-trips") {
  auth_limiter empty{test_limits()};
  auth_limiter copy{test_limits()};
  fail(copy, "x", 1);
  REQUIRE(auth_limiter::decode(empty.encode(), copy));
  CHECK(copy == empty);
  CHECK(copy.clients().empty());
}

TEST_CASE("decode rejects every truncation of a valid snapshot and changes nothing") {
  auto snap = busy_limiter().encode();
  REQUIRE(snap.size() > 10);
  for (size_t n = 0; n < snap.size(); ++n) {
    std::vector<uint8_t> prefix(snap.begin(), snap.begin() + static_cast<ptrdiff_t>(n));
    auth_limiter target{test_limits()};
    fail(target, "sentinel", 7);
    auto before = target;
    CAPTURE(n);
    CHECK_FALSE(auth_limiter::decode(prefix, target));
    CHECK(target == before);
  }
}

TEST_CASE("decode rejects a wrong version, trailing bytes and absurd counts") {
  auto snap = busy_limiter().encode();
  auth_limiter target{test_limits()};
  auto bad = snap;
  bad[0] = 1;  // the format before per-failure timestamps
  CHECK_FALSE(auth_limiter::decode(bad, target));
  bad[0] = 3;
  CHECK_FALSE(auth_limiter::decode(bad, target));
  bad = snap;
  bad.push_back(0);
  CHECK_FALSE(auth_limiter::decode(bad, target));
  // version 2, lockouts 0, a global count of 2^63 with no bytes behind it.
  nz::storage::byte_writer w;
  w.put_u8(2);
  w.put_varint(0);
  w.put_varint(uint64_t{1} << 63);
  CHECK_FALSE(auth_limiter::decode(w.bytes(), target));
  // A client count far beyond the remaining input.
  nz::storage::byte_writer c;
  c.put_u8(2);
  c.put_varint(0);
  c.put_varint(0);
  c.put_varint(uint64_t{1} << 40);
  CHECK_FALSE(auth_limiter::decode(c.bytes(), target));
  // A count of recent failures far beyond any limit.
  nz::storage::byte_writer f;
  f.put_u8(2);
  f.put_varint(0);
  f.put_varint(0);
  f.put_varint(1);
  f.put_string("alice");
  f.put_varint(uint64_t{1} << 32);
  f.put_i64(0);
  f.put_i64(0);
  CHECK_FALSE(auth_limiter::decode(f.bytes(), target));
  CHECK(target.clients().empty());
}

TEST_CASE("decode survives random bytes and whatever it accepts re-encodes identically") {
  std::mt19937_64 rng{20240611};
  auto snap = busy_limiter().encode();
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> data;
    if (i % 2 == 0) {
      data.resize(rng() % 64);
      for (auto& b : data) b = static_cast<uint8_t>(rng());
      if (!data.empty() && i % 4 == 0) data[0] = 1;  // get past the version byte
    } else {
      data = snap;  // flip a few bytes of a valid snapshot
      for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
        data[rng() % data.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    auth_limiter out{test_limits()};
    if (auth_limiter::decode(data, out)) {
      ++accepted;
      auth_limiter again{test_limits()};
      REQUIRE(auth_limiter::decode(out.encode(), again));
      CHECK(again == out);
    }
  }
  MESSAGE("accepted " << accepted << " of 20000 random inputs");
}

TEST_CASE("apply throws on malformed journal entries") {
  auth_limiter lim{test_limits()};
  CHECK_THROWS_AS(lim.apply({}), std::runtime_error);
  auto good = auth_limiter::failure_change("alice", 5);
  for (size_t n = 0; n < good.size(); ++n)
    CHECK_THROWS_AS(lim.apply(std::vector<uint8_t>(
                        good.begin(), good.begin() + static_cast<ptrdiff_t>(n))),
                    std::runtime_error);
  auto trailing = good;
  trailing.push_back(0);
  CHECK_THROWS_AS(lim.apply(trailing), std::runtime_error);
  auto bad_tag = good;
  bad_tag[0] = 3;
  CHECK_THROWS_AS(lim.apply(bad_tag), std::runtime_error);
  bad_tag[0] = 0;
  CHECK_THROWS_AS(lim.apply(bad_tag), std::runtime_error);
  nz::storage::byte_writer w;
  w.put_u8(2);
  w.put_i64(5);
  w.put_string(std::string(129, 'n'));  // longer than any entry we write
  CHECK_THROWS_AS(lim.apply(w.bytes()), std::runtime_error);
  // Nothing was applied by the rejected entries.
  CHECK(lim.clients().empty());
  CHECK(lim == auth_limiter{test_limits()});
}
