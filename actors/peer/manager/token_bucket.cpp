#include "actors/peer/manager/token_bucket.hpp"

#include <algorithm>

namespace nz::peer {

namespace {

token_bucket_config sanitized(token_bucket_config c) {
  constexpr auto cap = token_bucket::max_setting;
  c.rate = std::min(c.rate, cap);
  c.burst = std::min(c.burst, cap);
  c.per_ms = std::clamp<int64_t>(c.per_ms, 1, static_cast<int64_t>(cap));
  return c;
}

}  // namespace

token_bucket::token_bucket(token_bucket_config config, int64_t now_ms)
    : config_(sanitized(config)),
      capacity_(config_.burst * static_cast<uint64_t>(config_.per_ms)),
      level_(capacity_),
      last_ms_(now_ms) {}

uint64_t token_bucket::level_at(int64_t now_ms) const {
  if (now_ms <= last_ms_ || config_.rate == 0) return level_;
  // now > last, so the difference fits in uint64 even when int64 would overflow.
  uint64_t elapsed = static_cast<uint64_t>(now_ms) - static_cast<uint64_t>(last_ms_);
  uint64_t missing = capacity_ - level_;
  // Milliseconds to fill up; past that the bucket is full. Below it,
  // elapsed * rate < missing + rate <= 2^62 + 2^31: no overflow.
  uint64_t to_fill = missing / config_.rate + (missing % config_.rate != 0);
  if (elapsed >= to_fill) return capacity_;
  return level_ + elapsed * config_.rate;
}

bool token_bucket::take(uint64_t n, int64_t now_ms) {
  level_ = level_at(now_ms);
  last_ms_ = now_ms;  // also when stepping back: no credit for the gap
  if (n > config_.burst) return false;
  uint64_t cost = n * static_cast<uint64_t>(config_.per_ms);
  if (cost > level_) return false;
  level_ -= cost;
  return true;
}

uint64_t token_bucket::available(int64_t now_ms) const {
  return level_at(now_ms) / static_cast<uint64_t>(config_.per_ms);
}

bool token_bucket::full(int64_t now_ms) const {
  return level_at(now_ms) == capacity_;
}

std::optional<int64_t> token_bucket::retry_after_ms(uint64_t n, int64_t now_ms) const {
  if (n > config_.burst) return std::nullopt;
  uint64_t cost = n * static_cast<uint64_t>(config_.per_ms);
  uint64_t level = level_at(now_ms);
  if (cost <= level) return 0;
  if (config_.rate == 0) return std::nullopt;
  uint64_t missing = cost - level;
  // At most 2^62 ms: fits in int64.
  return static_cast<int64_t>(missing / config_.rate + (missing % config_.rate != 0));
}

}  // namespace nz::peer
