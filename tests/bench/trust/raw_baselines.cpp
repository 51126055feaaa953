#include "bench/trust/raw_baselines.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <lmdb.h>
#include <sodium.h>

#include "actors/trust/core/assertion_codec.hpp"
#include "bench/support/bench_fail.hpp"
#include "bench/support/bench_stats.hpp"
#include "bench/support/mdb_check.hpp"
#include "runtime/chain/appender.hpp"
#include "runtime/chain/entry.hpp"
#include "support/temp_dir.hpp"

namespace nz::bench {

namespace {

constexpr size_t map_size = size_t{1} << 30;

}  // namespace

// -- raw crypto -------------------------------------------------------------------

bytes assertion_sized_message() {
  nz::trust::assertion a;
  a.k = nz::trust::kind::set_level;
  randombytes_buf(a.issuer.data(), a.issuer.size());
  randombytes_buf(a.subject.data(), a.subject.size());
  a.lvl = nz::trust::level::medium;
  a.issuer_seq = 1000;
  a.created_ms = 1'800'000'000'000;
  return nz::trust::signing_bytes(a);
}

crypto_rates raw_crypto(const bytes& msg, uint64_t n) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  std::vector<unsigned char> sigs(n * crypto_sign_BYTES);
  bytes m = msg;
  crypto_rates out;
  auto t0 = clock_type::now();
  for (uint64_t i = 0; i < n; ++i) {
    m[m.size() - 1] = static_cast<uint8_t>(i);  // distinct messages
    crypto_sign_detached(&sigs[i * crypto_sign_BYTES], nullptr, m.data(), m.size(), sk);
  }
  out.sign = static_cast<double>(n) / seconds_since(t0);
  uint64_t good = 0;
  t0 = clock_type::now();
  for (uint64_t i = 0; i < n; ++i) {
    m[m.size() - 1] = static_cast<uint8_t>(i);
    good +=
        crypto_sign_verify_detached(&sigs[i * crypto_sign_BYTES], m.data(), m.size(), pk)
        == 0;
  }
  out.verify = static_cast<double>(n) / seconds_since(t0);
  if (good != n) die("raw verify rejected a signature");
  sodium_memzero(sk, sizeof sk);
  return out;
}

// -- raw LMDB ---------------------------------------------------------------------

double raw_commit_rate(uint64_t total, uint64_t batch, size_t value_size) {
  nz::test::temp_dir tmp{"nz-bench-trust-raw"};
  MDB_env* env = nullptr;
  MDB_CHECK(mdb_env_create(&env));
  MDB_CHECK(mdb_env_set_mapsize(env, map_size));
  MDB_CHECK(mdb_env_open(env, tmp.str().c_str(), MDB_NOTLS, 0600));
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  MDB_CHECK(mdb_txn_begin(env, nullptr, 0, &txn));
  MDB_CHECK(mdb_dbi_open(txn, nullptr, 0, &dbi));
  MDB_CHECK(mdb_txn_commit(txn));
  bytes value(value_size);
  randombytes_buf(value.data(), value.size());
  auto t0 = clock_type::now();
  for (uint64_t seq = 1; seq <= total;) {
    MDB_CHECK(mdb_txn_begin(env, nullptr, 0, &txn));
    for (uint64_t b = 0; b < batch && seq <= total; ++b, ++seq) {
      uint8_t key[8];
      for (int i = 0; i < 8; ++i) key[i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
      MDB_val k{sizeof key, key};
      MDB_val v{value.size(), value.data()};
      MDB_CHECK(mdb_put(txn, dbi, &k, &v, 0));
    }
    MDB_CHECK(mdb_txn_commit(txn));
  }
  double rate = static_cast<double>(total) / seconds_since(t0);
  mdb_env_close(env);
  return rate;
}

size_t log_record_size() {
  nz::trust::signed_assertion sa;
  sa.a.k = nz::trust::kind::set_level;
  sa.a.lvl = nz::trust::level::medium;
  sa.a.issuer_seq = 1000;
  sa.a.created_ms = 1'800'000'000'000;
  nz::chain::appender app{"nz-trust-log", 999, {}};
  return nz::chain::encode(app.next(sa.a.created_ms, nz::trust::encode(sa))).size();
}

}  // namespace nz::bench
