// The durable journal + snapshot store: pure, synchronous, no CAF. The storage
// actor (storage_actor.hpp) owns one and adds group commit on top.
//
// Semantics (messages/storage_api.hpp is the contract; docs/storage-format.md
// has the record layout):
// - Each stream's journal continues consecutively from its last stored seq:
//   1 for a new stream, snapshot_seq + 1 after a snapshot truncated the journal.
// - commit() writes a batch of appends (any streams) and optionally one
//   snapshot in ONE write transaction with one synced commit. Any invalid
//   entry rejects the whole call and nothing is written.
// - A snapshot keeps the newest `snapshots_kept` snapshots of its stream and
//   deletes journal entries with seq <= the OLDEST retained snapshot's seq, so
//   falling back to the previous snapshot still finds its journal.
// - load() returns the newest snapshot that verifies plus every later entry.
//   Corrupt snapshots are skipped with a warning; a corrupt journal entry is a
//   hard corrupt_record error; no usable base is recovery_failed.
//
// Errors (store_errc): invalid_argument (stream name), limit_exceeded (payload
// size), sequence_gap, corrupt_record, recovery_failed, lmdb_failure (message
// names the LMDB call), closed (after close()).
//
// Thread rules: not thread-safe; one owner calls it (the storage actor). Per-
// stream last seqs are cached in memory (loaded lazily), so no other process may
// write the environment while this store is open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "storage/lmdb_env.hpp"
#include "storage/store_status.hpp"

namespace nz::storage {

struct store_options {
  /// The LMDB environment directory, normally <data>/db (created 0700).
  std::string dir;
  /// 0 keeps the size of an existing environment.
  size_t map_size = size_t{1} << 30;
  /// Snapshots retained per stream. REQUIRES: >= 1.
  uint32_t snapshots_kept = 2;
  size_t max_entry_bytes = size_t{16} << 20;
  size_t max_snapshot_bytes = size_t{256} << 20;
};

/// One journal append or snapshot write.
struct stream_record {
  std::string stream;
  uint64_t seq = 0;
  std::vector<uint8_t> payload;
};

struct loaded_entry {
  uint64_t seq = 0;
  std::vector<uint8_t> payload;
};

/// What load() returns: the state base plus the entries to replay.
struct loaded_stream {
  std::string stream;
  /// 0 when there is no (valid) snapshot.
  uint64_t snapshot_seq = 0;
  std::vector<uint8_t> snapshot;
  /// seq > snapshot_seq, ascending, consecutive.
  std::vector<loaded_entry> journal;
  /// One line per corrupt snapshot skipped.
  std::vector<std::string> warnings;
  /// Number of corrupt snapshots skipped.
  uint32_t fallbacks = 0;
};

struct commit_info {
  size_t entries = 0;
  /// Bytes of the stored snapshot record (header + payload); 0 without one.
  size_t snapshot_bytes = 0;
};

struct snapshot_stats {
  uint64_t seq = 0;
  size_t bytes = 0;
};

struct stream_stats {
  std::string stream;
  uint64_t last_seq = 0;
  uint64_t journal_entries = 0;
  uint64_t first_journal_seq = 0;
  /// Ascending by seq.
  std::vector<snapshot_stats> snapshots;
};

struct store_stats {
  std::vector<stream_stats> streams;
  env_info env;
  /// Successful commits since this store was opened.
  uint64_t commits = 0;
};

class journal_store {
 public:
  /// Opens or creates the environment and its databases ("journal",
  /// "snapshots"). Errors: invalid_argument (snapshots_kept == 0),
  /// lmdb_failure.
  static store_result<journal_store> open(const store_options& opts);

  journal_store(journal_store&&) = default;
  journal_store& operator=(journal_store&&) = default;

  /// Last stored seq of the stream (journal or snapshot), 0 for a new stream.
  /// Errors: invalid_argument, closed, lmdb_failure.
  store_result<uint64_t> last_seq(const std::string& stream);

  /// Checks name and size of one append and that it follows `prev_seq`.
  /// Errors: invalid_argument, limit_exceeded, sequence_gap.
  store_status check_append(const stream_record& entry, uint64_t prev_seq) const;

  /// Checks a whole commit() without writing. Same errors as commit() minus
  /// lmdb failures of the write itself.
  store_status validate(const std::vector<stream_record>& appends,
                        const stream_record* snapshot);

  /// Writes `appends` and the optional snapshot in one synced transaction.
  /// A snapshot's seq must be in [newest snapshot seq, last seq after the
  /// appends] and >= 1. Errors: all of the above; nothing is written then.
  store_result<commit_info> commit(const std::vector<stream_record>& appends,
                                   const stream_record* snapshot = nullptr);

  store_status append_batch(const std::vector<stream_record>& appends);
  store_result<commit_info> write_snapshot(const stream_record& snapshot);

  /// Errors: invalid_argument, corrupt_record (journal entry; names stream and
  /// seq), recovery_failed (names the stream), closed, lmdb_failure.
  store_result<loaded_stream> load(const std::string& stream);

  /// Scans both databases. Errors: closed, lmdb_failure.
  store_result<store_stats> stats();

  /// Closes the environment; afterwards every call fails with closed.
  void close();
  /// The environment, for other stores that share it (the sealed kv store
  /// opens its own named databases in it). REQUIRES: is_open().
  lmdb_env& env() { return env_; }
  bool is_open() const { return env_.is_open(); }

 private:
  struct stream_cache {
    uint64_t last_seq = 0;
    uint64_t newest_snapshot = 0;
  };

  journal_store() = default;
  store_result<stream_cache*> cached(const std::string& stream);
  store_status write_snapshot_in(write_txn& txn, const stream_record& snap,
                                 size_t& record_bytes);

  store_options opts_;
  lmdb_env env_;
  MDB_dbi journal_db_ = 0;
  MDB_dbi snapshot_db_ = 0;
  std::map<std::string, stream_cache> cache_;
  uint64_t commits_ = 0;
};

}  // namespace nz::storage
