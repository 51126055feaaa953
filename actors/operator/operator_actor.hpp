// The operator actor: authenticates every nzctl request (token in constant time,
// per-client lockout and global budget through the auth_limiter) and maps
// commands onto messages of the subsystems. It is not published itself; the
// admin gate (admin_gate.hpp) is, and forwards to whichever operator instance is
// currently registered, so the admin port survives operator restarts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace nz {

class service_registry;
class peer_chaos;

struct operator_options {
  /// The admin token (contents of <data>/admin.token).
  std::string token;
  bool chaos_enabled = false;
  std::string data_dir;
  std::string version;
  int64_t start_unix_ms = 0;
  /// Budget for each call into another subsystem.
  caf::timespan request_timeout = std::chrono::seconds(5);
  /// Peer fault injection (set when chaos_enabled).
  std::shared_ptr<peer_chaos> chaos;
};

caf::expected<caf::actor> spawn_operator(caf::actor_system& sys,
                                         std::shared_ptr<service_registry> reg,
                                         operator_options opts);

}  // namespace nz
