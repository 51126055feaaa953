// Damaged and moved records on real LMDB files: each one is reported as corrupt
// by name, and every other record keeps working. The damage is done with raw
// LMDB writes, exactly as a bad disk or an attacker with the files would.
#include <doctest/doctest.h>

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

/// Fills "app" with k0..k9 (value "v<i>") and "other" with one key.
void fill(kv_store& s) {
  for (int i = 0; i < 10; ++i) {
    auto k = "k" + std::to_string(i);
    REQUIRE(s.put("app", view(k), view("v" + std::to_string(i))));
  }
  REQUIRE(s.put("other", view("k0"), view("other")));
  REQUIRE(s.file_put("app", view("f0"), view("file zero")));
}

/// True if every "app" record of fill() except `skip` reads back.
bool app_fine(kv_store& s, const std::string& skip) {
  std::vector<uint8_t> out;
  for (int i = 0; i < 10; ++i) {
    auto k = "k" + std::to_string(i);
    if (k == skip) continue;
    auto r = s.get("app", view(k), out);
    if (!r || !*r || out != bytes("v" + std::to_string(i))) return false;
  }
  auto f = s.file_get("app", view("f0"), out);
  return f && *f && out == bytes("file zero");
}

/// True if every record of fill() except `skip` (in "app") reads back.
bool others_fine(kv_store& s, const std::string& skip) {
  std::vector<uint8_t> out;
  auto o = s.get("other", view("k0"), out);
  return app_fine(s, skip) && o && *o && out == bytes("other");
}

store_error get_error(kv_store& s, std::string_view ns, byte_view key) {
  std::vector<uint8_t> out{1, 2, 3};
  auto r = s.get(ns, key, out);
  REQUIRE_FALSE(r);
  CHECK(out.empty());
  return r.error();
}

}  // namespace

TEST_CASE(
    "a record copied from key A to key B is corrupt at B, naming B, while A and the "
    "rest still read"
    * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  fill(s);
  fx.raw_copy("kv", lmdb_key("app", "k1"), "kv", lmdb_key("app", "k2"));
  auto err = get_error(s, "app", view("k2"));
  CHECK(err.code == store_errc::corrupt_record);
  CHECK(contains(err.message, "kv record 'app'/'k2'"));
  CHECK(contains(err.message, "authentication failed"));
  CHECK(others_fine(s, "k2"));
  // A brand-new key holding a copied record is just as corrupt.
  fx.raw_copy("kv", lmdb_key("app", "k3"), "kv", lmdb_key("app", "new"));
  CHECK(get_error(s, "app", view("new")).code == store_errc::corrupt_record);
}

TEST_CASE("a record copied into another namespace under the same key is corrupt"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  fill(s);
  fx.raw_copy("kv", lmdb_key("app", "k0"), "kv", lmdb_key("other", "k0"));
  auto err = get_error(s, "other", view("k0"));
  CHECK(err.code == store_errc::corrupt_record);
  CHECK(contains(err.message, "'other'/'k0'"));
  CHECK(app_fine(s, ""));
}

TEST_CASE("a flipped bit anywhere in a stored value is corrupt, naming the record"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  fill(s);
  // Nonce, ciphertext and tag positions; the version byte has its own message.
  for (long pos : {1L, 24L, 25L, -17L, -1L}) {
    CAPTURE(pos);
    REQUIRE(s.put("app", view("k5"), view("v5")));
    fx.raw_flip("kv", lmdb_key("app", "k5"), pos, 0x10);
    auto err = get_error(s, "app", view("k5"));
    CHECK(err.code == store_errc::corrupt_record);
    CHECK(contains(err.message, "'app'/'k5'"));
    CHECK(contains(err.message, "authentication failed"));
    CHECK(others_fine(s, "k5"));
  }
  REQUIRE(s.put("app", view("k5"), view("v5")));
  fx.raw_flip("kv", lmdb_key("app", "k5"), 0, 0x02);
  CHECK(contains(get_error(s, "app", view("k5")).message, "unknown version 3"));
}

TEST_CASE("a truncated or emptied stored value is corrupt and says too short"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  fill(s);
  fx.raw_put("kv", lmdb_key("app", "k7"), {});
  auto err = get_error(s, "app", view("k7"));
  CHECK(contains(err.message, "'app'/'k7'"));
  CHECK(contains(err.message, "too short (0 bytes"));
  fx.raw_put("kv", lmdb_key("app", "k7"), std::vector<uint8_t>(40, 1));
  CHECK(contains(get_error(s, "app", view("k7")).message, "too short (40 bytes"));
  // A listing still shows the key (list does not authenticate) with size 0.
  auto page = s.list("app", view("k7"), 0, byte_view{});
  REQUIRE(page);
  REQUIRE(page->entries.size() == 1);
  CHECK(page->entries[0].size == 0);
  CHECK(others_fine(s, "k7"));
}

