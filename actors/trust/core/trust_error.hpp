// Errors as values for the CAF-free trust core (actors/trust/core). The trust
// actor maps them onto its own error type; sync rejections use to_string(code)
// as their reason code, so these names are part of the operator-visible
// interface ("bad_signature", "replayed_seq", ...). Never renumber or rename.
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace nz::trust {

/// Failure classes. Codes up to `limit` describe bad or unwanted input (a peer's
/// assertion, an operator's request); the rest are local conditions.
enum class trust_errc : uint8_t {
  /// Bytes or fields that are not a valid encoding (truncated, trailing bytes,
  /// unknown kind or level, a field the kind does not use set, unsorted labels,
  /// issuer_seq 0, expiry not after creation, ...).
  malformed = 1,
  /// The Ed25519 signature does not verify (strict: non-canonical S and
  /// small-order or non-canonical keys are refused).
  bad_signature = 2,
  /// The issuer is neither this node nor trusted at MEDIUM or above.
  unknown_issuer = 3,
  /// issuer_seq not above the highest seen for the issuer (or not increasing
  /// within a batch); for own assertions: not the next sequence number.
  replayed_seq = 4,
  /// The assertion (or its default TTL) expired at or before `now`.
  expired = 5,
  /// More than max_batch assertions in one batch.
  batch_too_large = 6,
  /// The subject already has max_third_party_per_subject foreign issuers.
  subject_flooded = 7,
  /// The subject is revoked by this node (revocation is permanent).
  revoked_subject = 8,
  /// Issuer and subject are the same key.
  self_subject = 9,
  /// A configured limit (struct limits) would be exceeded; the message names
  /// the limit and the value.
  limit = 10,
  /// An own assertion whose issuer is not this node's key (caller misuse).
  not_own = 11,
  /// `remove` of a subject about which this node holds no set_level/delegate.
  nothing_to_remove = 12,
  /// No known key has this node id (or the prefix is ambiguous or too short).
  unknown_node_id = 13,
};

/// The code's name, e.g. "bad_signature".
const char* to_string(trust_errc x);

struct trust_error {
  trust_errc code;
  std::string message;
};

/// A value or a trust_error (messages/result.hpp).
template <class T>
using trust_result = basic_result<T, trust_error>;

/// Success or a trust_error.
using trust_status = basic_result<void, trust_error>;

inline trust_error make_error(trust_errc code, std::string message) {
  return trust_error{code, std::move(message)};
}

}  // namespace nz::trust
