#include "actors/peer/peer_session.hpp"

#include "actors/peer/session_state.hpp"

namespace nz {

namespace {

using namespace peer_session_detail;

caf::behavior session_impl(self_ptr self, std::shared_ptr<service_registry> reg,
                           peer_session_config cfg) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.reg = std::move(reg);
  st.cfg = std::move(cfg);
  // A session lives no longer than the manager that spawned it (a manager
  // restart or a failed tree must not leave sessions behind: they would keep
  // the actor system, and so the process, alive).
  st.manager_watch = scoped_monitor(self, st.cfg.manager);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.cfg.manager && dm.source == st.cfg.manager.address()) {
      end_session(self, caf::exit_reason::user_shutdown);
      return;
    }
    if (st.remote && dm.source == st.remote.address()) {
      if (!st.established)
        metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"closed"});
      end_session(self,
                  make_error(core_errc::service_unavailable, "the connection closed"));
    }
  });
  auto role =
      st.cfg.initiator ? peer::noise::role::initiator : peer::noise::role::responder;
  auto driver =
      peer::handshake_driver::create(role, st.cfg.static_key->clone(), st.cfg.binding);
  if (!driver) {
    self->quit(make_error(core_errc::service_unavailable, driver.error().message));
    return {};
  }
  st.driver.emplace(std::move(*driver));
  if (st.cfg.initiator) {
    auto msg1 = st.driver->start();
    if (!msg1) {
      self->quit(make_error(core_errc::service_unavailable, msg1.error().message));
      return {};
    }
    st.msg1 = std::move(*msg1);
    if (!st.cfg.connect) {
      self->quit(make_error(core_errc::service_unavailable, "no way to connect"));
      return {};
    }
    st.cfg.connect(caf::actor_cast<caf::actor>(self));
  } else {
    st.remote = st.cfg.link;
    self->monitor(st.remote);
    self->send(st.remote, peer_link_atom::value);  // this session owns the link
    auto msg2 = st.driver->on_msg1(st.cfg.msg1);
    st.cfg.msg1.clear();
    if (!msg2) {
      fail(self, peer::to_string(msg2.error().code), msg2.error().message);
      return {};
    }
    send_record(self, peer::record_kind::handshake2, *msg2);
  }
  self->delayed_send(self, st.cfg.handshake_timeout, tick_atom::value);
  return {
      [self](peer_link_atom, caf::actor& link) {
        // Initiator: the connection is up; send message 1 on it.
        auto& st = self->state;
        if (!st.cfg.initiator || st.remote || !link
            || self->current_sender() != link.address()) {
          count_drop(self, "foreign_sender");
          return;
        }
        st.remote = link;
        self->monitor(st.remote);
        send_record(self, peer::record_kind::hello, st.msg1);
        st.msg1.clear();
      },
      [self](peer_dial_atom, std::string& why) {
        auto& st = self->state;
        if (!st.cfg.initiator || st.remote || !from_local(self)) {
          count_drop(self, "foreign_sender");
          return;
        }
        metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"unreachable"});
        log::warn("peers", "cannot reach {}: {}", st.cfg.address, why);
        end_session(self, make_error(peer_errc::unreachable, why));
      },
      [self](peer_in_atom, records& in) {
        auto& st = self->state;
        if (!from_remote(self)) {
          count_drop(self, "foreign_sender");
          ++st.foreign_dropped;
          return;
        }
        for (auto& r : in) {
          if (st.ended) break;
          on_record(self, r);
        }
        deliver_batch(self);
      },
      [self](tick_atom) {
        if (self->current_sender() != self->ctrl()) {
          count_drop(self, "foreign_sender");
          return;
        }
        if (!self->state.established) fail(self, "timeout", "handshake timed out");
      },
      [self](flush_atom) {
        if (self->current_sender() != self->ctrl()) {
          count_drop(self, "foreign_sender");
          return;
        }
        flush_outbox(self);
      },
      [self](peer_beat_atom) {
        if (self->current_sender() != self->ctrl()) {
          count_drop(self, "foreign_sender");
          return;
        }
        if (self->state.established) beat(self);
      },
      [self](peer_stats_atom) -> caf::result<peer_info> {
        auto& st = self->state;
        if (!from_local(self)) {
          count_drop(self, "foreign_sender");
          return caf::sec::unexpected_message;
        }
        peer_info p;
        p.node_id = st.peer ? st.peer->node_id : std::string{};
        p.address = st.cfg.initiator ? st.cfg.address : "inbound";
        p.state = st.established ? "established" : "handshaking";
        p.outbound = st.cfg.initiator;
        p.connected_since_ms = st.since_ms;
        p.rtt_us = st.last_rtt_us;
        p.trust_level = st.trust_level;
        if (st.established) p.phi = st.detector.phi(static_cast<int64_t>(actor_ms(self)));
        p.bytes_in = st.bytes_in;
        p.bytes_out = st.bytes_out;
        if (st.cipher) {
          auto& c = st.cipher->counters();
          p.frames_in = c.received;
          p.frames_out = c.sent;
          p.dropped = c.dropped.total() + st.foreign_dropped;
          p.rekeys = c.rekeys_sent + c.rekeys_received;
        }
        return p;
      },
      [self](peer_send_atom, std::string& channel, std::vector<uint8_t>& payload,
             uint64_t reply_to) -> caf::result<uint64_t> {
        auto& st = self->state;
        if (!from_local(self)) {
          count_drop(self, "foreign_sender");
          return caf::sec::unexpected_message;
        }
        if (!st.established)
          return make_error(peer_errc::no_session, "the session is not established");
        if (!peer::valid_channel_name(channel)
            || payload.size() > peer::max_channel_payload)
          return make_error(
              peer_errc::bad_argument,
              fmt::format("a channel is 1-64 characters of [a-z0-9._-] and a "
                          "message at most {} bytes (got {})",
                          peer::max_channel_payload, payload.size()));
        auto id = st.next_message_id++;
        send_chan(self, channel, id, reply_to, payload);
        return id;
      },
      [self](peer_post_atom, std::string& channel, std::vector<uint8_t>& payload) {
        auto& st = self->state;
        if (!from_local(self)) {
          count_drop(self, "foreign_sender");
          return;
        }
        if (!st.established || !peer::valid_channel_name(channel)
            || payload.size() > peer::max_channel_payload) {
          count_drop(self, "post_refused");
          return;
        }
        auto id = st.next_message_id++;
        send_chan(self, channel, id, 0, payload);
      },
      [self](peer_ping_atom) -> caf::result<int64_t> {
        auto& st = self->state;
        if (!from_local(self)) {
          count_drop(self, "foreign_sender");
          return caf::sec::unexpected_message;
        }
        if (!st.established)
          return make_error(peer_errc::no_session, "the session is not established");
        auto rp = self->make_response_promise();
        auto nonce = st.next_ping++;
        std::vector<uint8_t> body(8);
        for (int i = 7; i >= 0; --i)
          body[static_cast<size_t>(7 - i)] = static_cast<uint8_t>(nonce >> (8 * i));
        st.pings.emplace(nonce, pending_ping{rp, clock_type::now()});
        send_frame(self, "ping", std::move(body));
        return caf::delegated<int64_t>{};
      },
  };
}

