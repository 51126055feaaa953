// The storage actor: implements nz::storage_actor (messages/storage_api.hpp) on
// top of journal_store, adding group commit. Appends are buffered and answered
// only after the commit that contains them has been synced; all appends that
// reach the mailbox before the actor's own flush message share one commit.
// Sealed kv writes are buffered the same way, and their group commit also
// waits (briefly; see kv_commit_linger) for the writers the previous commit
// answered, so that concurrent writers share one commit instead of splitting
// into two alternating halves. Reads (kv_get) wait for the writes queued before
// them and are served together in one read transaction; a kv_get_many is
// served at once when no write is buffered. A kv_batch first commits the
// buffered writes, then commits alone (all or nothing).
//
// Actor rules: the actor owns the LMDB environment; every transaction begins and
// ends inside one handler. Run it detached (the default): commits block on
// fsync. Errors reach requesters as values (storage_errc, or
// core_errc::recovery_failed from load); an invalid request (bad stream name,
// sequence gap, oversized payload) fails only its own requester. An invalid
// stream name is reported as storage_errc::limit_exceeded (there is no
// invalid-argument code in storage_errc). After phase close_storage every
// request fails with storage_errc::closed (a repeated close_storage is answered
// with the phase).
//
// Metrics (fire-and-forget to find_metrics(), when set and valid):
// nzcore_journal_commits_total{}, nzcore_journal_entries_total{stream},
// nzcore_journal_commit_seconds{} (histogram, includes fsync),
// nzcore_snapshots_written_total{stream}, nzcore_snapshot_bytes{stream} (gauge),
// nzcore_snapshot_fallbacks_total{stream}.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "messages/storage_api.hpp"

namespace nz {

struct storage_options {
  /// LMDB environment directory, normally <data>/db; created with mode 0700.
  std::string dir;
  size_t map_size = size_t{1} << 30;
  /// Snapshots retained per stream (>= 1); the journal is kept back to the oldest.
  uint32_t snapshots_kept = 2;
  /// False only for deterministic tests on the test_coordinator.
  bool detached = true;
  /// Returns the metrics registry (or an invalid handle); called per report.
  std::function<caf::actor()> find_metrics;
  /// Returns the identity actor; when set, the storage actor asks it for the
  /// storage subkey at start (before serving) and offers sealed kv/file
  /// storage (messages/kv_api.hpp). Unset: kv requests fail with no_storage_key.
  std::function<caf::actor()> find_identity;
  /// Group commit of kv writes: after a commit of n writes (m more arrived
  /// during it), the next commit waits until n + m writes are buffered, so
  /// writers that get their acks and write again share one commit instead of
  /// alternating between two; it waits at most as long as the last commit
  /// took, and never longer than this. A lone writer never waits (its next
  /// write is the whole group). Zero commits at every flush. Under the
  /// test_coordinator the wait ends only when the test advances the clock.
  std::chrono::microseconds kv_commit_linger{2000};
  /// Limits of the sealed store (key, value, file sizes; listing length).
  size_t kv_max_key = 256;
  size_t kv_max_value = size_t{100} * 1024;
  size_t kv_max_file = size_t{1} << 20;
};

/// Opens the environment, then spawns the actor. An open failure is returned
/// as storage_errc::lmdb_failure naming the LMDB call.
caf::expected<storage_actor> spawn_storage(caf::actor_system& sys, storage_options opts);

}  // namespace nz
