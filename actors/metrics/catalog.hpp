// The one list of every metric family the node exports. Subsystems report by
// these names and label orders; docs/metrics.md describes each family.
//
// Naming (Prometheus conventions): `nzcore_` prefix, base units (seconds, bytes),
// `_total` on counters and only on counters.
//
// Threading: the list is immutable; `make_node_registry` returns a fresh registry
// that its caller owns.
#pragma once

#include <vector>

#include "actors/metrics/metrics_registry.hpp"

namespace nz::metric_names {

// Families the metrics actor itself refreshes on every render.
inline constexpr const char* uptime_seconds = "nzcore_uptime_seconds";
inline constexpr const char* resident_memory_bytes = "nzcore_resident_memory_bytes";
inline constexpr const char* start_time_seconds = "nzcore_start_time_seconds";
inline constexpr const char* build_info = "nzcore_build_info";

}  // namespace nz::metric_names

namespace nz {

/// Every family of the node, in catalog order.
const std::vector<family_spec>& node_catalog();

/// Upper bounds of nzcore_journal_commit_seconds: 50 µs to 1 s, 1-2.5-5 steps.
const std::vector<double>& journal_commit_buckets();

/// Declares every catalog family in `reg`. Returns the first failure (for
/// instance duplicate_name if called twice), declare_status::ok otherwise.
[[nodiscard]] declare_status add_catalog(metrics_registry& reg);

/// A registry holding the whole catalog.
metrics_registry make_node_registry(
    size_t max_series_per_family = metrics_registry::default_max_series);

}  // namespace nz
