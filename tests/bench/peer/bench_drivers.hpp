// The actors that drive the peer benchmark's measurements: a credited stream
// of channel messages along one path, a collector of concurrent handshakes,
// and sequential round trips to the sink.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/peer/peer_link.hpp"
#include "bench/peer/pure_core.hpp"
#include "messages/peer_api.hpp"

namespace nz {
class service_registry;
}  // namespace nz

namespace nz::bench {

/// The timeout of every request a driver makes.
inline constexpr auto request_timeout = std::chrono::seconds(60);

/// How a stream's messages travel.
enum class path : uint8_t {
  sealed,  ///< peer_send to the sending node's manager (the node's API)
  direct,  ///< peer_send straight to an initiator session of ours (no manager hop)
  posted,  ///< peer_post to the sending node's manager: one-way, like plain (a)
  routed,  ///< peer_post straight to the manager's session (peer_route)
  plain,   ///< baseline (a): (bdata, bytes) straight to the remote sink
};

const char* to_string(path x);

struct stream_params {
  path via = path::plain;
  nz::peer_manager_actor manager;
  caf::actor session;  ///< path::direct
  std::string peer;    ///< the receiving node's id
  caf::actor sink;
  uint64_t total = 0;
  uint64_t window = 0;
  size_t size = 0;
  std::string channel;
  /// If > 0: note when the delivered count first reaches it (the rate after
  /// a burst).
  uint64_t mark = 0;
};

struct stream_result {
  double seconds = 0;
  double mark_seconds = 0;  ///< when the credit reaching stream_params::mark came
  uint64_t mark_delivered = 0;
  uint64_t delivered = 0;
  uint64_t bad = 0;
  uint64_t seen = 0;
  uint64_t polls = 0;
  uint64_t acked = 0;
  std::string error;
};

/// Keeps at most `window` messages sent and not yet credited by the sink;
/// reports bdone to `report` when the last credit came (or on an error, in
/// out->error).
caf::behavior stream_driver(caf::event_based_actor* self, stream_params p,
                            std::shared_ptr<stream_result> out, caf::actor report);

struct hs_result {
  std::vector<double> lat_us;
  std::vector<caf::actor> sessions;
  /// Stands in for the sessions' manager: they end when it does.
  caf::actor collector;
  uint64_t failed = 0;
  double seconds = 0;
  /// Progress, read by the waiting thread when a phase takes long.
  std::atomic<uint64_t> launched{0}, established{0}, failures{0};
};

/// Spawns one initiator session per identity, `window` handshaking at a time,
/// each dialling 127.0.0.1:port (dial_peer with `link`); stands in for the
/// manager of those sessions (they report peer_up to it, and end when it
/// ends: it stays alive after reporting bdone, until close_sessions).
/// `quiet_failures`: a failed handshake is expected (refused by the limits)
/// and not printed.
caf::behavior hs_collector(caf::event_based_actor* self, uint16_t port,
                           nz::peer_link_options link,
                           std::shared_ptr<const std::vector<peer_identity>> ids,
                           uint64_t window, std::shared_ptr<nz::service_registry> reg,
                           std::shared_ptr<hs_result> out, caf::actor report,
                           bool quiet_failures);

/// `n` sequential round trips to the sink; each in µs.
caf::behavior ping_driver(caf::event_based_actor* self, caf::actor sink, uint64_t n,
                          std::shared_ptr<std::vector<double>> lat, caf::actor report);

}  // namespace nz::bench
