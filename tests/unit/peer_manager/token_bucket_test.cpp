// token_bucket: burst, exact refill without drift, huge gaps and a clock that
// steps back.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "actors/peer/manager/token_bucket.hpp"

using nz::peer::token_bucket;
using nz::peer::token_bucket_config;

namespace {

token_bucket_config per_second(uint64_t rate, uint64_t burst) {
  token_bucket_config c;
  c.rate = rate;
  c.per_ms = 1000;
  c.burst = burst;
  return c;
}

}  // namespace

TEST_CASE("a new bucket holds a full burst and refuses the token after it") {
  token_bucket b{per_second(10, 10), 0};
  CHECK(b.full(0));
  CHECK(b.available(0) == 10);
  for (int i = 0; i < 10; ++i) CHECK(b.take(1, 0));
  CHECK_FALSE(b.take(1, 0));
  CHECK(b.available(0) == 0);
  CHECK(b.retry_after_ms(1, 0) == 100);
}

TEST_CASE("take takes all requested tokens or none") {
  token_bucket b{per_second(10, 10), 0};
  CHECK(b.take(7, 0));
  CHECK_FALSE(b.take(4, 0));
  CHECK(b.available(0) == 3);
  CHECK(b.take(3, 0));
  CHECK(b.take(0, 0));
  CHECK_FALSE(b.take(11, 1'000'000));  // more than the burst: never
  CHECK_FALSE(b.retry_after_ms(11, 0));
}

TEST_CASE("tokens come back at exactly the configured rate") {
  token_bucket b{per_second(10, 10), 0};
  REQUIRE(b.take(10, 0));
  CHECK_FALSE(b.take(1, 99));
  CHECK(b.take(1, 100));
  CHECK_FALSE(b.take(1, 199));
  CHECK(b.retry_after_ms(1, 199) == 1);
  // 990 units at 199 (99 ms after the take at 100) + 10 per ms: full at 1100.
  CHECK(b.available(1099) == 9);
  CHECK(b.retry_after_ms(10, 1050) == 50);
  CHECK_FALSE(b.full(1099));
  CHECK(b.full(1100));
  CHECK(b.available(100'000) == 10);  // capped at the burst
}

TEST_CASE("refill has no drift however often it is polled") {
  // 3 tokens per 1000 ms does not divide evenly into milliseconds.
  token_bucket_config c;
  c.rate = 3;
  c.per_ms = 1000;
  c.burst = 100;
  token_bucket polled{c, 0};
  token_bucket once{c, 0};
  REQUIRE(polled.take(100, 0));
  REQUIRE(once.take(100, 0));
  for (int64_t t = 7; t <= 20'000; t += 7) REQUIRE(polled.take(0, t));
  int64_t end = 20'000 - 20'000 % 7;
  CHECK(polled.available(end) == once.available(end));
  CHECK(once.available(end) == static_cast<uint64_t>(end * 3 / 1000));
  // Taking along the way loses nothing either: 60 tokens arrive in 20 s.
  token_bucket spender{c, 0};
  REQUIRE(spender.take(100, 0));
  uint64_t taken = 0;
  for (int64_t t = 1; t <= 20'000; ++t)
    if (spender.take(1, t)) ++taken;
  CHECK(taken == 60);
}

TEST_CASE("huge gaps fill the bucket without overflow") {
  constexpr auto min = std::numeric_limits<int64_t>::min();
  constexpr auto max = std::numeric_limits<int64_t>::max();
  token_bucket_config c;
  c.rate = token_bucket::max_setting;
  c.per_ms = static_cast<int64_t>(token_bucket::max_setting);
  c.burst = token_bucket::max_setting;
  token_bucket b{c, min};
  REQUIRE(b.take(token_bucket::max_setting, min));
  CHECK(b.available(min) == 0);
  CHECK(b.available(max) == token_bucket::max_setting);
  CHECK(b.full(max));
  CHECK(b.take(token_bucket::max_setting, max));
  CHECK(b.retry_after_ms(token_bucket::max_setting, max)
        == static_cast<int64_t>(token_bucket::max_setting));
}

TEST_CASE("a clock stepping back counts as no elapsed time") {
  token_bucket b{per_second(10, 10), 10'000};
  REQUIRE(b.take(10, 10'000));
  CHECK(b.available(5'000) == 0);
  CHECK_FALSE(b.take(1, 5'000));  // rebased at 5 000, no credit for the jump
  CHECK_FALSE(b.take(1, 5'099));
  CHECK(b.take(1, 5'100));  // time counts again from the earlier clock
}

TEST_CASE("a zero rate never refills and settings are clamped") {
  token_bucket_config c;
  c.rate = 0;
  c.per_ms = 0;
  c.burst = 2;
  token_bucket b{c, 0};
  CHECK(b.config().per_ms == 1);
  REQUIRE(b.take(2, 0));
  CHECK_FALSE(b.take(1, 1'000'000'000));
  CHECK_FALSE(b.retry_after_ms(1, 0));
  c.rate = std::numeric_limits<uint64_t>::max();
  c.burst = std::numeric_limits<uint64_t>::max();
  c.per_ms = std::numeric_limits<int64_t>::max();
  token_bucket big{c, 0};
  CHECK(big.config().rate == token_bucket::max_setting);
  CHECK(big.config().burst == token_bucket::max_setting);
  CHECK(big.config().per_ms == static_cast<int64_t>(token_bucket::max_setting));
}
