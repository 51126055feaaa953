#include "runtime/metrics_client.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "messages/metrics_api.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

namespace {

template <class Atom>
void send_update(const service_registry& reg, Atom atom, const std::string& family,
                 std::vector<std::string> labels, double value) {
  auto hdl = reg.get("metrics");
  if (!hdl) return;
  caf::anon_send(caf::actor_cast<metrics_actor>(hdl), atom, family, std::move(labels),
                 value);
}

}  // namespace

void metric_add(const service_registry& reg, const std::string& family,
                std::vector<std::string> labels, double value) {
  send_update(reg, add_atom::value, family, std::move(labels), value);
}

void metric_set(const service_registry& reg, const std::string& family,
                std::vector<std::string> labels, double value) {
  send_update(reg, set_atom::value, family, std::move(labels), value);
}

void metric_observe(const service_registry& reg, const std::string& family,
                    std::vector<std::string> labels, double value) {
  send_update(reg, observe_atom::value, family, std::move(labels), value);
}

}  // namespace nz
