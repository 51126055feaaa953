// Errors of the runtime core (supervision, service lookup, shutdown) and of the
// storage layer, as CAF error values. Each subsystem has its own category atom so
// that `actor_system::render` names the subsystem.
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace nz {

/// Failures of the runtime core.
enum class core_errc : uint8_t {
  none = 0,
  /// No actor is registered under the requested service name (yet).
  service_unavailable = 1,
  /// The service did not answer within the request's time budget.
  service_timeout = 2,
  /// A supervisor restarted its children more often than its intensity allows.
  intensity_exceeded = 3,
  /// The actor was made to fail on purpose by the chaos tooling.
  chaos_crash = 4,
  /// The node is shutting down and takes no new work.
  shutting_down = 5,
  /// The actor could not restore its state (no valid snapshot and journal).
  recovery_failed = 6,
};

/// Failures of the storage layer.
enum class storage_errc : uint8_t {
  none = 0,
  /// LMDB returned an error; the context names the call and the LMDB message.
  lmdb_failure = 1,
  /// A record failed its checksum; the context names the record.
  corrupt_record = 2,
  /// A journal append did not continue the stream's sequence.
  sequence_gap = 3,
  /// An argument exceeded a configured limit; the context names limit and size.
  limit_exceeded = 4,
  /// The storage environment is closed (shutdown).
  closed = 5,
  /// No record under that namespace and key.
  not_found = 6,
  /// Sealed storage is not available (no storage key from the identity).
  no_storage_key = 7,
};

/// Failures of the trust store (messages/trust_api.hpp).
enum class trust_errc : uint8_t {
  none = 0,
  /// A malformed key, level, label, duration or bundle; the context says which.
  invalid_argument = 1,
  /// A configured limit would be exceeded; the context names it.
  limit_exceeded = 2,
  /// The subject's key is revoked; revocation is permanent.
  revoked = 3,
  /// A node id that matches no key this node knows.
  unknown_key = 4,
  /// The trust log failed verification; the node refuses to serve its state.
  damaged = 5,
  /// Nothing to remove or show.
  not_found = 6,
};

/// Failures of peer sessions and channels (messages/peer_api.hpp).
enum class peer_errc : uint8_t {
  none = 0,
  /// No established session with that peer (or an ambiguous prefix).
  no_session = 1,
  /// The address could not be reached, or nothing is published there.
  unreachable = 2,
  /// The handshake failed or the other side refused it (no reason given).
  refused = 3,
  /// No reply in time (request), or the session closed while waiting.
  timeout = 4,
  /// A bad channel name or an oversized message; the context says which.
  bad_argument = 5,
  /// At a configured limit (sessions, half-open handshakes).
  limit = 6,
};

const char* to_string(core_errc x);
const char* to_string(peer_errc x);
const char* to_string(storage_errc x);
const char* to_string(trust_errc x);

inline constexpr caf::atom_value core_category = caf::atom("nzcore");
inline constexpr caf::atom_value storage_category = caf::atom("nzstorage");
inline constexpr caf::atom_value trust_category = caf::atom("nztrust");
inline constexpr caf::atom_value peer_category = caf::atom("nzpeer");

caf::error make_error(core_errc x);
caf::error make_error(core_errc x, std::string context);
caf::error make_error(storage_errc x);
caf::error make_error(storage_errc x, std::string context);
caf::error make_error(trust_errc x, std::string context);
caf::error make_error(peer_errc x, std::string context);

/// True for errors that mean "the callee was gone or not there yet": a request
/// that gets one may be retried against the restarted service.
bool is_restart_race(const caf::error& err);

}  // namespace nz
