// An in-memory stand-in for a peer connection, for the deterministic peer
// tests: two test links joined by a simulated TCP connection, each one
// imitating the contract of a peer_link broker (actors/peer/peer_link.hpp)
// towards its node, or one test link joined to a raw peer that the test
// drives (a silent or hostile remote node).
//
// What a test link does, as peer_link does:
// - Bytes from the connection are cut into records by a peer::record_reader;
//   a violation (unknown kind, length 0, oversized announcement, an abort with
//   a payload) closes the connection, counted as nzcore_peer_dropped_total
//   {bad_record | oversized_record} and nzcore_peer_connections_closed_total
//   {bad_record}.
// - Inbound: the first record must be a hello (else handshake failure
//   bad_message, closed "protocol"); it goes to the node's "peers" service as
//   (peer_hello, msg1, link). Until a session binds the link with (peer_link),
//   any further record closes the connection (dropped early_record, closed
//   "protocol"). A link nobody binds within the handshake timeout closes
//   (handshake failure timeout, closed "timeout").
// - Outbound: bound to its session from the start, announced with
//   (peer_link, link).
// - (peer_out, records) from the bound session only are written (others:
//   dropped foreign_sender); empty records and unknown kinds are skipped.
//   Records read go to the session as (peer_in, records), in order.
// - (peer_up) from the bound session is counted (peer_link forwards it to the
//   gate, which frees a half-open slot).
// - The link ends when its session ends or when the other end of the
//   connection ends (connection closed), and then the other end ends too.
// Not imitated: the frame-rate bucket and the write backlog (nothing here is
// slow or fast).
//
// Test seams (no counterpart in peer_link):
// - (test_wire, bytes): bytes arriving from the connection. The partner sends
//   them; a test may inject bytes on the path the same way.
// - (test_read, records): records handed to the session as if read, without
//   the reader's checks (to show what the session does with records its link
//   would never deliver).
// - (test_pair, partner): joins the link to the other end of its connection.
// Every link keeps a link_trace the fixture can read (one thread: the test
// coordinator runs everything on the test's thread).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/peer/session/record.hpp"
#include "messages/atoms.hpp"
#include "messages/peer_api.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz::test {

using records = std::vector<std::vector<uint8_t>>;
using wire_bytes = std::vector<char>;

using test_wire_atom = caf::atom_constant<caf::atom("twire")>;
using test_read_atom = caf::atom_constant<caf::atom("tread")>;
using test_pair_atom = caf::atom_constant<caf::atom("tpair")>;

/// The bytes of `rs` as a peer_link writes them (records that break the record
/// rules are skipped, as peer_link skips them).
inline wire_bytes encode_wire(const records& rs) {
  wire_bytes out;
  for (auto& r : rs) {
    if (r.empty() || !peer::valid_record_kind(r[0])) continue;
    (void)peer::append_record(out, static_cast<peer::record_kind>(r[0]), r.data() + 1,
                              r.size() - 1);
  }
  return out;
}

/// One record: the kind byte, then the payload.
inline std::vector<uint8_t> make_record(peer::record_kind kind,
                                        const std::vector<uint8_t>& payload = {}) {
  std::vector<uint8_t> r(payload.size() + 1);
  r[0] = static_cast<uint8_t>(kind);
  std::copy(payload.begin(), payload.end(), r.begin() + 1);
  return r;
}

/// What one test link did, for the test to inspect.
struct link_trace {
  std::string node;  ///< the owning node's name
  bool inbound = false;
  caf::actor_addr link;
  caf::actor_addr session;  ///< the bound session
  size_t hellos = 0;        ///< (peer_hello) sent to the manager
  size_t ups = 0;           ///< (peer_up) from the bound session
  records read;             ///< records handed to the session, in order
  records written;          ///< records written to the connection, in order
  std::string closed;       ///< why the link closed the connection itself
  bool ended = false;
};

