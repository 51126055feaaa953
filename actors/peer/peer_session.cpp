#include "actors/peer/peer_session.hpp"

#include <array>
#include <chrono>
#include <map>

#include <fmt/format.h>
#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_nr.hpp>

#include "actors/peer/channel_codec.hpp"
#include "actors/peer/manager/phi_accrual.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/session/admission.hpp"
#include "actors/peer/session/frame_body.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "messages/core_errors.hpp"
#include "messages/peer_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/chaos/peer_chaos.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/unix_time.hpp"
#include "runtime/wire_guard.hpp"

namespace nz {

namespace {

using clock_type = std::chrono::steady_clock;

/// Milliseconds on the actor clock (the steady clock in a node, the simulated
/// clock in deterministic tests); what the failure detector, the rekey timer
/// and the heartbeat timer must share.
template <class Self>
uint64_t actor_ms(Self* self) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   self->clock().now().time_since_epoch())
                                   .count());
}

struct pending_ping {
  caf::response_promise rp;
  clock_type::time_point sent;
};

struct session_state {
  std::shared_ptr<service_registry> reg;
  peer_session_config cfg;
  std::optional<peer::handshake_driver> driver;
  std::optional<peer::session_cipher> cipher;
  /// The remote session actor this one handshook with (set once).
  caf::actor remote;
  std::optional<peer::binding> peer;
  bool established = false;
  /// Initiator after message 3: the transport exists, but the session counts
  /// only once the responder's first frame ("ready") shows it admitted us.
  bool awaiting_ready = false;
  int64_t since_ms = 0;
  uint8_t trust_level = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t foreign_dropped = 0;
  int64_t last_rtt_us = -1;
  uint64_t next_ping = 1;
  std::map<uint64_t, pending_ping> pings;
  /// Heartbeats: every frame from the peer counts; a heartbeat ping goes out
  /// every beat_interval.
  peer::phi_accrual detector;
  std::map<uint64_t, clock_type::time_point> beats;
  uint64_t beat_count = 0;
  uint64_t next_message_id = 1;
  /// The trust log length when the last bundle was exported.
  uint64_t synced_head = UINT64_MAX;
  /// BLAKE2b of the assertions of the last trust bundle sent (not re-sent
  /// while unchanged).
  std::array<uint8_t, 32> last_sync{};
  static inline const char* name = "nz.peer_session";
};

using self_ptr = caf::stateful_actor<session_state>*;

void count_drop(self_ptr self, const std::string& reason) {
  metric_add(*self->state.reg, "nzcore_peer_dropped_total", {reason});
}

void fail(self_ptr self, const std::string& reason, const std::string& detail) {
  auto& st = self->state;
  metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {reason});
  log::warn("peers", "handshake with {} failed: {} ({})", st.cfg.address, reason, detail);
  // The other side learns only that it was refused or failed, never why.
  if (st.remote) self->send(st.remote, peer_abort_atom::value);
  self->quit(make_error(core_errc::service_unavailable, "handshake failed: " + reason));
}

bool from_remote(self_ptr self) {
  return self->state.remote && self->current_sender() == self->state.remote.address();
}

bool from_local(self_ptr self) {
  auto s = self->current_sender();
  return s && s->node() == self->node();
}

void send_frame(self_ptr self, const std::string& type, std::vector<uint8_t> body) {
  auto& st = self->state;
  std::chrono::milliseconds delay{0};
  if (st.cfg.chaos && st.peer) {
    if (st.cfg.chaos->blocked(st.peer->node_id)) {
      count_drop(self, "chaos");
      return;
    }
    if (type != "ping" && type != "pong" && type != "ready"
        && st.cfg.chaos->roll_drop()) {
      count_drop(self, "chaos");
      return;
    }
    delay = st.cfg.chaos->delay();
  }
  peer::frame_body fb{type, {}, std::move(body)};
  auto plain = peer::encode_frame_body(fb);
  if (!plain) {
    log::error("peers", "cannot encode a '{}' frame: {}", type, plain.error().message);
    return;
  }
  auto frame = st.cipher->seal(*plain, actor_ms(self));
  sodium_memzero(plain->data(), plain->size());
  if (!frame) {
    log::error("peers", "cannot seal a frame: {}", frame.error().message);
    if (st.cipher->should_close())
      self->quit(make_error(core_errc::service_unavailable, "session exhausted"));
    return;
  }
  st.bytes_out += frame->size();
  if (delay.count() > 0)
    self->delayed_send(st.remote, delay, peer_frame_atom::value, std::move(*frame));
  else
    self->send(st.remote, peer_frame_atom::value, std::move(*frame));
}

