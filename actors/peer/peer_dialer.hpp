// Outbound peer connections. dial_peer connects to host:port on a short-lived
// detached helper (the connect blocks that helper's thread, never an actor of
// the scheduler), bounded by `timeout`. Exactly one of these reaches `session`:
// - (peer_link, link) from the new outbound peer_link, bound to `session`;
// - (peer_dial, error text) naming the address and the reason.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/peer/peer_link.hpp"

namespace nz {

class service_registry;

void dial_peer(caf::actor_system& sys, std::string host, uint16_t port,
               caf::timespan timeout, caf::actor session,
               std::shared_ptr<service_registry> reg, peer_link_options opts);

}  // namespace nz
