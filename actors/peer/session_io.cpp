// Records, frames and the handshake steps of a peer session
// (actors/peer/session_state.hpp).
#include "actors/peer/session_state.hpp"

namespace nz::peer_session_detail {

void count_drop(self_ptr self, const std::string& reason) {
  metric_add(*self->state.reg, "nzcore_peer_dropped_total", {reason});
}

/// One record: the kind byte, then the payload.
std::vector<uint8_t> make_record(peer::record_kind kind,
                                 const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> r;
  r.reserve(payload.size() + 1);
  r.push_back(static_cast<uint8_t>(kind));
  r.insert(r.end(), payload.begin(), payload.end());
  return r;
}

void deliver_batch(self_ptr self) {
  auto& st = self->state;
  if (st.delivered.empty()) return;
  std::vector<channel_message> out;
  out.swap(st.delivered);
  self->send(caf::actor_cast<peer_manager_actor>(st.cfg.manager),
             peer_deliver_atom::value, std::move(out));
}

/// Hands the frames waiting in the outbox to the link, in order.
void flush_outbox(self_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.outbox.empty() || !st.remote) return;
  records out;
  out.swap(st.outbox);
  self->send(st.remote, peer_out_atom::value, std::move(out));
}

void send_record(self_ptr self, peer::record_kind kind,
                 const std::vector<uint8_t>& payload) {
  auto& st = self->state;
  if (!st.remote) return;
  flush_outbox(self);  // keep the order of everything this session sent
  self->send(st.remote, peer_out_atom::value, records{make_record(kind, payload)});
}

void end_session(self_ptr self, caf::error reason) {
  flush_outbox(self);
  self->state.ended = true;
  self->quit(std::move(reason));
}

void fail(self_ptr self, const std::string& reason, const std::string& detail) {
  auto& st = self->state;
  metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {reason});
  log::warn("peers", "handshake with {} failed: {} ({})", st.cfg.address, reason, detail);
  // The other side learns only that it was refused or failed, never why.
  send_record(self, peer::record_kind::abort, {});
  end_session(self, reason == "timeout"
                        ? make_error(peer_errc::timeout, "handshake timed out")
                        : make_error(core_errc::service_unavailable,
                                     "handshake failed: " + reason));
}

bool from_remote(self_ptr self) {
  return self->state.remote && self->current_sender() == self->state.remote.address();
}

bool from_local(self_ptr self) {
  auto s = self->current_sender();
  return s && s->node() == self->node();
}

