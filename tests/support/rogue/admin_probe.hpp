// The rogue's BASP tools for the admin port (127.0.0.1 only): CAF's own
// middleman, used the way a hostile local process can use it. A node's BASP
// broker hands out a proxy for any (node id, actor id) pair; the target
// answers the proxy's monitor message with a down message for ids it has not
// registered, so proxies that survive a short wait name the actors reachable
// through this port ("census").
//
// Thread rules: the functions block the calling thread; the collector is an
// actor and counts from any thread under its tally's mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/message_id.hpp>
#include <caf/node_id.hpp>

#include "support/rogue/options.hpp"

namespace nz::rogue {

/// The application identifiers a BASP server announces in its handshake
/// (sent in clear to anyone who connects). Empty on any error.
std::vector<std::string> peek_app_ids(const endpoint& e);

/// Reachable actor ids of the target and their names ("?" when an actor does
/// not answer CAF's ('sys', 'get', "info") probe).
using actor_names = std::map<uint64_t, std::string>;

struct admin_target {
  caf::node_id node;
  caf::strong_actor_ptr gate;
  actor_names alive;
};

/// Sends `msg` to (nid, aid) through a proxy, with `sender` (may be null) and
/// message id `mid`: whatever BASP lets a client say.
void send_to(caf::actor_system& sys, const caf::node_id& nid, uint64_t aid,
             const caf::strong_actor_ptr& sender, caf::message_id mid,
             const caf::message& msg);

/// Enumerates ids [o.first_id, o.last_id] on the target and names them.
actor_names census(caf::actor_system& sys, const admin_target& t, const options& o,
                   const char* label);

/// "aid:name,aid:name".
std::string id_list(const actor_names& xs);

/// What came back to the collector.
struct tally {
  std::mutex mtx;
  std::map<std::string, int> by_kind;
  int total = 0;
};

/// The sender of everything the admin phases send: prints and counts what
/// comes back.
caf::actor spawn_collector(caf::actor_system& sys, std::shared_ptr<tally> t);

}  // namespace nz::rogue
