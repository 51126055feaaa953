// The sealed key-value store and file table: pure, synchronous, no CAF. The kv
// actor will own one and batch concurrent writers through apply().
//
// Every value is a sealed record (sealed_record.hpp) bound to its table,
// namespace and key. Two named databases of the lmdb_env the caller passes in:
// "kv" (values <= max_value) and "files" (files <= max_file). LMDB keys are
// ns | 0x00 | key (kv_keys.hpp). docs/sealed-storage.md has the layout, the
// limits and the error messages.
//
// Errors (store_errc):
// - invalid_argument: a namespace outside [a-z0-9._-]{1,64}, an empty key,
//   bad limits at open();
// - limit_exceeded: a key, value, file, prefix, cursor or list size above its
//   kv_limits entry; the message names the limit and the size, e.g.
//   "value of 200000 bytes exceeds the 102400-byte limit (kv.max-value)";
// - corrupt_record: a stored record failed to open; the message names the
//   table, namespace and key and the reason;
// - lmdb_failure (message names the LMDB call), closed (environment closed).
// A missing record is not an error: get/del return false.
//
// Secrets: the 32-byte storage key is borrowed (the caller keeps it in guarded
// memory) and never copied. Plaintext is decrypted straight into the caller's
// buffer; doctor() wipes its scratch buffer.
//
// Thread rules: not thread-safe; one owner calls it. REQUIRES: the lmdb_env and
// the storage key outlive the store, and the env was opened with room for two
// more named databases (max_dbs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb_env.hpp"
#include "storage/sealed/kv_keys.hpp"
#include "storage/sealed/sealed_record.hpp"
#include "storage/store_status.hpp"

namespace nz::storage {

/// Size limits; each has a configuration name used in error messages.
struct kv_limits {
  /// kv.max-key: bytes of a record key, file name, list prefix or cursor.
  size_t max_key = 256;
  /// kv.max-value: bytes of a key-value value.
  size_t max_value = size_t{100} * 1024;
  /// kv.max-file: bytes of a file.
  size_t max_file = size_t{1} << 20;
  /// kv.max-list: entries of one list page, and keys of one multi_get().
  size_t max_list = 1000;
  /// Plaintext bytes of one multi_get() reply, or of one batch()'s values,
  /// all values together.
  size_t max_get_bytes = size_t{16} << 20;
};

/// One key (or file name) of a list page.
struct kv_entry {
  std::vector<uint8_t> key;
  /// Value size computed from the stored record's length; list() does not
  /// authenticate records (get() and doctor() do).
  size_t size = 0;
};

/// One page of list() or file_list().
struct kv_page {
  /// Ascending by key bytes.
  std::vector<kv_entry> entries;
  /// Opaque continuation (the last key returned) when more entries may follow;
  /// empty when the listing is complete.
  std::vector<uint8_t> cursor;
};

enum class kv_op_kind : uint8_t { put, del, file_put, file_del };

/// One write of batch() or apply().
struct kv_op {
  kv_op_kind kind = kv_op_kind::put;
  std::string ns;
  std::vector<uint8_t> key;
  /// put and file_put only. Plaintext: the caller owns and wipes it.
  std::vector<uint8_t> value;

  static kv_op put(std::string ns, std::vector<uint8_t> key, std::vector<uint8_t> value);
  static kv_op del(std::string ns, std::vector<uint8_t> key);
  static kv_op file_put(std::string ns, std::vector<uint8_t> name,
                        std::vector<uint8_t> bytes);
  static kv_op file_del(std::string ns, std::vector<uint8_t> name);
};

/// The outcome of one op of apply().
struct kv_op_result {
  store_status status;
  /// Deletes: whether the record existed. Always false for puts.
  bool existed = false;
};

/// A record that doctor() could not open.
struct kv_damage {
  record_domain table = record_domain::kv;
  /// The raw LMDB key (ns | 0x00 | key, or whatever a damaged key holds).
  std::vector<uint8_t> lmdb_key;
  /// Names the record and the reason, as get() would report it.
  std::string message;
};

/// What doctor() found.
struct kv_doctor_report {
  size_t kv_records = 0;
  size_t file_records = 0;
  /// Every record that failed, in table then key order.
  std::vector<kv_damage> damaged;

