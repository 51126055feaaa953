#include "actors/peer/peer_link.hpp"

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/system_messages.hpp>

#include "actors/peer/broker_timer.hpp"
#include "actors/peer/session/record.hpp"
#include "messages/atoms.hpp"
#include "messages/peer_api.hpp"
#include "runtime/actor_clock_ms.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/scoped_monitor.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

namespace {

using records = std::vector<std::vector<uint8_t>>;

constexpr size_t min_read_size = 4096;
constexpr size_t max_read_size = 64 * 1024;

struct link_state {
  std::shared_ptr<service_registry> reg;
  peer_link_options opts;
  caf::io::connection_handle hdl;
  peer::record_reader reader;
  std::optional<peer::token_bucket> bucket;
  /// The session this link serves; set once.
  caf::actor session;
  /// Inbound: the gate, told (peer_up) once the session is established.
  caf::actor gate;
  /// Inbound links end with the gate; the monitor goes with this state (a
  /// plain monitor would stay on the gate after this link ended).
  scoped_monitor gate_watch;
  bool inbound = false;
  bool hello_seen = false;
  bool paused = false;
  bool closed = false;
  /// Records read beyond the frame-rate budget, still to be paid for.
  uint64_t debt = 0;
  size_t read_size = min_read_size;
  std::string remote;
  /// This link's timers (actors/peer/broker_timer.hpp).
  uint64_t timer_token = peer::make_timer_token();
  static inline const char* name = "nz.peer_link";
};

using self_ptr = caf::io::stateful_broker<link_state>*;

/// Ends the link: stops reading at once (nothing more reaches the session)
/// and quits; the broker's cleanup closes the connection.
void end_link(self_ptr self) {
  self->halt(self->state.hdl);
  self->quit(caf::exit_reason::user_shutdown);  // cleanup closes the connection
}

void close_link(self_ptr self, const char* reason) {
  if (self->state.closed) return;
  self->state.closed = true;
  metric_add(*self->state.reg, "nzcore_peer_connections_closed_total", {reason});
  end_link(self);
}

void bind(self_ptr self, caf::actor session) {
  self->state.session = std::move(session);
  self->monitor(self->state.session);
}

/// Hands complete records to the session (or the hello to the manager).
void dispatch(self_ptr self, records& got) {
  auto& st = self->state;
  size_t first = 0;
  if (st.inbound && !st.hello_seen && !got.empty()) {
    auto& hello = got.front();
    if (hello[0] != static_cast<uint8_t>(peer::record_kind::hello)) {
      metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"bad_message"});
      close_link(self, "protocol");
      return;
    }
    st.hello_seen = true;
    auto mgr = caf::actor_cast<peer_manager_actor>(st.reg->get("peers"));
    if (!mgr) {
      metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"unavailable"});
      close_link(self, "unavailable");
      return;
    }
    std::vector<uint8_t> msg1(hello.begin() + 1, hello.end());
    self->send(mgr, peer_hello_atom::value, std::move(msg1),
               caf::actor_cast<caf::actor>(self));
    first = 1;
  }
  if (first == got.size()) return;
  if (!st.session) {
    // Until a session owns the link nothing else may arrive: the initiator
    // waits for message 2 before it sends anything more.
    metric_add(*st.reg, "nzcore_peer_dropped_total", {"early_record"});
    close_link(self, "protocol");
    return;
  }
  if (first == 0) {
    self->send(st.session, peer_in_atom::value, std::move(got));
  } else {
    records rest(std::make_move_iterator(got.begin() + 1),
                 std::make_move_iterator(got.end()));
    self->send(st.session, peer_in_atom::value, std::move(rest));
  }
}

