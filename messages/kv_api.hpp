// Sealed key-value and file storage, served by the storage actor (the sole
// owner of the node's LMDB environment; see docs/adr/0004-sealing-in-storage.md).
// Every value is sealed with XChaCha20-Poly1305 under the storage subkey, the
// AAD binding namespace and key (docs/sealed-storage.md).
//
// `table` selects kv (0) or files (1). Puts and deletes are acknowledged only
// once durable; concurrent writers share one commit (group commit).
// Errors: storage_errc::limit_exceeded (names the limit and the size, or a bad
// namespace), not_found, corrupt_record (names the record), no_storage_key.
//
// Reads: a kv_get (or kv_get_many) sees every put and delete that reached the
// storage actor before it. Concurrent kv_gets are served together in one read
// transaction.
//
// Multi-get: `kv_get_many(table, ns, keys)` reads up to 1,000 keys of one
// namespace in one read transaction and replies with two vectors in key order:
// `found[i]` is 1 when keys[i] exists (then `values[i]` is its value) and 0
// when it does not (then `values[i]` is empty). A missing key is not an error.
// All or nothing: the whole request fails with limit_exceeded (more than 1,000
// keys, a key too long, values above 16 MiB in all, a bad namespace or an empty
// key; the message names the key's index), corrupt_record (the first record
// that fails to authenticate, named), no_storage_key or closed.
//
// Batch: `kv_batch(writes)` applies up to 1,000 puts and deletes, in either
// table and any namespaces, atomically: in one transaction with one synced
// commit, after every write that reached the storage actor before it. The reply
// has one byte per write: 1 for a delete that removed a record, else 0. All or
// nothing: every write is validated first and the first invalid one fails the
// batch, naming it ("batch op 3 of 10: value of 200000 bytes exceeds the
// 102400-byte limit (nzcore.kv-max-value) (nothing written)"); more than 1,000
// writes or values above 16 MiB in all fail it with limit_exceeded; an LMDB
// failure writes nothing. Plaintext values cross the mailbox as with kv_put; the
// storage actor wipes them once sealed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/atoms.hpp"

namespace nz {

using kv_put_atom = caf::atom_constant<caf::atom("kvput")>;
using kv_get_atom = caf::atom_constant<caf::atom("kvget")>;
using kv_del_atom = caf::atom_constant<caf::atom("kvdel")>;
using kv_list_atom = caf::atom_constant<caf::atom("kvlist")>;
using kv_get_many_atom = caf::atom_constant<caf::atom("kvgetmany")>;
using kv_batch_atom = caf::atom_constant<caf::atom("kvbatch")>;

enum class kv_table : uint8_t { kv = 0, files = 1 };

/// One page of a listing: keys in order, their value sizes, and the cursor to
/// pass for the next page (empty when done).
struct kv_listing {
  std::vector<std::vector<uint8_t>> keys;
  std::vector<uint64_t> sizes;
  std::vector<uint8_t> cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kv_listing& x) {
  return f(caf::meta::type_name("nz.kv_listing"), x.keys, x.sizes, x.cursor);
}

enum class kv_write_op : uint8_t { put = 0, del = 1 };

/// One write of a kv_batch.
struct kv_write {
  /// kv_write_op.
  uint8_t op = 0;
  /// kv_table.
  uint8_t table = 0;
  std::string ns;
  std::vector<uint8_t> key;
  /// Puts only. Plaintext.
  std::vector<uint8_t> value;

  static kv_write put(kv_table t, std::string ns, std::vector<uint8_t> key,
                      std::vector<uint8_t> value) {
    return {static_cast<uint8_t>(kv_write_op::put), static_cast<uint8_t>(t),
            std::move(ns), std::move(key), std::move(value)};
  }
  static kv_write del(kv_table t, std::string ns, std::vector<uint8_t> key) {
    return {static_cast<uint8_t>(kv_write_op::del),
            static_cast<uint8_t>(t),
            std::move(ns),
            std::move(key),
            {}};
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kv_write& x) {
  return f(caf::meta::type_name("nz.kv_write"), x.op, x.table, x.ns, x.key, x.value);
}

}  // namespace nz
