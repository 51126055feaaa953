#include "bench/storage/raw_lmdb.hpp"

#include <string>
#include <utility>

#include "bench/support/bench_stats.hpp"
#include "bench/support/mdb_check.hpp"

namespace nz::bench {

raw_lmdb::raw_lmdb(bytes value, size_t map_size) : value_(std::move(value)) {
  MDB_CHECK(mdb_env_create(&env_));
  MDB_CHECK(mdb_env_set_mapsize(env_, map_size));
  MDB_CHECK(mdb_env_open(env_, tmp_.str().c_str(), MDB_NOTLS, 0600));
  MDB_txn* txn = nullptr;
  MDB_CHECK(mdb_txn_begin(env_, nullptr, 0, &txn));
  MDB_CHECK(mdb_dbi_open(txn, nullptr, 0, &dbi_));
  MDB_CHECK(mdb_txn_commit(txn));
}

raw_lmdb::~raw_lmdb() {
  mdb_env_close(env_);
}

void raw_lmdb::put_batched(const key_list& keys) {
  for (size_t i = 0; i < keys.size();) {
    MDB_txn* txn = nullptr;
    MDB_CHECK(mdb_txn_begin(env_, nullptr, 0, &txn));
    for (uint64_t b = 0; b < batch && i < keys.size(); ++b, ++i) put(txn, keys[i]);
    MDB_CHECK(mdb_txn_commit(txn));
  }
}

void raw_lmdb::get_random(const key_list& keys, uint64_t count, uint64_t seed) {
  uint64_t bytes_read = 0;
  bytes out;
  uint8_t sink = 0;
  MDB_txn* txn = nullptr;
  MDB_CHECK(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn));
  for (uint64_t i = 0; i < count; ++i) {
    const auto& key = keys[splitmix64(seed) % keys.size()];
    MDB_val k{key.size(), const_cast<uint8_t*>(key.data())};
    MDB_val v{0, nullptr};
    MDB_CHECK(mdb_get(txn, dbi_, &k, &v));
    auto* p = static_cast<const uint8_t*>(v.mv_data);
    out.assign(p, p + v.mv_size);
    bytes_read += out.size();
    sink ^= out.back();
  }
  mdb_txn_abort(txn);
  if (bytes_read != count * value_.size()) die("raw gets returned wrong sizes");
  if (sink != (count % 2 == 1 ? value_.back() : 0)) die("raw gets returned wrong bytes");
}

double raw_lmdb::timed_single_put(const bytes& key) {
  auto t0 = clock_type::now();
  MDB_txn* txn = nullptr;
  MDB_CHECK(mdb_txn_begin(env_, nullptr, 0, &txn));
  put(txn, key);
  MDB_CHECK(mdb_txn_commit(txn));
  return us_since(t0);
}

void raw_lmdb::put(MDB_txn* txn, const bytes& key) {
  MDB_val k{key.size(), const_cast<uint8_t*>(key.data())};
  MDB_val v{value_.size(), value_.data()};
  MDB_CHECK(mdb_put(txn, dbi_, &k, &v, 0));
}

}  // namespace nz::bench
