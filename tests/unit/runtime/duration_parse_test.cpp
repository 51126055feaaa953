// parse_duration_ms: units, bare seconds, rejection of junk, zero and overflow.
#include <doctest/doctest.h>

#include "runtime/duration_parse.hpp"

using nz::parse_duration_ms;

TEST_CASE("durations with each unit") {
  CHECK(parse_duration_ms("500ms") == 500);
  CHECK(parse_duration_ms("90s") == 90'000);
  CHECK(parse_duration_ms("90") == 90'000);
  CHECK(parse_duration_ms("15m") == 900'000);
  CHECK(parse_duration_ms("15min") == 900'000);
  CHECK(parse_duration_ms("24h") == 86'400'000);
  CHECK(parse_duration_ms("7d") == 604'800'000);
  CHECK(parse_duration_ms("2w") == 1'209'600'000);
}

TEST_CASE("junk, zero, signs and overflow are refused") {
  for (auto bad : {"", "s", "0", "0s", "-5s", "+5s", "5 s", "5x", "5sec", "1.5h", "h5",
                   "99999999999999999999", "1000000000000d", "36600d0"})
    CHECK_MESSAGE(!parse_duration_ms(bad), bad);
  CHECK(parse_duration_ms("36600d"));   // 100 years fits
  CHECK(!parse_duration_ms("36700d"));  // past 100 years
}
