// Typed interfaces of the node's own stateful services: node info and the
// operator's auth limiter. Both journal every change before acknowledging it.
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace nz {

/// Durable facts about this node's life. Times are Unix milliseconds.
struct node_info_view {
  int64_t first_start_ms = 0;
  uint64_t boot_count = 0;
  uint64_t unclean_shutdowns = 0;
  int64_t last_boot_ms = 0;
  int64_t last_recovery_ms = 0;
  /// What the last recovery after an unclean shutdown found, or empty.
  std::string last_recovery;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info_view& x) {
  return f(caf::meta::type_name("nz.node_info_view"), x.first_start_ms, x.boot_count,
           x.unclean_shutdowns, x.last_boot_ms, x.last_recovery_ms, x.last_recovery);
}

using node_info_actor = caf::typed_actor<
    /// Records one boot (the process calls it once per start). Arguments: whether
    /// the previous run ended uncleanly, now (Unix ms), and a recovery description.
    caf::replies_to<boot_atom, bool, int64_t, std::string>::with<node_info_view>,
    caf::replies_to<get_atom>::with<node_info_view>, caf::reacts_to<tick_atom>,
    caf::replies_to<phase_atom, uint8_t>::with<uint8_t>>;

/// Verdict of the auth limiter for one client.
struct auth_verdict {
  enum kind_t : uint8_t { allowed = 0, locked_out = 1, throttled = 2 };
  uint8_t kind = allowed;
  /// Milliseconds until the client may try again (0 when allowed).
  int64_t retry_after_ms = 0;
  /// Consecutive failures recorded for this client.
  uint32_t failures = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, auth_verdict& x) {
  return f(caf::meta::type_name("nz.auth_verdict"), x.kind, x.retry_after_ms, x.failures);
}

using auth_limiter_actor = caf::typed_actor<
    /// May this client attempt to authenticate now?
    caf::replies_to<auth_check_atom, std::string>::with<auth_verdict>,
    /// Records a failed attempt durably, then replies with the new verdict.
    caf::replies_to<auth_fail_atom, std::string>::with<auth_verdict>,
    /// Records a successful attempt (clears the client's failure count).
    caf::reacts_to<auth_ok_atom, std::string>, caf::reacts_to<tick_atom>,
    caf::replies_to<phase_atom, uint8_t>::with<uint8_t>>;

}  // namespace nz
