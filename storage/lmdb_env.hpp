// RAII wrapper for an LMDB environment, its named databases, transactions and
// cursors. No CAF. Every failure is a store_error value with code lmdb_failure
// whose message names the LMDB call and carries mdb_strerror(rc), e.g.
// "mdb_txn_commit: MDB_MAP_FULL: Environment mapsize limit reached".
//
// Thread rules: the environment is opened with MDB_NOTLS, so a transaction may
// be used from whichever thread runs its owner (CAF moves actors between
// threads), but a transaction is never used by two threads at once. LMDB allows
// one write transaction at a time per environment; the storage layer has one
// owner (the storage actor, or a tool on a stopped node).
//
// Lifetime: transactions and cursors must end before the environment closes.
// A write_txn that is not committed aborts in its destructor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <lmdb.h>

#include "storage/store_status.hpp"

namespace nz::storage {

/// A borrowed view of bytes inside LMDB's map or a caller's buffer.
/// Valid only until the transaction that produced it ends or writes.
struct byte_view {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

inline MDB_val to_val(byte_view x) {
  return MDB_val{x.size, const_cast<uint8_t*>(x.data)};
}
inline byte_view from_val(const MDB_val& x) {
  return byte_view{static_cast<const uint8_t*>(x.mv_data), x.mv_size};
}

/// Builds the lmdb_failure error "<call>: <mdb_strerror(rc)>".
store_error lmdb_error(std::string_view call, int rc);

/// Size figures of an open environment.
struct env_info {
  size_t map_size = 0;
  size_t page_size = 0;
  /// Bytes in use: (last page number + 1) * page size.
  size_t used_bytes = 0;
};

class lmdb_env {
 public:
  lmdb_env() = default;
  lmdb_env(lmdb_env&& other) noexcept;
  lmdb_env& operator=(lmdb_env&& other) noexcept;
  lmdb_env(const lmdb_env&) = delete;
  lmdb_env& operator=(const lmdb_env&) = delete;
  ~lmdb_env() { close(); }

  /// Opens (creating if needed) the environment in `dir`. The directory is
  /// created with mode 0700 if missing; data and lock files get mode 0600.
  /// `map_size` 0 keeps the size stored in an existing environment (LMDB's
  /// default 10 MiB for a new one). Flags: MDB_NOTLS; commits are synced.
  /// Errors: lmdb_failure for mkdir ("mkdir <dir>: <strerror>"),
  /// mdb_env_create, mdb_env_set_mapsize, mdb_env_set_maxdbs, mdb_env_open
  /// (e.g. EACCES, MDB_INVALID, MDB_VERSION_MISMATCH).
  static store_result<lmdb_env> open(const std::string& dir, size_t map_size,
                                     unsigned max_dbs);

  /// Opens the named database, creating it if missing (own write transaction).
  /// REQUIRES: is_open(); no other write transaction active on this thread.
  /// Errors: lmdb_failure for mdb_txn_begin, mdb_dbi_open (MDB_DBS_FULL when
  /// more than max_dbs names are used), mdb_txn_commit.
  store_result<MDB_dbi> open_db(const char* name);

  /// Errors: closed when not open; lmdb_failure for mdb_env_info.
  store_result<env_info> info() const;

  /// Closes the environment; idempotent. REQUIRES: no live transactions.
  void close();

  bool is_open() const { return env_ != nullptr; }
  MDB_env* handle() const { return env_; }
  const std::string& dir() const { return dir_; }

 private:
  MDB_env* env_ = nullptr;
  std::string dir_;
};

/// A read-write transaction; aborts on destruction unless committed.
class write_txn {
 public:
  /// Errors: closed when the environment is not open; lmdb_failure for
  /// mdb_txn_begin (e.g. MDB_PANIC, MDB_MAP_RESIZED, ENOMEM).
  static store_result<write_txn> begin(lmdb_env& env);

