// nz_bench_sealed's baseline: a plain LMDB environment with the node's open
// flags (MDB_NOTLS, synced commits) in its own temp dir, one unnamed database,
// values of one size, no sealing. Every LMDB failure dies (bench_fail.hpp).
// Used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <lmdb.h>

#include "support/temp_dir.hpp"

namespace nz::bench {

class raw_lmdb {
 public:
  using bytes = std::vector<uint8_t>;
  using key_list = std::vector<bytes>;
  /// Puts per synced transaction in put_batched().
  static constexpr uint64_t batch = 1000;

  /// Every put stores `value`.
  raw_lmdb(bytes value, size_t map_size);
  raw_lmdb(const raw_lmdb&) = delete;
  raw_lmdb& operator=(const raw_lmdb&) = delete;
  ~raw_lmdb();

  /// All keys, one synced txn per `batch` puts.
  void put_batched(const key_list& keys);

  /// `count` gets of random keys (splitmix64 from `seed`) in one read txn, each
  /// value copied into a caller-owned buffer (a sealed get hands its value
  /// over in one too); dies on a missing key or a wrong value.
  void get_random(const key_list& keys, uint64_t count, uint64_t seed);

  /// One put in its own synced txn; returns its duration in µs.
  double timed_single_put(const bytes& key);

 private:
  void put(MDB_txn* txn, const bytes& key);

  nz::test::temp_dir tmp_{"nz-bench-sealed-raw"};
  bytes value_;
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace nz::bench
