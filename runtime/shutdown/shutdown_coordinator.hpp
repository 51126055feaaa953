// The shutdown coordinator: on SIGINT/SIGTERM or `nzctl shutdown` it runs the
// registered steps phase by phase (stop_accepting → drain → flush →
// close_storage) and, within a phase, by priority, each step bounded by its own
// timeout, then asks the root
// supervisor to stop its tree. A step that fails or times out is logged and the
// sequence goes on: shutdown always ends.
//
// Modelled on Seastar's stop(): every service gets an explicit, asynchronous
// chance to finish its work, in a documented order.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/storage_api.hpp"

namespace nz {

class service_registry;

struct shutdown_step {
  /// For logs: what this step stops.
  std::string name;
  shutdown_phase phase = shutdown_phase::drain;
  /// Within a phase, steps run in groups of equal priority, lowest first; the
  /// steps of one group run concurrently.
  int32_t priority = 0;
  caf::timespan timeout = std::chrono::seconds(5);
  /// Starts the step; must call `done` exactly once (with an error on failure).
  /// Runs inside the coordinator actor.
  std::function<void(caf::event_based_actor*, std::function<void(caf::error)>)> run;
};

/// A step that sends (phase_atom, phase) to the service registered as `service`
/// and waits for its reply (the service protocol of messages/storage_api.hpp).
shutdown_step phase_step(std::shared_ptr<service_registry> reg,
                         const std::string& service, shutdown_phase phase,
                         caf::timespan timeout);

struct shutdown_options {
  std::vector<shutdown_step> steps;
  /// Name of the root supervisor in the registry; stopped after the last phase.
  std::string root = "root";
  /// Called (in the coordinator) when the phases are done, before the root is
  /// asked to stop; `clean` is false if any step failed or timed out.
  std::function<void(bool clean)> on_phases_done;
};

/// Handlers: (shutdown_atom, std::string reason) -> bool (true: started now,
/// false: already running).
caf::expected<caf::actor> spawn_shutdown_coordinator(
    caf::actor_system& sys, std::shared_ptr<service_registry> reg, shutdown_options opts);

}  // namespace nz
