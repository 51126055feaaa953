#include "actors/operator/admin_gate.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/operator_api.hpp"
#include "runtime/supervision/service_call.hpp"

namespace nz {

namespace {

operator_actor::behavior_type gate_impl(operator_actor::pointer self,
                                        std::shared_ptr<service_registry> reg,
                                        caf::timespan budget) {
  return {
      [self, reg, budget](operator_request& req) -> caf::result<operator_reply> {
        auto rp = self->make_response_promise<operator_reply>();
        call_service<operator_reply>(
            self, reg, "operator", budget,
            [rp](operator_reply& rep) mutable { rp.deliver(std::move(rep)); },
            [self, rp](caf::error& err) mutable {
              operator_reply rep;
              rep.status = static_cast<int32_t>(operator_status::unavailable);
              rep.text = "operator unavailable: " + self->system().render(err);
              rep.json = "{\"error\":\"operator unavailable\"}";
              rp.deliver(std::move(rep));
            },
            std::move(req));
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_admin_gate(caf::actor_system& sys, std::shared_ptr<service_registry> reg,
                            caf::timespan budget) {
  return caf::actor_cast<caf::actor>(sys.spawn(gate_impl, std::move(reg), budget));
}

}  // namespace nz
