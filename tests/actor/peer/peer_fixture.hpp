// peer_fixture: nodes, a simulated network and bounded runs on the actor
// system of actor_fixture (CAF's test coordinator).
//
// Each node has its own service registry with an identity actor (fixed seed),
// a storage actor (undetached, temp dir), a metrics actor, optionally a trust
// actor, and a peer manager (peer_fixture_nodes.cpp).
//
// The network (peer_fixture_network.cpp): every node "listens" on a simulated
// host:port ("nodea":7001, ...). A manager's outbound dial goes through
// peer_manager_options::connect to open_connection(), which joins an outbound
// test link (bound to the dialling session) and an inbound test link of the
// node at that address (tests/actor/peer/test_link.hpp): two in-memory
// peer_link brokers over one connection. The inbound link hands the hello to
// that node's manager, as the peer gate's links do. An address may instead
// lead to a raw peer that the test drives (listen_raw()), fail with
// (peer_dial, text) (fail_dial(), or nothing listening there), and a test can
// open an inbound connection to a node itself (dial_raw()) to speak the record
// protocol by hand (peer_fixture_wiring.cpp).
//
// Session actors are spawned inside the managers, so the fixture discovers them:
// run() notes every actor named "nz.peer_session" that the scheduler is about
// to run (every actor is scheduled at least once, to initialize).
//
// Everything runs on the test's thread; nothing here is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>
#include <caf/sec.hpp>

#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "messages/peer_api.hpp"
#include "peer_node.hpp"
#include "peer_test_helpers.hpp"
#include "support/actor_fixture.hpp"
#include "test_link.hpp"

namespace nz::test {

/// A fresh Noise static key bound by a node's identity: what a second process of
/// that node (or a test posing as it) would present.
struct peer_credentials {
  std::shared_ptr<peer::noise::keypair> key;
  byte_vec binding;
};

/// The deterministic actor system comes from actor_fixture; run(), advance()
/// and ask() below replace its versions (bounded runs, session bookkeeping).
struct peer_fixture : actor_fixture {
  /// Every session actor seen so far (see run()).
  std::vector<caf::actor_addr> seen_sessions;
  /// Actors removed from the scheduler's queue by suspend().
  std::vector<caf::actor> suspended;
  /// Everything spawned by the fixture or a test, killed at the end.
  std::vector<caf::actor> owned;
  std::vector<std::unique_ptr<peer_node>> nodes;

  // -- the simulated network --------------------------------------------------------

  /// What answers at a "host:port": a node, or (node == nullptr) a raw peer.
  struct listener {
    peer_node* node = nullptr;
  };
  std::map<std::string, listener> listeners;
  /// Dials to these addresses fail with (peer_dial, text).
  std::map<std::string, std::string> dial_failures;
  /// Dial attempts per address (successful or not).
  std::map<std::string, size_t> dial_attempts;
  /// Every test link and raw peer so far, in creation order.
  std::vector<std::shared_ptr<link_trace>> links;
  std::vector<std::shared_ptr<raw_trace>> raws;

  /// Silences the log on stderr and initializes libsodium.
  peer_fixture();

  /// Resumes suspended actors, kills every session seen, everything owned (in
  /// reverse order of spawning), every link and raw peer, then runs.
  ~peer_fixture();

  // -- running ----------------------------------------------------------------------

  /// Notes the next job of the scheduler in seen_sessions if it is a session.
  void note_next_job();

  /// Runs every actor until nothing is left to do (bounded: a test that keeps
  /// the actors busy forever fails instead of hanging).
  void run();

  /// Moves the simulated clock by `d` in steps of `step`, running everything
  /// after each step (so periodic timers such as heartbeats fire at their
  /// times, not all at once at the end).
  void advance(caf::timespan d, caf::timespan step = std::chrono::milliseconds(50));

  /// Takes `h` off the scheduler: it keeps its mailbox but runs no more until
  /// resume_actor(). A message is sent first so that it is in the queue (an
  /// actor with a non-empty, unblocked mailbox is never queued again).
  void suspend_actor(const caf::actor& h);

  void resume_actor(const caf::actor& h);

  // -- requests -----------------------------------------------------------------------

  /// Sends a request from a fresh local actor and runs; the reply (or error)
  /// lands in the returned object whenever it arrives.
  template <class T, class Handle, class... Ts>
  std::shared_ptr<reply<T>> call(const Handle& h, Ts... xs) {
    auto out = call_later<T>(h, std::move(xs)...);
    run();
    return out;
  }

  /// call() without running: the request goes out with the next run().
  template <class T, class Handle, class... Ts>
  std::shared_ptr<reply<T>> call_later(const Handle& h, Ts... xs) {
    auto out = std::make_shared<reply<T>>();
    // The reply sink is a spawn argument, not a capture: CAF 0.17.6 spawns a function
    // actor without arguments through an empty shared_ptr (UBSan: "reference
    // binding to null pointer", tests/sanitizers/ubsan.supp).
    auto fn = [h, xs...](caf::event_based_actor* a,
                         std::shared_ptr<reply<T>> sink) -> caf::behavior {
      a->request(h, caf::infinite, xs...)
          .then(
              [a, sink](T& x) {
                sink->value = caf::expected<T>{std::move(x)};
                a->quit();
              },
              [a, sink](caf::error& e) {
                sink->value = caf::expected<T>{std::move(e)};
                a->quit();
              });
      return {[](peer_redial_atom) {}};
    };
    auto catcher = sys.spawn(fn, out);
    owned.push_back(catcher);
    return out;
  }

