// phi_accrual: the formula, the suspicion bound for one-second heartbeats
// (derived independently below), jitter, monotonicity and numeric safety.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "actors/peer/manager/phi_accrual.hpp"

using nz::peer::phi_accrual;
using nz::peer::phi_accrual_config;

namespace {

// The reference formula, written out again: phi = log10(1 + e^z),
// z = y (1.5976 + 0.070566 y^2).
double reference_phi(double y) {
  double z = y * (1.5976 + 0.070566 * y * y);
  return std::log10(1 + std::exp(z));
}

// The y at which reference_phi reaches `threshold`, by bisection.
double y_at(double threshold) {
  double lo = -10, hi = 50;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    (reference_phi(mid) < threshold ? lo : hi) = mid;
  }
  return hi;
}

// Heartbeats at `start`, then after each interval in turn; returns the last time.
int64_t feed(phi_accrual& d, int64_t start, const std::vector<int64_t>& intervals) {
  int64_t t = start;
  d.heartbeat(t);
  for (auto dt : intervals) d.heartbeat(t += dt);
  return t;
}

std::vector<int64_t> repeat(std::vector<int64_t> pattern, size_t times) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < times; ++i)
    out.insert(out.end(), pattern.begin(), pattern.end());
  return out;
}

// CHECKs that suspect_at_ms() is the first millisecond with phi >= 8 and returns
// its distance from the last heartbeat.
int64_t checked_suspicion_delay(const phi_accrual& d, int64_t last) {
  auto at = d.suspect_at_ms();
  REQUIRE(at);
  CHECK(d.phi(*at - 1) < 8.0);
  CHECK(d.phi(*at) >= 8.0);
  CHECK(d.available(*at - 1));
  CHECK_FALSE(d.available(*at));
  return *at - last;
}

}  // namespace

TEST_CASE("the reference root for threshold 8 is y = 5.226") {
  // Derivation used below: silence is suspected after
  //   mean + acceptable_pause + y8 * max(stddev, min_stddev)
  // with y8 the root of log10(1 + e^z(y)) = 8, i.e. z(y) = ln(1e8 - 1) = 18.4207.
  CHECK(y_at(8.0) == doctest::Approx(5.226).epsilon(1e-4));
}

TEST_CASE("before the first heartbeat a peer is available with phi 0") {
  phi_accrual d;
  CHECK(d.phi(0) == 0.0);
  CHECK(d.phi(std::numeric_limits<int64_t>::max()) == 0.0);
  CHECK(d.available(123456));
  CHECK_FALSE(d.suspect_at_ms());
  CHECK_FALSE(d.last_heartbeat_ms());
  CHECK(d.samples() == 0);
}

