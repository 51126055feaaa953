// Fire-and-forget reporting into the metrics actor, found by name ("metrics") in
// the service registry at the moment of the update. While the metrics actor is
// restarting, updates are dropped: metrics are best effort, never a reason to
// block or fail the reporting subsystem.
#pragma once

#include <string>
#include <vector>

namespace nz {

class service_registry;

void metric_add(const service_registry& reg, const std::string& family,
                std::vector<std::string> labels, double value = 1.0);
void metric_set(const service_registry& reg, const std::string& family,
                std::vector<std::string> labels, double value);
void metric_observe(const service_registry& reg, const std::string& family,
                    std::vector<std::string> labels, double value);

}  // namespace nz
