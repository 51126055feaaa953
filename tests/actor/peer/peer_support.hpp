// Two (or more) nodes in one actor system on CAF's test coordinator, for the
// deterministic tests of peer sessions (issue #5). No sockets, no middleman, no
// sleeps: every message moves when run() says so, time moves with advance().
//
// Each node has its own service registry with an identity actor (fixed seed),
// a storage actor (undetached, temp dir), a metrics actor, optionally a trust
// actor, and a peer manager.
//
// The network: every node "listens" on a simulated host:port ("nodea":7001,
// ...). A manager's outbound dial goes through peer_manager_options::connect to
// open_connection(), which joins an outbound test link (bound to the dialling
// session) and an inbound test link of the node at that address
// (tests/actor/peer/test_link.hpp): two in-memory peer_link brokers over one
// connection. The inbound link hands the hello to that node's manager, as the
// peer gate's links do. An address may instead lead to a raw peer that the test
// drives (listen_raw()), fail with (peer_dial, text) (fail_dial(), or nothing
// listening there), and a test can open an inbound connection to a node itself
// (dial_raw()) to speak the record protocol by hand.
//
// Session actors are spawned inside the managers, so the fixture discovers them:
// run() notes every actor named "nz.peer_session" that the scheduler is about
// to run (every actor is scheduled at least once, to initialize).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <sodium.h>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/identity/identity_actor.hpp"
#include "actors/metrics/metrics_actor.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/peer_manager.hpp"
#include "actors/peer/peer_session.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "actors/peer/session/record.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "actors/trust/trust_actor.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/register_types.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/storage_actor.hpp"
#include "support/actor_fixture.hpp"
#include "support/temp_dir.hpp"
#include "test_link.hpp"

namespace nz::test {

using namespace std::chrono_literals;
using byte_vec = std::vector<uint8_t>;

inline bool has_code(const caf::error& err, peer_errc code) {
  return err.category() == peer_category && err.code() == static_cast<uint8_t>(code);
}

inline byte_vec bytes_of(const std::string& s) {
  return byte_vec(s.begin(), s.end());
}

/// What one node is made of.
struct peer_node {
  std::string name;  ///< "a", "b", ...
  std::string host;  ///< "nodea": the simulated host it listens on
  uint16_t port = 0;
  std::unique_ptr<temp_dir> tmp;
  std::shared_ptr<service_registry> reg = std::make_shared<service_registry>();
  caf::actor identity;
  caf::actor storage;
  caf::actor metrics;
  caf::actor trust;  ///< only with node_options::with_trust
  caf::actor manager;
  /// The handshake timeout of its manager, and of its inbound links.
  caf::timespan handshake_timeout = std::chrono::seconds(5);
  std::string node_id;
  std::string key_hex;  ///< Ed25519 public key, 64 hex digits
  byte_vec key;

  peer_manager_actor mgr() const { return caf::actor_cast<peer_manager_actor>(manager); }
  std::string address() const { return host + ":" + std::to_string(port); }
};

struct node_options {
  std::string policy = "open";
  uint8_t min_level = 2;
  bool with_trust = false;
  caf::timespan handshake_timeout = std::chrono::seconds(5);
  caf::timespan request_timeout = std::chrono::seconds(5);
};

/// The eventual reply to a request made with call().
template <class T>
struct reply {
  std::optional<caf::expected<T>> value;
  bool done() const { return value.has_value(); }
  bool ok() const { return value && static_cast<bool>(*value); }
  caf::error error() const { return value && !*value ? value->error() : caf::error{}; }
};

/// A local actor that is neither a session's link nor its manager (spawn
/// it with any tag: see call_later() on spawning without arguments).
inline caf::behavior bystander(caf::event_based_actor*, int /* tag */) {
  return {[](peer_redial_atom) {}};
}

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

  peer_fixture() {
    log::set_stderr(false);
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
  }

  ~peer_fixture() {
    for (auto& h : suspended) resume_actor(h);
    suspended.clear();
    for (auto& addr : seen_sessions)
      if (auto h = caf::actor_cast<caf::actor>(addr))
        self->send_exit(h, caf::exit_reason::kill);
    for (auto i = owned.rbegin(); i != owned.rend(); ++i)
      self->send_exit(*i, caf::exit_reason::kill);
    // Links and raw peers that no session owns would wait for their timers.
    for (auto& t : links)
      if (auto h = caf::actor_cast<caf::actor>(t->link))
        self->send_exit(h, caf::exit_reason::kill);
    for (auto& t : raws)
      if (auto h = caf::actor_cast<caf::actor>(t->peer))
        self->send_exit(h, caf::exit_reason::kill);
    run();
  }

