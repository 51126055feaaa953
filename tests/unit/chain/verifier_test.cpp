// chain::verifier and chain::appender: building a chain and naming the first bad
// entry for each kind of damage.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/chain/appender.hpp"
#include "runtime/chain/verifier.hpp"

using namespace nz::chain;

namespace {

constexpr char domain[] = "test-log";

std::vector<std::vector<uint8_t>> make_chain(size_t n, appender* app = nullptr) {
  appender local{domain};
  appender& a = app ? *app : local;
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < n; ++i) {
    auto e = a.next(1000 + static_cast<int64_t>(i), {static_cast<uint8_t>(i), 42});
    out.push_back(encode(e));
    a.advance(e);
  }
  return out;
}

// Feeds every entry; returns the break (or none) and the accepted count.
std::optional<break_info> run(const std::vector<std::vector<uint8_t>>& xs,
                              uint64_t* count = nullptr, uint64_t first = 1,
                              hash32 prev = {}, const char* dom = domain) {
  verifier v{dom, first, prev};
  for (const auto& x : xs)
    if (!v.feed(x.data(), x.size())) break;
  if (count) *count = v.count();
  return v.broken();
}

bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("an intact chain verifies and the verifier ends at the appender's head") {
  appender app{domain};
  auto xs = make_chain(10, &app);
  verifier v{domain};
  for (const auto& x : xs) {
    entry e;
    REQUIRE(v.feed(x.data(), x.size(), &e));
    CHECK(e.seq == v.last_seq());
  }
  CHECK_FALSE(v.broken());
  CHECK(v.count() == 10);
  CHECK(v.last_seq() == 10);
  CHECK(v.head() == app.head());
}

TEST_CASE("an appender resumed from the verifier's head continues the same chain") {
  appender app{domain};
  auto xs = make_chain(3, &app);
  verifier v{domain};
  for (const auto& x : xs) REQUIRE(v.feed(x.data(), x.size()));
  appender resumed{domain, v.last_seq(), v.head()};
  auto e = resumed.next(5, {9});
  CHECK(e == app.next(5, {9}));
  xs.push_back(encode(e));
  CHECK_FALSE(run(xs));
}

TEST_CASE("a chain verified from the middle needs the head before it") {
  appender app{domain};
  auto xs = make_chain(4, &app);
  verifier v{domain};
  REQUIRE(v.feed(xs[0].data(), xs[0].size()));
  REQUIRE(v.feed(xs[1].data(), xs[1].size()));
  std::vector<std::vector<uint8_t>> rest{xs[2], xs[3]};
  CHECK_FALSE(run(rest, nullptr, 3, v.head()));
  auto b = run(rest, nullptr, 3, hash32{});
  REQUIRE(b);
  CHECK(b->seq == 3);
  CHECK(contains(b->reason, "previous-hash mismatch"));
}

TEST_CASE("a flipped byte in an earlier entry is named at the entry after it") {
  auto xs = make_chain(8);
  // Flip a payload byte of entry 4: it still decodes, so entry 5's prev breaks.
  xs[3][xs[3].size() - 1] ^= 1;
  uint64_t count = 0;
  auto b = run(xs, &count);
  REQUIRE(b);
  CHECK(b->seq == 5);
  CHECK(b->reason == "seq 5: previous-hash mismatch");
  CHECK(count == 4);
}

TEST_CASE("a flipped byte anywhere breaks the chain at or after that entry") {
  auto xs = make_chain(5);
  for (size_t e = 0; e < xs.size(); ++e) {
    for (size_t i = 0; i < xs[e].size(); ++i) {
      auto bad = xs;
      bad[e][i] ^= 0x10;
      auto b = run(bad);
      // The last entry has no successor to catch a changed payload or time,
      // unless the change breaks its own fields.
      if (e + 1 == xs.size() && !b) continue;
      REQUIRE(b);
      CHECK(b->seq >= e + 1);
      CHECK(b->seq <= e + 2);
    }
  }
}

TEST_CASE("an entry that does not decode is named with the decoder's reason") {
  auto xs = make_chain(4);
  xs[2].push_back(0);
  auto b = run(xs);
  REQUIRE(b);
  CHECK(b->seq == 3);
  CHECK(contains(b->reason, "seq 3: does not decode: "));
  CHECK(contains(b->reason, "trailing"));
}

TEST_CASE("reordered entries are named at the first out-of-place position") {
  auto xs = make_chain(6);
  std::swap(xs[2], xs[3]);
  auto b = run(xs);
  REQUIRE(b);
  CHECK(b->seq == 3);
  CHECK(b->reason == "seq 3: gap: expected seq 3, found 4");
}

TEST_CASE("a dropped entry is named as a gap") {
  auto xs = make_chain(6);
  xs.erase(xs.begin() + 4);
  uint64_t count = 0;
  auto b = run(xs, &count);
  REQUIRE(b);
  CHECK(b->seq == 5);
  CHECK(b->reason == "seq 5: gap: expected seq 5, found 6");
  CHECK(count == 4);
}

TEST_CASE("a duplicated or replayed old entry is named as out of order") {
  auto xs = make_chain(5);
  auto dup = xs;
  dup.insert(dup.begin() + 3, xs[2]);  // entry 3 twice
  auto b = run(dup);
  REQUIRE(b);
  CHECK(b->seq == 4);
  CHECK(b->reason
        == "seq 4: out of order: expected seq 4, found 3 (replayed or reordered entry)");

  auto replay = xs;
  replay.push_back(xs[0]);
  b = run(replay);
  REQUIRE(b);
  CHECK(b->seq == 6);
  CHECK(contains(b->reason, "found 1"));
}

TEST_CASE("a chain whose first entry carries the wrong prev is refused at seq 1") {
  auto xs = make_chain(3);
  hash32 other{};
  other[31] = 1;
  auto b = run(xs, nullptr, 1, other);
  REQUIRE(b);
  CHECK(b->reason == "seq 1: previous-hash mismatch");
}

TEST_CASE("a chain made in one domain does not verify in another") {
  auto xs = make_chain(3);
  auto b = run(xs, nullptr, 1, {}, "other-log");
  REQUIRE(b);
  CHECK(b->seq == 2);
}

TEST_CASE("a verifier stays broken after the first break") {
  auto xs = make_chain(4);
  verifier v{domain};
  REQUIRE(v.feed(xs[0].data(), xs[0].size()));
  CHECK_FALSE(v.feed(xs[2].data(), xs[2].size()));
  CHECK_FALSE(v.feed(xs[1].data(), xs[1].size()));  // would have been fine
  CHECK(v.broken()->seq == 2);
  CHECK(v.count() == 1);
  CHECK(v.last_seq() == 1);
}

TEST_CASE("hostile bytes never verify and never crash") {
  std::vector<std::vector<uint8_t>> hostile = {
      {}, {1}, {1, 1}, std::vector<uint8_t>(64, 0xff), std::vector<uint8_t>(40, 0x00),
  };
  for (const auto& h : hostile) {
    verifier v{domain};
    CHECK_FALSE(v.feed(h.data(), h.size()));
    REQUIRE(v.broken());
    CHECK(v.broken()->seq == 1);
  }
}
