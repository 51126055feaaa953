// Supervisors: start children in order, restart them by strategy, give up
// (escalate) when restarts exceed the intensity, and stop children in reverse
// order with a per-child timeout.
//
// Actor rules:
// - Children are monitored; when the supervisor ends, its children are told to
//   exit with the same reason (link semantics without inbound link exits).
// - An exit message from a non-child (the parent, or a chaos crash) starts an
//   orderly shutdown; the supervisor then quits with that same reason, so the
//   parent sees a normal stop (user_shutdown) or a failure (anything else).
// - On escalation the supervisor quits with core_errc::intensity_exceeded. For the
//   root, the process treats that as fatal (exit code 3, docs/operations.md).
// - Every child is declared in the service registry under its name; the registry
//   always holds the current handle (or none while restarting).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "runtime/supervision/restart_tracker.hpp"

namespace nz {

class service_registry;

enum class restart_type : uint8_t {
  permanent,  ///< always restarted
  transient,  ///< restarted only after an abnormal exit
  temporary,  ///< never restarted
};

enum class strategy : uint8_t {
  one_for_one,   ///< restart only the failed child
  one_for_all,   ///< stop all other children, restart all
  rest_for_one,  ///< stop the children started after the failed one, restart those
};
const char* to_string(strategy x);

struct child_spec {
  std::string name;
  /// Spawns the child (unlinked; the supervisor links it). An error counts as a
  /// failed start and goes through the restart logic.
  std::function<caf::expected<caf::actor>(caf::actor_system&)> start;
  restart_type restart = restart_type::permanent;
  /// How long the child may take to stop before it is killed.
  caf::timespan shutdown_timeout = std::chrono::seconds(5);
  bool is_supervisor = false;
};

struct supervisor_spec {
  std::string name;
  strategy strat = strategy::one_for_one;
  restart_policy policy;
  std::vector<child_spec> children;
};

/// Spawns a supervisor that starts `spec.children` in order. `parent` is the name
/// of the supervising actor (empty for the root, which then registers itself).
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_spec spec,
                            std::shared_ptr<service_registry> registry,
                            const std::string& parent = {});

/// A child spec that runs a nested supervisor under `parent`.
child_spec supervisor_child(supervisor_spec spec,
                            std::shared_ptr<service_registry> registry,
                            const std::string& parent,
                            caf::timespan shutdown_timeout = std::chrono::seconds(10));

}  // namespace nz
