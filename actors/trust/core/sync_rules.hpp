// Admission of assertions from outside (peer sync, bundle import): a batch is
// accepted only if every assertion in it passes; nothing is partially applied.
//
// Per assertion, in this order (the first failing rule is its rejection; the
// reason code is to_string(trust_errc)):
//   malformed        validate() fails on a field (limit: a label or depth bound)
//   bad_signature    strict Ed25519 verification fails
//   (already known)  the issuer's record holds exactly this signed assertion:
//                    counted in already_known and skipped, not rejected
//   self_subject     issuer == subject
//   replayed_seq     issuer_seq <= highest seen for the issuer, or not above the
//                    previous assertion of the same issuer in this batch
//   unknown_issuer   issuer is not this node and its effective trust at now is
//                    below MEDIUM or revoked
//   expired          is_expired(a, foreign, ...) at now: a foreign set_level or
//                    delegate without expires_ms lives default_ttl_ms from its
//                    created_ms; own assertions expire only at expires_ms
//   revoked_subject  set_level/delegate about a key this node revoked, or about
//                    a key the same issuer revoked
//   subject_flooded  a foreign issuer new to the subject while the subject
//                    already has max_third_party_per_subject live foreign
//                    issuers (live: holding a revoke or an unexpired assertion at
//                    now; issuers new in this batch count too)
//   limit            an own set_level/delegate beyond max_trusted
// A batch with more than max_batch assertions is refused whole with one
// rejection {index max_batch, "batch_too_large"}; its items are not examined.
//
// Issuer standing is judged on the set as it was before the batch: a batch that
// introduces a key cannot also carry assertions by that key.
//
// Thread rules: pure function of its arguments.
#pragma once

#include "actors/trust/core/trust_set.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace nz::trust {

struct rejection {
  /// Position in the batch.
  size_t index = 0;
  /// to_string(trust_errc), e.g. "replayed_seq".
  std::string reason_code;
  std::string message;
};

struct batch_verdict {
  /// True if no assertion was rejected (also for an empty batch).
  bool accepted = false;
  /// In batch order, without the already known ones. Empty unless accepted.
  std::vector<signed_assertion> to_apply;
  /// Every rejected assertion, in batch order.
  std::vector<rejection> rejected;
  size_t already_known = 0;
};

/// Checks a batch against `ts` at now_ms (see the file comment). On
/// acceptance, applying to_apply in order to `ts` gives status applied for
/// each.
batch_verdict check_batch(const trust_set& ts, const std::vector<signed_assertion>& batch,
                          int64_t now_ms);

/// Rejections per reason code (for metrics and the CLI summary).
std::vector<std::pair<std::string, size_t>> count_by_reason(const batch_verdict& v);

}  // namespace nz::trust
