// The peer manager ("peers" service, messages/peer_api.hpp): owns this
// process's Noise static key and its binding (signed once by the identity),
// spawns a responder session for each handshake start the peer gate hands it
// (within the session and half-open limits), dials nodes (`peers connect`,
// config peer-bootstrap), keeps one session per peer (simultaneous opens: the
// session initiated by the smaller node id wins on both sides), and answers
// `peers` and `ping`. Its peer cache (actors/peer/manager/peer_cache.hpp) is
// journaled and replayed after a crash like every stateful actor.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/peer/peer_link.hpp"
#include "actors/peer/peer_session.hpp"
#include "runtime/persist/journal_options.hpp"

namespace nz {

class service_registry;

struct peer_manager_options {
  peer_admission admission;
  std::vector<std::string> bootstrap;  ///< "host:port"
  uint64_t max_sessions = 1000;
  uint64_t max_half_open = 64;
  caf::timespan handshake_timeout = std::chrono::seconds(5);
  caf::timespan request_timeout = std::chrono::seconds(5);
  /// The peer cache's journal (stream "peers"): addresses of peers this node
  /// connected to, redialled at start so a restarted node reconnects without
  /// the bootstrap list.
  journal_options journal;
  /// Fault injection for sessions (--enable-chaos only); null otherwise.
  std::shared_ptr<peer_chaos> chaos;
  /// Outbound links (frame rate, write backlog).
  peer_link_options link;
  /// Opens outbound connections; null: TCP through dial_peer
  /// (actors/peer/peer_dialer.hpp). Deterministic tests pass in-memory links.
  std::function<void(caf::actor_system&, const std::string& host, uint16_t port,
                     caf::actor session)>
      connect;
};

caf::expected<caf::actor> spawn_peer_manager(caf::actor_system& sys,
                                             std::shared_ptr<service_registry> reg,
                                             peer_manager_options opts);

}  // namespace nz
