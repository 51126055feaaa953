// The metrics actor of nz_bench_trust, registered as "metrics": it renders
// nothing and only counts the metrics the benchmark checks.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "messages/metrics_api.hpp"

namespace nz::bench {

/// Written by the metrics actor, read by the phases between their requests.
struct counters {
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> trust_changes{0};
  std::atomic<uint64_t> snapshot_failures{0};
};

/// Counts storage commits, trust changes and failed trust snapshots reported
/// by the actors into `c`; answers every other metrics message with nothing.
nz::metrics_actor::behavior_type counting_metrics(std::shared_ptr<counters> c);

}  // namespace nz::bench
