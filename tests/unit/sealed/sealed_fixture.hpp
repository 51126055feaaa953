// Shared setup of the sealed-storage tests: a real LMDB environment in a temp
// dir, a test storage key, and raw access to the stored (sealed) bytes for
// corruption tests.
#pragma once

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lmdb_env.hpp"
#include "storage/sealed/kv_store.hpp"
#include "support/temp_dir.hpp"

namespace nz::test {

inline std::vector<uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

inline nz::storage::byte_view view(std::string_view s) {
  return nz::storage::as_bytes(s);
}

inline nz::storage::byte_view view(const std::vector<uint8_t>& x) {
  return nz::storage::as_bytes(x);
}

inline std::array<uint8_t, 32> test_key(uint8_t seed) {
  std::array<uint8_t, 32> k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed * 31 + i);
  return k;
}

struct sealed_fixture {
  temp_dir tmp{"nz-sealed"};
  std::array<uint8_t, 32> key = test_key(1);
  nz::storage::lmdb_env env;

  explicit sealed_fixture(size_t map_size = size_t{64} << 20) { reopen(map_size); }

  void reopen(size_t map_size = 0) {
    env.close();
    auto e = nz::storage::lmdb_env::open(tmp.str() + "/db", map_size, 4);
    REQUIRE(e);
    env = std::move(*e);
  }

  nz::storage::kv_store store(const nz::storage::kv_limits& limits = {}) {
    return store_with(key.data(), limits);
  }

  nz::storage::kv_store store_with(const uint8_t* k,
                                   const nz::storage::kv_limits& limits = {}) {
    auto st = nz::storage::kv_store::open(env, k, limits);
    REQUIRE(st);
    return std::move(*st);
  }

  MDB_dbi db(const char* name) {
    auto d = env.open_db(name);
    REQUIRE(d);
    return *d;
  }

  /// The raw stored bytes under an LMDB key (empty optional-like: found flag).
  bool raw_get(const char* table, const std::vector<uint8_t>& lmdb_key,
               std::vector<uint8_t>& out) {
    auto d = db(table);
    auto txn = nz::storage::read_txn::begin(env);
    REQUIRE(txn);
    nz::storage::byte_view v;
    auto found = nz::storage::get(txn->handle(), d, view(lmdb_key), v);
    REQUIRE(found);
    if (*found) out.assign(v.data, v.data + v.size);
    return *found;
  }

  void raw_put(const char* table, const std::vector<uint8_t>& lmdb_key,
               const std::vector<uint8_t>& value) {
    auto d = db(table);
    auto txn = nz::storage::write_txn::begin(env);
    REQUIRE(txn);
    REQUIRE(txn->put(d, view(lmdb_key), view(value)));
    REQUIRE(txn->commit());
  }

  /// Copies the stored record at (from_table, from) to (to_table, to).
  void raw_copy(const char* from_table, const std::vector<uint8_t>& from,
                const char* to_table, const std::vector<uint8_t>& to) {
    std::vector<uint8_t> v;
    REQUIRE(raw_get(from_table, from, v));
    raw_put(to_table, to, v);
  }

  /// Flips one bit of the stored record at byte `pos` (negative: from the end).
  void raw_flip(const char* table, const std::vector<uint8_t>& lmdb_key, long pos,
                uint8_t mask = 0x01) {
    std::vector<uint8_t> v;
    REQUIRE(raw_get(table, lmdb_key, v));
    auto i = pos >= 0 ? static_cast<size_t>(pos) : v.size() - static_cast<size_t>(-pos);
    REQUIRE(i < v.size());
    v[i] ^= mask;
    raw_put(table, lmdb_key, v);
  }
};

inline std::vector<uint8_t> lmdb_key(std::string_view ns, std::string_view key) {
  return nz::storage::make_kv_key(ns, view(key));
}

inline bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace nz::test
