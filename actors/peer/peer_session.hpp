// A peer session actor: one per connected node (messages/peer_api.hpp). It runs
// one side of the Noise XX handshake (session/handshake_driver), checks the
// peer's binding and the admission policy, then exchanges sealed frames
// (session/session_cipher) over exactly one peer_link (the broker owning the
// TCP connection). Records from anyone but its link are dropped and counted.
// It reports itself to the peer manager (peer_up) once established; the
// manager monitors it. A failed or refused handshake tells the other side only
// an abort record. The session ends with its link (the connection closed), its
// manager, a phi-accrual suspicion, or exhausted counters.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace nz {

class service_registry;
class peer_chaos;

namespace peer::noise {
struct keypair;
}  // namespace peer::noise

/// Who may complete a handshake (config peer-policy and friends).
struct peer_admission {
  std::string policy = "trusted";  ///< open | trusted | allow-list
  uint8_t min_level = 2;
  std::vector<std::string> allow;  ///< node ids (allow-list)
};

struct peer_session_config {
  bool initiator = false;
  /// Initiator: opens the connection. Called once with the session's handle;
  /// it must lead to (peer_link, link) from the new link or (peer_dial, error
  /// text) at the session (the manager uses dial_peer over TCP).
  std::function<void(caf::actor)> connect;
  /// Responder: Noise message 1 and the link it arrived on.
  std::vector<uint8_t> msg1;
  caf::actor link;
  /// This node's Noise static key (per process) and its signed binding.
  std::shared_ptr<const peer::noise::keypair> static_key;
  std::vector<uint8_t> binding;
  /// "host:port" as dialled (initiator) or "inbound".
  std::string address;
  /// Initiator: the node id the dialled address must have ("ID@host:port");
  /// empty: any identity the admission policy accepts.
  std::string expected_node_id;
  peer_admission admission;
  caf::timespan handshake_timeout = std::chrono::seconds(5);
  /// Heartbeat period; the phi-accrual detector expects it (default 1 s).
  caf::timespan beat_interval = std::chrono::seconds(1);
  caf::actor manager;
  /// Fault injection (nodes run with --enable-chaos only); null otherwise.
  std::shared_ptr<peer_chaos> chaos;
};

caf::actor spawn_peer_session(caf::actor_system& sys,
                              std::shared_ptr<service_registry> reg,
                              peer_session_config cfg);

}  // namespace nz
