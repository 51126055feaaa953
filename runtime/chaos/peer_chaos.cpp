#include "runtime/chaos/peer_chaos.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace nz {

void peer_chaos::partition(std::vector<std::string> node_ids) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& id : node_ids)
    if (id.size() >= 8) blocked_.push_back(std::move(id));
}

void peer_chaos::heal() {
  std::lock_guard<std::mutex> guard{mtx_};
  blocked_.clear();
  delay_ = std::chrono::milliseconds{0};
  drop_ = 0;
}

void peer_chaos::set_delay(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> guard{mtx_};
  delay_ = std::max(d, std::chrono::milliseconds{0});
}

void peer_chaos::set_drop(double p) {
  std::lock_guard<std::mutex> guard{mtx_};
  drop_ = std::clamp(p, 0.0, 1.0);
}

bool peer_chaos::blocked(const std::string& node_id) const {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& b : blocked_)
    if (node_id.compare(0, b.size(), b) == 0) return true;
  return false;
}

std::chrono::milliseconds peer_chaos::delay() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return delay_;
}

bool peer_chaos::roll_drop() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (drop_ <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < drop_;
}

std::string peer_chaos::describe() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::string ids;
  for (auto& b : blocked_) ids += (ids.empty() ? "" : ",") + b.substr(0, 16);
  return fmt::format("partitioned from [{}], delay {} ms, drop {:.2f}", ids,
                     delay_.count(), drop_);
}

}  // namespace nz
