// Sessions of the peer manager: dialling, tracking, one session per peer,
// redial with backoff, the peer cache (actors/peer/manager_state.hpp).
#include "actors/peer/manager_state.hpp"

namespace nz::peer_manager_detail {

bool is_local(self_ptr self) {
  auto s = self->current_sender();
  return s && s->node() == self->node();
}

size_t half_open(const manager_state& st) {
  size_t n = 0;
  for (auto& [addr, e] : st.sessions)
    if (e.node_id.empty()) ++n;
  return n;
}

peer_session_config base_config(self_ptr self) {
  auto& st = self->state;
  peer_session_config c;
  // Each session gets its own copy, made here on the manager's thread: a
  // guarded secret may be read by one thread at a time (runtime/crypto/secret.hpp),
  // and sessions run on any scheduler thread.
  c.static_key = std::make_shared<const peer::noise::keypair>(st.static_key->clone());
  c.binding = st.binding;
  c.admission = st.opts.admission;
  c.handshake_timeout = st.opts.handshake_timeout;
  c.manager = caf::actor_cast<caf::actor>(self);
  c.chaos = st.opts.chaos;
  return c;
}

void track(self_ptr self, caf::actor session, std::string address, bool outbound) {
  self->monitor(session);
  session_entry e;
  e.handle = session;
  e.address = std::move(address);
  e.outbound = outbound;
  self->state.sessions[session.address()] = std::move(e);
}

void dial(self_ptr self, std::string host, uint16_t port,
          std::optional<caf::typed_response_promise<std::string>> rp, bool keep) {
  auto& st = self->state;
  auto key = fmt::format("{}:{}", host, port);
  auto& entry = st.dialled[key];
  entry.keep = entry.keep || keep;
  // "ID@host": the node there must have this node id.
  std::string expected;
  if (auto at = host.find('@'); at != std::string::npos) {
    expected = host.substr(0, at);
    host = host.substr(at + 1);
  }
  auto addr = fmt::format("{}:{}", host, port);
  // Already connected to this address (with the required node there): answer
  // with that session instead of a second handshake.
  for (auto& [a, e] : st.sessions)
    if (e.outbound && e.address == addr && !e.node_id.empty()
        && (expected.empty() || e.node_id == expected)) {
      if (rp) rp->deliver(e.node_id);
      return;
    }
  entry.host = host;
  entry.port = port;
  entry.expected = expected;
  if (!expected.empty()) entry.host = expected + "@" + host;
  if (st.sessions.size() >= st.opts.max_sessions) {
    if (rp)
      rp->deliver(make_error(peer_errc::limit, fmt::format("at the session limit ({})",
                                                           st.opts.max_sessions)));
    return;
  }
  auto cfg = base_config(self);
  cfg.initiator = true;
  cfg.address = addr;
  cfg.expected_node_id = expected;
  if (st.opts.connect) {
    cfg.connect = [fn = st.opts.connect, sys = &self->system(), host, port](
                      caf::actor session) { fn(*sys, host, port, std::move(session)); };
  } else {
    cfg.connect = [sys = &self->system(), host, port, timeout = st.opts.handshake_timeout,
                   reg = st.reg, link = st.opts.link](caf::actor session) {
      dial_peer(*sys, host, port, timeout, std::move(session), reg, link);
    };
  }
  auto session = spawn_peer_session(self->system(), st.reg, std::move(cfg));
  track(self, session, addr, true);
  st.sessions[session.address()].dial_key = key;
  if (rp) st.connecting.emplace(session.address(), *rp);
}

void schedule_redial(self_ptr self, const std::string& key) {
  auto& st = self->state;
  auto i = st.dialled.find(key);
  if (st.stopping || i == st.dialled.end() || !i->second.keep || i->second.scheduled)
    return;
  i->second.scheduled = true;
  auto delay = std::chrono::milliseconds(i->second.bo.next_delay(st.rng));
  log::info("peers", "redialling {} in {} ms", key, delay.count());
  self->delayed_send(self, delay, peer_redial_atom::value, key);
}

void on_session_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto i = st.sessions.find(dm.source);
  if (i == st.sessions.end()) return;
  if (!i->second.node_id.empty()) {
    auto j = st.by_node.find(i->second.node_id);
    if (j != st.by_node.end() && j->second.address() == dm.source) st.by_node.erase(j);
    log::info("peers", "session with {} ({}) closed: {}", i->second.node_id.substr(0, 16),
              i->second.address, self->system().render(dm.reason));
  }
  if (auto c = st.connecting.find(dm.source); c != st.connecting.end()) {
    if (dm.reason.category() == peer_category
        && dm.reason.code() == static_cast<uint8_t>(peer_errc::unreachable))
      c->second.deliver(make_error(
          peer_errc::unreachable,
          i->second.address + ": unreachable: " + self->system().render(dm.reason)));
    else if (dm.reason.category() == peer_category
             && dm.reason.code() == static_cast<uint8_t>(peer_errc::timeout))
      c->second.deliver(make_error(peer_errc::timeout,
                                   i->second.address + ": the handshake timed out"));
    else
      c->second.deliver(make_error(peer_errc::refused,
                                   i->second.address + ": handshake failed or refused"));
    st.connecting.erase(c);
  }
  auto key = i->second.dial_key;
  bool on_purpose = st.closing.erase(dm.source) > 0;
  st.sessions.erase(i);
  metric_set(*st.reg, "nzcore_peer_sessions", {}, static_cast<double>(st.by_node.size()));
  if (!key.empty() && !on_purpose) schedule_redial(self, key);
}

