#include "actors/node_info/node_info_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/node_info/node_info.hpp"
#include "messages/node_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/persist/journaled.hpp"

namespace nz {

namespace {

struct node_info_state {
  journaled<node_info> journal;
  std::shared_ptr<service_registry> reg;
  static inline const char* name = "nz.node_info";
};

using self_ptr = node_info_actor::stateful_pointer<node_info_state>;

node_info_view view_of(const node_info& x) {
  node_info_view v;
  v.first_start_ms = x.first_start_ms;
  v.boot_count = x.boot_count;
  v.unclean_shutdowns = x.unclean_shutdowns;
  v.last_boot_ms = x.last_boot_ms;
  v.last_recovery_ms = x.last_recovery_ms;
  v.last_recovery = x.last_recovery;
  return v;
}

void publish_gauges(self_ptr self) {
  auto& st = self->state.journal.state;
  metric_set(*self->state.reg, "nzcore_node_boots", {},
             static_cast<double>(st.boot_count));
  metric_set(*self->state.reg, "nzcore_node_unclean_shutdowns", {},
             static_cast<double>(st.unclean_shutdowns));
}

node_info_actor::behavior_type node_info_impl(self_ptr self,
                                              std::shared_ptr<service_registry> reg,
                                              journal_options opts) {
  self->set_exception_handler(exception_to_error);
  self->state.reg = reg;
  self->state.journal.recover(self, reg, std::move(opts),
                              [self] { publish_gauges(self); });
  return {
      [self](boot_atom, bool unclean, int64_t now_ms,
             std::string& detail) -> caf::result<node_info_view> {
        auto rp = self->make_response_promise<node_info_view>();
        auto& j = self->state.journal;
        j.commit(self, node_info::boot_change(unclean, now_ms, std::move(detail)),
                 [self, rp]() mutable {
                   publish_gauges(self);
                   rp.deliver(view_of(self->state.journal.state));
                 });
        return rp;
      },
      [self](get_atom) -> caf::result<node_info_view> {
        auto rp = self->make_response_promise<node_info_view>();
        self->state.journal.after_durable(
            [self, rp]() mutable { rp.deliver(view_of(self->state.journal.state)); });
        return rp;
      },
      [self](tick_atom) { self->state.journal.on_tick(self); },
      [self](phase_atom, uint8_t phase) -> caf::result<uint8_t> {
        return self->state.journal.on_phase(self, phase);
      },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_node_info(caf::actor_system& sys,
                                          std::shared_ptr<service_registry> reg,
                                          journal_options opts) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(node_info_impl, std::move(reg), std::move(opts)));
}

}  // namespace nz