TEST_CASE("a kv record copied into the files table fails, and a file into kv"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  fill(s);
  fx.raw_copy("kv", lmdb_key("app", "k4"), "files", lmdb_key("app", "k4"));
  std::vector<uint8_t> out;
  auto r = s.file_get("app", view("k4"), out);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == store_errc::corrupt_record);
  CHECK(contains(r.error().message, "file 'app'/'k4'"));
  fx.raw_copy("files", lmdb_key("app", "f0"), "kv", lmdb_key("app", "f0"));
  auto err = get_error(s, "app", view("f0"));
  CHECK(contains(err.message, "kv record 'app'/'f0'"));
  CHECK(others_fine(s, ""));
}

TEST_CASE("a wrong storage key makes every record corrupt, and doctor lists them all"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  {
    auto s = fx.store();
    fill(s);
  }
  auto wrong_key = nz::test::test_key(99);
  auto w = fx.store_with(wrong_key.data());
  for (int i = 0; i < 10; ++i) {
    auto k = "k" + std::to_string(i);
    auto err = get_error(w, "app", view(k));
    CHECK(err.code == store_errc::corrupt_record);
    CHECK(contains(err.message, "'app'/'" + k + "'"));
  }
  CHECK(get_error(w, "other", view("k0")).code == store_errc::corrupt_record);
  std::vector<uint8_t> out;
  CHECK_FALSE(w.file_get("app", view("f0"), out));
  kv_doctor_report rep;
  REQUIRE(w.doctor(rep));
  CHECK(rep.kv_records == 11);
  CHECK(rep.file_records == 1);
  CHECK(rep.damaged.size() == 12);
  // The right key still opens everything.
  auto s = fx.store();
  CHECK(others_fine(s, ""));
}

TEST_CASE("doctor finds exactly the damaged records, naming each, without stopping"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  fill(s);
  std::vector<uint8_t> bin_key{0x00, 0xfe, 'x'};
  REQUIRE(s.put("app", view(bin_key), view("binary")));
  kv_doctor_report clean;
  REQUIRE(s.doctor(clean));
  CHECK(clean.healthy());
  CHECK(clean.kv_records == 12);
  CHECK(clean.file_records == 1);

  fx.raw_copy("kv", lmdb_key("app", "k1"), "kv", lmdb_key("app", "k2"));  // swapped
  fx.raw_flip("kv", lmdb_key("app", "k6"), -3);                           // bit rot
  fx.raw_flip("kv", make_kv_key("app", view(bin_key)), 30);               // binary key
  fx.raw_put("kv", lmdb_key("app", "k8"), bytes("short"));                // truncated
  fx.raw_put("kv", bytes("no-separator"), bytes("junk"));                 // foreign key
  fx.raw_copy("kv", lmdb_key("app", "k9"), "files", lmdb_key("app", "k9"));  // moved

  kv_doctor_report rep;
  REQUIRE(s.doctor(rep));
  CHECK(rep.kv_records == 13);
  CHECK(rep.file_records == 2);
  REQUIRE(rep.damaged.size() == 6);
  std::vector<std::string> msgs;
  for (auto& d : rep.damaged) msgs.push_back(d.message);
  // kv table first, in LMDB key order, then files.
  CHECK(contains(msgs[0], "kv record 'app'/0x00fe78"));
  CHECK(contains(msgs[1], "kv record 'app'/'k2'"));
  CHECK(contains(msgs[2], "kv record 'app'/'k6'"));
  CHECK(contains(msgs[3], "kv record 'app'/'k8'"));
  CHECK(contains(msgs[3], "too short"));
  CHECK(contains(msgs[4], "malformed kv key 'no-separator'"));
  CHECK(rep.damaged[4].lmdb_key == bytes("no-separator"));
  CHECK(rep.damaged[5].table == record_domain::file);
  CHECK(contains(msgs[5], "file 'app'/'k9'"));
  // Undamaged records are untouched by the walk.
  std::vector<uint8_t> out;
  for (auto k : {"k0", "k1", "k3", "k4", "k5", "k7", "k9"}) {
    CAPTURE(k);
    CHECK(*s.get("app", view(k), out));
  }
  CHECK(*s.file_get("app", view("f0"), out));
}
