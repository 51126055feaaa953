// Admission, heartbeats and trust sync of a peer session
// (actors/peer/session_state.hpp).
#include "actors/peer/session_state.hpp"

namespace nz::peer_session_detail {

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
    end_session(self, make_error(core_errc::service_unavailable,
                                 "peer suspected by phi-accrual"));
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

}  // namespace nz::peer_session_detail