/// Takes what tokens there are towards the debt; while some is left, reading
/// stays halted and a timer fires when the rest is due.
void pay_debt(self_ptr self) {
  auto& st = self->state;
  auto now = actor_clock_ms(self);
  auto take = std::min<uint64_t>(st.bucket->available(now), st.debt);
  if (take > 0 && st.bucket->take(take, now)) st.debt -= take;
  if (st.debt == 0) {
    if (st.paused) {
      st.paused = false;
      self->trigger(st.hdl);
    }
    return;
  }
  if (!st.paused) {
    st.paused = true;
    metric_add(*st.reg, "nzcore_peer_throttled_total", {});
    // Small reads while throttled: each pause then stays short (a few 100 ms at
    // most at sane rates), so frames keep arriving in small steps and the
    // peer's failure detector never sees a long silence.
    if (st.read_size > min_read_size) {
      st.read_size = min_read_size;
      self->configure_read(st.hdl, caf::io::receive_policy::at_most(st.read_size));
    }
    // CAF 0.17's stream keeps reading within one event (up to
    // middleman.max-consecutive-reads) even after halt(); one activity token
    // makes it passivate the connection after the next read instead.
    self->trigger(st.hdl, 1);
  }
  auto& cfg = st.bucket->config();
  auto owed = std::min<uint64_t>(st.debt, cfg.burst);
  auto wait_ms =
      cfg.rate == 0
          ? int64_t{1000}
          : static_cast<int64_t>((owed * static_cast<uint64_t>(cfg.per_ms) + cfg.rate - 1)
                                 / cfg.rate);
  peer::arm_broker_timer<peer_beat_atom>(
      self, std::chrono::milliseconds(std::max<int64_t>(wait_ms, 1)), st.timer_token);
}

void on_data(self_ptr self, caf::io::new_data_msg& msg) {
  auto& st = self->state;
  // Reads start small (an idle connection holds a 4 KiB buffer) and grow to
  // 64 KiB once a read fills the buffer.
  if (msg.buf.size() >= st.read_size && st.read_size < max_read_size && !st.paused
      && st.debt == 0) {
    st.read_size = max_read_size;
    self->configure_read(st.hdl, caf::io::receive_policy::at_most(st.read_size));
  }
  records got;
  auto ok = st.reader.feed(reinterpret_cast<const uint8_t*>(msg.buf.data()),
                           msg.buf.size(), got);
  if (!got.empty()) {
    // Rate: every record takes a token. What one read brings beyond the
    // tokens there are becomes a debt, and the link stops reading until the
    // debt is paid (what was read is delivered all the same).
    st.debt += got.size();
    pay_debt(self);
    if (!st.closed) dispatch(self, got);
  }
  if (!ok && !st.closed) {
    metric_add(*st.reg, "nzcore_peer_dropped_total",
               {ok.error().code == peer::session_errc::too_long ? "oversized_record"
                                                                : "bad_record"});
    log::warn("peers", "closing the connection from {}: {}", st.remote,
              ok.error().message);
    close_link(self, "bad_record");
  }
}

caf::behavior link_behavior(self_ptr self) {
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    // Its session ended, or (inbound) the gate ended: the node is stopping.
    if ((st.session && dm.source == st.session.address())
        || (st.gate && dm.source == st.gate.address()))
      end_link(self);
  });
  return {
      [self](caf::io::new_data_msg& msg) { on_data(self, msg); },
      [](caf::io::connection_passivated_msg&) {
        // Reading stopped for the frame rate (pay_debt); the timer resumes it.
      },
      [self](caf::io::connection_closed_msg&) {
        self->quit(caf::exit_reason::user_shutdown);
      },
      [self](peer_link_atom) {
        auto& st = self->state;
        auto sender = self->current_sender();
        if (st.session || !st.hello_seen || !sender || sender->node() != self->node()) {
          metric_add(*st.reg, "nzcore_peer_dropped_total", {"foreign_sender"});
          return;
        }
        bind(self, caf::actor_cast<caf::actor>(sender));
      },
      [self](peer_out_atom, records& out) {
        auto& st = self->state;
        if (!st.session || self->current_sender() != st.session.address()) {
          metric_add(*st.reg, "nzcore_peer_dropped_total", {"foreign_sender"});
          return;
        }
        auto& buf = self->wr_buf(st.hdl);
        for (auto& r : out) {
          if (r.empty() || !peer::valid_record_kind(r[0])) continue;
          auto ok = peer::append_record(buf, static_cast<peer::record_kind>(r[0]),
                                        r.data() + 1, r.size() - 1);
          if (!ok) log::error("peers", "record not sent: {}", ok.error().message);
        }
        // What waits behind the write in progress: it grows only while the
        // kernel does not take our bytes, i.e. while the peer does not read.
        auto backlog = buf.size();
        self->flush(st.hdl);
        if (backlog > st.opts.max_write_backlog) {
          log::warn("peers",
                    "closing the connection to {}: it does not read ({} bytes pending)",
                    st.remote, backlog);
          close_link(self, "slow_reader");
        }
      },
      [self](peer_up_atom) {
        auto& st = self->state;
        if (st.session && self->current_sender() == st.session.address() && st.gate)
          self->send(st.gate, peer_up_atom::value);
      },
      [self](peer_beat_atom, uint64_t token) {
        // A frame-rate pause: pay what is due, read again once nothing is owed.
        if (!peer::own_timer(self, token, self->state.timer_token) || !self->state.paused)
          return;
        pay_debt(self);
      },
      [self](tick_atom, uint64_t token) {
        // The handshake deadline: a link nobody owns by now closes.
        if (!peer::own_timer(self, token, self->state.timer_token)) return;
        if (!self->state.session) {
          metric_add(*self->state.reg, "nzcore_peer_handshake_failures_total",
                     {"timeout"});
          close_link(self, "timeout");
        }
      },
  };
}

