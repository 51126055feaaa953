// The auth_limiter actor: durable per-client lockouts and the global failure
// budget of the operator plane (rules in auth_limiter.hpp). Every failure is
// journaled (stream "auth_limiter") before it is acknowledged, so neither an actor
// crash nor a process restart resets a lockout.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <caf/fwd.hpp>

#include "actors/operator/auth_limiter.hpp"
#include "runtime/persist/journal_options.hpp"

namespace nz {

class service_registry;

struct auth_limiter_options {
  auth_limits limits;
  journal_options journal;
  /// Wall clock in Unix ms; tests inject a fake one.
  std::function<int64_t()> now_ms;
};

caf::expected<caf::actor> spawn_auth_limiter(caf::actor_system& sys,
                                             std::shared_ptr<service_registry> reg,
                                             auth_limiter_options opts);

}  // namespace nz
