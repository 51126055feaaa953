// restart_tracker: the pure intensity window and backoff arithmetic.
#include <doctest/doctest.h>

#include <chrono>

#include "runtime/supervision/restart_tracker.hpp"

using namespace std::chrono_literals;
using nz::restart_policy;
using nz::restart_tracker;
using ms = std::chrono::milliseconds;

namespace {

const restart_tracker::clock::time_point t0{std::chrono::hours(1)};

restart_policy policy(size_t max_restarts, ms window, ms base, ms max) {
  restart_policy p;
  p.max_restarts = max_restarts;
  p.window = window;
  p.backoff_base = base;
  p.backoff_max = max;
  return p;
}

}  // namespace

TEST_CASE("the backoff doubles with every restart inside the window") {
  restart_tracker t{policy(10, 10s, 10ms, 10s)};
  CHECK(t.on_failure(t0) == ms{10});
  CHECK(t.on_failure(t0 + 1ms) == ms{20});
  CHECK(t.on_failure(t0 + 2ms) == ms{40});
  CHECK(t.on_failure(t0 + 3ms) == ms{80});
  CHECK(t.recent(t0 + 3ms) == 4);
}

TEST_CASE("the backoff is capped at backoff_max") {
  restart_tracker t{policy(10, 10s, 100ms, 250ms)};
  CHECK(t.on_failure(t0) == ms{100});
  CHECK(t.on_failure(t0) == ms{200});
  CHECK(t.on_failure(t0) == ms{250});
  CHECK(t.on_failure(t0) == ms{250});
}

TEST_CASE("the backoff exponent stops growing after twenty restarts") {
  restart_tracker t{policy(100, 1000h, 1ms, 1000h)};
  for (int i = 0; i < 20; ++i) CHECK(t.on_failure(t0) == ms{int64_t{1} << i});
  CHECK(t.on_failure(t0) == ms{int64_t{1} << 20});
  CHECK(t.on_failure(t0) == ms{int64_t{1} << 20});
}

TEST_CASE("a zero backoff base restarts immediately every time") {
  restart_tracker t{policy(5, 10s, 0ms, 2s)};
  for (int i = 0; i < 5; ++i) CHECK(t.on_failure(t0) == ms{0});
  CHECK_FALSE(t.on_failure(t0).has_value());
}

TEST_CASE("one failure more than max_restarts inside the window exceeds the intensity") {
  restart_tracker t{policy(3, 1s, 10ms, 2s)};
  CHECK(t.on_failure(t0));
  CHECK(t.on_failure(t0 + 100ms));
  CHECK(t.on_failure(t0 + 200ms));
  CHECK_FALSE(t.on_failure(t0 + 300ms).has_value());
  // A refused failure is not recorded.
  CHECK(t.recent(t0 + 300ms) == 3);
}

TEST_CASE("zero max_restarts exceeds the intensity on the first failure") {
  restart_tracker t{policy(0, 1s, 10ms, 2s)};
  CHECK_FALSE(t.on_failure(t0).has_value());
}

TEST_CASE("a restart leaves the window exactly window after it happened") {
  restart_tracker t{policy(2, 1000ms, 10ms, 2s)};
  REQUIRE(t.on_failure(t0));
  REQUIRE(t.on_failure(t0 + 500ms));
  CHECK(t.recent(t0 + 999ms) == 2);
  // Still inside: the intensity is exceeded one millisecond before the edge.
  restart_tracker u{t};
  CHECK_FALSE(u.on_failure(t0 + 999ms).has_value());
  // At the edge the first restart expires, so there is room for one more, and the
  // backoff exponent is the one remaining restart.
  CHECK(t.recent(t0 + 1000ms) == 1);
  CHECK(t.on_failure(t0 + 1000ms) == ms{20});
  CHECK(t.recent(t0 + 1500ms) == 1);
  CHECK(t.recent(t0 + 2000ms) == 0);
  CHECK(t.on_failure(t0 + 2000ms) == ms{10});
}

TEST_CASE("the backoff falls back to the base once earlier restarts leave the window") {
  restart_tracker t{policy(10, 1s, 10ms, 2s)};
  CHECK(t.on_failure(t0) == ms{10});
  CHECK(t.on_failure(t0 + 10ms) == ms{20});
  CHECK(t.on_failure(t0 + 5s) == ms{10});
}

TEST_CASE("the tracker reports the policy it was built with") {
  auto p = policy(7, 3s, 5ms, 70ms);
  restart_tracker t{p};
  CHECK(t.policy().max_restarts == 7);
  CHECK(t.policy().window == 3s);
  CHECK(t.policy().backoff_base == 5ms);
  CHECK(t.policy().backoff_max == 70ms);
}
