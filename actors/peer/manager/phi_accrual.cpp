#include "actors/peer/manager/phi_accrual.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nz::peer {

namespace {

constexpr double ln10 = 2.302585092994045684;
// Akka's logistic approximation of the standard normal CDF:
// F(y) ~ 1 / (1 + exp(-z(y))) with z(y) = y * (a1 + a3 * y^2).
constexpr double a1 = 1.5976;
constexpr double a3 = 0.070566;

template <class T>
T clamp(T x, T lo, T hi) {
  return std::min(std::max(x, lo), hi);
}

phi_accrual_config sanitized(phi_accrual_config c) {
  constexpr int64_t hour = phi_accrual::max_interval_ms;
  c.threshold = std::isnan(c.threshold) ? 8.0 : clamp(c.threshold, 0.01, 300.0);
  c.max_samples = clamp<size_t>(c.max_samples, 2, 1000);
  c.min_stddev_ms = clamp<int64_t>(c.min_stddev_ms, 1, hour);
  c.acceptable_pause_ms = clamp<int64_t>(c.acceptable_pause_ms, 0, hour);
  c.first_heartbeat_estimate_ms = clamp<int64_t>(c.first_heartbeat_estimate_ms, 1, hour);
  return c;
}

double z_of(double y) {
  return y * (a1 + a3 * y * y);
}

// log(1 + e^z) without overflow or loss of precision for large |z|.
double softplus(double z) {
  return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

// The y with phi = threshold: z(y) = log(10^T - 1), solved with Cardano's formula
// (z is a strictly increasing cubic, so the real root is unique) and polished by
// two Newton steps.
double y_at_threshold(double threshold) {
  double t = threshold * ln10;
  double z = t + std::log1p(-std::exp(-t));  // log(e^t - 1)
  double p = a1 / a3;
  double q = z / a3;
  double d = std::sqrt(q * q / 4 + p * p * p / 27);
  double y = std::cbrt(q / 2 + d) + std::cbrt(q / 2 - d);
  for (int i = 0; i < 2; ++i) y -= (z_of(y) - z) / (a1 + 3 * a3 * y * y);
  return y;
}

}  // namespace

phi_accrual::phi_accrual(phi_accrual_config config) : config_(sanitized(config)) {
  ring_.assign(config_.max_samples, 0);
}

void phi_accrual::record(int64_t interval_ms) {
  auto x = static_cast<uint64_t>(clamp<int64_t>(interval_ms, 0, max_interval_ms));
  if (count_ == ring_.size()) {
    auto old = static_cast<uint64_t>(ring_[head_]);
    sum_ -= old;
    sum_sq_ -= old * old;
  } else {
    ++count_;
  }
  ring_[head_] = static_cast<int64_t>(x);
  head_ = (head_ + 1) % ring_.size();
  sum_ += x;
  sum_sq_ += x * x;
}

void phi_accrual::heartbeat(int64_t now_ms) {
  if (!started_) {
    auto e = config_.first_heartbeat_estimate_ms;
    record(e - e / 4);
    record(e + e / 4);
    started_ = true;
  } else if (now_ms >= last_ms_ && available(now_ms)) {
    record(now_ms - last_ms_);  // no overflow: both clamped by record()
  }
  last_ms_ = now_ms;
}

double phi_accrual::mean_ms() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

double phi_accrual::stddev_ms() const {
  if (count_ == 0) return 0.0;
  // Exact integer numerator n * sum(x^2) - sum(x)^2 >= 0 (Cauchy-Schwarz).
  uint64_t num = static_cast<uint64_t>(count_) * sum_sq_ - sum_ * sum_;
  auto n = static_cast<double>(count_);
  return std::sqrt(static_cast<double>(num)) / n;
}

std::optional<int64_t> phi_accrual::last_heartbeat_ms() const {
  if (!started_) return std::nullopt;
  return last_ms_;
}

double phi_accrual::phi_after(double elapsed_ms) const {
  double s = std::max(stddev_ms(), static_cast<double>(config_.min_stddev_ms));
  double m = mean_ms() + static_cast<double>(config_.acceptable_pause_ms);
  // |y| <= ~1e17 (int64 range over a floor >= 1 ms), so z and phi stay finite.
  double y = (elapsed_ms - m) / s;
  return softplus(z_of(y)) / ln10;
}

double phi_accrual::phi(int64_t now_ms) const {
  if (!started_) return 0.0;
  // The difference as unsigned 64-bit first: exact, and no int64 overflow.
  auto ms = [](uint64_t d) { return static_cast<double>(d); };
  auto u_now = static_cast<uint64_t>(now_ms);
  auto u_last = static_cast<uint64_t>(last_ms_);
  return phi_after(now_ms >= last_ms_ ? ms(u_now - u_last) : -ms(u_last - u_now));
}

bool phi_accrual::available(int64_t now_ms) const {
  return phi(now_ms) < config_.threshold;
}

std::optional<int64_t> phi_accrual::suspect_at_ms() const {
  if (!started_) return std::nullopt;
  constexpr auto max = std::numeric_limits<int64_t>::max();
  constexpr auto min = std::numeric_limits<int64_t>::min();
  double s = std::max(stddev_ms(), static_cast<double>(config_.min_stddev_ms));
  double m = mean_ms() + static_cast<double>(config_.acceptable_pause_ms);
  // |delay| < 1e9: mean and pause are at most 1 h each, y * s at most ~25 h.
  auto delay = static_cast<int64_t>(std::ceil(m + y_at_threshold(config_.threshold) * s));
  int64_t t = delay > 0 ? (last_ms_ > max - delay ? max : last_ms_ + delay)
                        : (last_ms_ < min - delay ? min : last_ms_ + delay);
  // Rounding in the closed form can be off by a step; phi is monotonic, so walk
  // to the exact first millisecond.
  for (int i = 0; i < 8 && t > min && !available(t - 1); ++i) --t;
  for (int i = 0; i < 8 && t < max && available(t); ++i) ++t;
  return t;
}

}  // namespace nz::peer