/// What a raw peer (the test's end of a connection) received.
struct raw_trace {
  caf::actor_addr peer;
  caf::actor_addr link;  ///< the node's end of the connection
  records received;
  bool bad_bytes = false;
  bool ended = false;
  size_t count(peer::record_kind k) const {
    size_t n = 0;
    for (auto& r : received)
      if (!r.empty() && r[0] == static_cast<uint8_t>(k)) ++n;
    return n;
  }
};

struct link_setup {
  std::shared_ptr<service_registry> reg;
  std::shared_ptr<link_trace> trace;
  bool inbound = false;
  caf::actor session;  ///< outbound: the session it belongs to
  caf::timespan handshake_timeout = std::chrono::seconds(5);
};

struct test_link_state {
  std::shared_ptr<service_registry> reg;
  std::shared_ptr<link_trace> trace;
  caf::actor partner;
  caf::actor session;
  peer::record_reader reader;
  bool inbound = false;
  bool hello_seen = false;
  bool closed = false;
  static inline const char* name = "nz.test_link";
};

using test_link_ptr = caf::stateful_actor<test_link_state>*;

inline void close_test_link(test_link_ptr self, const char* reason) {
  auto& st = self->state;
  if (st.closed) return;
  st.closed = true;
  st.trace->closed = reason;
  metric_add(*st.reg, "nzcore_peer_connections_closed_total", {reason});
  self->quit(caf::exit_reason::user_shutdown);
}

inline void bind_test_link(test_link_ptr self, caf::actor session) {
  auto& st = self->state;
  st.session = std::move(session);
  st.trace->session = st.session.address();
  self->monitor(st.session);
}

inline void deliver_records(test_link_ptr self, records rs) {
  auto& st = self->state;
  st.trace->read.insert(st.trace->read.end(), rs.begin(), rs.end());
  self->send(st.session, peer_in_atom::value, std::move(rs));
}

/// peer_link's dispatch(): the hello to the manager, the rest to the session.
inline void dispatch_records(test_link_ptr self, records& got) {
  auto& st = self->state;
  size_t first = 0;
  if (st.inbound && !st.hello_seen && !got.empty()) {
    auto& hello = got.front();
    if (hello[0] != static_cast<uint8_t>(peer::record_kind::hello)) {
      metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"bad_message"});
      close_test_link(self, "protocol");
      return;
    }
    st.hello_seen = true;
    auto mgr = caf::actor_cast<peer_manager_actor>(st.reg->get("peers"));
    if (!mgr) {
      metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"unavailable"});
      close_test_link(self, "unavailable");
      return;
    }
    ++st.trace->hellos;
    std::vector<uint8_t> msg1(hello.begin() + 1, hello.end());
    self->send(mgr, peer_hello_atom::value, std::move(msg1),
               caf::actor_cast<caf::actor>(self));
    first = 1;
  }
  if (first == got.size()) return;
  if (!st.session) {
    metric_add(*st.reg, "nzcore_peer_dropped_total", {"early_record"});
    close_test_link(self, "protocol");
    return;
  }
  deliver_records(self, records(std::make_move_iterator(got.begin() + first),
                                std::make_move_iterator(got.end())));
}

