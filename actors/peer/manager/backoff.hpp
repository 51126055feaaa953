// Exponential reconnect backoff with full jitter ("Exponential Backoff And
// Jitter", AWS Architecture Blog, 2015). Pure: the caller owns the random
// generator (seeded, so a test or a replay sees the same delays).
//
// Rules (docs/peer-manager.md, "Reconnect backoff"):
// - After k consecutive failures the next delay is drawn uniformly from the
//   integers [0, ceiling_ms(k)], where ceiling_ms(k) = min(max_ms, base_ms * 2^k).
// - next_delay() draws that delay and counts one more failure; reset() (after a
//   successful connection) starts again at k = 0.
// - The draw uses only the 64-bit outputs of std::mt19937_64 (whose sequence
//   the standard fixes) and rejection sampling, so a seed gives the same
//   delays with every standard library.
//
// Thread rules: a plain value; one owner.
#pragma once

#include <cstdint>
#include <random>

namespace nz::peer {

/// Backoff settings; the constructor makes base_ms >= 1 and max_ms >= base_ms.
struct backoff_config {
  int64_t base_ms = 100;
  int64_t max_ms = 30'000;
};

class backoff {
 public:
  backoff() : backoff(backoff_config{}) {}
  explicit backoff(backoff_config config);

  /// min(max_ms, base_ms * 2^failures), without overflow for any count.
  /// REQUIRES: a config as sanitized by the constructor (see config()).
  static int64_t ceiling_ms(const backoff_config& config, uint32_t failures);

  /// A delay in [0, ceiling_ms(failures())]; then failures() grows by one
  /// (saturating).
  int64_t next_delay(std::mt19937_64& rng);

  /// After a success: the next delay is drawn from [0, base_ms] again.
  void reset() { failures_ = 0; }

  /// Consecutive failures so far (delays handed out since the last reset).
  uint32_t failures() const { return failures_; }
  const backoff_config& config() const { return config_; }

  /// A uniform integer in [0, hi] from rng (rejection sampling, no modulo bias).
  /// REQUIRES: hi >= 0.
  static int64_t uniform(std::mt19937_64& rng, int64_t hi);

 private:
  backoff_config config_;
  uint32_t failures_ = 0;
};

}  // namespace nz::peer