/// A session's handle never crosses a connection (the peer plane is records
/// over TCP, not BASP), so only actors of this node can reach it. Its links run
/// on the middleman's multiplexer, so runtime/wire_guard.hpp's test for "came
/// from the network" does not apply here.
class session_actor : public caf::stateful_actor<session_state> {
 public:
  session_actor(caf::actor_config& cfg, std::shared_ptr<service_registry> reg,
                peer_session_config c)
      : caf::stateful_actor<session_state>(cfg),
        reg_(std::move(reg)),
        cfg_(std::move(c)) {
    // Nothing is reflected to anyone: no error replies, errors ignored.
    set_error_handler([](caf::scheduled_actor*, caf::error&) {});
    set_default_handler(
        [](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
          return caf::delegated<caf::message>{};
        });
  }

  caf::behavior make_behavior() override {
    return session_impl(this, reg_, std::move(cfg_));
  }

 private:
  std::shared_ptr<service_registry> reg_;
  peer_session_config cfg_;
};

}  // namespace

caf::actor spawn_peer_session(caf::actor_system& sys,
                              std::shared_ptr<service_registry> reg,
                              peer_session_config cfg) {
  return caf::actor_cast<caf::actor>(
      sys.spawn<session_actor>(std::move(reg), std::move(cfg)));
}

}  // namespace nz
