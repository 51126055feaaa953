// Registers every message type and error category of the project with an actor
// system config. Call on every node and client, before constructing the system:
// remote peers must know each type under the same name.
#pragma once

namespace caf {
class actor_system_config;
}

namespace nz {

void register_types(caf::actor_system_config& cfg);

}  // namespace nz
