// The phi-accrual failure detector of one peer (Hayashibara et al., "The phi
// accrual failure detector", 2004), computed as Akka's cluster and Cassandra do.
// Pure: the caller passes every time in (monotonic milliseconds) and schedules
// its own timer from suspect_at_ms(); nothing here reads a clock.
//
// Rules (docs/peer-manager.md, "Failure detector"):
// - heartbeat(now) records now - last as an inter-arrival sample in a window of
//   the newest max_samples samples. The first heartbeat records nothing but
//   seeds the window with the two samples E - E/4 and E + E/4 (E =
//   first_heartbeat_estimate_ms), so the detector works from the start.
// - A heartbeat that arrives while the peer is suspected (phi >= threshold)
//   restarts the clock but is not recorded: one long pause must not teach the
//   detector that long pauses are normal. Samples are clamped to [0, 1 h].
// - A heartbeat with now < last (clock stepped back) restarts the clock at now
//   and records nothing: no elapsed time.
// - phi(now) = -log10(1 - F(now - last)), where F is the normal CDF with mean
//   m + acceptable_pause_ms and standard deviation s = max(stddev, min_stddev_ms)
//   of the window, approximated by the logistic function as in Akka:
//     y = (now - last - m - pause) / s,  z = y * (1.5976 + 0.070566 * y^2),
//     phi = log10(1 + e^z)            (evaluated without overflow).
//   phi is finite and >= 0 for every input, and strictly increasing in now
//   wherever it is not rounded to 0 or saturated by double precision.
// - Before the first heartbeat phi is 0: a peer is not suspected before it was
//   ever heard from (the session layer calls heartbeat() when a session opens).
// - available(now) = phi(now) < threshold.
//
// Thread rules: a plain value; one owner (the session's actor).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace nz::peer {

/// Detector settings. Out-of-range values are clamped by the constructor.
struct phi_accrual_config {
  /// Suspect the peer once phi reaches this (clamped to [0.01, 300]).
  double threshold = 8.0;
  /// Window of inter-arrival samples (clamped to [2, 1000]).
  size_t max_samples = 200;
  /// Floor of the standard deviation, so that a perfectly regular history does
  /// not make the detector trigger-happy (clamped to [1, 1 h]).
  int64_t min_stddev_ms = 100;
  /// Silence tolerated on top of the mean interval (clamped to [0, 1 h]).
  int64_t acceptable_pause_ms = 2000;
  /// Expected interval before any sample exists: the heartbeat interval
  /// (clamped to [1, 1 h]).
  int64_t first_heartbeat_estimate_ms = 1000;
};

class phi_accrual {
 public:
  /// The largest sample recorded; longer intervals are clamped to it.
  static constexpr int64_t max_interval_ms = 3'600'000;

  phi_accrual() : phi_accrual(phi_accrual_config{}) {}
  explicit phi_accrual(phi_accrual_config config);

  /// Records a heartbeat received at now_ms.
  void heartbeat(int64_t now_ms);

  /// The suspicion level at now_ms; 0 before the first heartbeat.
  double phi(int64_t now_ms) const;

  /// phi(now_ms) < threshold.
  bool available(int64_t now_ms) const;

  /// The smallest now_ms with phi(now_ms) >= threshold if no heartbeat arrives
  /// first (saturating at the int64 range); nullopt before the first heartbeat. The
  /// owner arms its suspicion timer for this time after each heartbeat.
  std::optional<int64_t> suspect_at_ms() const;

  // -- inspection --------------------------------------------------------------

  const phi_accrual_config& config() const { return config_; }
  std::optional<int64_t> last_heartbeat_ms() const;
  /// Samples in the window (2 seed samples after the first heartbeat).
  size_t samples() const { return count_; }
  /// Mean of the window; 0 if it is empty.
  double mean_ms() const;
  /// Population standard deviation of the window (before the floor).
  double stddev_ms() const;

 private:
  void record(int64_t interval_ms);
  double phi_after(double elapsed_ms) const;

  phi_accrual_config config_;
  bool started_ = false;
  int64_t last_ms_ = 0;
  // Ring buffer of the newest count_ samples; exact integer sums (samples are at
  // most 3.6e6 and the window at most 1000, so count * sum_sq < 2^64).
  std::vector<int64_t> ring_;
  size_t head_ = 0;
  size_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t sum_sq_ = 0;
};

}  // namespace nz::peer
