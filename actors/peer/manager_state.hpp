// Internals of the peer manager actor (actors/peer/peer_manager.hpp), shared by
// its files: peer_manager.cpp (start and the behaviour), manager_sessions.cpp
// (dialling, tracking, one session per peer, redial, the peer cache) and
// manager_channels.cpp (the inbox and its long polls). Not for use outside
// actors/peer/.
#pragma once

#include <deque>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>
#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/peer/manager/backoff.hpp"
#include "actors/peer/manager/peer_cache.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/peer_dialer.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/storage_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/persist/journaled.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/unix_time.hpp"

#include "actors/peer/peer_manager.hpp"
#include "actors/peer/peer_session.hpp"

namespace nz::peer_manager_detail {

struct session_entry {
  caf::actor handle;
  /// The dial_entry key of an outbound session.
  std::string dial_key;
  std::string node_id;  ///< empty while handshaking
  std::string address;
  bool outbound = false;
};

/// An address this node keeps connected: a bootstrap entry, or an address whose
/// session was established once. Redialled with exponential backoff and full
/// jitter after the session ends or a dial fails.
struct dial_entry {
  std::string host;
  uint16_t port = 0;
  std::string expected;  ///< node id required there, or empty
  bool keep = false;     ///< redial after failures
  bool scheduled = false;
  peer::backoff bo;
};

/// A `listen` waiting for a message on its channel (long poll).
struct listener {
  std::string channel;
  uint64_t after = 0;
  caf::actor_clock::time_point deadline;
  caf::typed_response_promise<channel_batch> rp;
  bool done = false;
};

/// A `request` waiting for the reply to its message.
struct pending_request {
  caf::typed_response_promise<std::vector<uint8_t>> rp;
  bool done = false;
};

/// The inbox keeps the newest messages: at most this many, and this many bytes.
constexpr size_t max_inbox_messages = 1000;
constexpr size_t max_inbox_bytes = size_t{16} << 20;

struct manager_state {
  std::shared_ptr<service_registry> reg;
  peer_manager_options opts;
  std::shared_ptr<const peer::noise::keypair> static_key;
  std::vector<uint8_t> binding;
  std::string own_node_id;
  bool ready = false;
  std::vector<std::function<void()>> deferred;
  std::map<caf::actor_addr, session_entry> sessions;
  std::map<std::string, caf::actor> by_node;
  /// `connect` requests waiting for their session to be established.
  std::map<caf::actor_addr, caf::typed_response_promise<std::string>> connecting;
  /// "[id@]host:port" -> redial state.
  std::map<std::string, dial_entry> dialled;
  /// Sessions this manager closed on purpose (tie-break, shutdown): no redial.
  std::set<caf::actor_addr> closing;
  bool stopping = false;
  std::mt19937_64 rng{std::random_device{}()};
  std::deque<channel_message> inbox;
  size_t inbox_bytes = 0;
  uint64_t next_seq = 1;
  std::vector<std::shared_ptr<listener>> listeners;
  /// (peer node id, message id) -> the request waiting for its reply.
  std::map<std::pair<std::string, uint64_t>, std::shared_ptr<pending_request>> requests;
  journaled<peer::peer_cache> cache;
  static inline const char* name = "nz.peer_manager";
};

using self_ptr = peer_manager_actor::stateful_pointer<manager_state>;

/// True if the current message comes from an actor of this node.
bool is_local(self_ptr self);
/// Sessions still handshaking.
size_t half_open(const manager_state& st);
/// What every session of this manager starts from (its own copy of the key).
peer_session_config base_config(self_ptr self);
/// Monitors a new session and files it.
void track(self_ptr self, caf::actor session, std::string address, bool outbound);
/// Dials host:port; `rp` (if valid) gets the node id once established;
/// `keep`: redial with backoff after failures and after the session ends.
void dial(self_ptr self, std::string host, uint16_t port,
          std::optional<caf::typed_response_promise<std::string>> rp, bool keep = false);
/// Arms the redial timer of a kept address (exponential backoff, full jitter).
void schedule_redial(self_ptr self, const std::string& key);
/// A session ended: forgets it, answers waiting connects, maybe redials.
void on_session_down(self_ptr self, const caf::down_msg& dm);
/// Remembers an outbound peer durably (address, key, last connection).
void remember(self_ptr self, const std::string& node_id, const std::string& address,
              const std::vector<uint8_t>& key);
/// A session was established: one session per peer (tie-break), bookkeeping.
void on_up(self_ptr self, std::string node_id, caf::actor session, bool outbound,
           std::string address, std::vector<uint8_t> key);

/// The one session whose node id is `who` or starts with it (8+ characters).
std::optional<caf::actor> find_peer(self_ptr self, const std::string& who,
                                    std::string& why);
/// The inbox's messages on `channel` after the cursor `after`.
channel_batch batch_after(const manager_state& st, const std::string& channel,
                          uint64_t after);
/// Files one received message: answers the request it replies to, if any,
/// and appends it to the inbox (bounded). Listeners are woken by wake_listeners.
void store(self_ptr self, channel_message m);
/// Answers every listener that now has messages on its channel.
void wake_listeners(self_ptr self);

}  // namespace nz::peer_manager_detail