namespace {

/// Wipes a plaintext scratch buffer when the scope ends, however it ends.
struct wipe_on_exit {
  std::vector<uint8_t>& buf;
  ~wipe_on_exit() {
    if (!buf.empty()) sodium_memzero(buf.data(), buf.size());
    buf.clear();
  }
};

/// Chaos (a node under nzchaos only): false if a frame of `type` is dropped
/// (counted); else the delay it gets.
bool chaos_passes(self_ptr self, std::string_view type,
                  std::chrono::milliseconds& delay) {
  auto& st = self->state;
  delay = std::chrono::milliseconds{0};
  if (!st.cfg.chaos || !st.peer) return true;
  if (st.cfg.chaos->blocked(st.peer->node_id)) {
    count_drop(self, "chaos");
    return false;
  }
  if (type != "ping" && type != "pong" && type != "ready" && st.cfg.chaos->roll_drop()) {
    count_drop(self, "chaos");
    return false;
  }
  delay = st.cfg.chaos->delay();
  return true;
}

/// Seals the frame body in plain_out into a frame record for the outbox
/// (or a delayed send, chaos), and wipes plain_out.
void seal_plain_out(self_ptr self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  wipe_on_exit wipe{st.plain_out};
  std::vector<uint8_t> rec;
  rec.reserve(1 + peer::frame_overhead + st.plain_out.size());
  rec.push_back(static_cast<uint8_t>(peer::record_kind::frame));
  auto sealed = st.cipher->seal_append(st.plain_out, actor_ms(self), rec);
  if (!sealed) {
    log::error("peers", "cannot seal a frame: {}", sealed.error().message);
    if (st.cipher->should_close())
      end_session(self, make_error(core_errc::service_unavailable, "session exhausted"));
    return;
  }
  st.bytes_out += rec.size() - 1;
  auto now = self->clock().now();
  if (delay.count() > 0 || now < st.delayed_until) {
    flush_outbox(self);
    auto due = std::max(now + delay, st.delayed_until);
    st.delayed_until = due;
    records out;
    out.push_back(std::move(rec));
    self->delayed_send(st.remote, due - now, peer_out_atom::value, std::move(out));
    return;
  }
  st.outbox.push_back(std::move(rec));
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

}  // namespace

void send_frame(self_ptr self, std::string_view type, noise_bytes body) {
  auto& st = self->state;
  std::chrono::milliseconds delay;
  if (!chaos_passes(self, type, delay)) return;
  st.plain_out.clear();
  if (auto head = peer::append_frame_body_head(st.plain_out, type, {}, body.size);
      !head) {
    log::error("peers", "cannot encode a '{}' frame: {}", type, head.error().message);
    return;
  }
  st.plain_out.insert(st.plain_out.end(), body.data, body.data + body.size);
  seal_plain_out(self, delay);
}

void send_chan(self_ptr self, std::string_view channel, uint64_t id, uint64_t reply_to,
               const std::vector<uint8_t>& payload) {
  auto& st = self->state;
  std::chrono::milliseconds delay;
  if (!chaos_passes(self, "chan", delay)) return;
  st.plain_out.clear();
  auto size = peer::channel_frame_size(channel, id, reply_to, payload.size());
  if (auto head = peer::append_frame_body_head(st.plain_out, "chan", {}, size); !head) {
    log::error("peers", "cannot encode a 'chan' frame: {}", head.error().message);
    return;
  }
  peer::append_channel_frame(st.plain_out, channel, id, reply_to, payload.data(),
                             payload.size());
  seal_plain_out(self, delay);
}

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
  self->send(st.remote, peer_up_atom::value);  // frees the gate's half-open slot
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
void on_frame(self_ptr self, peer::noise::bytes_view frame) {
  auto& st = self->state;
  if (st.cfg.chaos && st.cfg.chaos->blocked(st.peer->node_id)) {
    count_drop(self, "chaos");
    return;
  }
  st.bytes_in += frame.size;
  auto opened = st.cipher->open_into(frame, actor_ms(self), st.plain_in);
  if (!opened) {
    count_drop(self, peer::to_string(opened.error().code));
    // The connection is not authenticated below the frames (anyone on the path
    // can inject bytes): bad frames are dropped, never a reason to close.
    // Liveness is the phi-accrual detector's business.
    if (opened.error().code == peer::session_errc::exhausted) {
      log::warn("peers", "closing the session with {}: counters exhausted",
                st.peer->node_id.substr(0, 16));
      end_session(self, make_error(core_errc::service_unavailable, "session exhausted"));
    }
    return;
  }
  // The views below point into plain_in, wiped when this function returns.
  wipe_on_exit wipe{st.plain_in};
  st.detector.heartbeat(static_cast<int64_t>(actor_ms(self)));
  auto body = peer::parse_frame_body(st.plain_in);
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
  auto bytes = [](noise_bytes b) {
    return std::vector<uint8_t>(b.data, b.data + b.size);
  };
  if (body->type == "chan") {
    auto c = peer::parse_channel_frame(body->body.data, body->body.size);
    if (!c) {
      count_drop(self, "malformed");
      return;
    }
    channel_message m;
    m.from = st.peer->node_id;
    m.channel.assign(c->channel);
    m.id = c->id;
    m.reply_to = c->reply_to;
    m.time_ms = unix_now_ms();
    m.payload.assign(c->payload, c->payload + c->payload_size);
    st.delivered.push_back(std::move(m));  // to the manager after this batch
  } else if (body->type == "ping") {
    send_frame(self, "pong", body->body);
  } else if (body->type == "trust_sync") {
    on_trust_sync(self, bytes(body->body));
  } else if (body->type == "pong") {
    if (body->body.size != 8) {
      count_drop(self, "malformed");
      return;
    }
    uint64_t nonce = 0;
    for (size_t i = 0; i < 8; ++i) nonce = (nonce << 8) | body->body.data[i];
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

/// One record from the link, in order (docs/protocol.md, "Transport").
void on_record(self_ptr self, const std::vector<uint8_t>& r) {
  auto& st = self->state;
  if (r.empty()) {  // a real link never delivers one (length >= 1)
    count_drop(self, "malformed");
    return;
  }
  peer::noise::bytes_view payload{r.data() + 1, r.size() - 1};
  switch (static_cast<peer::record_kind>(r[0])) {
    case peer::record_kind::handshake2: {
      if (!st.cfg.initiator || st.peer || !st.driver) break;
      auto reply = st.driver->on_msg2(payload);
      if (!reply) {
        fail(self, peer::to_string(reply.error().code), reply.error().message);
        return;
      }
      st.peer = reply->remote;
      auto msg3 = std::move(reply->msg3);
      admit(self, [self, msg3]() mutable {
        send_record(self, peer::record_kind::handshake3, msg3);
        if (take_transport(self)) self->state.awaiting_ready = true;
      });
      return;
    }
    case peer::record_kind::handshake3: {
      if (st.cfg.initiator || st.peer || !st.driver) break;
      auto b = st.driver->on_msg3(payload);
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
      return;
    }
    case peer::record_kind::frame:
      if (!(st.established || st.awaiting_ready) || !st.cipher) break;
      on_frame(self, payload);
      return;
    case peer::record_kind::abort:
      if (st.established) {
        // Plaintext and unauthenticated: only the handshake may be refused
        // this way; an established session ends by heartbeats or locally.
        count_drop(self, "unauthenticated_abort");
        return;
      }
      end_session(
          self, make_error(core_errc::service_unavailable, "the peer closed or refused"));
      return;
    case peer::record_kind::hello:
      break;
  }
  count_drop(self, "unexpected_record");
}

}  // namespace nz::peer_session_detail
