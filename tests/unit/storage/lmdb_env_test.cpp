#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <sys/stat.h>

#include "storage/lmdb_env.hpp"
#include "support/temp_dir.hpp"

using namespace nz::storage;

TEST_CASE("opening an environment creates a private directory and private files") {
  nz::test::temp_dir tmp{"nz-lmdb"};
  auto dir = tmp.str() + "/db";
  auto env = lmdb_env::open(dir, 1 << 20, 2);
  REQUIRE(env);
  struct stat st;
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat((dir + "/data.mdb").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("an uncommitted write transaction is rolled back when it goes out of scope") {
  nz::test::temp_dir tmp{"nz-lmdb"};
  auto env = lmdb_env::open(tmp.str() + "/db", 1 << 20, 2);
  REQUIRE(env);
  auto db = env->open_db("t");
  REQUIRE(db);
  std::vector<uint8_t> k{1}, v{2};
  {
    auto txn = write_txn::begin(*env);
    REQUIRE(txn);
    REQUIRE(txn->put(*db, {k.data(), 1}, {v.data(), 1}));
  }
  auto rtxn = read_txn::begin(*env);
  REQUIRE(rtxn);
  byte_view out;
  auto found = get(rtxn->handle(), *db, {k.data(), 1}, out);
  REQUIRE(found);
  CHECK_FALSE(*found);
}

TEST_CASE("LMDB failures come back as values naming the call and the LMDB message") {
  nz::test::temp_dir tmp{"nz-lmdb"};
  auto env = lmdb_env::open(tmp.str() + "/db", 64 << 10, 2);  // tiny map
  REQUIRE(env);
  auto db = env->open_db("t");
  REQUIRE(db);
  auto txn = write_txn::begin(*env);
  REQUIRE(txn);
  std::vector<uint8_t> big(1 << 20, 7);
  std::vector<uint8_t> k{1};
  auto st = txn->put(*db, {k.data(), 1}, {big.data(), big.size()});
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::lmdb_failure);
  CHECK(st.error().message.find("mdb_put: MDB_MAP_FULL") == 0);

  auto bad = lmdb_env::open("/proc/nonexistent-nz/db", 1 << 20, 2);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("mkdir /proc/nonexistent-nz/db") == 0);
}
