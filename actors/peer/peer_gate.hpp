// The peer gate: the one actor published on the peer address. Its only
// handler takes a handshake start (messages/peer_api.hpp: peer_hello with Noise
// message 1 and the initiator's session handle) and hands it to the peer
// manager ("peers" service), which applies the admission limits and spawns a
// responder session. Anything larger than a Noise message (65,535 bytes) is
// dropped here. Like the admin gate it lives outside the supervision tree for
// the whole process, so the peer port survives peer manager restarts.
#pragma once

#include <memory>

#include <caf/fwd.hpp>

namespace nz {

class service_registry;

caf::actor spawn_peer_gate(caf::actor_system& sys, std::shared_ptr<service_registry> reg);

}  // namespace nz
