// The node side of nz_bench_peer: the CAF configuration both processes use
// (the node's: our message types, the middleman, scheduler.max-threads 2,
// middleman.workers 0), the services of a node's peer plane (identity with a
// random seed, a detached storage actor on a temp directory, a peer manager
// with admission policy "open"), the peer-plane limits of the bench (raised or
// the node's defaults), the receiving process's main loop and the bench atoms
// it shares with the sending process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "actors/peer/peer_gate.hpp"
#include "actors/peer/peer_link.hpp"
#include "support/temp_dir.hpp"

namespace nz {
class service_registry;
}  // namespace nz

namespace nz::bench {

/// Sink control, remote: (barm, driver, total, credit step, sealed, channel,
/// payload size) -> the inbox cursor counting starts from. Sealed: the sink
/// long-polls the receiving node's inbox (peer_listen) on `channel`;
/// otherwise it counts (bdata, bytes) messages sent to it directly.
using barm_atom = caf::atom_constant<caf::atom("barm")>;
/// Baseline (a): one payload, plain, straight to the sink.
using bdata_atom = caf::atom_constant<caf::atom("bdata")>;
/// Sink -> driver: (bcredit, delivered, bad payloads, messages seen, listen
/// replies).
using bcredit_atom = caf::atom_constant<caf::atom("bcredit")>;
/// Round trip to the sink: (bping, x) -> x.
using bping_atom = caf::atom_constant<caf::atom("bping")>;
/// Local: a driver is done.
using bdone_atom = caf::atom_constant<caf::atom("bdone")>;

/// The node's CAF settings (actors/node/node_runner.cpp) plus the middleman.
void configure_node(caf::actor_system_config& cfg);

/// Which peer-plane limits a bench node runs with.
enum class peer_limits : uint8_t {
  /// The node's defaults: 20,000 records/s per link (burst 40,000), 10
  /// handshakes/s per source address, 64 half-open handshakes.
  defaults,
  /// Raised out of the way of the measurement: 100 M records/s per link
  /// (burst 200 M), 1 M handshakes/s per source, 100,000 half-open (gate) and
  /// 10,000 half-open (manager).
  raised,
};

const char* to_string(peer_limits x);

/// Link options (frame rate) of inbound and outbound links.
peer_link_options bench_link_options(peer_limits x);

/// Gate options: handshake admission limits and the inbound links' options.
peer_gate_options bench_gate_options(peer_limits x);

struct node_services {
  std::shared_ptr<service_registry> reg;
  std::unique_ptr<test::temp_dir> tmp;
  caf::actor identity;
  caf::actor storage;
  caf::actor metrics;  ///< counts what the actors report (no catalog)
  caf::actor manager;  ///< the "peers" service
  std::string node_id;
};

/// Identity (random seed), a counting metrics actor, storage (fresh temp dir,
/// detached) and a peer manager (policy open, `max_sessions`, outbound links
/// and half-open limit per `lim`), registered as "identity", "metrics",
/// "storage" and "peers". Waits until the manager answers (its binding is
/// signed).
node_services start_node(caf::actor_system& sys, uint64_t max_sessions, peer_limits lim);

/// Resident set of this process in bytes (/proc/self/statm).
uint64_t rss_bytes();

/// Memory mappings of this process (lines of /proc/self/maps).
uint64_t map_count();

/// `nz_bench_peer --receiver <max_sessions> <raised|defaults>`: the receiving
/// node. Listens for peers on 127.0.0.1 (listen_tcp, port 0) with a peer gate
/// (spawn_peer_gate, options per `lim`), publishes the bench sink there with
/// the middleman, prints "ready <gate port> <sink port> <pid>", then answers
/// commands on stdin, one
/// per line: "rss" -> "rss <bytes> <mappings>", "sessions" -> "sessions <established>
/// <all>" (peer_list), "metrics" -> "metrics <family{labels} value ...>",
/// "quit" -> "bye" and exits.
int receiver_main(uint64_t max_sessions, peer_limits lim);

}  // namespace nz::bench
