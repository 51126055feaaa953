#include "actors/peer/manager/backoff.hpp"

#include <algorithm>
#include <limits>

namespace nz::peer {

backoff::backoff(backoff_config config) : config_(config) {
  config_.base_ms = std::max<int64_t>(config_.base_ms, 1);
  config_.max_ms = std::max(config_.max_ms, config_.base_ms);
}

int64_t backoff::ceiling_ms(const backoff_config& config, uint32_t failures) {
  int64_t cap = config.base_ms;
  // Doubling stops at max_ms, so at most 63 steps and no overflow.
  for (uint32_t k = 0; k < failures && cap < config.max_ms; ++k)
    cap = cap > config.max_ms / 2 ? config.max_ms : cap * 2;
  return std::min(cap, config.max_ms);
}

int64_t backoff::uniform(std::mt19937_64& rng, int64_t hi) {
  auto span = static_cast<uint64_t>(hi) + 1;  // hi < 2^63, so no wrap
  // The largest multiple of span that fits, as 2^64 - (2^64 mod span).
  uint64_t limit = std::numeric_limits<uint64_t>::max() - (-span % span);
  uint64_t x;
  do {
    x = rng();
  } while (x > limit);
  return static_cast<int64_t>(x % span);
}

int64_t backoff::next_delay(std::mt19937_64& rng) {
  int64_t delay = uniform(rng, ceiling_ms(config_, failures_));
  if (failures_ != std::numeric_limits<uint32_t>::max()) ++failures_;
  return delay;
}

}  // namespace nz::peer