  bool healthy() const { return damaged.empty(); }
};

class kv_store {
 public:
  /// Opens (creating if needed) the "kv" and "files" databases of `env`.
  /// `storage_key` points to 32 bytes owned by the caller.
  /// REQUIRES: storage_key != nullptr (aborts otherwise).
  /// Errors: closed (env not open), invalid_argument (max_key or max_list 0, or
  /// max_key too long for LMDB's key size with a 64-byte namespace),
  /// lmdb_failure (mdb_dbi_open, e.g. MDB_DBS_FULL).
  static store_result<kv_store> open(lmdb_env& env, const uint8_t* storage_key,
                                     const kv_limits& limits = {});

  kv_store(kv_store&&) = default;
  kv_store& operator=(kv_store&&) = default;
  kv_store(const kv_store&) = delete;
  kv_store& operator=(const kv_store&) = delete;

  // -- key-value records ------------------------------------------------------

  /// Stores (or replaces) key -> value in one synced transaction.
  /// Errors: invalid_argument, limit_exceeded, lmdb_failure, closed.
  store_status put(std::string_view ns, byte_view key, byte_view value);

  /// Reads key into `value` (its old contents are wiped). Returns false when
  /// absent. Errors: invalid_argument, limit_exceeded (key), corrupt_record,
  /// lmdb_failure, closed.
  store_result<bool> get(std::string_view ns, byte_view key, std::vector<uint8_t>& value);

  /// Deletes key; returns whether it existed. Errors: as put().
  store_result<bool> del(std::string_view ns, byte_view key);

  /// Up to `limit` keys of `ns` starting with `prefix`, after `cursor` (empty:
  /// from the start). `limit` 0 means max_list. Errors: invalid_argument,
  /// limit_exceeded (limit, prefix, cursor), lmdb_failure, closed.
  store_result<kv_page> list(std::string_view ns, byte_view prefix, size_t limit,
                             byte_view cursor);

  /// All ops or none: every op is validated first (the error names the op's
  /// index), then all run in order in one transaction with one commit. At most
  /// max_list ops and max_get_bytes of values in all. When `existed` is set it
  /// gets one byte per op: 1 for a delete that removed a record, else 0 (all
  /// zeros on failure).
  /// Errors: those of put() and del(); limit_exceeded for the op count or the
  /// total size. Nothing is written on any error.
  store_status batch(const std::vector<kv_op>& ops,
                     std::vector<uint8_t>* existed = nullptr);

  /// Group commit of independent requests: one transaction, one commit.
  /// `per_op` gets one result per op. An op that fails validation fails alone;
  /// an LMDB failure (a put or the commit) fails every other op with that
  /// error and nothing is written. Returns that LMDB failure, else success.
  store_status apply(const std::vector<kv_op>& ops, std::vector<kv_op_result>& per_op);

  // -- files ------------------------------------------------------------------

  /// Like put() in the files table; `name` is 1..max_key bytes, `bytes` at most
  /// max_file.
  store_status file_put(std::string_view ns, byte_view name, byte_view bytes);
  store_result<bool> file_get(std::string_view ns, byte_view name,
                              std::vector<uint8_t>& bytes);
  store_result<bool> file_del(std::string_view ns, byte_view name);
  store_result<kv_page> file_list(std::string_view ns, byte_view prefix, size_t limit,
                                  byte_view cursor);

  // -- many reads in one transaction -------------------------------------------

