// Hardening for actors whose handles cross the middleman (docs/security.md, "Peer
// plane"; issue #5). CAF 0.17.6's BASP lets any node that can open a connection to
// one of our ports choose, per message:
// - the receiver: any actor id in the actor registry (every actor whose handle
//   was ever serialized, on any connection);
// - the sender: a routed BASP message names its source node, and a source node
//   equal to ours makes the sender one of OUR actors (actor registry lookup);
//   a client handshake may claim any node id;
// - the message id: a response id completes any pending request of the receiver
//   (`request(...).then(...)` checks nothing else);
// - the content: exit_msg (reason kill is fatal before any exit handler runs),
//   down_msg with any source, caf::error (the default error handler quits),
//   ('link', handle) which BASP turns into a link between two local actors.
// And every unexpected message is answered with an error to its (spoofable)
// sender, whose default error handler quits: one message kills any actor.
//
// wire_guarded<Base, Policy> closes what an actor can close:
// - messages deserialized from the network (the middleman's multiplexer is the
//   execution unit that enqueues them; middleman.workers must stay 0, see
//   node_runner.cpp) pass only if Policy::accepts(element) says so: ordinary
//   messages of the actor's wire interface, never responses, never system
//   messages; everything else is dropped and counted
//   (nzcore_peer_dropped_total{reason="wire_filter"});
// - links are refused (add_link/add_backlink), so no exit can reach the actor
//   through a link made by BASP's link interception;
// - error messages are ignored and unexpected messages are dropped without an
//   error reply (nothing is reflected to a spoofed sender).
// Senders are NOT authenticated by any of this: current_sender() of a network
// message is whatever the remote said. Authenticate with the Noise session.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/delegated.hpp>
#include <caf/io/middleman.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>
#include <caf/result.hpp>
#include <caf/scheduled_actor.hpp>

#include "runtime/metrics_client.hpp"

namespace nz {

class service_registry;

/// True when `eu` is the middleman's multiplexer: the element was deserialized
/// from a BASP connection by the broker (with middleman.workers = 0; with BASP
/// workers the deserializing thread would be a scheduler worker instead).
inline bool from_network(caf::actor_system& sys, caf::execution_unit* eu) {
  return eu != nullptr && sys.has_middleman() && eu == &sys.middleman().backend();
}

/// An ordinary message (not a response, normal priority), a request only if
/// `requests`, whose type token is one of `tokens`.
inline bool wire_message(const caf::mailbox_element& x, bool requests,
                         std::initializer_list<uint32_t> tokens) {
  auto mid = x.mid;
  if (mid.is_response() || mid.is_answered()
      || mid.category() != caf::message_id::normal_message_category)
    return false;
  if (mid.is_request() && !requests) return false;
  auto tk = x.content().type_token();
  return std::find(tokens.begin(), tokens.end(), tk) != tokens.end();
}

/// One accepted message shape: its leading atom and its type token.
struct wire_shape {
  caf::atom_value atom;
  uint32_t token;
};

/// wire_message for messages that start with an atom: the token and the atom
/// must both match one of `shapes`.
inline bool wire_atom_message(const caf::mailbox_element& x, bool requests,
                              std::initializer_list<wire_shape> shapes) {
  auto mid = x.mid;
  if (mid.is_response() || mid.is_answered()
      || mid.category() != caf::message_id::normal_message_category)
    return false;
  if (mid.is_request() && !requests) return false;
  auto& c = x.content();
  if (c.size() == 0 || !c.match_element<caf::atom_value>(0)) return false;
  auto tk = c.type_token();
  auto atom = c.get_as<caf::atom_value>(0);
  return std::any_of(shapes.begin(), shapes.end(), [&](const wire_shape& s) {
    return s.atom == atom && s.token == tk;
  });
}

/// `Base`: the actor class (e.g. caf::stateful_actor<State>, a typed actor's
/// base). `Policy::accepts(const caf::mailbox_element&)`: what may come from the
/// network. Drops are counted as nzcore_peer_dropped_total{reason="wire_filter"}.
template <class Base, class Policy>
class wire_guarded : public Base {
 public:
  wire_guarded(caf::actor_config& cfg, std::shared_ptr<service_registry> reg)
      : Base(cfg), reg_(std::move(reg)) {
    this->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
    this->set_default_handler(
        [](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
          return caf::delegated<caf::message>{};  // no error reply to anyone
        });
  }

  void enqueue(caf::mailbox_element_ptr x, caf::execution_unit* eu) override {
    if (x && from_network(this->home_system(), eu) && !Policy::accepts(*x)) {
      if (reg_) metric_add(*reg_, "nzcore_peer_dropped_total", {"wire_filter"});
      return;
    }
    Base::enqueue(std::move(x), eu);
  }

  void add_link(caf::abstract_actor*) override {
    // Never linked: BASP links any two registered actors on request.
  }

  bool add_backlink(caf::abstract_actor*) override { return false; }

 protected:
  std::shared_ptr<service_registry> reg_;
};

}  // namespace nz
