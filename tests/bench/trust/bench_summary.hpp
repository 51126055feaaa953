// nz_bench_trust's closing summary: for every figure the median of the
// repetitions, and for every ratio the median of the per-repetition ratios
// (not the ratio of the medians). Prints only; no actor.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/trust/bench_setup.hpp"

namespace nz::bench {

/// Prints the `summary:` lines of `reps`, with `snapshot_failures` (the
/// metrics actor's count of failed trust snapshots) on the restart line.
/// REQUIRES: !reps.empty().
void print_summary(const std::vector<repetition>& reps, uint64_t snapshot_failures);

}  // namespace nz::bench
