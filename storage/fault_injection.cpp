#include "storage/fault_injection.hpp"

#include <vector>

#include "storage/lmdb_env.hpp"
#include "storage/record_format.hpp"

namespace nz::storage {

namespace {

struct opened {
  lmdb_env env;
  MDB_dbi db = 0;
};

store_result<opened> open_db(const std::string& env_dir, const char* name) {
  // map_size 0: keep the size the environment was created with.
  auto env = lmdb_env::open(env_dir, 0, 4);
  if (!env) return env.error();
  opened out{std::move(*env), 0};
  auto db = out.env.open_db(name);
  if (!db) return db.error();
  out.db = *db;
  return out;
}

/// Rewrites the value under `key` with its last byte flipped.
store_status flip_last_byte(lmdb_env& env, MDB_dbi db, const std::vector<uint8_t>& key) {
  auto txn = write_txn::begin(env);
  if (!txn) return txn.error();
  byte_view val;
  auto found = get(txn->handle(), db, {key.data(), key.size()}, val);
  if (!found) return found.error();
  if (!*found || val.size == 0)
    return make_store_error(store_errc::invalid_argument, "no such record");
  std::vector<uint8_t> copy(val.data, val.data + val.size);
  copy.back() ^= 0x5a;
  if (auto st = txn->put(db, {key.data(), key.size()}, {copy.data(), copy.size()}); !st)
    return st;
  return txn->commit();
}

}  // namespace

store_result<uint64_t> corrupt_newest_snapshot(const std::string& env_dir,
                                               const std::string& stream) {
  if (!valid_stream_name(stream))
    return make_store_error(store_errc::invalid_argument,
                            "invalid stream name '" + stream + "'");
  auto o = open_db(env_dir, "snapshots");
  if (!o) return o.error();
  uint64_t newest = 0;
  {
    auto txn = read_txn::begin(o->env);
    if (!txn) return txn.error();
    auto cur = lmdb_cursor::open(txn->handle(), o->db);
    if (!cur) return cur.error();
    auto start = make_key(stream, 0);
    for (auto ok = cur->seek({start.data(), start.size()});; ok = cur->next()) {
      if (!ok) return ok.error();
      std::string_view s;
      uint64_t seq = 0;
      if (!*ok || !parse_key(cur->key(), s, seq) || s != stream) break;
      newest = seq;
    }
  }
  if (newest == 0)
    return make_store_error(store_errc::invalid_argument,
                            "stream '" + stream + "' has no snapshot");
  if (auto st = flip_last_byte(o->env, o->db, make_key(stream, newest)); !st)
    return st.error();
  return newest;
}

store_status corrupt_journal_entry(const std::string& env_dir, const std::string& stream,
                                   uint64_t seq) {
  if (!valid_stream_name(stream))
    return make_store_error(store_errc::invalid_argument,
                            "invalid stream name '" + stream + "'");
  auto o = open_db(env_dir, "journal");
  if (!o) return o.error();
  auto st = flip_last_byte(o->env, o->db, make_key(stream, seq));
  if (!st && st.error().code == store_errc::invalid_argument)
    return make_store_error(
        store_errc::invalid_argument,
        "stream '" + stream + "' has no journal entry at seq " + std::to_string(seq));
  return st;
}

}  // namespace nz::storage