TEST_CASE(
    "the first heartbeat seeds the window with the estimate plus and minus a quarter") {
  phi_accrual d;
  d.heartbeat(10'000);
  CHECK(d.samples() == 2);
  CHECK(d.mean_ms() == 1000.0);
  CHECK(d.stddev_ms() == 250.0);
  // 1000 + 2000 + 250 * y8 = 4306.5 -> the first whole millisecond is 4307.
  auto delay = checked_suspicion_delay(d, 10'000);
  CHECK(delay == static_cast<int64_t>(std::ceil(3000 + 250 * y_at(8.0))));
  CHECK(delay == 4307);
}

TEST_CASE("steady one-second heartbeats keep phi low") {
  phi_accrual d;
  auto last = feed(d, 0, repeat({1000}, 300));
  CHECK(d.samples() == 200);
  CHECK(d.mean_ms() == 1000.0);
  CHECK(d.stddev_ms() == 0.0);
  // Up to the acceptable pause the peer is as good as certainly alive.
  CHECK(d.phi(last + 1000) < 1e-12);
  CHECK(d.phi(last + 2500) < 1e-6);
  // At mean + pause, y = 0 and phi = log10(2).
  CHECK(d.phi(last + 3000) == doctest::Approx(std::log10(2.0)));
  CHECK(d.available(last + 3000));
}

TEST_CASE(
    "silence after steady one-second heartbeats is suspected after exactly 3523 ms") {
  phi_accrual d;
  auto last = feed(d, 5'000, repeat({1000}, 300));
  // stddev 0 is floored to 100: 1000 + 2000 + 100 * 5.226 = 3522.6.
  auto delay = checked_suspicion_delay(d, last);
  CHECK(delay == static_cast<int64_t>(std::ceil(3000 + 100 * y_at(8.0))));
  CHECK(delay == 3523);
}

TEST_CASE("jittery history widens the suspicion bound as mean + pause + 5.226 sd") {
  // Intervals alternating 1000 - j and 1000 + j: mean 1000, stddev exactly j.
  int64_t previous = 0;
  for (int64_t j : {0, 100, 250, 500, 1000}) {
    CAPTURE(j);
    phi_accrual d;
    auto last = feed(d, 0, repeat({1000 - j, 1000 + j}, 150));
    REQUIRE(d.mean_ms() == 1000.0);
    REQUIRE(d.stddev_ms() == doctest::Approx(static_cast<double>(j)));
    auto delay = checked_suspicion_delay(d, last);
    double sd = std::max<double>(static_cast<double>(j), 100.0);
    CHECK(delay == static_cast<int64_t>(std::ceil(3000 + sd * y_at(8.0))));
    CHECK(delay >= previous);
    previous = delay;
  }
  // j = 1000 (intervals of 0 and 2 s): 3000 + 5226.0.
  CHECK(previous == 8226);
}

TEST_CASE("random jitter gives the bound of the window's own mean and stddev") {
  std::mt19937_64 rng{7};
  std::uniform_int_distribution<int64_t> jitter{500, 1500};
  std::vector<int64_t> intervals;
  for (int i = 0; i < 500; ++i) intervals.push_back(jitter(rng));
  phi_accrual d;
  auto last = feed(d, 0, intervals);
  // Every interval is far below the bound, so the window is the last 200.
  double sum = 0, sum_sq = 0;
  for (size_t i = intervals.size() - 200; i < intervals.size(); ++i) {
    sum += static_cast<double>(intervals[i]);
    sum_sq += static_cast<double>(intervals[i] * intervals[i]);
  }
  double mean = sum / 200;
  double sd = std::sqrt(sum_sq / 200 - mean * mean);
  CHECK(d.mean_ms() == doctest::Approx(mean));
  CHECK(d.stddev_ms() == doctest::Approx(sd));
  auto delay = checked_suspicion_delay(d, last);
  CHECK(static_cast<double>(delay)
        == doctest::Approx(mean + 2000 + sd * y_at(8.0)).epsilon(1e-3));
  // Uniform jitter of +-500 ms has sd ~289 ms: suspicion after ~4.5 s.
  CHECK(delay > 4200);
  CHECK(delay < 4800);
}

TEST_CASE(
    "for one-second heartbeats suspicion comes between 3.5 s and 12 s while the stddev "
    "stays under 1.72 s") {
  // bound(sd) = 3000 + 5.226 * max(sd, 100): 3522.6 ms at the floor and 12 s at
  // sd = 9000 / 5.226 = 1722.2 ms.
  double y8 = y_at(8.0);
  CHECK(3000 + 100 * y8 == doctest::Approx(3522.6).epsilon(1e-4));
  CHECK(9000 / y8 == doctest::Approx(1722.2).epsilon(1e-3));
  // The largest stddev the alternating pattern can reach with a 1 s mean is
  // 1000 (intervals 0 and 2000), well inside.
  phi_accrual d;
  auto last = feed(d, 0, repeat({0, 2000}, 150));
  auto delay = checked_suspicion_delay(d, last);
  CHECK(delay >= 3523);
  CHECK(delay <= 12'000);
}

TEST_CASE("phi grows monotonically with silence and stays finite") {
  phi_accrual d;
  auto last = feed(d, 0, repeat({900, 1100}, 100));
  double prev = -1;
  for (int64_t dt = -10'000; dt <= 100'000; dt += 7) {
    double p = d.phi(last + dt);
    REQUIRE(std::isfinite(p));
    REQUIRE(p >= 0);
    REQUIRE(p >= prev);
    prev = p;
  }
  // Strictly increasing through the interesting range.
  for (int64_t dt = 2500; dt < 5000; ++dt)
    REQUIRE(d.phi(last + dt) < d.phi(last + dt + 1));
  for (int64_t t : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                    std::numeric_limits<int64_t>::max()}) {
    CAPTURE(t);
    CHECK(std::isfinite(d.phi(t)));
    CHECK(d.phi(t) >= 0);
  }
  CHECK_FALSE(d.available(std::numeric_limits<int64_t>::max()));
}

TEST_CASE("extreme timestamps keep phi and the suspicion time finite") {
  phi_accrual d;
  d.heartbeat(std::numeric_limits<int64_t>::min());
  d.heartbeat(std::numeric_limits<int64_t>::max());  // a huge gap: not recorded
  CHECK(d.samples() == 2);
  CHECK(d.suspect_at_ms() == std::numeric_limits<int64_t>::max());
  CHECK(std::isfinite(d.phi(std::numeric_limits<int64_t>::min())));
  phi_accrual e;
  e.heartbeat(std::numeric_limits<int64_t>::min());
  auto at = e.suspect_at_ms();
  REQUIRE(at);
  CHECK(*at == std::numeric_limits<int64_t>::min() + 4307);
}

TEST_CASE(
    "a heartbeat after a suspected silence restarts the clock but is not recorded") {
  phi_accrual d;
  auto last = feed(d, 0, repeat({1000}, 250));
  REQUIRE(d.samples() == 200);
  auto at = *d.suspect_at_ms();
  d.heartbeat(at + 60'000);
  CHECK(d.mean_ms() == 1000.0);
  CHECK(d.stddev_ms() == 0.0);
  CHECK(d.last_heartbeat_ms() == at + 60'000);
  CHECK(d.available(at + 61'000));
  // A gap just below the bound is recorded.
  d.heartbeat(at + 60'000 + 3500);
  CHECK(d.mean_ms() > 1000.0);
  CHECK(last < at);
}

TEST_CASE("a clock stepping back restarts the clock without a sample") {
  phi_accrual d;
  auto last = feed(d, 100'000, repeat({1000}, 10));
  auto mean = d.mean_ms();
  auto samples = d.samples();
  d.heartbeat(last - 50'000);
  CHECK(d.samples() == samples);
  CHECK(d.mean_ms() == mean);
  CHECK(d.last_heartbeat_ms() == last - 50'000);
  CHECK(d.phi(last - 49'000) < 1.0);
}

TEST_CASE("suspect_at_ms is exact for other thresholds and settings") {
  for (double threshold : {0.05, 0.5, 1.0, 3.0, 8.0, 12.0, 16.0, 50.0}) {
    for (int64_t pause : {0, 500, 3000}) {
      CAPTURE(threshold);
      CAPTURE(pause);
      phi_accrual_config c;
      c.threshold = threshold;
      c.acceptable_pause_ms = pause;
      c.min_stddev_ms = 50;
      phi_accrual d{c};
      auto last = feed(d, 1'000'000, repeat({800, 1200, 1000}, 30));
      auto at = d.suspect_at_ms();
      REQUIRE(at);
      CHECK(d.phi(*at - 1) < threshold);
      CHECK(d.phi(*at) >= threshold);
      CHECK(*at > last - 10'000);
    }
  }
}

TEST_CASE("configuration values out of range are clamped") {
  phi_accrual_config c;
  c.threshold = -1;
  c.max_samples = 0;
  c.min_stddev_ms = 0;
  c.acceptable_pause_ms = -5;
  c.first_heartbeat_estimate_ms = 0;
  phi_accrual d{c};
  CHECK(d.config().threshold == 0.01);
  CHECK(d.config().max_samples == 2);
  CHECK(d.config().min_stddev_ms == 1);
  CHECK(d.config().acceptable_pause_ms == 0);
  CHECK(d.config().first_heartbeat_estimate_ms == 1);
  c.threshold = std::nan("");
  c.max_samples = 1'000'000;
  CHECK(phi_accrual{c}.config().threshold == 8.0);
  CHECK(phi_accrual{c}.config().max_samples == 1000);
  // A full window of maximal samples does not overflow the exact sums.
  c.max_samples = 1000;
  c.threshold = 300;
  c.min_stddev_ms = phi_accrual::max_interval_ms;
  c.acceptable_pause_ms = phi_accrual::max_interval_ms;
  phi_accrual big{c};
  int64_t t = 0;
  big.heartbeat(t);
  for (int i = 0; i < 1500; ++i)
    big.heartbeat(t += (i % 2 ? phi_accrual::max_interval_ms : 0));
  CHECK(big.samples() == 1000);
  CHECK(big.mean_ms() == doctest::Approx(phi_accrual::max_interval_ms / 2.0));
  CHECK(big.stddev_ms() == doctest::Approx(phi_accrual::max_interval_ms / 2.0));
}