void sync_trust(self_ptr self);

/// Takes the transport from the finished handshake; false (and the session
/// ends) if that fails.
bool take_transport(self_ptr self) {
  auto& st = self->state;
  auto cipher = st.driver->transport(peer::session_options{}, actor_ms(self));
  if (!cipher) {
    fail(self, "internal", cipher.error().message);
    return false;
  }
  st.cipher.emplace(std::move(*cipher));
  st.driver.reset();
  return true;
}

/// Both sides admitted each other: tell the manager.
void announce(self_ptr self, bool outbound) {
  auto& st = self->state;
  st.established = true;
  st.awaiting_ready = false;
  st.since_ms = unix_now_ms();
  self->monitor(st.remote);
  metric_add(*st.reg, "nzcore_peer_handshakes_total",
             {outbound ? "outbound" : "inbound"});
  auto addr = outbound ? st.cfg.address : std::string{"inbound"};
  self->send(caf::actor_cast<peer_manager_actor>(st.cfg.manager), peer_up_atom::value,
             st.peer->node_id, caf::actor_cast<caf::actor>(self), outbound, addr,
             std::vector<uint8_t>(st.peer->ed25519_public.begin(),
                                  st.peer->ed25519_public.end()));
  st.detector.heartbeat(static_cast<int64_t>(actor_ms(self)));
  self->delayed_send(self, st.cfg.beat_interval, peer_beat_atom::value);
  sync_trust(self);
}

/// Trust sync (docs/protocol.md): sends this node's own assertions as a signed
/// bundle in a "trust_sync" frame when they changed since the last one sent.
/// The receiver imports it under the sync rules (all or nothing).
void sync_trust(self_ptr self) {
  auto& st = self->state;
  auto trust = caf::actor_cast<trust_actor>(st.reg->get("trust"));
  if (!trust) return;
  self->request(trust, st.cfg.handshake_timeout, trust_export_atom::value)
      .then(
          [self](std::vector<uint8_t>& bundle) {
            auto& st = self->state;
            // "NZTB" | version | exporter | created_ms ... | signature: hash what
            // lies between the header and the signature.
            constexpr size_t header = 4 + 1 + 32 + 8, sig = 64;
            if (bundle.size() < header + sig || !st.established) return;
            std::array<uint8_t, 32> h{};
            crypto_generichash(h.data(), h.size(), bundle.data() + header,
                               bundle.size() - header - sig, nullptr, 0);
            if (h == st.last_sync) return;
            if (bundle.size() > peer::default_max_body) {
              log::warn("peers",
                        "trust sync to {} skipped: the bundle ({} bytes) exceeds "
                        "one frame",
                        st.peer->node_id.substr(0, 16), bundle.size());
              st.last_sync = h;
              return;
            }
            st.last_sync = h;
            send_frame(self, "trust_sync", std::move(bundle));
          },
          [](caf::error&) {});
}

void on_trust_sync(self_ptr self, std::vector<uint8_t> bundle) {
  auto& st = self->state;
  auto trust = caf::actor_cast<trust_actor>(st.reg->get("trust"));
  if (!trust) return;
  auto from = st.peer->node_id.substr(0, 16);
  self->request(trust, st.cfg.handshake_timeout * 2, trust_import_atom::value,
                std::move(bundle))
      .then(
          [self, from](trust_import_report& r) {
            metric_add(*self->state.reg, "nzcore_trust_syncs_total",
                       {r.accepted ? "accepted" : "rejected"});
            if (!r.accepted)
              log::warn("peers", "trust sync from {} rejected: {} assertion(s) refused{}",
                        from, r.rejected.size(),
                        r.rejected.empty() ? "" : " (first: " + r.rejected.front() + ")");
            else if (r.applied > 0)
              log::info("peers", "trust sync from {}: {} applied, {} already known", from,
                        r.applied, r.already_known);
          },
          [self, from](caf::error& err) {
            metric_add(*self->state.reg, "nzcore_trust_syncs_total", {"rejected"});
            log::warn("peers", "trust sync from {} refused: {}", from,
                      self->system().render(err));
          });
}