void init_state(self_ptr self, caf::io::connection_handle hdl,
                std::shared_ptr<service_registry> reg, peer_link_options opts) {
  auto& st = self->state;
  self->set_exception_handler(exception_to_error);
  st.reg = std::move(reg);
  st.opts = std::move(opts);
  st.hdl = hdl;
  st.bucket.emplace(st.opts.frame_rate, actor_clock_ms(self));
  st.remote = self->remote_addr(hdl) + ":" + std::to_string(self->remote_port(hdl));
  self->configure_read(hdl, caf::io::receive_policy::at_most(st.read_size));
}

caf::behavior inbound_link(self_ptr self, caf::io::scribe_ptr scribe,
                           std::shared_ptr<service_registry> reg, peer_link_options opts,
                           caf::actor gate) {
  auto hdl = scribe->hdl();
  self->add_scribe(std::move(scribe));
  init_state(self, hdl, std::move(reg), std::move(opts));
  self->state.inbound = true;
  self->state.gate = std::move(gate);
  self->state.gate_watch = scoped_monitor(self, self->state.gate);

  peer::arm_broker_timer<tick_atom>(self,
                                    std::chrono::duration_cast<std::chrono::milliseconds>(
                                        self->state.opts.handshake_timeout),
                                    self->state.timer_token);
  return link_behavior(self);
}

caf::behavior outbound_link(self_ptr self, int fd, caf::actor session,
                            std::shared_ptr<service_registry> reg,
                            peer_link_options opts) {
  auto hdl = self->add_scribe(static_cast<caf::io::network::native_socket>(fd));
  init_state(self, hdl, std::move(reg), std::move(opts));
  self->state.hello_seen = true;
  bind(self, session);
  self->send(session, peer_link_atom::value, caf::actor_cast<caf::actor>(self));
  return link_behavior(self);
}

}  // namespace

caf::actor fork_inbound_peer_link(caf::io::broker* gate, caf::io::connection_handle hdl,
                                  std::shared_ptr<service_registry> reg,
                                  peer_link_options opts) {
  // The new broker adopts the accepted scribe in its own initialisation, as
  // middleman::spawn_client does.
  auto scribe = gate->take(hdl);
  if (!scribe) return {};
  return caf::actor_cast<caf::actor>(gate->system().middleman().spawn_broker(
      inbound_link, std::move(scribe), std::move(reg), std::move(opts),
      caf::actor_cast<caf::actor>(gate)));
}

caf::actor spawn_outbound_peer_link(caf::actor_system& sys, int fd, caf::actor session,
                                    std::shared_ptr<service_registry> reg,
                                    peer_link_options opts) {
  return caf::actor_cast<caf::actor>(sys.middleman().spawn_broker(
      outbound_link, fd, std::move(session), std::move(reg), std::move(opts)));
}

}  // namespace nz
