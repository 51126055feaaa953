// Internals of the peer session actor (actors/peer/peer_session.hpp), shared
// by its files: peer_session.cpp (the behaviour), session_io.cpp (records,
// frames, handshake steps) and session_upkeep.cpp (admission, heartbeats,
// trust sync). Not for use outside actors/peer/.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/delegated.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_nr.hpp>

#include "actors/peer/channel_codec.hpp"
#include "actors/peer/manager/phi_accrual.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/peer_session.hpp"
#include "actors/peer/session/admission.hpp"
#include "actors/peer/session/frame_body.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "actors/peer/session/record.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "messages/core_errors.hpp"
#include "messages/peer_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/actor_clock_ms.hpp"
#include "runtime/chaos/peer_chaos.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/scoped_monitor.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/unix_time.hpp"

namespace nz::peer_session_detail {

using clock_type = std::chrono::steady_clock;

/// Milliseconds on the actor clock (the steady clock in a node, the simulated
/// clock in deterministic tests); what the failure detector, the rekey timer
/// and the heartbeat timer must share.
template <class Self>
uint64_t actor_ms(Self* self) {
  return static_cast<uint64_t>(actor_clock_ms(self));
}

using records = std::vector<std::vector<uint8_t>>;
using noise_bytes = peer::noise::bytes_view;

struct pending_ping {
  caf::response_promise rp;
  clock_type::time_point sent;
};

struct session_state {
  std::shared_ptr<service_registry> reg;
  peer_session_config cfg;
  /// The session ends with its manager; the monitor goes with this state (a
  /// plain monitor would stay on the manager after this session ended).
  scoped_monitor manager_watch;
  std::optional<peer::handshake_driver> driver;
  std::optional<peer::session_cipher> cipher;
  /// The link (the connection's broker) this session talks through (set once).
  caf::actor remote;
  /// Initiator: Noise message 1, sent once the link is up.
  std::vector<uint8_t> msg1;
  /// Set when the session has decided to end: later records are ignored.
  bool ended = false;
  /// Sealed frames waiting for the next flush to the link: the frames a burst of
  /// messages produces go to the link as one message (a self-sent flush runs
  /// after what is already in the mailbox).
  records outbox;
  bool flush_scheduled = false;
  /// Plaintext scratch, one per direction, reused from frame to frame and
  /// wiped after each use: a frame body being sealed, a frame just opened.
  std::vector<uint8_t> plain_out;
  std::vector<uint8_t> plain_in;
  /// Channel messages opened from one batch of records, handed to the manager
  /// together (deliver_batch).
  std::vector<channel_message> delivered;
  /// Chaos delay: no frame may overtake one still delayed (order is the
  /// counters' contract).
  caf::actor_clock::time_point delayed_until{};
  std::optional<peer::binding> peer;
  bool established = false;
  /// Initiator after message 3: the transport exists, but the session counts
  /// only once the responder's first frame ("ready") shows it admitted us.
  bool awaiting_ready = false;
  int64_t since_ms = 0;
  uint8_t trust_level = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t foreign_dropped = 0;
  int64_t last_rtt_us = -1;
  uint64_t next_ping = 1;
  std::map<uint64_t, pending_ping> pings;
  /// Heartbeats: every frame from the peer counts; a heartbeat ping goes out
  /// every beat_interval.
  peer::phi_accrual detector;
  std::map<uint64_t, clock_type::time_point> beats;
  uint64_t beat_count = 0;
  uint64_t next_message_id = 1;
  /// The trust log length when the last bundle was exported.
  uint64_t synced_head = UINT64_MAX;
  /// BLAKE2b of the assertions of the last trust bundle sent (not re-sent
  /// while unchanged).
  std::array<uint8_t, 32> last_sync{};
  static inline const char* name = "nz.peer_session";
};

using self_ptr = caf::stateful_actor<session_state>*;

void count_drop(self_ptr self, const std::string& reason);
/// Hands the channel messages opened so far to the manager, in order.
void deliver_batch(self_ptr self);
/// The handshake failed or was refused: counted, an abort record to the peer
/// (no reason), and the session ends.
void fail(self_ptr self, const std::string& reason, const std::string& detail);
void end_session(self_ptr self, caf::error reason);
bool from_remote(self_ptr self);
bool from_local(self_ptr self);
/// Hands the frames waiting in the outbox to the link, in order.
void flush_outbox(self_ptr self);
void send_record(self_ptr self, peer::record_kind kind,
                 const std::vector<uint8_t>& payload);
/// Seals a frame of `type` (frame body) into the outbox (or delayed, chaos).
void send_frame(self_ptr self, std::string_view type, noise_bytes body);
/// Seals a "chan" frame, encoded straight into the frame body (no
/// intermediate buffers; the hot path of every channel message).
void send_chan(self_ptr self, std::string_view channel, uint64_t id, uint64_t reply_to,
               const std::vector<uint8_t>& payload);
/// Takes the transport from the finished handshake; false (and the session
/// ends) if that fails.
bool take_transport(self_ptr self);
/// Both sides admitted each other: tell the manager and the link.
void announce(self_ptr self, bool outbound);
/// One record from the link, in order (docs/protocol.md, "Transport").
void on_record(self_ptr self, const std::vector<uint8_t>& r);
void sync_trust(self_ptr self);
void on_trust_sync(self_ptr self, std::vector<uint8_t> bundle);
/// One heartbeat round: a ping to the peer, then the failure check.
void beat(self_ptr self);
/// Asks the trust store for the peer's standing (unless the policy is open),
/// then admits (continue) or refuses.
void admit(self_ptr self, std::function<void()> on_admitted);

}  // namespace nz::peer_session_detail
