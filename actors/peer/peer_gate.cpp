#include "actors/peer/peer_gate.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/peer_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

namespace {

constexpr size_t max_noise_message = 65535;

peer_gate_actor::behavior_type gate_impl(peer_gate_actor::pointer self,
                                         std::shared_ptr<service_registry> reg) {
  return {
      [self, reg](peer_hello_atom, std::vector<uint8_t>& msg1, caf::actor& initiator) {
        if (msg1.size() > max_noise_message || !initiator) {
          metric_add(*reg, "nzcore_peer_handshake_failures_total", {"bad_message"});
          return;
        }
        auto mgr = caf::actor_cast<peer_manager_actor>(reg->get("peers"));
        if (!mgr) {
          metric_add(*reg, "nzcore_peer_handshake_failures_total", {"unavailable"});
          return;
        }
        self->send(mgr, peer_hello_atom::value, std::move(msg1), std::move(initiator));
      },
  };
}

}  // namespace

caf::actor spawn_peer_gate(caf::actor_system& sys,
                           std::shared_ptr<service_registry> reg) {
  return caf::actor_cast<caf::actor>(sys.spawn(gate_impl, std::move(reg)));
}

}  // namespace nz
