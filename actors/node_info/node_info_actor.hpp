// The node_info actor: journals one entry per boot and answers what the node
// knows about its own life (see node_info.hpp). Journal stream: "node_info".
#pragma once

#include <memory>

#include <caf/fwd.hpp>

#include "runtime/persist/journal_options.hpp"

namespace nz {

class service_registry;

/// Spawns the node_info actor; it recovers its state before serving.
caf::expected<caf::actor> spawn_node_info(caf::actor_system& sys,
                                          std::shared_ptr<service_registry> reg,
                                          journal_options opts);

}  // namespace nz
