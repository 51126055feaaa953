// The trust actor (messages/trust_api.hpp): owns the trust store.
//
// Persistence (docs/trust.md): the trust log is a hash chain (domain
// "nz-trust-log") of signed assertions, one sealed kv record per entry in
// namespace "nz.trust.log"; a snapshot of the materialised trust set, with the
// log position and head hash it covers, is kept sealed in "nz.trust.state".
// At start the actor reads the whole log, checks every record opens and every
// hash link holds, checks the snapshot matches the chain at its position,
// verifies the signatures of the entries after it and replays them; without a
// usable snapshot it rebuilds the set from the whole log (same result: the
// property test in tests/unit/trust proves it).
// A log that fails these checks is never served: the actor stays up in a
// damaged state in which every request but `log` fails with trust_errc::damaged
// naming the first bad entry; nothing is overwritten, and the rest of the node
// keeps working.
// Changes are applied in memory, handed to storage (group commit) and
// acknowledged once durable; reads wait until every applied change is durable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace nz {

class service_registry;

struct trust_options {
  uint64_t max_trusted = 1000;
  uint64_t max_third_party = 32;
  uint64_t max_batch = 100;
  uint64_t max_depth = 4;
  int64_t default_ttl_ms = 24 * 3600 * 1000;
  /// A snapshot of the trust set every this many log entries (and at shutdown).
  uint64_t snapshot_every = 256;
  caf::timespan storage_timeout = std::chrono::seconds(10);
  /// Unix time in ms; tests inject a clock.
  std::function<int64_t()> now_ms;
};

caf::expected<caf::actor> spawn_trust(caf::actor_system& sys,
                                      std::shared_ptr<service_registry> reg,
                                      trust_options opts);

}  // namespace nz