  // -- running ----------------------------------------------------------------------

  void note_next_job() {
    if (sched.jobs.empty()) return;
    auto* sa = dynamic_cast<caf::scheduled_actor*>(sched.jobs.front());
    if (sa == nullptr || std::strcmp(sa->name(), "nz.peer_session") != 0) return;
    auto addr = sa->address();
    if (std::find(seen_sessions.begin(), seen_sessions.end(), addr)
        == seen_sessions.end())
      seen_sessions.push_back(addr);
  }

  /// Runs every actor until nothing is left to do (bounded: a test that keeps
  /// the actors busy forever fails instead of hanging).
  void run() {
    for (size_t i = 0; i < 1'000'000; ++i) {
      note_next_job();
      if (!sched.try_run_once()) return;
    }
    FAIL_CHECK("run(): the actors never went idle");
  }

  /// Moves the simulated clock by `d` in steps of `step`, running everything
  /// after each step (so periodic timers such as heartbeats fire at their
  /// times, not all at once at the end).
  void advance(caf::timespan d, caf::timespan step = std::chrono::milliseconds(50)) {
    while (d.count() > 0) {
      auto s = std::min(d, step);
      sched.advance_time(s);
      run();
      d -= s;
    }
  }

  /// Takes `h` off the scheduler: it keeps its mailbox but runs no more until
  /// resume_actor(). A message is sent first so that it is in the queue (an
  /// actor with a non-empty, unblocked mailbox is never queued again).
  void suspend_actor(const caf::actor& h) {
    self->send(h, peer_stats_atom::value);
    auto* ptr = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(h));
    REQUIRE(ptr != nullptr);
    auto i = std::find(sched.jobs.begin(), sched.jobs.end(), ptr);
    REQUIRE(i != sched.jobs.end());
    sched.jobs.erase(i);
    suspended.push_back(h);
  }

  void resume_actor(const caf::actor& h) {
    auto* ptr = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(h));
    if (ptr != nullptr) sched.jobs.push_back(ptr);
  }

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

  // -- nodes --------------------------------------------------------------------------

  template <class T>
  T must(caf::expected<T> x, const char* what) {
    if (!x) throw std::runtime_error(std::string{what} + ": " + sys.render(x.error()));
    return std::move(*x);
  }

  /// Starts node `name` (identity seed bytes tag, tag+1, ...; listening on
  /// "node<name>":port) and runs until its manager is ready.
  peer_node& start_node(const std::string& name, uint8_t seed_tag, uint16_t port,
                        node_options o = {}) {
    auto n = std::make_unique<peer_node>();
    n->name = name;
    n->host = "node" + name;
    n->port = port;
    n->tmp = std::make_unique<temp_dir>("nz-peer-actor-" + name);
    auto reg = n->reg;
    // identity
    auto source = std::make_shared<identity_source>();
    {
      auto w = source->seed.write();
      for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(seed_tag + i);
    }
    source->kdf = "none (test)";
    n->identity = must(spawn_identity(sys, source), "spawn_identity");
    owned.push_back(n->identity);
    reg->declare("identity", "", "worker");
    reg->set_running("identity", n->identity);
    // metrics
    auto m = spawn_metrics(sys, metrics_options{1'700'000'000'000, "test", 64, [] {
                                                  return int64_t{1'700'000'000'000};
                                                }});
    n->metrics = caf::actor_cast<caf::actor>(m);
    owned.push_back(n->metrics);
    reg->declare("metrics", "", "worker");
    reg->set_running("metrics", n->metrics);
    // storage
    storage_options so;
    so.dir = n->tmp->str() + "/db";
    so.map_size = size_t{64} << 20;
    so.detached = false;
    so.kv_commit_linger = std::chrono::microseconds{0};
    so.find_identity = [reg] { return reg->get("identity"); };
    so.find_metrics = [reg] { return reg->get("metrics"); };
    n->storage =
        caf::actor_cast<caf::actor>(must(spawn_storage(sys, std::move(so)), "storage"));
    owned.push_back(n->storage);
    reg->declare("storage", "", "worker");
    reg->set_running("storage", n->storage);
    run();
    // trust
    if (o.with_trust) {
      trust_options to;
      to.now_ms = [] { return int64_t{1'700'000'000'000}; };
      n->trust = must(spawn_trust(sys, reg, std::move(to)), "spawn_trust");
      owned.push_back(n->trust);
      reg->declare("trust", "", "worker");
      reg->set_running("trust", n->trust);
      run();
    }
    // peer manager
    peer_manager_options po;
    po.admission.policy = o.policy;
    po.admission.min_level = o.min_level;
    po.handshake_timeout = o.handshake_timeout;
    po.request_timeout = o.request_timeout;
    po.journal.stream = "peers";
    po.connect = [this, from = n.get()](caf::actor_system&, const std::string& host,
                                        uint16_t port, caf::actor session) {
      open_connection(*from, host, port, std::move(session));
    };
    n->handshake_timeout = o.handshake_timeout;
    n->manager = must(spawn_peer_manager(sys, reg, std::move(po)), "spawn_peer_manager");
    owned.push_back(n->manager);
    reg->declare("peers", "", "worker");
    reg->set_running("peers", n->manager);
    listeners[n->address()] = listener{n.get()};
    run();
    auto info = must(
        ask<identity_info>(caf::actor_cast<identity_actor>(n->identity), get_atom::value),
        "identity get");
    n->node_id = info.node_id;
    std::array<uint8_t, 32> pk{};
    size_t len = 0;
    if (sodium_base642bin(pk.data(), pk.size(), info.ed25519_public.data(),
                          info.ed25519_public.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL)
            != 0
        || len != pk.size())
      throw std::runtime_error("identity key is not base64 of 32 bytes");
    n->key.assign(pk.begin(), pk.end());
    char hex[65];
    sodium_bin2hex(hex, sizeof(hex), pk.data(), pk.size());
    n->key_hex = hex;
    // The manager has replayed its (empty) peer cache and made its binding.
    REQUIRE(ask<std::vector<peer_info>>(n->mgr(), peer_list_atom::value));
    nodes.push_back(std::move(n));
    return *nodes.back();
  }

  // -- connections --------------------------------------------------------------------

  /// A dial of `session` to host:port, as peer_manager_options::connect: joins
  /// an outbound link bound to the session with the listener's end, or makes
  /// the dial fail with (peer_dial, text).
  void open_connection(const peer_node& from, const std::string& host, uint16_t port,
                       caf::actor session) {
    auto addr = host + ":" + std::to_string(port);
    ++dial_attempts[addr];
    auto l = listeners.find(addr);
    auto f = dial_failures.find(addr);
    if (f != dial_failures.end() || l == listeners.end()) {
      auto why = f != dial_failures.end() ? f->second : std::string{"connection refused"};
      sys.spawn(failed_dial_impl, std::move(session), std::move(why));
      return;
    }
    auto remote = l->second.node ? spawn_inbound_link(*l->second.node) : spawn_raw_peer();
    link_setup out;
    out.reg = from.reg;
    out.trace = std::make_shared<link_trace>();
    out.trace->node = from.name;
    out.session = std::move(session);
    links.push_back(out.trace);
    auto local = sys.spawn(test_link_impl, std::move(out));
    pair(local, remote);
  }

  /// Joins two ends of a connection.
  void pair(const caf::actor& x, const caf::actor& y) {
    caf::anon_send(x, test_pair_atom::value, y);
    caf::anon_send(y, test_pair_atom::value, x);
  }

  caf::actor spawn_inbound_link(const peer_node& n) {
    link_setup in;
    in.reg = n.reg;
    in.trace = std::make_shared<link_trace>();
    in.trace->node = n.name;
    in.inbound = true;
    in.handshake_timeout = n.handshake_timeout;
    links.push_back(in.trace);
    return sys.spawn(test_link_impl, std::move(in));
  }

  caf::actor spawn_raw_peer() {
    auto t = std::make_shared<raw_trace>();
    raws.push_back(t);
    return sys.spawn(raw_peer_impl, t);
  }

  /// Dials to `address` fail with (peer_dial, why) until allow_dial().
  void fail_dial(const std::string& address, std::string why) {
    dial_failures[address] = std::move(why);
  }
  void allow_dial(const std::string& address) { dial_failures.erase(address); }

  /// Connections to host:port lead to a raw peer (see raws) that says nothing.
  void listen_raw(const std::string& host, uint16_t port) {
    listeners[host + ":" + std::to_string(port)] = listener{nullptr};
  }

  /// A connection from a raw peer (the test) to node `to`: returns the node's
  /// inbound link; raws.back() is the test's end.
  caf::actor dial_raw(const peer_node& to) {
    auto link = spawn_inbound_link(to);
    auto raw = spawn_raw_peer();
    pair(link, raw);
    run();
    return link;
  }

  /// Writes records onto the connection of `link` as its remote end would
  /// (or as anyone on the path could).
  void write_records(const caf::actor& link, const records& rs) {
    self->send(link, test_wire_atom::value, encode_wire(rs));
  }

  /// Writes raw bytes onto the connection of `link`.
  void write_bytes(const caf::actor& link, wire_bytes bytes) {
    self->send(link, test_wire_atom::value, std::move(bytes));
  }

  /// The traces of the links of node `name`.
  std::vector<std::shared_ptr<link_trace>> links_of(const peer_node& n) {
    std::vector<std::shared_ptr<link_trace>> out;
    for (auto& t : links)
      if (t->node == n.name) out.push_back(t);
    return out;
  }

  /// The trace of the link bound to `session`; fails if there is none.
  std::shared_ptr<link_trace> link_of(const caf::actor& session) {
    for (auto& t : links)
      if (t->session == session.address()) return t;
    FAIL("no link is bound to this session");
    return nullptr;
  }

  /// The handle of a live link (by its trace); fails if it ended.
  caf::actor handle(const link_trace& t) {
    auto h = caf::actor_cast<caf::actor>(t.link);
    REQUIRE(h);
    return h;
  }

  // -- observing ----------------------------------------------------------------------

  caf::expected<std::vector<peer_info>> list(const peer_node& n) {
    return ask<std::vector<peer_info>>(n.mgr(), peer_list_atom::value);
  }

  /// A live session actor and what it reports about itself.
  struct live_session {
    caf::actor handle;
    peer_info info;
  };

  /// Every session actor that is still alive, with its stats.
  std::vector<live_session> live_sessions() {
    std::vector<live_session> out;
    for (auto& addr : seen_sessions) {
      auto h = caf::actor_cast<caf::actor>(addr);
      if (!h) continue;
      if (std::find(suspended.begin(), suspended.end(), h) != suspended.end()) continue;
      auto st = ask<peer_info>(h, peer_stats_atom::value);
      if (st) out.push_back({h, std::move(*st)});
    }
    return out;
  }

  /// The live sessions whose remote node is `peer` (with two nodes: the
  /// sessions of the other node), by the peer node id they report.
  std::vector<live_session> sessions_with(const peer_node& peer) {
    std::vector<live_session> out;
    for (auto& s : live_sessions())
      if (s.info.node_id == peer.node_id) out.push_back(std::move(s));
    return out;
  }

  /// The one live session whose remote node is `peer`; fails otherwise.
  caf::actor session_of(const peer_node& peer) {
    auto xs = sessions_with(peer);
    REQUIRE(xs.size() == 1);
    return xs.front().handle;
  }

  caf::expected<peer_info> stats(const caf::actor& session) {
    return ask<peer_info>(session, peer_stats_atom::value);
  }

  /// The value of one series in the node's metrics ("family{label=\"x\"}"),
  /// 0 if the series does not exist.
  double metric(const peer_node& n, const std::string& series) {
    auto text = must(
        ask<std::string>(caf::actor_cast<metrics_actor>(n.metrics), render_atom::value),
        "render");
    auto key = "\n" + series + " ";
    auto i = text.find(key);
    if (i == std::string::npos) return 0;
    return std::stod(text.substr(i + key.size()));
  }

  /// Connects `from` to `to` through `from`'s manager (peers connect).
  std::shared_ptr<reply<std::string>> connect(const peer_node& from,
                                              const peer_node& to) {
    return call<std::string>(from.mgr(), peer_connect_atom::value, to.host, to.port);
  }

  bool alive(const caf::actor& session) { return static_cast<bool>(stats(session)); }

  /// Assertion by `truster` that `subject` has `level`.
  void trust_add(const peer_node& truster, const peer_node& subject, uint8_t level) {
    trust_add_key(truster, subject.key_hex, level);
  }

  /// Assertion by `truster` that the Ed25519 key `key_hex` has `level`.
  void trust_add_key(const peer_node& truster, const std::string& key_hex,
                     uint8_t level) {
    REQUIRE(truster.trust);
    trust_assert_request req;
    req.kind = "set_level";
    req.subject = key_hex;
    req.level = level;
    auto e = ask<trust_entry>(caf::actor_cast<trust_actor>(truster.trust),
                              trust_assert_atom::value, req);
    if (!e) FAIL("trust add failed: " << sys.render(e.error()));
  }

  // -- the bare session wiring (no manager dial) --------------------------------------

  /// A fresh static key with a binding signed by `of`'s identity.
  peer_credentials credentials(const peer_node& of) {
    peer_credentials c;
    c.key = std::make_shared<peer::noise::keypair>(peer::noise::keypair::generate());
    auto msg = peer::binding_message(c.key->public_key_bytes, peer::protocol_version);
    auto sig = ask<byte_vec>(caf::actor_cast<identity_actor>(of.identity),
                             sign_atom::value, msg);
    REQUIRE(sig);
    REQUIRE(sig->size() == 64);
    peer::ed25519_public_key pk{};
    std::copy(of.key.begin(), of.key.end(), pk.begin());
    peer::ed25519_signature s{};
    std::copy(sig->begin(), sig->end(), s.begin());
    c.binding = peer::encode_binding(pk, s, peer::protocol_version, 0);
    return c;
  }

  /// A raw connection to `to` on which the test, speaking for `as` as an
  /// initiator, sent a genuine hello (Noise message 1), delivered by run().
  struct raw_hello {
    caf::actor link;
    peer::handshake_driver driver;
  };
  raw_hello say_hello(const peer_node& as, const peer_node& to) {
    auto link = dial_raw(to);
    auto drv = driver_for(as, peer::noise::role::initiator);
    auto msg1 = drv.start();
    REQUIRE(msg1);
    write_records(link, {make_record(peer::record_kind::hello, *msg1)});
    run();
    return {link, std::move(drv)};
  }

  /// A handshake driver speaking for node `of` (the test's side of a raw
  /// connection).
  peer::handshake_driver driver_for(const peer_node& of, peer::noise::role r) {
    auto c = credentials(of);
    auto d = peer::handshake_driver::create(r, c.key->clone(), c.binding);
    REQUIRE(d);
    return std::move(*d);
  }

  /// An initiator session of node `from`, spawned by the test (not by its
  /// manager), with a fresh static key bound by `from`'s identity; it dials
  /// `address` ("host:port", see open_connection()) and reports peer_up to
  /// `manager`.
  caf::actor direct_initiator(const peer_node& from, const std::string& address,
                              const caf::actor& manager,
                              caf::timespan handshake_timeout = std::chrono::seconds(5),
                              std::string policy = "open") {
    auto cred = credentials(from);
    auto colon = address.rfind(':');
    REQUIRE(colon != std::string::npos);
    auto host = address.substr(0, colon);
    auto port = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
    peer_session_config c;
    c.initiator = true;
    c.connect = [this, from = &from, host, port](caf::actor session) {
      open_connection(*from, host, port, std::move(session));
    };
    c.static_key = cred.key;
    c.binding = cred.binding;
    c.address = "direct";
    c.admission.policy = std::move(policy);
    c.handshake_timeout = handshake_timeout;
    c.manager = manager;
    auto h = spawn_peer_session(sys, from.reg, std::move(c));
    seen_sessions.push_back(h.address());
    return h;
  }
};

/// Two nodes, "a" (port 7001) and "b" (port 7002), both with policy open.
struct two_nodes : peer_fixture {
  peer_node& a;
  peer_node& b;
  two_nodes(node_options oa = {}, node_options ob = {}, uint8_t seed_a = 0xA0,
            uint8_t seed_b = 0xB0)
      : a(start_node("a", seed_a, 7001, oa)), b(start_node("b", seed_b, 7002, ob)) {}
};

/// One established session a -> b, made through a's manager.
struct connected_nodes : two_nodes {
  caf::actor a_out;  ///< a's session (initiator)
  caf::actor b_in;   ///< b's session (responder)
  connected_nodes() {
    auto r = connect(a, b);
    REQUIRE(r->done());
    REQUIRE(r->ok());
    a_out = session_of(b);
    b_in = session_of(a);
  }
};

}  // namespace nz::test
