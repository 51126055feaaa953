// Typed interface of the trust actor: the node's trust store (docs/trust.md).
// Every change is a signed assertion appended to the hash-chained, sealed trust
// log; the current trust set is derived from the log.
//
// Contract:
// - `assert(req)` validates the request against the trust set and its limits,
//   has the identity sign it, appends it to the log and replies once the entry
//   is durable. Errors: trust_errc::invalid_argument (bad key, level, label),
//   unknown_key (a node id that matches no known key), revoked (the subject's
//   key is revoked: revocation is permanent), limit_exceeded (names the limit),
//   damaged (the log failed verification at start; see `log`).
// - `eval(subject)` gives the effective trust and the path that justifies it.
// - `list()` gives this node's direct records (levels, delegations,
//   revocations) and the imported third-party assertions.
// - `log(verify, limit)` walks the chain; with verify=true it checks every
//   hash link and every signature and names the first bad entry.
// - `export()` gives a bundle of this node's current assertions, signed by the
//   node; `import(bundle)` verifies it and applies the sync rules to it as one
//   batch: all of it or nothing.
// Subjects are given as 64 hex digits, base64 of the 32-byte Ed25519 public key,
// or a node id (64 hex digits of BLAKE2b-256 of the key) of a known key; a
// 64-hex string is tried as a node id first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace nz {

using trust_assert_atom = caf::atom_constant<caf::atom("trassert")>;
using trust_eval_atom = caf::atom_constant<caf::atom("treval")>;
using trust_list_atom = caf::atom_constant<caf::atom("trlist")>;
using trust_log_atom = caf::atom_constant<caf::atom("trlog")>;
using trust_export_atom = caf::atom_constant<caf::atom("trexport")>;
using trust_import_atom = caf::atom_constant<caf::atom("trimport")>;
using trust_head_atom = caf::atom_constant<caf::atom("trhead")>;

/// A new assertion by this node. `kind`: "set_level", "revoke", "delegate",
/// "remove". `level` 0-4 (set_level); `depth` and `max_level` (delegate);
/// `expires_in_ms` 0 = never; `labels` as "key=value".
struct trust_assert_request {
  std::string kind;
  std::string subject;
  uint8_t level = 0;
  uint8_t depth = 0;
  uint8_t max_level = 0;
  int64_t expires_in_ms = 0;
  std::vector<std::string> labels;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trust_assert_request& x) {
  return f(caf::meta::type_name("nz.trust_assert_request"), x.kind, x.subject, x.level,
           x.depth, x.max_level, x.expires_in_ms, x.labels);
}

/// One assertion as the operator sees it.
struct trust_entry {
  /// Position in this node's trust log (0 when not from the log).
  uint64_t log_seq = 0;
  std::string kind;
  std::string issuer;       ///< node id (hex)
  std::string subject;      ///< node id (hex)
  std::string subject_key;  ///< Ed25519 public key, hex
  uint8_t level = 0;
  uint8_t depth = 0;
  uint8_t max_level = 0;
  uint64_t issuer_seq = 0;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  std::vector<std::string> labels;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trust_entry& x) {
  return f(caf::meta::type_name("nz.trust_entry"), x.log_seq, x.kind, x.issuer, x.subject,
           x.subject_key, x.level, x.depth, x.max_level, x.issuer_seq, x.created_ms,
           x.expires_ms, x.labels);
}

/// Effective trust of one subject and its justification (issuer -> subject hops).
struct trust_verdict {
  std::string subject;
  std::string subject_key;
  uint8_t level = 0;
  bool revoked = false;
  std::vector<trust_entry> path;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trust_verdict& x) {
  return f(caf::meta::type_name("nz.trust_verdict"), x.subject, x.subject_key, x.level,
           x.revoked, x.path);
}

/// The log walk of `trust log`.
struct trust_log_report {
  uint64_t entries = 0;
  std::string head;  ///< hash of the last entry, hex
  bool verified = false;
  /// Empty when intact; else the first bad entry and why.
  std::string broken;
  uint64_t first_bad_seq = 0;
  /// The newest entries (up to the requested limit), oldest first.
  std::vector<trust_entry> tail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trust_log_report& x) {
  return f(caf::meta::type_name("nz.trust_log_report"), x.entries, x.head, x.verified,
           x.broken, x.first_bad_seq, x.tail);
}

/// What `import` did: everything or nothing was applied.
struct trust_import_report {
  bool accepted = false;
  std::string exporter;  ///< node id of the bundle's signer
  uint64_t applied = 0;
  uint64_t already_known = 0;
  /// "index N: reason_code: message", one per rejected assertion.
  std::vector<std::string> rejected;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trust_import_report& x) {
  return f(caf::meta::type_name("nz.trust_import_report"), x.accepted, x.exporter,
           x.applied, x.already_known, x.rejected);
}

using trust_actor = caf::typed_actor<
    caf::replies_to<trust_assert_atom, trust_assert_request>::with<trust_entry>,
    caf::replies_to<trust_eval_atom, std::string>::with<trust_verdict>,
    caf::replies_to<trust_list_atom>::with<std::vector<trust_entry>>,
    caf::replies_to<trust_log_atom, bool, uint32_t>::with<trust_log_report>,
    caf::replies_to<trust_export_atom>::with<std::vector<uint8_t>>,
    caf::replies_to<trust_import_atom, std::vector<uint8_t>>::with<trust_import_report>,
    /// The trust log's length: cheap change detection (e.g. for trust sync).
    caf::replies_to<trust_head_atom>::with<uint64_t>, caf::reacts_to<tick_atom>,
    caf::replies_to<phase_atom, uint8_t>::with<uint8_t>>;

}  // namespace nz
