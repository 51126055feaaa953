#include "runtime/supervision/restart_tracker.hpp"

#include <algorithm>

namespace nz {

void restart_tracker::expire(clock::time_point now) {
  while (!restarts_.empty() && now - restarts_.front() >= policy_.window)
    restarts_.pop_front();
}

size_t restart_tracker::recent(clock::time_point now) {
  expire(now);
  return restarts_.size();
}

std::optional<std::chrono::milliseconds> restart_tracker::on_failure(
    clock::time_point now) {
  expire(now);
  if (restarts_.size() >= policy_.max_restarts) return std::nullopt;
  auto exponent = std::min<size_t>(restarts_.size(), 20);
  restarts_.push_back(now);
  if (policy_.backoff_base.count() == 0) return std::chrono::milliseconds{0};
  auto delay = policy_.backoff_base * (int64_t{1} << exponent);
  return std::min(delay, policy_.backoff_max);
}

}  // namespace nz
