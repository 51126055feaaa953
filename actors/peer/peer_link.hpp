// A peer link: the broker that owns one peer TCP connection (docs/protocol.md,
// "Transport"; messages/peer_api.hpp). It turns the byte stream into records
// (actors/peer/session/record.hpp) and back, and talks to exactly one local
// peer_session. It never decrypts or interprets a record beyond its kind.
//
// Contracts:
// - Inbound links (started by the peer gate for each accepted connection): the
//   first record must be a hello and arrive within `handshake_timeout`; it goes
//   to the peer manager ("peers" service) as (peer_hello, msg1, link). The first
//   session that sends (peer_link) owns the link; before that, any further
//   record closes the connection. A link not bound within the timeout closes.
// - Outbound links (spawned by the dialer on a connected socket) are bound to
//   their session from the start and announce themselves with (peer_link, link).
// - Records from the bound session only are written; anything from another
//   actor is dropped and counted. A record that breaks the record rules, an
//   oversized announcement, or a write backlog over `max_write_backlog` closes
//   the connection (counted by reason).
// - Frame rate: each record read takes a token from a per-connection bucket
//   (`frame_rate`). Records one read brings beyond the tokens available are a
//   debt; while it is unpaid the link does not read, so TCP pushes back on the
//   peer and the average rate stays at the limit. Nothing read is ever dropped
//   (a lost sealed frame would break the session's counters).
// - Inbound links also end with the peer gate (node shutdown).
// - The link ends when the connection closes, when its session ends, or on an
//   exit message; the session monitors it and ends with it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/peer/manager/token_bucket.hpp"

namespace caf::io {
class broker;
class connection_handle;
}  // namespace caf::io

namespace nz {

class service_registry;

struct peer_link_options {
  caf::timespan handshake_timeout = std::chrono::seconds(5);
  /// Records per second from the peer (burst = 2 s worth).
  peer::token_bucket_config frame_rate{20000, 1000, 40000};
  /// Bytes written but not yet taken by the kernel before the connection is
  /// closed as a slow reader.
  size_t max_write_backlog = size_t{32} << 20;
};

/// Spawns an outbound link on a connected TCP socket `fd` (ownership passes to
/// the link), bound to `session`, which gets (peer_link, link).
caf::actor spawn_outbound_peer_link(caf::actor_system& sys, int fd, caf::actor session,
                                    std::shared_ptr<service_registry> reg,
                                    peer_link_options opts);

/// Starts the inbound link for the accepted connection `hdl` of the peer gate
/// `gate` (which must be running the call, in its handler). The gate gets
/// (peer_up) from the link once its session is established.
caf::actor fork_inbound_peer_link(caf::io::broker* gate, caf::io::connection_handle hdl,
                                  std::shared_ptr<service_registry> reg,
                                  peer_link_options opts);

}  // namespace nz