/// Remembers an outbound peer durably (address, key, last connection).
void remember(self_ptr self, const std::string& node_id, const std::string& address,
              const std::vector<uint8_t>& key) {
  auto& st = self->state;
  if (key.size() != 32) return;
  peer::ed25519_public_key pk{};
  std::copy(key.begin(), key.end(), pk.begin());
  auto now = unix_now_ms();
  auto up = peer::peer_cache::upsert_change(node_id, pk, address,
                                            peer::peer_source::learned, now);
  if (!up) {
    log::warn("peers", "not cached: {}", up.error().message);
    return;
  }
  st.cache.commit(self, std::move(*up), nullptr);
  if (auto c = peer::peer_cache::connected_change(node_id, now))
    st.cache.commit(self, std::move(*c), nullptr);
}

void on_up(self_ptr self, std::string node_id, caf::actor session, bool outbound,
           std::string address, std::vector<uint8_t> key) {
  auto& st = self->state;
  auto i = st.sessions.find(session.address());
  if (i == st.sessions.end()) return;
  if (auto old = st.by_node.find(node_id); old != st.by_node.end()) {
    // One session per peer. Simultaneous opens: keep the session initiated by
    // the node with the smaller id, on both sides.
    // Same direction twice: the peer lost its session and reconnected, so the
    // new session is the live one and the old one's partner is gone.
    auto& old_entry = st.sessions[old->second.address()];
    bool keep_new_outbound = st.own_node_id < node_id;
    bool keep_new = old_entry.outbound == outbound || outbound == keep_new_outbound;
    auto loser = keep_new ? old->second : session;
    st.closing.insert(loser.address());
    // Whoever waits for the losing session's connect is connected all the same.
    if (auto c = st.connecting.find(loser.address()); c != st.connecting.end()) {
      c->second.deliver(node_id);
      st.connecting.erase(c);
    }
    self->send_exit(loser, caf::exit_reason::user_shutdown);
    if (!keep_new) return;
  }
  i->second.node_id = node_id;
  i->second.address = address;
  if (auto d = st.dialled.find(i->second.dial_key); d != st.dialled.end()) {
    d->second.keep = true;  // established once: keep it connected
    d->second.bo.reset();
  }
  st.by_node[node_id] = session;
  log::info("peers", "session established with {} ({}, {})", node_id.substr(0, 16),
            address, outbound ? "outbound" : "inbound");
  metric_set(*st.reg, "nzcore_peer_sessions", {}, static_cast<double>(st.by_node.size()));
  if (outbound) remember(self, node_id, address, key);
  if (auto c = st.connecting.find(session.address()); c != st.connecting.end()) {
    c->second.deliver(node_id);
    st.connecting.erase(c);
  }
}

}  // namespace nz::peer_manager_detail
