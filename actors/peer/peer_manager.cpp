#include "actors/peer/peer_manager.hpp"

#include "actors/peer/manager_state.hpp"

namespace nz {

namespace {

using namespace peer_manager_detail;

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