/// One heartbeat round: a ping to the peer, then the failure check.
void beat(self_ptr self) {
  auto& st = self->state;
  auto now = static_cast<int64_t>(actor_ms(self));
  auto phi = st.detector.phi(now);
  if (phi >= st.detector.config().threshold) {
    metric_add(*st.reg, "nzcore_peer_failures_detected_total", {});
    log::warn("peers", "peer {} suspected (phi {:.1f}); closing the session",
              st.peer->node_id.substr(0, 16), phi);
    self->quit(
        make_error(core_errc::service_unavailable, "peer suspected by phi-accrual"));
    return;
  }
  auto nonce = st.next_ping++;
  std::vector<uint8_t> body(8);
  for (int i = 7; i >= 0; --i)
    body[static_cast<size_t>(7 - i)] = static_cast<uint8_t>(nonce >> (8 * i));
  st.beats.emplace(nonce, clock_type::now());
  // Every other beat: has the trust log grown since the last export?
  if (++st.beat_count % 2 == 0) {
    if (auto trust = caf::actor_cast<trust_actor>(st.reg->get("trust")))
      self->request(trust, st.cfg.handshake_timeout, trust_head_atom::value)
          .then(
              [self](uint64_t head) {
                if (head != self->state.synced_head && self->state.established) {
                  self->state.synced_head = head;
                  sync_trust(self);
                }
              },
              [](caf::error&) {});
  }
  while (st.beats.size() > 64) st.beats.erase(st.beats.begin());
  send_frame(self, "ping", std::move(body));
  self->delayed_send(self, st.cfg.beat_interval, peer_beat_atom::value);
}

/// Asks the trust store for the peer's standing (unless the policy is open),
/// then admits (continue) or refuses.
void admit(self_ptr self, std::function<void()> on_admitted) {
  auto& st = self->state;
  auto policy = peer::parse_admission_policy(st.cfg.admission.policy);
  if (!policy) {
    fail(self, "internal", "unknown policy " + st.cfg.admission.policy);
    return;
  }
  if (st.cfg.chaos && st.cfg.chaos->blocked(st.peer->node_id)) {
    fail(self, "chaos_partition",
         "traffic with this peer is cut (nzctl chaos partition)");
    return;
  }
  if (!st.cfg.expected_node_id.empty() && st.cfg.expected_node_id != st.peer->node_id) {
    fail(self, "unexpected_identity",
         fmt::format("{} answered as {}, expected {}", st.cfg.address,
                     st.peer->node_id.substr(0, 16),
                     st.cfg.expected_node_id.substr(0, 16)));
    return;
  }
  auto decide = [self, policy, on_admitted](peer::peer_standing standing) {
    auto& st = self->state;
    st.trust_level = standing.level;
    auto d = peer::decide(*policy, *st.peer, standing,
                          static_cast<uint8_t>(st.cfg.admission.min_level),
                          st.cfg.admission.allow);
    if (!d.allowed()) {
      fail(self, peer::to_string(*d.refused),
           fmt::format("peer {} refused by policy {}", st.peer->node_id.substr(0, 16),
                       st.cfg.admission.policy));
      return;
    }
    on_admitted();
  };
  auto trust = caf::actor_cast<trust_actor>(st.reg->get("trust"));
  if (!trust) {
    if (*policy == peer::admission_policy::trusted) {
      fail(self, "trust_unavailable", "no trust store to consult");
      return;
    }
    decide({});
    return;
  }
  char hex[65];
  sodium_bin2hex(hex, sizeof(hex), st.peer->ed25519_public.data(),
                 st.peer->ed25519_public.size());
  self->request(trust, st.cfg.handshake_timeout, trust_eval_atom::value, std::string{hex})
      .then(
          [decide](trust_verdict& v) {
            decide({v.level, v.revoked});
          },
          [self, policy, decide](caf::error& err) {
            // Fail closed: without an answer nobody counts as trusted.
            if (*policy == peer::admission_policy::trusted) {
              fail(self, "trust_unavailable", self->system().render(err));
              return;
            }
            decide({});
          });
}

