#include "actors/peer/peer_manager.hpp"

#include <deque>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>
#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/peer/manager/backoff.hpp"
#include "actors/peer/manager/peer_cache.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/peer_dialer.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/storage_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/persist/journaled.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/unix_time.hpp"

namespace nz {

namespace {

struct session_entry {
  caf::actor handle;
  /// The dial_entry key of an outbound session.
  std::string dial_key;
  std::string node_id;  ///< empty while handshaking
  std::string address;
  bool outbound = false;
};

/// An address this node keeps connected: a bootstrap entry, or an address whose
/// session was established once. Redialled with exponential backoff and full
/// jitter after the session ends or a dial fails.
struct dial_entry {
  std::string host;
  uint16_t port = 0;
  std::string expected;  ///< node id required there, or empty
  bool keep = false;     ///< redial after failures
  bool scheduled = false;
  peer::backoff bo;
};

/// A `listen` waiting for a message on its channel (long poll).
struct listener {
  std::string channel;
  uint64_t after = 0;
  caf::actor_clock::time_point deadline;
  caf::typed_response_promise<channel_batch> rp;
  bool done = false;
};

/// A `request` waiting for the reply to its message.
struct pending_request {
  caf::typed_response_promise<std::vector<uint8_t>> rp;
  bool done = false;
};

/// The inbox keeps the newest messages: at most this many, and this many bytes.
constexpr size_t max_inbox_messages = 1000;
constexpr size_t max_inbox_bytes = size_t{16} << 20;

struct manager_state {
  std::shared_ptr<service_registry> reg;
  peer_manager_options opts;
  std::shared_ptr<const peer::noise::keypair> static_key;
  std::vector<uint8_t> binding;
  std::string own_node_id;
  bool ready = false;
  std::vector<std::function<void()>> deferred;
  std::map<caf::actor_addr, session_entry> sessions;
  std::map<std::string, caf::actor> by_node;
  /// `connect` requests waiting for their session to be established.
  std::map<caf::actor_addr, caf::typed_response_promise<std::string>> connecting;
  /// "[id@]host:port" -> redial state.
  std::map<std::string, dial_entry> dialled;
  /// Sessions this manager closed on purpose (tie-break, shutdown): no redial.
  std::set<caf::actor_addr> closing;
  bool stopping = false;
  std::mt19937_64 rng{std::random_device{}()};
  std::deque<channel_message> inbox;
  size_t inbox_bytes = 0;
  uint64_t next_seq = 1;
  std::vector<std::shared_ptr<listener>> listeners;
  /// (peer node id, message id) -> the request waiting for its reply.
  std::map<std::pair<std::string, uint64_t>, std::shared_ptr<pending_request>> requests;
  journaled<peer::peer_cache> cache;
  static inline const char* name = "nz.peer_manager";
};

using self_ptr = peer_manager_actor::stateful_pointer<manager_state>;

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

/// Dials host:port; `rp` (if valid) gets the node id once established.
void schedule_redial(self_ptr self, const std::string& key);

void dial(self_ptr self, std::string host, uint16_t port,
          std::optional<caf::typed_response_promise<std::string>> rp, bool keep = false) {
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

/// The one session whose node id is `who` or starts with it (8+ characters).
std::optional<caf::actor> find_peer(self_ptr self, const std::string& who,
                                    std::string& why) {
  std::vector<caf::actor> matches;
  for (auto& [id, h] : self->state.by_node)
    if (who.size() >= 8 && id.compare(0, who.size(), who) == 0) matches.push_back(h);
  if (matches.size() == 1) return matches.front();
  why = matches.empty() ? "no session with a peer '" + who + "' (see nzctl peers)"
                        : "'" + who + "' matches several peers";
  return std::nullopt;
}

channel_batch batch_after(const manager_state& st, const std::string& channel,
                          uint64_t after) {
  channel_batch b;
  b.next = after;
  for (auto& m : st.inbox)
    if (m.seq > after && m.channel == channel) {
      b.messages.push_back(m);
      b.next = m.seq;
    }
  if (b.messages.empty() && st.next_seq > 1 && after < st.next_seq - 1)
    b.next = st.next_seq - 1;  // skip what other channels used
  return b;
}

/// Files one received message: answers the request it replies to, if any,
/// and appends it to the inbox (bounded). Listeners are woken by wake_listeners.
void store(self_ptr self, channel_message m) {
  auto& st = self->state;
  if (m.reply_to != 0) {
    auto i = st.requests.find({m.from, m.reply_to});
    if (i != st.requests.end()) {
      if (!i->second->done) {
        i->second->done = true;
        i->second->rp.deliver(m.payload);
      }
      st.requests.erase(i);
    }
  }
  m.seq = st.next_seq++;
  st.inbox_bytes += m.payload.size();
  st.inbox.push_back(std::move(m));
  while (st.inbox.size() > max_inbox_messages || st.inbox_bytes > max_inbox_bytes) {
    st.inbox_bytes -= st.inbox.front().payload.size();
    st.inbox.pop_front();
  }
}

/// Answers every listener that now has messages on its channel.
void wake_listeners(self_ptr self) {
  auto& st = self->state;
  std::vector<std::shared_ptr<listener>> keep;
  for (auto& l : st.listeners) {
    if (l->done) continue;
    auto b = batch_after(st, l->channel, l->after);
    if (!b.messages.empty()) {
      l->done = true;
      l->rp.deliver(std::move(b));
    } else {
      keep.push_back(l);
    }
  }
  st.listeners = std::move(keep);
}

void start(self_ptr self) {
  auto& st = self->state;
  auto id = caf::actor_cast<identity_actor>(st.reg->get("identity"));
  if (!id) {
    self->quit(
        make_error(core_errc::service_unavailable, "identity (for peer sessions)"));
    return;
  }
  auto key = std::make_shared<peer::noise::keypair>(peer::noise::keypair::generate());
  st.static_key = key;
  auto msg = peer::binding_message(key->public_key_bytes, peer::protocol_version);
  self->request(id, st.opts.request_timeout, get_atom::value)
      .then(
          [self, id, msg](identity_info& info) {
            self->state.own_node_id = info.node_id;
            auto ed = info.ed25519_public;
            self->request(id, self->state.opts.request_timeout, sign_atom::value, msg)
                .then(
                    [self, ed](std::vector<uint8_t>& sig) {
                      auto& st = self->state;
                      peer::ed25519_public_key pk{};
                      peer::ed25519_signature s{};
                      size_t len = 0;
                      if (sig.size() != s.size()
                          || sodium_base642bin(pk.data(), pk.size(), ed.data(), ed.size(),
                                               nullptr, &len, nullptr,
                                               sodium_base64_VARIANT_ORIGINAL)
                                 != 0
                          || len != pk.size()) {
                        self->quit(
                            make_error(core_errc::recovery_failed,
                                       "identity gave no usable binding signature"));
                        return;
                      }
                      std::copy(sig.begin(), sig.end(), s.begin());
                      st.binding = peer::encode_binding(pk, s, peer::protocol_version, 0);
                      st.ready = true;
                      for (auto& fn : st.deferred) fn();
                      st.deferred.clear();
                      // Peers connected before (the durable cache), then the
                      // bootstrap list.
                      for (auto& [id, rec] : st.cache.state.peers()) {
                        auto colon = rec.address.rfind(':');
                        int port = colon == std::string::npos
                                       ? -1
                                       : std::atoi(rec.address.c_str() + colon + 1);
                        if (port <= 0 || port > 65535) continue;
                        dial(self, id + "@" + rec.address.substr(0, colon),
                             static_cast<uint16_t>(port), std::nullopt, true);
                      }
                      for (auto& b : st.opts.bootstrap) {
                        auto colon = b.rfind(':');
                        int port = colon == std::string::npos
                                       ? -1
                                       : std::atoi(b.c_str() + colon + 1);
                        if (port <= 0 || port > 65535) {
                          log::warn("peers", "bootstrap entry '{}' is not host:port", b);
                          continue;
                        }
                        dial(self, b.substr(0, colon), static_cast<uint16_t>(port),
                             std::nullopt, true);
                      }
                    },
                    [self](caf::error& err) { self->quit(std::move(err)); });
          },
          [self](caf::error& err) { self->quit(std::move(err)); });
}

peer_manager_actor::behavior_type manager_impl(self_ptr self,
                                               std::shared_ptr<service_registry> reg,
                                               peer_manager_options opts) {
  self->set_exception_handler(exception_to_error);
  self->state.reg = std::move(reg);
  self->state.opts = std::move(opts);
  self->set_down_handler([self](caf::down_msg& dm) { on_session_down(self, dm); });
  // The peer cache is replayed before anything else (journaled::recover awaits
  // the load); then the binding is made and cached and bootstrap peers dialled.
  auto journal = self->state.opts.journal;
  self->state.cache.recover(self, self->state.reg, std::move(journal),
                            [self] { start(self); });
  auto when_ready = [self](std::function<void()> fn) {
    if (self->state.ready)
      fn();
    else
      self->state.deferred.push_back(std::move(fn));
  };
  return {
      [self, when_ready](peer_hello_atom, std::vector<uint8_t>& msg1, caf::actor& link) {
        if (!is_local(self)) {
          metric_add(*self->state.reg, "nzcore_peer_dropped_total", {"foreign_sender"});
          return;
        }
        when_ready([self, msg1, link] {
          auto& st = self->state;
          if (st.sessions.size() >= st.opts.max_sessions
              || half_open(st) >= st.opts.max_half_open) {
            metric_add(*st.reg, "nzcore_peer_handshake_failures_total", {"limit"});
            return;
          }
          auto cfg = base_config(self);
          cfg.msg1 = msg1;
          cfg.link = link;
          cfg.address = "inbound";
          auto session = spawn_peer_session(self->system(), st.reg, std::move(cfg));
          track(self, session, "inbound", false);
        });
      },
      [self](peer_up_atom, std::string& node_id, caf::actor& session, bool outbound,
             std::string& address, std::vector<uint8_t>& key) {
        if (!is_local(self)) return;
        on_up(self, std::move(node_id), std::move(session), outbound, std::move(address),
              std::move(key));
      },
      [self](peer_list_atom) -> caf::result<std::vector<peer_info>> {
        auto rp = self->make_response_promise<std::vector<peer_info>>();
        auto& st = self->state;
        auto out = std::make_shared<std::vector<peer_info>>();
        auto pending = std::make_shared<size_t>(st.sessions.size());
        if (*pending == 0) {
          rp.deliver(std::vector<peer_info>{});
          return rp;
        }
        for (auto& [addr, e] : st.sessions) {
          auto finish = [rp, out, pending]() mutable {
            if (--*pending == 0) {
              std::sort(out->begin(), out->end(),
                        [](auto& a, auto& b) { return a.node_id < b.node_id; });
              rp.deliver(std::move(*out));
            }
          };
          self->request(e.handle, st.opts.request_timeout, peer_stats_atom::value)
              .then(
                  [out, finish](peer_info& p) mutable {
                    out->push_back(std::move(p));
                    finish();
                  },
                  [finish](caf::error&) mutable { finish(); });
        }
        return rp;
      },
      [self, when_ready](peer_connect_atom, std::string& host,
                         uint16_t port) -> caf::result<std::string> {
        auto rp = self->make_response_promise<std::string>();
        when_ready([self, rp, host, port] { dial(self, host, port, rp); });
        return rp;
      },
      [self](peer_ping_atom, std::string& who) -> caf::result<int64_t> {
        auto rp = self->make_response_promise<int64_t>();
        auto& st = self->state;
        std::vector<caf::actor> matches;
        for (auto& [id, h] : st.by_node)
          if (id.compare(0, who.size(), who) == 0 && who.size() >= 8)
            matches.push_back(h);
        if (matches.size() != 1) {
          rp.deliver(make_error(peer_errc::no_session,
                                matches.empty() ? "no session with a peer '" + who + "'"
                                                : "'" + who + "' matches several peers"));
          return rp;
        }
        self->request(matches.front(), st.opts.request_timeout, peer_ping_atom::value)
            .then([rp](int64_t rtt) mutable { rp.deliver(rtt); },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [self](peer_send_atom, std::string& who, std::string& channel,
             std::vector<uint8_t>& payload, uint64_t reply_to) -> caf::result<uint64_t> {
        std::string why;
        auto h = find_peer(self, who, why);
        if (!h) return make_error(peer_errc::no_session, why);
        // The session answers the caller directly (no second request, no
        // timeout registered here: the caller's own bounds the call).
        self->delegate(*h, peer_send_atom::value, std::move(channel), std::move(payload),
                       reply_to);
        return caf::delegated<uint64_t>{};
      },
      [self](peer_post_atom, std::string& who, std::string& channel,
             std::vector<uint8_t>& payload) {
        std::string why;
        auto h = find_peer(self, who, why);
        if (!h) {
          metric_add(*self->state.reg, "nzcore_peer_dropped_total", {"post_refused"});
          return;
        }
        // Forwarded as is (the caller stays the sender; nothing is answered).
        self->delegate(*h, peer_post_atom::value, std::move(channel), std::move(payload));
      },
      [self](peer_route_atom, const std::string& who) -> caf::result<caf::actor> {
        std::string why;
        auto h = find_peer(self, who, why);
        if (!h) return make_error(peer_errc::no_session, why);
        return *h;
      },
      [self](peer_listen_atom, std::string& channel, uint64_t after,
             uint32_t wait_ms) -> caf::result<channel_batch> {
        auto rp = self->make_response_promise<channel_batch>();
        auto& st = self->state;
        auto b = batch_after(st, channel, after);
        if (!b.messages.empty() || wait_ms == 0) {
          rp.deliver(std::move(b));
          return rp;
        }
        auto wait = std::chrono::milliseconds(std::min<uint32_t>(wait_ms, 60000));
        auto l = std::make_shared<listener>(
            listener{channel, after, self->clock().now() + wait, rp, false});
        st.listeners.push_back(l);
        self->delayed_send(self, wait, peer_listen_atom::value);
        // The tick answers every listener whose wait is over with what there is
        // (possibly nothing); see the tick handler.
        l->rp = rp;
        return rp;
      },
      [self](peer_request_atom, std::string& who, std::string& channel,
             std::vector<uint8_t>& payload,
             uint32_t timeout_ms) -> caf::result<std::vector<uint8_t>> {
        auto rp = self->make_response_promise<std::vector<uint8_t>>();
        std::string why;
        auto h = find_peer(self, who, why);
        if (!h) {
          rp.deliver(make_error(peer_errc::no_session, why));
          return rp;
        }
        auto pending = std::make_shared<pending_request>(pending_request{rp, false});
        auto node = self->state.sessions[h->address()].node_id;
        self->request(*h, self->state.opts.request_timeout, peer_send_atom::value,
                      channel, std::move(payload), uint64_t{0})
            .then(
                [self, pending, node, timeout_ms](uint64_t id) {
                  self->state.requests[{node, id}] = pending;
                  self->delayed_send(self, std::chrono::milliseconds(timeout_ms),
                                     peer_request_atom::value, node, id);
                },
                [pending](caf::error& err) {
                  pending->done = true;
                  pending->rp.deliver(std::move(err));
                });
        return rp;
      },
      [self](peer_request_atom, std::string& node, uint64_t id) {
        // A request's timeout (local timer).
        if (self->current_sender() != self->ctrl()) return;
        auto& st = self->state;
        auto i = st.requests.find({node, id});
        if (i == st.requests.end()) return;
        if (!i->second->done) {
          i->second->done = true;
          i->second->rp.deliver(
              make_error(peer_errc::timeout, "no reply from the peer in time"));
        }
        st.requests.erase(i);
      },
      [self](peer_deliver_atom, channel_message& m) {
        if (!is_local(self)) {
          metric_add(*self->state.reg, "nzcore_peer_dropped_total", {"foreign_sender"});
          return;
        }
        store(self, std::move(m));
        wake_listeners(self);
      },
      [self](peer_deliver_atom, std::vector<channel_message>& ms) {
        if (!is_local(self)) {
          metric_add(*self->state.reg, "nzcore_peer_dropped_total", {"foreign_sender"});
          return;
        }
        for (auto& m : ms) store(self, std::move(m));
        wake_listeners(self);
      },
      [self](tick_atom) { self->state.cache.on_tick(self); },
      [self](peer_listen_atom) {
        if (self->current_sender() != self->ctrl()) return;
        // Long polls whose wait is over: answer them with what there is.
        auto& st = self->state;
        auto now = self->clock().now();
        std::vector<std::shared_ptr<listener>> keep;
        for (auto& l : st.listeners) {
          if (l->done) continue;
          if (l->deadline <= now) {
            l->done = true;
            l->rp.deliver(batch_after(st, l->channel, l->after));
          } else {
            keep.push_back(l);
          }
        }
        st.listeners = std::move(keep);
      },
      [self](peer_redial_atom, std::string& key) {
        if (self->current_sender() != self->ctrl()) return;
        auto& st = self->state;
        auto i = st.dialled.find(key);
        if (i == st.dialled.end() || st.stopping) return;
        i->second.scheduled = false;
        // Already connected again (e.g. the peer dialled us): nothing to do.
        if (!i->second.expected.empty() && st.by_node.count(i->second.expected)) return;
        dial(self, i->second.host, i->second.port, std::nullopt);
      },
      [self](phase_atom, uint8_t phase) -> caf::result<uint8_t> {
        if (phase == static_cast<uint8_t>(shutdown_phase::drain)) {
          self->state.stopping = true;
          for (auto& [addr, e] : self->state.sessions) {
            self->state.closing.insert(addr);
            self->send_exit(e.handle, caf::exit_reason::user_shutdown);
          }
        }
        return self->state.cache.on_phase(self, phase);
      },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_peer_manager(caf::actor_system& sys,
                                             std::shared_ptr<service_registry> reg,
                                             peer_manager_options opts) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(manager_impl, std::move(reg), std::move(opts)));
}

}  // namespace nz
