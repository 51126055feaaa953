// kv_store::multi_get on real LMDB files: many keys of one namespace in one read
// transaction, all or nothing; and the nonces of a group commit.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "sealed_fixture.hpp"
#include "storage/sealed/kv_store.hpp"

using namespace nz::storage;
using nz::test::bytes;
using nz::test::contains;
using nz::test::lmdb_key;
using nz::test::sealed_fixture;
using nz::test::view;

namespace {

using key_list = std::vector<std::vector<uint8_t>>;

key_list keys_of(std::initializer_list<const char*> names) {
  key_list out;
  for (auto* n : names) out.push_back(bytes(n));
  return out;
}

}  // namespace

TEST_CASE("multi_get returns found flags and values in key order, missing keys empty") {
  sealed_fixture fx;
  auto s = fx.store();
  REQUIRE(s.put("app", view("a"), view("one")));
  REQUIRE(s.put("app", view("c"), byte_view{}));
  REQUIRE(s.put("other", view("b"), view("not here")));
  REQUIRE(s.file_put("app", view("b"), view("a file")));
  std::vector<uint8_t> found{7};
  key_list values{bytes("old")};
  REQUIRE(s.multi_get("app", keys_of({"c", "b", "a", "a", "zz"}), found, values));
  CHECK(found == std::vector<uint8_t>{1, 0, 1, 1, 0});
  REQUIRE(values.size() == 5);
  CHECK(values[0].empty());
  CHECK(values[1].empty());
  CHECK(values[2] == bytes("one"));
  CHECK(values[3] == bytes("one"));
  CHECK(values[4].empty());
  // The files table is separate.
  REQUIRE(s.file_multi_get("app", keys_of({"a", "b"}), found, values));
  CHECK(found == std::vector<uint8_t>{0, 1});
  CHECK(values[1] == bytes("a file"));
  // No keys: nothing, successfully.
  REQUIRE(s.multi_get("app", {}, found, values));
  CHECK(found.empty());
  CHECK(values.empty());
}

TEST_CASE("multi_get refuses a bad request as a whole, naming the key's index"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  kv_limits limits;
  limits.max_list = 3;
  limits.max_key = 8;
  auto s = fx.store(limits);
  REQUIRE(s.put("app", view("a"), view("one")));
  std::vector<uint8_t> found;
  key_list values;
  auto st = s.multi_get("app", keys_of({"a", "b", "c", "d"}), found, values);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::limit_exceeded);
  CHECK(st.error().message
        == "multi-get of 4 keys exceeds the 3-key limit (nzcore.kv-max-list)");
  st = s.multi_get("app", keys_of({"a", ""}), found, values);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::invalid_argument);
  CHECK(st.error().message == "key 1 of 2: empty key (want 1 to 8 bytes)");
  st = s.multi_get("app", keys_of({"a", "123456789"}), found, values);
  REQUIRE_FALSE(st);
  CHECK(st.error().message
        == "key 1 of 2: key of 9 bytes exceeds the 8-byte limit (nzcore.kv-max-key)");
  st = s.multi_get("App", keys_of({"a"}), found, values);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::invalid_argument);
  CHECK(found.empty());
  CHECK(values.empty());
}

TEST_CASE("multi_get stops at the reply size limit and leaves nothing behind") {
  sealed_fixture fx;
  kv_limits limits;
  limits.max_get_bytes = 250;
  auto s = fx.store(limits);
  std::vector<uint8_t> hundred(100, 0x42);
  for (auto* k : {"a", "b", "c"}) REQUIRE(s.put("app", view(k), view(hundred)));
  std::vector<uint8_t> found;
  key_list values;
  REQUIRE(s.multi_get("app", keys_of({"a", "x", "b"}), found, values));
  auto st = s.multi_get("app", keys_of({"a", "b", "c"}), found, values);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::limit_exceeded);
  CHECK(st.error().message
        == "multi-get values exceed the 250-byte reply limit at key 2 of 3 (ask for "
           "fewer keys)");
  CHECK(found.empty());
  CHECK(values.empty());
}

TEST_CASE("a corrupt record fails the whole multi_get, naming the record"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  for (auto* k : {"a", "b", "c"}) REQUIRE(s.put("app", view(k), view(k)));
  fx.raw_flip("kv", lmdb_key("app", "b"), -1);
  std::vector<uint8_t> found;
  key_list values;
  auto st = s.multi_get("app", keys_of({"a", "b", "c"}), found, values);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::corrupt_record);
  CHECK(contains(st.error().message, "'app'/'b'"));
  CHECK(found.empty());
  CHECK(values.empty());
  // The other records still read.
  REQUIRE(s.multi_get("app", keys_of({"a", "c"}), found, values));
  CHECK(values[0] == bytes("a"));
  CHECK(values[1] == bytes("c"));
}

TEST_CASE("every record of one group commit gets its own nonce") {
  sealed_fixture fx;
  auto s = fx.store();
  std::vector<kv_op> ops;
  for (int i = 0; i < 50; ++i) {
    auto k = "k" + std::to_string(i);
    ops.push_back(kv_op::put("app", bytes(k), bytes("same value")));
    if (i % 10 == 0) ops.push_back(kv_op::del("app", bytes("none")));
  }
  ops.push_back(kv_op::file_put("app", bytes("f"), bytes("same value")));
  std::vector<kv_op_result> res;
  REQUIRE(s.apply(ops, res));
  REQUIRE(s.batch({kv_op::put("app", bytes("b1"), bytes("same value")),
                   kv_op::put("app", bytes("b2"), bytes("same value"))}));
  std::set<std::vector<uint8_t>> nonces;
  auto add = [&](const char* table, const std::string& k) {
    std::vector<uint8_t> raw;
    REQUIRE(fx.raw_get(table, lmdb_key("app", k), raw));
    nonces.insert(std::vector<uint8_t>(raw.begin() + 1, raw.begin() + 25));
  };
  for (int i = 0; i < 50; ++i) add("kv", "k" + std::to_string(i));
  add("files", "f");
  add("kv", "b1");
  add("kv", "b2");
  CHECK(nonces.size() == 53);
  std::vector<uint8_t> found;
  key_list values;
  REQUIRE(s.multi_get("app", keys_of({"k0", "k49", "b2"}), found, values));
  CHECK(found == std::vector<uint8_t>{1, 1, 1});
  for (auto& v : values) CHECK(v == bytes("same value"));
}
