// Conversions between the trust core's values and the operator-facing views of
// messages/trust_api.hpp, and the parsing of subjects and labels typed by an
// operator. Pure (no CAF actors); used by the trust actor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/trust/core/assertion.hpp"
#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/trust_error.hpp"
#include "actors/trust/core/trust_set.hpp"
#include "messages/trust_api.hpp"

namespace nz::trust {

/// The view of an assertion; `log_seq` is its trust log position (0: none).
nz::trust_entry view_of(const assertion& a, uint64_t log_seq = 0);

/// The view of a verdict about `subject`.
nz::trust_verdict view_of(const verdict& v, const pubkey& subject);

/// A subject as typed: a known node id (64 hex digits, or a unique prefix of
/// 8+), 64 hex digits of a key, or base64 of a 32-byte key. A 64-hex string is
/// tried as a known node id first. Errors: malformed (nothing matches the
/// forms), unknown_node_id.
trust_result<pubkey> parse_subject(const trust_set& ts, const std::string& text);

/// "key=value" strings to sorted labels. Errors: malformed (no '=', empty key,
/// duplicate key).
trust_result<std::vector<label>> parse_labels(const std::vector<std::string>& xs);

/// Every assertion of this node's own records (set_level, delegate, revoke), in
/// subject order: what `list` shows and `export` bundles.
std::vector<signed_assertion> own_assertions(const trust_set& ts);

/// Every accepted foreign assertion, by issuer then subject.
std::vector<signed_assertion> foreign_assertions(const trust_set& ts);

}  // namespace nz::trust
