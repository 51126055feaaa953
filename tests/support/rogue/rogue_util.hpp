// Output and measurement helpers of the rogue node (tests/support/rogue).
//
// Every line the rogue prints starts with "rogue: " (free text for the test
// log) or "RESULT " (machine-readable: a phase name, then key=value words with
// no spaces in the values; tests/integration/test_rogue.py parses them).
//
// Thread rules: say() and result() may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace nz::rogue {

using bytes = std::vector<uint8_t>;

/// Serializes the lines of say() and result().
std::mutex& out_mutex();

/// Writes one line to stdout (flushed).
void print_line(const std::string& line);

/// "rogue: " followed by the arguments.
template <class... Ts>
void say(const Ts&... xs) {
  std::ostringstream os;
  os << "rogue: ";
  (os << ... << xs);
  print_line(os.str());
}

/// "RESULT " followed by the arguments: `phase key=value key=value ...`.
template <class... Ts>
void result(const Ts&... xs) {
  std::ostringstream os;
  os << "RESULT ";
  (os << ... << xs);
  print_line(os.str());
}

/// Milliseconds on the steady clock.
int64_t mono_ms();

/// Lowercase hex of [p, p + n).
std::string hex(const uint8_t* p, size_t n);

/// `n` random bytes (libsodium).
bytes random_bytes(size_t n);

/// Sleeps `ms` milliseconds.
void sleep_ms(int64_t ms);

/// VmRSS of process `pid` in KiB (0 if unknown or pid <= 0).
long rss_kib(int pid);

/// Samples the VmRSS of a process every 10 ms on its own thread, from
/// construction until stop() (or destruction): baseline and peak.
class rss_sampler {
 public:
  explicit rss_sampler(int pid);
  ~rss_sampler();
  rss_sampler(const rss_sampler&) = delete;
  rss_sampler& operator=(const rss_sampler&) = delete;

  /// Stops sampling (idempotent); growth() is final afterwards.
  void stop();
  long before() const { return before_; }
  long peak() const { return peak_.load(); }
  /// Peak minus baseline, in KiB.
  long growth() const { return peak_.load() - before_; }

 private:
  int pid_;
  long before_;
  std::atomic<long> peak_;
  std::atomic<bool> running_{true};
  std::thread thread_;
};

}  // namespace nz::rogue
