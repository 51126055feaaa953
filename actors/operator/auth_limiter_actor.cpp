#include "actors/operator/auth_limiter_actor.hpp"

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/node_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/persist/journaled.hpp"

namespace nz {

namespace {

struct auth_limiter_state {
  journaled<auth_limiter> journal;
  std::shared_ptr<service_registry> reg;
  std::function<int64_t()> now_ms;
  static inline const char* name = "nz.auth_limiter";
};

using self_ptr = auth_limiter_actor::stateful_pointer<auth_limiter_state>;

auth_verdict to_verdict(const auth_decision& d) {
  auth_verdict v;
  v.kind = static_cast<uint8_t>(d.outcome);
  v.retry_after_ms = d.retry_after_ms;
  v.failures = d.failures;
  return v;
}

auth_limiter_actor::behavior_type auth_limiter_impl(self_ptr self,
                                                    std::shared_ptr<service_registry> reg,
                                                    auth_limiter_options opts) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.reg = reg;
  st.now_ms = opts.now_ms ? opts.now_ms : [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  st.journal.state.set_limits(opts.limits);
  st.journal.recover(self, reg, std::move(opts.journal), [] {});
  return {
      [self](auth_check_atom, const std::string& client) -> caf::result<auth_verdict> {
        auto rp = self->make_response_promise<auth_verdict>();
        self->state.journal.after_durable([self, rp, client]() mutable {
          auto& st = self->state;
          rp.deliver(to_verdict(st.journal.state.check(client, st.now_ms())));
        });
        return rp;
      },
      [self](auth_fail_atom, const std::string& client) -> caf::result<auth_verdict> {
        auto& st = self->state;
        auto rp = self->make_response_promise<auth_verdict>();
        auto now = st.now_ms();
        auto lockouts_before = st.journal.state.lockouts();
        st.journal.commit(self, auth_limiter::failure_change(client, now),
                          [self, rp, client, now, lockouts_before]() mutable {
                            auto& st = self->state;
                            auto& lim = st.journal.state;
                            if (lim.lockouts() > lockouts_before)
                              metric_add(*st.reg, "nzcore_auth_lockouts_total", {});
                            rp.deliver(to_verdict(lim.check(client, now)));
                          });
        return rp;
      },
      [self](auth_ok_atom, const std::string& client) {
        auto& st = self->state;
        auto& clients = st.journal.state.clients();
        auto i = clients.find(client);
        if (i != clients.end() && i->second.failures > 0)
          st.journal.commit(self, auth_limiter::success_change(client, st.now_ms()),
                            nullptr);
      },
      [self](tick_atom) { self->state.journal.on_tick(self); },
      [self](phase_atom, uint8_t phase) -> caf::result<uint8_t> {
        return self->state.journal.on_phase(self, phase);
      },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_auth_limiter(caf::actor_system& sys,
                                             std::shared_ptr<service_registry> reg,
                                             auth_limiter_options opts) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(auth_limiter_impl, std::move(reg), std::move(opts)));
}

}  // namespace nz