  /// call() that must be answered at once (without moving the clock).
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& h, Ts... xs) {
    auto r = call<T>(h, std::move(xs)...);
    if (!r->done()) return caf::make_error(caf::sec::request_timeout, "no reply");
    return std::move(*r->value);
  }

  // -- nodes (peer_fixture_nodes.cpp) -------------------------------------------------

  /// The value of `x`; throws std::runtime_error naming `what` on an error.
  template <class T>
  T must(caf::expected<T> x, const char* what) {
    if (!x) throw std::runtime_error(std::string{what} + ": " + sys.render(x.error()));
    return std::move(*x);
  }

  /// Starts node `name` (identity seed bytes tag, tag+1, ...; listening on
  /// "node<name>":port) and runs until its manager is ready.
  peer_node& start_node(const std::string& name, uint8_t seed_tag, uint16_t port,
                        node_options o = {});

  // -- connections (peer_fixture_network.cpp) -----------------------------------------

  /// A dial of `session` to host:port, as peer_manager_options::connect: joins
  /// an outbound link bound to the session with the listener's end, or makes
  /// the dial fail with (peer_dial, text).
  void open_connection(const peer_node& from, const std::string& host, uint16_t port,
                       caf::actor session);

  /// Joins two ends of a connection.
  void pair(const caf::actor& x, const caf::actor& y);

  caf::actor spawn_inbound_link(const peer_node& n);

  caf::actor spawn_raw_peer();

  /// Dials to `address` fail with (peer_dial, why) until allow_dial().
  void fail_dial(const std::string& address, std::string why);
  void allow_dial(const std::string& address);

  /// Connections to host:port lead to a raw peer (see raws) that says nothing.
  void listen_raw(const std::string& host, uint16_t port);

  /// A connection from a raw peer (the test) to node `to`: returns the node's
  /// inbound link; raws.back() is the test's end.
  caf::actor dial_raw(const peer_node& to);

  /// Writes records onto the connection of `link` as its remote end would
  /// (or as anyone on the path could).
  void write_records(const caf::actor& link, const records& rs);

  /// Writes raw bytes onto the connection of `link`.
  void write_bytes(const caf::actor& link, wire_bytes bytes);

  /// The traces of the links of node `name`.
  std::vector<std::shared_ptr<link_trace>> links_of(const peer_node& n);

  /// The trace of the link bound to `session`; fails if there is none.
  std::shared_ptr<link_trace> link_of(const caf::actor& session);

  /// The handle of a live link (by its trace); fails if it ended.
  caf::actor handle(const link_trace& t);

  // -- observing (peer_fixture.cpp) ---------------------------------------------------

  caf::expected<std::vector<peer_info>> list(const peer_node& n);

  /// A live session actor and what it reports about itself.
  struct live_session {
    caf::actor handle;
    peer_info info;
  };

  /// Every session actor that is still alive, with its stats.
  std::vector<live_session> live_sessions();

  /// The live sessions whose remote node is `peer` (with two nodes: the
  /// sessions of the other node), by the peer node id they report.
  std::vector<live_session> sessions_with(const peer_node& peer);

  /// The one live session whose remote node is `peer`; fails otherwise.
  caf::actor session_of(const peer_node& peer);

  caf::expected<peer_info> stats(const caf::actor& session);

  /// The value of one series in the node's metrics ("family{label=\"x\"}"),
  /// 0 if the series does not exist.
  double metric(const peer_node& n, const std::string& series);

  /// Connects `from` to `to` through `from`'s manager (peers connect).
  std::shared_ptr<reply<std::string>> connect(const peer_node& from, const peer_node& to);

  bool alive(const caf::actor& session);

  /// Assertion by `truster` that `subject` has `level`.
  void trust_add(const peer_node& truster, const peer_node& subject, uint8_t level);

  /// Assertion by `truster` that the Ed25519 key `key_hex` has `level`.
  void trust_add_key(const peer_node& truster, const std::string& key_hex, uint8_t level);

  // -- the bare session wiring, no manager dial (peer_fixture_wiring.cpp) -------------

  /// A fresh static key with a binding signed by `of`'s identity.
  peer_credentials credentials(const peer_node& of);

  /// A raw connection to `to` on which the test, speaking for `as` as an
  /// initiator, sent a genuine hello (Noise message 1), delivered by run().
  struct raw_hello {
    caf::actor link;
    peer::handshake_driver driver;
  };
  raw_hello say_hello(const peer_node& as, const peer_node& to);

  /// A handshake driver speaking for node `of` (the test's side of a raw
  /// connection).
  peer::handshake_driver driver_for(const peer_node& of, peer::noise::role r);

  /// An initiator session of node `from`, spawned by the test (not by its
  /// manager), with a fresh static key bound by `from`'s identity; it dials
  /// `address` ("host:port", see open_connection()) and reports peer_up to
  /// `manager`.
  caf::actor direct_initiator(const peer_node& from, const std::string& address,
                              const caf::actor& manager,
                              caf::timespan handshake_timeout = std::chrono::seconds(5),
                              std::string policy = "open");
};

}  // namespace nz::test