  write_txn(write_txn&& other) noexcept : txn_(other.txn_) { other.txn_ = nullptr; }
  write_txn& operator=(write_txn&&) = delete;
  write_txn(const write_txn&) = delete;
  ~write_txn() { abort(); }

  /// Stores key -> value. Errors: lmdb_failure for mdb_put (MDB_MAP_FULL,
  /// MDB_TXN_FULL, MDB_KEYEXIST with MDB_NOOVERWRITE, EINVAL).
  store_status put(MDB_dbi db, byte_view key, byte_view value, unsigned flags = 0);
  /// Deletes key. Returns false if it did not exist. Errors: lmdb_failure.
  store_result<bool> del(MDB_dbi db, byte_view key);
  /// Syncs and ends the transaction. Errors: lmdb_failure for mdb_txn_commit
  /// (EINVAL, ENOSPC, EIO, ENOMEM, MDB_MAP_FULL); the transaction is gone
  /// either way. REQUIRES: still active.
  store_status commit();
  /// Discards all changes; idempotent.
  void abort();

  MDB_txn* handle() const { return txn_; }

 private:
  explicit write_txn(MDB_txn* txn) : txn_(txn) {}
  MDB_txn* txn_ = nullptr;
};

/// A read-only snapshot of the environment; aborts on destruction.
class read_txn {
 public:
  /// Errors: closed when not open; lmdb_failure for mdb_txn_begin
  /// (MDB_READERS_FULL, MDB_PANIC, ENOMEM).
  static store_result<read_txn> begin(const lmdb_env& env);

  read_txn(read_txn&& other) noexcept : txn_(other.txn_) { other.txn_ = nullptr; }
  read_txn& operator=(read_txn&&) = delete;
  read_txn(const read_txn&) = delete;
  ~read_txn();

  MDB_txn* handle() const { return txn_; }

 private:
  explicit read_txn(MDB_txn* txn) : txn_(txn) {}
  MDB_txn* txn_ = nullptr;
};

/// Looks up key. Returns false when absent. The view is valid until `txn`
/// ends or writes. Errors: lmdb_failure for mdb_get (EINVAL).
store_result<bool> get(MDB_txn* txn, MDB_dbi db, byte_view key, byte_view& value);

/// A cursor over one database inside one transaction; closed on destruction.
/// Positioning calls return false when there is no such record.
class lmdb_cursor {
 public:
  /// Errors: lmdb_failure for mdb_cursor_open.
  static store_result<lmdb_cursor> open(MDB_txn* txn, MDB_dbi db);

  lmdb_cursor(lmdb_cursor&& other) noexcept : cur_(other.cur_) { other.cur_ = nullptr; }
  lmdb_cursor& operator=(lmdb_cursor&&) = delete;
  lmdb_cursor(const lmdb_cursor&) = delete;
  ~lmdb_cursor();

  /// Positions at the first key >= `key` (MDB_SET_RANGE).
  store_result<bool> seek(byte_view key) { return move(MDB_SET_RANGE, &key); }
  store_result<bool> first() { return move(MDB_FIRST, nullptr); }
  store_result<bool> last() { return move(MDB_LAST, nullptr); }
  store_result<bool> next() { return move(MDB_NEXT, nullptr); }
  store_result<bool> prev() { return move(MDB_PREV, nullptr); }

  /// REQUIRES: the last positioning call returned true.
  byte_view key() const { return from_val(key_); }
  byte_view value() const { return from_val(val_); }

 private:
  explicit lmdb_cursor(MDB_cursor* cur) : cur_(cur) {}
  /// Errors: lmdb_failure for mdb_cursor_get other than MDB_NOTFOUND.
  store_result<bool> move(MDB_cursor_op op, const byte_view* key);

  MDB_cursor* cur_ = nullptr;
  MDB_val key_{0, nullptr};
  MDB_val val_{0, nullptr};
};

}  // namespace nz::storage
