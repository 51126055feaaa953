// Typed interface of the audit actor: the node's security audit log, a
// hash-chained log of security events (auth failures, lockouts, trust changes)
// stored sealed in LMDB (docs/audit.md).
//
// Contract:
// - `record(kind, source, detail)` appends one event and replies with its
//   sequence number once it is durable. `kind` is a short event name
//   (e.g. "auth_failure", "lockout", "trust_add"), `source` who caused it (a
//   client name, "operator", a node id), `detail` free text. Each field is
//   bounded (audit_limits in docs/audit.md); longer values are truncated and
//   marked, never refused, so an attacker cannot suppress an event by sending a
//   long client name.
// - `read(since_ms, limit)` returns the newest `limit` events (0: 1000) with
//   time >= since_ms, oldest first, and the chain's verification status. The
//   whole chain is verified on every read: a damaged entry is named.
// Secrets never go into an event.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace nz {

using audit_record_atom = caf::atom_constant<caf::atom("audrec")>;
using audit_read_atom = caf::atom_constant<caf::atom("audread")>;

struct audit_event {
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string kind;
  std::string source;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_event& x) {
  return f(caf::meta::type_name("nz.audit_event"), x.seq, x.time_ms, x.kind, x.source,
           x.detail);
}

struct audit_page {
  std::vector<audit_event> events;
  /// Entries in the chain; head hash (hex) of the last one.
  uint64_t total = 0;
  std::string head;
  /// Empty when the whole chain verified; else names the first bad entry.
  std::string broken;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_page& x) {
  return f(caf::meta::type_name("nz.audit_page"), x.events, x.total, x.head, x.broken);
}

using audit_actor = caf::typed_actor<
    caf::replies_to<audit_record_atom, std::string, std::string,
                    std::string>::with<uint64_t>,
    caf::replies_to<audit_read_atom, int64_t, uint32_t>::with<audit_page>,
    caf::replies_to<phase_atom, uint8_t>::with<uint8_t>>;

}  // namespace nz
