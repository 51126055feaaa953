// The metrics actor: owns the node's metrics_registry (the whole catalog) and
// implements nz::metrics_actor (messages/metrics_api.hpp).
//
// Threading: all state lives in the actor; talk to it only by message. Updates
// are fire-and-forget; a rejected update is dropped and counted in
// nzcore_metrics_rejected_updates_total, never reported back to the sender.
// On every render the actor refreshes nzcore_uptime_seconds,
// nzcore_resident_memory_bytes, nzcore_start_time_seconds and nzcore_build_info.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "messages/metrics_api.hpp"

namespace caf {
class actor_system;
}

namespace nz {

struct metrics_options {
  /// Node start time, Unix epoch milliseconds.
  int64_t start_time_unix_ms = 0;
  /// Build version, exported as nzcore_build_info{version="..."} 1.
  std::string version;
  /// Bound on distinct label sets per family.
  size_t max_series_per_family = 64;
  /// Wall clock in Unix epoch milliseconds; empty means std::chrono::system_clock.
  /// Tests inject a fixed clock.
  std::function<int64_t()> now_unix_ms;
};

/// Spawns the metrics actor with a registry holding the full catalog.
metrics_actor spawn_metrics(caf::actor_system& sys, metrics_options opts);

}  // namespace nz