void on_frame(self_ptr self, std::vector<uint8_t>& frame) {
  auto& st = self->state;
  if (st.cfg.chaos && st.cfg.chaos->blocked(st.peer->node_id)) {
    count_drop(self, "chaos");
    return;
  }
  st.bytes_in += frame.size();
  auto plain = st.cipher->open(frame, actor_ms(self));
  if (!plain) {
    count_drop(self, peer::to_string(plain.error().code));
    // Anyone can put frames in this mailbox under the peer's name (BASP senders
    // are not authenticated): bad frames are dropped, never a reason to close.
    // Liveness is the phi-accrual detector's business.
    if (plain.error().code == peer::session_errc::exhausted) {
      log::warn("peers", "closing the session with {}: counters exhausted",
                st.peer->node_id.substr(0, 16));
      self->quit(make_error(core_errc::service_unavailable, "session exhausted"));
    }
    return;
  }
  st.detector.heartbeat(static_cast<int64_t>(actor_ms(self)));
  auto body = peer::decode_frame_body(*plain);
  sodium_memzero(plain->data(), plain->size());
  if (!body) {
    count_drop(self, "malformed");
    return;
  }
  if (st.awaiting_ready) {
    if (body->type != "ready") {
      count_drop(self, "unexpected_type");
      return;
    }
    announce(self, true);
    return;
  }
  if (body->type == "ping") {
    send_frame(self, "pong", std::move(body->body));
  } else if (body->type == "chan") {
    auto c = peer::decode_channel_frame(body->body);
    if (!c) {
      count_drop(self, "malformed");
      return;
    }
    channel_message m;
    m.from = st.peer->node_id;
    m.channel = std::move(c->channel);
    m.id = c->id;
    m.reply_to = c->reply_to;
    m.time_ms = unix_now_ms();
    m.payload = std::move(c->payload);
    self->send(caf::actor_cast<peer_manager_actor>(st.cfg.manager),
               peer_deliver_atom::value, std::move(m));
  } else if (body->type == "trust_sync") {
    on_trust_sync(self, std::move(body->body));
  } else if (body->type == "pong") {
    if (body->body.size() != 8) {
      count_drop(self, "malformed");
      return;
    }
    uint64_t nonce = 0;
    for (auto b : body->body) nonce = (nonce << 8) | b;
    if (auto b = st.beats.find(nonce); b != st.beats.end()) {
      st.last_rtt_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           clock_type::now() - b->second)
                           .count();
      st.beats.erase(b);
      return;
    }
    auto i = st.pings.find(nonce);
    if (i == st.pings.end()) {
      count_drop(self, "unexpected_pong");
      return;
    }
    auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now()
                                                                     - i->second.sent)
                   .count();
    st.last_rtt_us = rtt;
    i->second.rp.deliver(static_cast<int64_t>(rtt));
    st.pings.erase(i);
  } else {
    count_drop(self, "unknown_type");
  }
}

