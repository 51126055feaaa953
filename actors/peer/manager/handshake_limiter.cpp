#include "actors/peer/manager/handshake_limiter.hpp"

#include <algorithm>
#include <limits>

namespace nz::peer {

const char* to_string(handshake_refusal_reason x) {
  switch (x) {
    case handshake_refusal_reason::rate_per_source:
      return "rate_per_source";
    case handshake_refusal_reason::too_many_half_open:
      return "too_many_half_open";
  }
  return "unknown";
}

handshake_limiter::handshake_limiter(handshake_limits limits) : limits_(limits) {
  limits_.per_source_per_s = std::max<uint32_t>(limits_.per_source_per_s, 1);
  limits_.max_half_open = std::max<uint32_t>(limits_.max_half_open, 1);
  limits_.timeout_ms = std::max<int64_t>(limits_.timeout_ms, 1);
  limits_.max_sources = std::max<size_t>(limits_.max_sources, 1);
  bucket_config_.rate = limits_.per_source_per_s;
  bucket_config_.per_ms = 1000;
  bucket_config_.burst = limits_.per_source_per_s;
}

handshake_admission handshake_limiter::admit(std::string_view source, int64_t now_ms) {
  if (deadlines_.size() >= limits_.max_half_open) {
    auto first = by_deadline_.begin()->first;
    return handshake_refusal{handshake_refusal_reason::too_many_half_open,
                             first > now_ms ? first - now_ms : 0};
  }
  source = source.substr(0, max_source_size);
  auto i = sources_.find(source);
  if (i == sources_.end()) {
    if (sources_.size() >= limits_.max_sources) {
      sources_.erase(lru_.front());
      lru_.pop_front();
    }
    auto key = std::string{source};
    lru_.push_back(key);
    i = sources_.emplace(std::move(key), source_entry{{bucket_config_, now_ms}, {}})
            .first;
    i->second.lru = std::prev(lru_.end());
  } else {
    lru_.splice(lru_.end(), lru_, i->second.lru);  // now the most recently used
  }
  auto& bucket = i->second.bucket;
  if (!bucket.take(1, now_ms))
    return handshake_refusal{handshake_refusal_reason::rate_per_source,
                             bucket.retry_after_ms(1, now_ms).value_or(0)};
  auto ticket = next_ticket_++;
  auto deadline = now_ms <= std::numeric_limits<int64_t>::max() - limits_.timeout_ms
                      ? now_ms + limits_.timeout_ms
                      : std::numeric_limits<int64_t>::max();
  deadlines_.emplace(ticket, deadline);
  by_deadline_.emplace(deadline, ticket);
  return ticket;
}

bool handshake_limiter::finish(handshake_ticket ticket) {
  auto i = deadlines_.find(ticket);
  if (i == deadlines_.end()) return false;
  by_deadline_.erase({i->second, ticket});
  deadlines_.erase(i);
  return true;
}

std::vector<handshake_ticket> handshake_limiter::expire(int64_t now_ms) {
  std::vector<handshake_ticket> out;
  while (!by_deadline_.empty() && by_deadline_.begin()->first <= now_ms) {
    auto ticket = by_deadline_.begin()->second;
    by_deadline_.erase(by_deadline_.begin());
    deadlines_.erase(ticket);
    out.push_back(ticket);
  }
  for (auto i = sources_.begin(); i != sources_.end();) {
    if (i->second.bucket.full(now_ms)) {
      lru_.erase(i->second.lru);
      i = sources_.erase(i);
    } else {
      ++i;
    }
  }
  return out;
}

std::optional<int64_t> handshake_limiter::next_deadline() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first;
}

}  // namespace nz::peer
