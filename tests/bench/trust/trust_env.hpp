// A trust store for one nz_bench_trust measurement: a storage actor on a fresh
// environment (sealed kv, group commit, synced commits, the node's default
// limits) and a trust actor (spawn_trust) on it, both registered in the
// setup's registry as "storage" and "trust" (replacing the previous ones).
// Opening, a crash-like restart with its recovery check, and an orderly close;
// each dies on an unexpected reply.
#pragma once

#include <cstdint>
#include <memory>

#include <caf/actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/trust/trust_actor.hpp"
#include "bench/trust/bench_setup.hpp"
#include "messages/storage_api.hpp"
#include "support/temp_dir.hpp"

namespace nz::bench {

/// A storage actor on a fresh environment and a trust actor on it, both
/// registered in the setup's registry; the trust actor is monitored.
struct trust_env {
  nz::test::temp_dir tmp{"nz-bench-trust"};
  nz::storage_actor storage;
  caf::actor trust;
};

/// The trust options of the append measurements: the node's defaults but for
/// max_trusted, raised to hold every append.
nz::trust_options append_options(const setup& su);

/// Storage with the node's default limits (kv_max_value 100 KiB) and a trust
/// actor with options `to`, started and monitored by `self`; dies unless the
/// fresh store lists no entries.
std::unique_ptr<trust_env> open_env(setup& su, caf::scoped_actor& self,
                                    const nz::trust_options& to);

/// Stops the trust actor without its shutdown flush (as a crash would), starts
/// another on the same storage and checks its recovery: "snapshot at N + M log
/// entries replayed" with N > 0, N + M = entries, and all entries listed.
/// Sets out.restart_snapshot, restart_replayed and restart_ms; prints the
/// `restart` line.
void restart_trust(setup& su, caf::scoped_actor& self, trust_env& env,
                   const nz::trust_options& to, uint64_t entries, repetition& out,
                   int run);

/// Trust first (its last snapshot goes to storage), then storage, closed.
void close_env(setup& su, caf::scoped_actor& self, trust_env& env);

/// Dies if the metrics actor has counted a failed trust snapshot; `after`
/// names what just ended.
void check_snapshots(setup& su, const char* after);

}  // namespace nz::bench