caf::behavior session_impl(self_ptr self, std::shared_ptr<service_registry> reg,
                           peer_session_config cfg) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.reg = std::move(reg);
  st.cfg = std::move(cfg);
  // A session lives no longer than the manager that spawned it (a manager
  // restart or a failed tree must not leave sessions behind: they would keep
  // the actor system, and so the process, alive).
  if (st.cfg.manager) self->monitor(st.cfg.manager);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (self->state.cfg.manager && dm.source == self->state.cfg.manager.address()) {
      self->quit(caf::exit_reason::user_shutdown);
      return;
    }
    if (!self->state.remote || dm.source != self->state.remote.address()) return;
    // A BASP down_message naming the peer's session can come from anyone: once
    // established, only the authenticated heartbeats decide (phi-accrual).
    if (self->state.established) {
      count_drop(self, "unauthenticated_down");
      return;
    }
    self->quit(make_error(core_errc::service_unavailable, "the remote session is gone"));
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
    self->send(caf::actor_cast<peer_gate_actor>(st.cfg.remote_gate),
               peer_hello_atom::value, std::move(*msg1),
               caf::actor_cast<caf::actor>(self));
  } else {
    st.remote = st.cfg.remote_session;
    auto msg2 = st.driver->on_msg1(st.cfg.msg1);
    st.cfg.msg1.clear();
    if (!msg2) {
      fail(self, peer::to_string(msg2.error().code), msg2.error().message);
      return {};
    }
    self->monitor(st.remote);
    self->send(st.remote, peer_hs2_atom::value, std::move(*msg2),
               caf::actor_cast<caf::actor>(self));
  }
  self->delayed_send(self, st.cfg.handshake_timeout, tick_atom::value);
  return {
      [self](peer_hs2_atom, std::vector<uint8_t>& msg2, caf::actor& responder) {
        auto& st = self->state;
        if (!st.cfg.initiator || st.remote || !responder
            || self->current_sender() != responder.address()) {
          count_drop(self, "foreign_sender");
          return;
        }
        auto reply = st.driver->on_msg2(msg2);
        st.remote = responder;
        if (!reply) {
          fail(self, peer::to_string(reply.error().code), reply.error().message);
          return;
        }
        st.peer = reply->remote;
        auto msg3 = std::move(reply->msg3);
        admit(self, [self, msg3]() mutable {
          self->send(self->state.remote, peer_hs3_atom::value, std::move(msg3));
          if (take_transport(self)) self->state.awaiting_ready = true;
        });
      },
      [self](peer_hs3_atom, std::vector<uint8_t>& msg3) {
        auto& st = self->state;
        if (st.cfg.initiator || !from_remote(self) || st.peer) {
          count_drop(self, "foreign_sender");
          return;
        }
        auto b = st.driver->on_msg3(msg3);
        if (!b) {
          fail(self, peer::to_string(b.error().code), b.error().message);
          return;
        }
        st.peer = *b;
        admit(self, [self] {
          if (!take_transport(self)) return;
          announce(self, false);
          // Tells the initiator it was admitted too (the first sealed frame).
          send_frame(self, "ready", {});
        });
      },
      [self](peer_frame_atom, std::vector<uint8_t>& frame) {
        auto& st = self->state;
        if (!(st.established || st.awaiting_ready) || !from_remote(self)) {
          count_drop(self, "foreign_sender");
          ++self->state.foreign_dropped;
          return;
        }
        on_frame(self, frame);
      },
      [self](peer_abort_atom) {
        if (self->state.established) {
          // Plaintext and unauthenticated: only the handshake may be refused
          // this way; an established session ends by heartbeats or locally.
          count_drop(self, "unauthenticated_abort");
          return;
        }
        if (!from_remote(self)) {
          count_drop(self, "foreign_sender");
          return;
        }
        self->quit(
            make_error(core_errc::service_unavailable, "the peer closed or refused"));
      },
      [self](tick_atom) {
        if (!self->state.established) fail(self, "timeout", "handshake timed out");
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
        send_frame(
            self, "chan",
            peer::encode_channel_frame({channel, id, reply_to, std::move(payload)}));
        return id;
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

/// From the network: the handshake messages, frames and aborts only.
struct session_wire {
  static bool accepts(const caf::mailbox_element& x) {
    using bytes = std::vector<uint8_t>;
    return wire_atom_message(
        x, false,
        {{peer_hs2_atom::value,
          caf::make_type_token<caf::atom_value, bytes, caf::actor>()},
         {peer_hs3_atom::value, caf::make_type_token<caf::atom_value, bytes>()},
         {peer_frame_atom::value, caf::make_type_token<caf::atom_value, bytes>()},
         {peer_abort_atom::value, caf::make_type_token<caf::atom_value>()}});
  }
};

class session_actor
    : public wire_guarded<caf::stateful_actor<session_state>, session_wire> {
 public:
  session_actor(caf::actor_config& cfg, std::shared_ptr<service_registry> reg,
                peer_session_config c)
      : wire_guarded(cfg, std::move(reg)), cfg_(std::move(c)) {}

  caf::behavior make_behavior() override {
    return session_impl(this, reg_, std::move(cfg_));
  }

 private:
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
