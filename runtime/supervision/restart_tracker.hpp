// Restart intensity and backoff for one supervisor: the pure core of supervision.
//
// A supervisor may restart its children at most `max_restarts` times within any
// `window`; one more failure inside the window exceeds the intensity and the
// supervisor gives up (escalates to its parent). Between restarts it waits an
// exponentially growing delay: base, 2*base, 4*base, ... capped at `backoff_max`,
// where the exponent is the number of restarts already inside the window.
// No clocks here: callers pass `now`.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

namespace nz {

struct restart_policy {
  size_t max_restarts = 5;
  std::chrono::milliseconds window{10000};
  std::chrono::milliseconds backoff_base{10};
  std::chrono::milliseconds backoff_max{2000};
};

class restart_tracker {
 public:
  using clock = std::chrono::steady_clock;

  explicit restart_tracker(restart_policy policy) : policy_(policy) {}

  /// Records one failure at `now`. Returns the delay to wait before restarting,
  /// or nullopt when this failure exceeds the intensity.
  std::optional<std::chrono::milliseconds> on_failure(clock::time_point now);

  /// Number of restarts inside the window ending at `now`.
  size_t recent(clock::time_point now);

  const restart_policy& policy() const { return policy_; }

 private:
  void expire(clock::time_point now);

  restart_policy policy_;
  std::deque<clock::time_point> restarts_;
};

}  // namespace nz
