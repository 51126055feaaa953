// The audit actor (messages/audit_api.hpp): appends security events to a hash
// chain kept in sealed kv records, namespace "nz.audit" (one record per entry,
// keyed by sequence number; runtime/sealed_log). It reads the stored chain
// before it serves. A chain found broken at start is kept as evidence: new
// events continue after the last stored entry, the first of them an
// "audit_damaged" event naming the break, and `read` keeps reporting it.
#pragma once

#include <functional>
#include <memory>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace nz {

class service_registry;

struct audit_options {
  /// Budget of each storage request.
  caf::timespan storage_timeout = std::chrono::seconds(10);
  /// Unix time in ms; tests inject a clock.
  std::function<int64_t()> now_ms;
};

caf::expected<caf::actor> spawn_audit(caf::actor_system& sys,
                                      std::shared_ptr<service_registry> reg,
                                      audit_options opts);

}  // namespace nz
