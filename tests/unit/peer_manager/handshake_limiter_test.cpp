// handshake_limiter: per-source rate, the global half-open limit, timeouts and
// the bound on tracked sources.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "actors/peer/manager/handshake_limiter.hpp"

using nz::peer::handshake_limiter;
using nz::peer::handshake_limits;
using nz::peer::handshake_refusal_reason;
using nz::peer::handshake_ticket;

namespace {

std::string source(int i) {
  return "10.0.0." + std::to_string(i);
}

}  // namespace

TEST_CASE("a source gets ten handshakes at once and then one per 100 ms") {
  handshake_limiter lim;
  for (int i = 0; i < 10; ++i) {
    auto a = lim.admit("192.0.2.1", 0);
    REQUIRE(a);
    CHECK(lim.finish(*a));
  }
  auto refused = lim.admit("192.0.2.1", 50);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().reason == handshake_refusal_reason::rate_per_source);
  CHECK(refused.error().retry_after_ms == 50);
  CHECK(lim.admit("192.0.2.2", 50));  // other sources are not affected
  CHECK(lim.admit("192.0.2.1", 100));
  CHECK_FALSE(lim.admit("192.0.2.1", 199));
}

TEST_CASE("at most 64 handshakes are half-open at once") {
  handshake_limiter lim;
  std::vector<handshake_ticket> tickets;
  for (int i = 0; i < 64; ++i) {
    auto a = lim.admit(source(i), 1000 + i);
    REQUIRE(a);
    tickets.push_back(*a);
  }
  CHECK(lim.half_open() == 64);
  auto refused = lim.admit("198.51.100.7", 2000);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().reason == handshake_refusal_reason::too_many_half_open);
  CHECK(refused.error().retry_after_ms == 4000);  // the first deadline is 6000
  CHECK(lim.tracked_sources() == 64);             // the refusal tracked nothing new
  CHECK(lim.finish(tickets[10]));
  CHECK_FALSE(lim.finish(tickets[10]));
  CHECK(lim.admit("198.51.100.7", 2000));
}

TEST_CASE("a half-open slot is freed when its handshake times out after 5 s") {
  handshake_limiter lim;
  auto a = lim.admit("a", 0);
  auto b = lim.admit("b", 10);
  auto c = lim.admit("c", 20);
  REQUIRE((a && b && c));
  CHECK(lim.next_deadline() == 5000);
  CHECK(lim.expire(4999).empty());
  CHECK(lim.expire(5010) == std::vector<handshake_ticket>{*a, *b});
  CHECK(lim.half_open() == 1);
  CHECK(lim.next_deadline() == 5020);
  CHECK_FALSE(lim.finish(*a));  // already expired
  CHECK(lim.finish(*c));
  CHECK_FALSE(lim.next_deadline());
  CHECK(*c > *b);
  CHECK(*b > *a);
}

TEST_CASE("tickets are never reused") {
  handshake_limiter lim;
  handshake_ticket previous = 0;
  for (int i = 0; i < 100; ++i) {
    auto t = lim.admit(source(i % 7), i * 1000);
    REQUIRE(t);
    CHECK(*t > previous);
    previous = *t;
    CHECK(lim.finish(*t));
  }
}

TEST_CASE(
    "at most max_sources sources are tracked, the least recently used going first") {
  handshake_limits l;
  l.per_source_per_s = 2;
  l.max_sources = 3;
  handshake_limiter lim{l};
  auto drain = [&](const std::string& s, int64_t now) {
    while (lim.admit(s, now)) {
    }
  };
  drain("a", 0);
  drain("b", 0);
  drain("c", 0);
  CHECK(lim.tracked_sources() == 3);
  CHECK_FALSE(lim.admit("a", 1));  // touches a: b is now the least recently used
  drain("d", 2);                   // evicts b
  CHECK(lim.tracked_sources() == 3);
  CHECK_FALSE(lim.admit("a", 3));  // still tracked, still empty
  CHECK_FALSE(lim.admit("c", 3));  // still tracked; a and d touched since
  CHECK(lim.admit("b", 4));        // forgotten: a fresh bucket
}

TEST_CASE("expire drops sources whose bucket has refilled") {
  handshake_limiter lim;
  for (int i = 0; i < 5; ++i) REQUIRE(lim.admit("x", 0));
  REQUIRE(lim.admit("y", 0));
  CHECK(lim.tracked_sources() == 2);
  lim.expire(100);  // y is full again (1 token per 100 ms), x is not
  CHECK(lim.tracked_sources() == 1);
  lim.expire(500);
  CHECK(lim.tracked_sources() == 0);
}

TEST_CASE("sources are compared on their first 255 bytes") {
  handshake_limits l;
  l.per_source_per_s = 1;
  handshake_limiter lim{l};
  std::string a(300, 'a');
  std::string b = a.substr(0, 255) + "different tail";
  CHECK(lim.admit(a, 0));
  auto r = lim.admit(b, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().reason == handshake_refusal_reason::rate_per_source);
  CHECK(lim.tracked_sources() == 1);
}

TEST_CASE("limits below 1 are raised to 1 and timeouts saturate") {
  handshake_limits l;
  l.per_source_per_s = 0;
  l.max_half_open = 0;
  l.timeout_ms = 0;
  l.max_sources = 0;
  handshake_limiter lim{l};
  CHECK(lim.limits().per_source_per_s == 1);
  CHECK(lim.limits().max_half_open == 1);
  CHECK(lim.limits().timeout_ms == 1);
  CHECK(lim.limits().max_sources == 1);
  auto t = lim.admit("a", std::numeric_limits<int64_t>::max());
  REQUIRE(t);
  CHECK(lim.next_deadline() == std::numeric_limits<int64_t>::max());
  CHECK(lim.expire(std::numeric_limits<int64_t>::max()).size() == 1);
}

TEST_CASE("refusal reasons have stable names") {
  CHECK(std::string{to_string(handshake_refusal_reason::rate_per_source)}
        == "rate_per_source");
  CHECK(std::string{to_string(handshake_refusal_reason::too_many_half_open)}
        == "too_many_half_open");
}
