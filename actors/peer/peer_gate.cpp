#include "actors/peer/peer_gate.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/type_nr.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/peer_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/wire_guard.hpp"

namespace nz {

namespace {

constexpr size_t max_noise_message = 65535;

/// From the network: peer_hello only, asynchronously.
struct gate_wire {
  static bool accepts(const caf::mailbox_element& x) {
    return wire_atom_message(
        x, false,
        {{peer_hello_atom::value,
          caf::make_type_token<caf::atom_value, std::vector<uint8_t>, caf::actor>()}});
  }
};

class gate_actor : public wire_guarded<peer_gate_actor::base, gate_wire> {
 public:
  using wire_guarded<peer_gate_actor::base, gate_wire>::wire_guarded;

  behavior_type make_behavior() override {
    auto self = this;
    auto reg = reg_;
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
};

}  // namespace

caf::actor spawn_peer_gate(caf::actor_system& sys,
                           std::shared_ptr<service_registry> reg) {
  return caf::actor_cast<caf::actor>(sys.spawn<gate_actor>(std::move(reg)));
}

}  // namespace nz
