// The peer gate: the broker that accepts TCP connections on the peer address
// (config peer-address / peer-port). It speaks no protocol itself: for each
// connection it applies the handshake admission limits (per source address per
// second, half-open handshakes; actors/peer/manager/handshake_limiter.hpp) and
// either closes the connection (counted by reason in
// nzcore_peer_handshake_failures_total) or starts a peer_link that owns it
// (actors/peer/peer_link.hpp). A half-open slot is freed when the link reports
// its session established, when the link ends, or after the handshake timeout.
// Like the admin gate it lives outside the supervision tree for the whole
// process, so the peer port survives peer manager restarts.
#pragma once

#include <memory>

#include <caf/fwd.hpp>

#include "actors/peer/manager/handshake_limiter.hpp"
#include "actors/peer/peer_link.hpp"

namespace nz {

class service_registry;

struct peer_gate_options {
  peer::handshake_limits limits;
  peer_link_options link;
};

/// Spawns the gate on a listening socket (actors/peer/tcp_socket.hpp); the gate
/// owns `listen_fd` from now on.
caf::actor spawn_peer_gate(caf::actor_system& sys, int listen_fd,
                           std::shared_ptr<service_registry> reg, peer_gate_options opts);

}  // namespace nz
