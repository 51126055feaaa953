// A token bucket: at most `burst` tokens, refilled at `rate` tokens per
// `per_ms` milliseconds. Pure: the caller passes every time in.
//
// Rules (docs/peer-manager.md, "Token bucket"):
// - The bucket starts full at the time given to the constructor.
// - Refill is exact integer arithmetic: the level is kept in units of 1/per_ms
//   of a token and every elapsed millisecond adds `rate` units, capped at
//   burst * per_ms. Calling often or rarely gives the same result (no drift, no
//   rounding loss).
// - A time earlier than the last one seen (clock stepped back) counts as no
//   elapsed time, and the bucket continues from the earlier time. Huge gaps
//   simply fill the bucket; nothing overflows for any int64 times.
// - take(n) takes all n tokens or none.
//
// Thread rules: a plain value; one owner.
#pragma once

#include <cstdint>
#include <optional>

namespace nz::peer {

/// Bucket settings; the constructor clamps each to [0, 2^31] (per_ms to at
/// least 1), so the level never exceeds 2^62 units.
struct token_bucket_config {
  /// Tokens added per `per_ms` milliseconds (0: the bucket never refills).
  uint64_t rate = 10;
  int64_t per_ms = 1000;
  /// Capacity: the largest burst.
  uint64_t burst = 10;
};

class token_bucket {
 public:
  static constexpr uint64_t max_setting = uint64_t{1} << 31;

  /// A full bucket at now_ms.
  token_bucket(token_bucket_config config, int64_t now_ms);

  /// Refills up to now_ms, then takes n tokens if all n are there. Returns
  /// whether it took them; n == 0 always succeeds.
  [[nodiscard]] bool take(uint64_t n, int64_t now_ms);

  /// Whole tokens available at now_ms (no state change).
  uint64_t available(int64_t now_ms) const;

  /// True if the bucket is full at now_ms (then it equals a fresh bucket).
  bool full(int64_t now_ms) const;

  /// Milliseconds from now_ms until take(n) can succeed: 0 if it can now,
  /// nullopt if never (n > burst, or rate 0 and too few tokens).
  std::optional<int64_t> retry_after_ms(uint64_t n, int64_t now_ms) const;

  const token_bucket_config& config() const { return config_; }

 private:
  /// The level at now_ms (units of 1/per_ms token) without changing state.
  uint64_t level_at(int64_t now_ms) const;

  token_bucket_config config_;
  uint64_t capacity_;  // burst * per_ms
  uint64_t level_;     // <= capacity_
  int64_t last_ms_;
};

}  // namespace nz::peer