  /// Reads many keys of one namespace in one read transaction (kv_get_many).
  /// On success found[i] is 1 and values[i] holds the value when keys[i]
  /// exists, found[i] is 0 and values[i] empty when it does not. All or
  /// nothing: on any error found and values are left empty (values wiped).
  /// Errors: invalid_argument (namespace; an empty key, named by its index),
  /// limit_exceeded (more than max_list keys, a key above max_key, values
  /// above max_get_bytes in all), corrupt_record (the first record that fails
  /// to open, named as get() names it), lmdb_failure, closed.
  store_status multi_get(std::string_view ns,
                         const std::vector<std::vector<uint8_t>>& keys,
                         std::vector<uint8_t>& found,
                         std::vector<std::vector<uint8_t>>& values);
  /// multi_get() in the files table.
  store_status file_multi_get(std::string_view ns,
                              const std::vector<std::vector<uint8_t>>& names,
                              std::vector<uint8_t>& found,
                              std::vector<std::vector<uint8_t>>& values);

  /// Many independent gets in one read transaction (the storage actor batches
  /// concurrent kv_get requests). `files[i]` selects the file table. found[i]
  /// is false for a missing record; status[i] carries a per-record error
  /// (corrupt_record, invalid_argument, limit_exceeded); the return value is a
  /// failure of the transaction itself (lmdb_failure, closed).
  store_status get_many(const std::vector<bool>& files,
                        const std::vector<std::string>& ns,
                        const std::vector<std::vector<uint8_t>>& keys,
                        std::vector<std::vector<uint8_t>>& values,
                        std::vector<bool>& found, std::vector<store_status>& status);

  // -- maintenance ------------------------------------------------------------

  /// Walks both databases and tries to open every record, listing each one
  /// that fails (it does not stop at the first). Errors: lmdb_failure, closed.
  store_status doctor(kv_doctor_report& report);

  const kv_limits& limits() const { return limits_; }

 private:
  /// One of the two tables.
  struct table {
    MDB_dbi db;
    record_domain domain;
  };

  kv_store() = default;
  table kv_table() const { return {kv_db_, record_domain::kv}; }
  table file_table() const { return {file_db_, record_domain::file}; }
  table table_of(const kv_op& op) const;

  store_status check_ns(std::string_view ns) const;
  store_status check_key(record_domain domain, byte_view key) const;
  store_status check_value(record_domain domain, byte_view value) const;
  store_status check_op(const kv_op& op) const;

  /// Seals with `nonce` (24 bytes drawn for this record), or a fresh one when null.
  store_status put_in(write_txn& txn, table t, std::string_view ns, byte_view key,
                      byte_view value, const uint8_t* nonce = nullptr);
  store_status put_one(table t, std::string_view ns, byte_view key, byte_view value);
  store_result<bool> del_one(table t, std::string_view ns, byte_view key);
  store_result<bool> get_in(MDB_txn* txn, table t, std::string_view ns, byte_view key,
                            std::vector<uint8_t>& value);
  store_status multi_get_in(table t, std::string_view ns,
                            const std::vector<std::vector<uint8_t>>& keys,
                            std::vector<uint8_t>& found,
                            std::vector<std::vector<uint8_t>>& values);
  store_result<kv_page> list_in(table t, std::string_view ns, byte_view prefix,
                                size_t limit, byte_view cursor);
  store_result<bool> run_op(write_txn& txn, const kv_op& op, const uint8_t* nonce);
  /// One randombytes_buf call for the nonces of `puts` records (nonce_buf_).
  const uint8_t* draw_nonces(size_t puts);
  store_status doctor_table(table t, size_t& count, std::vector<kv_damage>& damaged);

  lmdb_env* env_ = nullptr;
  const uint8_t* key_ = nullptr;  // borrowed, sealed_key_size bytes
  kv_limits limits_;
  MDB_dbi kv_db_ = 0;
  MDB_dbi file_db_ = 0;
  // Scratch buffers reused across calls (no secrets: LMDB keys and sealed
  // records only), so a get or a put allocates nothing but its result.
  std::vector<uint8_t> key_buf_;
  std::vector<uint8_t> rec_buf_;
  std::vector<uint8_t> nonce_buf_;
};

}  // namespace nz::storage