inline caf::behavior test_link_impl(test_link_ptr self, link_setup setup) {
  auto& st = self->state;
  st.reg = std::move(setup.reg);
  st.trace = std::move(setup.trace);
  st.trace->link = self->address();
  st.trace->inbound = setup.inbound;
  st.inbound = setup.inbound;
  self->attach_functor([trace = st.trace](const caf::error&) { trace->ended = true; });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    // Our session ended: close the connection. The other end ended: the
    // connection is closed.
    if ((st.session && dm.source == st.session.address())
        || (st.partner && dm.source == st.partner.address()))
      self->quit(caf::exit_reason::user_shutdown);
  });
  if (st.inbound) {
    self->delayed_send(self, setup.handshake_timeout, tick_atom::value);
  } else {
    st.hello_seen = true;
    bind_test_link(self, setup.session);
    self->send(setup.session, peer_link_atom::value, caf::actor_cast<caf::actor>(self));
  }
  return {
      [self](test_pair_atom, caf::actor& partner) {
        auto& st = self->state;
        if (st.partner || !partner) return;
        st.partner = std::move(partner);
        self->monitor(st.partner);
      },
      [self](test_wire_atom, wire_bytes& bytes) {
        auto& st = self->state;
        if (st.closed) return;
        records got;
        auto ok = st.reader.feed(reinterpret_cast<const uint8_t*>(bytes.data()),
                                 bytes.size(), got);
        if (!got.empty()) dispatch_records(self, got);
        if (!ok && !st.closed) {
          metric_add(*st.reg, "nzcore_peer_dropped_total",
                     {ok.error().code == peer::session_errc::too_long ? "oversized_record"
                                                                      : "bad_record"});
          close_test_link(self, "bad_record");
        }
      },
      [self](test_read_atom, records& rs) {
        if (self->state.session && !self->state.closed)
          deliver_records(self, std::move(rs));
      },
      [self](peer_link_atom) {
        auto& st = self->state;
        auto sender = self->current_sender();
        if (st.session || !st.hello_seen || !sender || sender->node() != self->node()) {
          metric_add(*st.reg, "nzcore_peer_dropped_total", {"foreign_sender"});
          return;
        }
        bind_test_link(self, caf::actor_cast<caf::actor>(sender));
      },
      [self](peer_out_atom, records& out) {
        auto& st = self->state;
        if (!st.session || self->current_sender() != st.session.address()) {
          metric_add(*st.reg, "nzcore_peer_dropped_total", {"foreign_sender"});
          return;
        }
        for (auto& r : out)
          if (!r.empty() && peer::valid_record_kind(r[0])) st.trace->written.push_back(r);
        if (st.partner) self->send(st.partner, test_wire_atom::value, encode_wire(out));
      },
      [self](peer_up_atom) {
        auto& st = self->state;
        if (st.session && self->current_sender() == st.session.address()) ++st.trace->ups;
      },
      [self](tick_atom) {
        auto& st = self->state;
        if (self->current_sender() != self->ctrl() || st.session) return;
        metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"timeout"});
        close_test_link(self, "timeout");
      },
  };
}

struct raw_peer_state {
  std::shared_ptr<raw_trace> trace;
  caf::actor partner;
  peer::record_reader reader;
  static inline const char* name = "nz.test_raw_peer";
};

/// The test's end of a connection: keeps what the node wrote, writes nothing by
/// itself (the test writes by sending (test_wire, bytes) to the node's link).
inline caf::behavior raw_peer_impl(caf::stateful_actor<raw_peer_state>* self,
                                   std::shared_ptr<raw_trace> trace) {
  self->state.trace = std::move(trace);
  self->state.trace->peer = self->address();
  self->attach_functor([t = self->state.trace](const caf::error&) { t->ended = true; });
  self->set_down_handler([self](caf::down_msg& dm) {
    if (self->state.partner && dm.source == self->state.partner.address())
      self->quit(caf::exit_reason::user_shutdown);
  });
  return {
      [self](test_pair_atom, caf::actor& partner) {
        auto& st = self->state;
        if (st.partner || !partner) return;
        st.partner = std::move(partner);
        st.trace->link = st.partner.address();
        self->monitor(st.partner);
      },
      [self](test_wire_atom, wire_bytes& bytes) {
        auto& st = self->state;
        if (!st.reader.feed(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                            st.trace->received))
          st.trace->bad_bytes = true;
      },
  };
}

/// What a dialler does when the connection fails: (peer_dial, why) to the
/// session, from a local actor (the session accepts it from local actors only).
inline void failed_dial_impl(caf::event_based_actor* self, caf::actor session,
                             std::string why) {
  self->send(session, peer_dial_atom::value, std::move(why));
}

}  // namespace nz::test
