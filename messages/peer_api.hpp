// Peer sessions between nodes (docs/protocol.md, docs/security.md).
//
// The peer plane does not use CAF's BASP: a peer connection is a TCP stream of
// length-prefixed records (actors/peer/session/record.hpp) owned by one
// peer_link broker on the middleman's multiplexer. No actor handle ever crosses
// a peer connection, so nothing on it can address an actor.
//
// Local messages of the peer plane (all between actors of one node):
// - link -> peer manager (inbound connection, its first record):
//     (peer_hello, Noise message 1, link)
// - session -> link: (peer_link) binds the link to this session (first one
//   wins); (peer_out, records) writes records; (peer_up) once established.
// - link -> session: (peer_in, records) records read from the peer, in order;
//   (peer_link, link) an outbound connection is up (from the dialer's link).
// - dialer -> session: (peer_dial, error text) the connection failed.
// A record is one byte of kind (record_kind) followed by its payload.
//
// Local interface of the peer manager ("peers" service): see peer_manager_actor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace nz {

using peer_hello_atom = caf::atom_constant<caf::atom("phello")>;
using peer_in_atom = caf::atom_constant<caf::atom("pin")>;
using peer_out_atom = caf::atom_constant<caf::atom("pout")>;
using peer_link_atom = caf::atom_constant<caf::atom("plink")>;
using peer_dial_atom = caf::atom_constant<caf::atom("pdial")>;
using peer_up_atom = caf::atom_constant<caf::atom("pup")>;
using peer_list_atom = caf::atom_constant<caf::atom("plist")>;
using peer_connect_atom = caf::atom_constant<caf::atom("pconnect")>;
using peer_ping_atom = caf::atom_constant<caf::atom("pping")>;
using peer_stats_atom = caf::atom_constant<caf::atom("pstats")>;
using peer_send_atom = caf::atom_constant<caf::atom("psend")>;
/// One-way channel send: no message id, no reply (errors are counted).
using peer_post_atom = caf::atom_constant<caf::atom("ppost")>;
using peer_listen_atom = caf::atom_constant<caf::atom("plisten")>;
using peer_route_atom = caf::atom_constant<caf::atom("proute")>;
using peer_request_atom = caf::atom_constant<caf::atom("prequest")>;
using peer_deliver_atom = caf::atom_constant<caf::atom("pdeliver")>;
/// Local timer of a session: heartbeat and failure detection.
using peer_beat_atom = caf::atom_constant<caf::atom("pbeat")>;
/// Local timer of the manager: redial a peer after its backoff.
using peer_redial_atom = caf::atom_constant<caf::atom("predial")>;

/// One session as `nzctl peers` shows it.
struct peer_info {
  std::string node_id;
  std::string address;
  std::string state;  ///< "handshaking", "established"
  bool outbound = false;
  int64_t connected_since_ms = 0;
  int64_t rtt_us = -1;  ///< last ping round trip; -1 before the first
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t dropped = 0;
  uint64_t rekeys = 0;
  uint8_t trust_level = 0;
  /// Phi-accrual suspicion of the peer (heartbeats every second); the session
  /// is closed above the threshold (8).
  double phi = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_info& x) {
  return f(caf::meta::type_name("nz.peer_info"), x.node_id, x.address, x.state,
           x.outbound, x.connected_since_ms, x.rtt_us, x.frames_in, x.frames_out,
           x.bytes_in, x.bytes_out, x.dropped, x.rekeys, x.trust_level, x.phi);
}

/// One channel message as received (docs/protocol.md, "chan").
struct channel_message {
  uint64_t seq = 0;  ///< position in this node's inbox (listen cursor)
  std::string from;  ///< sender's node id
  std::string channel;
  uint64_t id = 0;        ///< sender's message id (per session)
  uint64_t reply_to = 0;  ///< the id of the message it answers, or 0
  int64_t time_ms = 0;    ///< when it arrived
  std::vector<uint8_t> payload;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, channel_message& x) {
  return f(caf::meta::type_name("nz.channel_message"), x.seq, x.from, x.channel, x.id,
           x.reply_to, x.time_ms, x.payload);
}

/// What `listen` returns: messages after the cursor, and the next cursor.
struct channel_batch {
  std::vector<channel_message> messages;
  uint64_t next = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, channel_batch& x) {
  return f(caf::meta::type_name("nz.channel_batch"), x.messages, x.next);
}

/// The peer manager's local interface (the "peers" service).
/// - list: every session.
/// - connect(host, port): dials a node; replies with its node id once the
///   session is established (or the error: unreachable, refused, timeout).
/// - ping(node id or unique prefix): round trip in microseconds over the
///   sealed session.
using peer_manager_actor = caf::typed_actor<
    caf::reacts_to<peer_hello_atom, std::vector<uint8_t>, caf::actor>,
    /// From a local session once established: node id, the session, whether
    /// this node initiated it, the address, the peer's Ed25519 key.
    caf::reacts_to<peer_up_atom, std::string, caf::actor, bool, std::string,
                   std::vector<uint8_t>>,
    caf::replies_to<peer_list_atom>::with<std::vector<peer_info>>,
    caf::replies_to<peer_connect_atom, std::string, uint16_t>::with<std::string>,
    caf::replies_to<peer_ping_atom, std::string>::with<int64_t>,
    caf::reacts_to<peer_redial_atom, std::string>,
    /// Channels: send(peer, channel, payload, reply_to) -> message id;
    /// listen(channel, after, wait ms) -> messages (long poll);
    /// request(peer, channel, payload, timeout ms) -> the reply's payload;
    /// deliver(message) from a local session.
    caf::replies_to<peer_send_atom, std::string, std::string, std::vector<uint8_t>,
                    uint64_t>::with<uint64_t>,
    /// post(peer, channel, payload): send without a reply, in order with
    /// sends; refused posts (no session, bad channel) are counted in
    /// nzcore_peer_dropped_total{reason="post_refused"}.
    caf::reacts_to<peer_post_atom, std::string, std::string, std::vector<uint8_t>>,
    /// route(peer) -> the session actor (no_session if none): a local actor
    /// that sends many messages to one peer sends (peer_post_atom, channel,
    /// payload) or (peer_send_atom, channel, payload, reply_to) -> id straight
    /// to it, one hop fewer than through the manager, in order with what the
    /// manager forwards. The handle is good while the session lives (monitor
    /// it; ask again after it ends). Sessions accept such messages from
    /// actors of this node only; never hand the handle to a remote node.
    caf::replies_to<peer_route_atom, std::string>::with<caf::actor>,
    caf::replies_to<peer_listen_atom, std::string, uint64_t,
                    uint32_t>::with<channel_batch>,
    caf::replies_to<peer_request_atom, std::string, std::string, std::vector<uint8_t>,
                    uint32_t>::with<std::vector<uint8_t>>,
    caf::reacts_to<peer_deliver_atom, channel_message>,
    caf::reacts_to<peer_deliver_atom, std::vector<channel_message>>,
    /// Local timers: a request's timeout; the end of long polls.
    caf::reacts_to<peer_request_atom, std::string, uint64_t>,
    caf::reacts_to<peer_listen_atom>,
    /// The peer cache's snapshot timer (journaled).
    caf::reacts_to<tick_atom>, caf::replies_to<phase_atom, uint8_t>::with<uint8_t>>;

}  // namespace nz
