// kv_store on real LMDB files: round trips, limits, namespaces, listing,
// batches, group commit and reopening.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "sealed_fixture.hpp"
#include "storage/sealed/kv_store.hpp"

using namespace nz::storage;
using nz::test::bytes;
using nz::test::contains;
using nz::test::sealed_fixture;
using nz::test::view;

namespace {

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + seed) % 251);
  return v;
}

std::vector<uint8_t> must_get(kv_store& s, std::string_view ns, byte_view key) {
  std::vector<uint8_t> out;
  auto r = s.get(ns, key, out);
  REQUIRE(r);
  REQUIRE(*r);
  return out;
}

std::string key_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%05d", i);
  return buf;
}

void check_limit(const store_status& st, std::string_view message) {
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::limit_exceeded);
  CHECK(st.error().message == message);
}

}  // namespace

TEST_CASE("values round-trip exactly, including zeros, an empty value and 100 KiB") {
  sealed_fixture fx;
  auto s = fx.store();
  std::vector<uint8_t> zeros(1000, 0);
  std::vector<uint8_t> mixed{0, 1, 0, 0xff, 0, 0};
  auto big = pattern(100 * 1024, 7);
  REQUIRE(s.put("app", view("zeros"), view(zeros)));
  REQUIRE(s.put("app", view("mixed"), view(mixed)));
  REQUIRE(s.put("app", view("empty"), byte_view{}));
  REQUIRE(s.put("app", view("big"), view(big)));
  CHECK(must_get(s, "app", view("zeros")) == zeros);
  CHECK(must_get(s, "app", view("mixed")) == mixed);
  CHECK(must_get(s, "app", view("empty")).empty());
  CHECK(must_get(s, "app", view("big")) == big);
  // Replacing a value.
  REQUIRE(s.put("app", view("mixed"), view("new")));
  CHECK(must_get(s, "app", view("mixed")) == bytes("new"));
  // The stored bytes are not the plaintext.
  std::vector<uint8_t> raw;
  REQUIRE(fx.raw_get("kv", nz::test::lmdb_key("app", "big"), raw));
  CHECK(raw.size() == big.size() + sealed_overhead);
  CHECK(std::search(raw.begin(), raw.end(), big.begin(), big.begin() + 64) == raw.end());
}

TEST_CASE("binary keys with 0x00 round-trip and stay apart from their neighbours") {
  sealed_fixture fx;
  auto s = fx.store();
  std::vector<std::vector<uint8_t>> keys{
      {0}, {0, 0}, {'a'}, {'a', 0}, {'a', 0, 'b'}, {0xff}, {0x01, 0x00, 0xff}};
  for (size_t i = 0; i < keys.size(); ++i)
    REQUIRE(s.put("bin", view(keys[i]), view(pattern(i + 1, static_cast<uint8_t>(i)))));
  for (size_t i = 0; i < keys.size(); ++i)
    CHECK(must_get(s, "bin", view(keys[i])) == pattern(i + 1, static_cast<uint8_t>(i)));
  // Namespace "a" key "b" and namespace "a.b" are unrelated; neither sees the
  // other's keys in a listing.
  REQUIRE(s.put("a", view("b"), view("1")));
  REQUIRE(s.put("a.b", view("b"), view("2")));
  CHECK(must_get(s, "a", view("b")) == bytes("1"));
  CHECK(must_get(s, "a.b", view("b")) == bytes("2"));
  auto page = s.list("a", byte_view{}, 0, byte_view{});
  REQUIRE(page);
  REQUIRE(page->entries.size() == 1);
  CHECK(page->entries[0].key == bytes("b"));
  auto all = s.list("bin", byte_view{}, 0, byte_view{});
  REQUIRE(all);
  REQUIRE(all->entries.size() == keys.size());
  auto sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) CHECK(all->entries[i].key == sorted[i]);
}

TEST_CASE("a 1 MiB file round-trips and lives apart from a kv record of the same name") {
  sealed_fixture fx;
  auto s = fx.store();
  auto file = pattern(size_t{1} << 20, 3);
  REQUIRE(s.file_put("docs", view("report.bin"), view(file)));
  REQUIRE(s.put("docs", view("report.bin"), view("kv value")));
  std::vector<uint8_t> out;
  auto got = s.file_get("docs", view("report.bin"), out);
  REQUIRE(got);
  REQUIRE(*got);
  CHECK(out == file);
  CHECK(must_get(s, "docs", view("report.bin")) == bytes("kv value"));
  auto files = s.file_list("docs", byte_view{}, 0, byte_view{});
  REQUIRE(files);
  REQUIRE(files->entries.size() == 1);
  CHECK(files->entries[0].size == file.size());
  auto del = s.file_del("docs", view("report.bin"));
  REQUIRE(del);
  CHECK(*del);
  got = s.file_get("docs", view("report.bin"), out);
  REQUIRE(got);
  CHECK_FALSE(*got);
  CHECK(must_get(s, "docs", view("report.bin")) == bytes("kv value"));
}

TEST_CASE(
    "a missing key is not found, distinct from corrupt, and del reports existence") {
  sealed_fixture fx;
  auto s = fx.store();
  std::vector<uint8_t> out{9, 9};
  auto r = s.get("app", view("nope"), out);
  REQUIRE(r);
  CHECK_FALSE(*r);
  CHECK(out.empty());
  REQUIRE(s.put("app", view("yes"), view("1")));
  auto d = s.del("app", view("yes"));
  REQUIRE(d);
  CHECK(*d);
  d = s.del("app", view("yes"));
  REQUIRE(d);
  CHECK_FALSE(*d);
  r = s.get("app", view("yes"), out);
  REQUIRE(r);
  CHECK_FALSE(*r);
}

TEST_CASE("every limit exceeded is an error naming the limit and the size"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  std::vector<uint8_t> out;
  check_limit(
      s.put("app", view("k"), view(std::vector<uint8_t>(200000))),
      "value of 200000 bytes exceeds the 102400-byte limit (nzcore.kv-max-value)");
  CHECK(s.put("app", view("k"), view(std::vector<uint8_t>(102400))));
  std::string long_key(257, 'k');
  check_limit(s.put("app", view(long_key), view("v")),
              "key of 257 bytes exceeds the 256-byte limit (nzcore.kv-max-key)");
  CHECK(s.put("app", view(std::string(256, 'k')), view("v")));
  auto g = s.get("app", view(long_key), out);
  REQUIRE_FALSE(g);
  CHECK(g.error().code == store_errc::limit_exceeded);
  auto d = s.del("app", view(long_key));
  REQUIRE_FALSE(d);
  CHECK(d.error().code == store_errc::limit_exceeded);
  check_limit(
      s.file_put("app", view("f"), view(std::vector<uint8_t>((1 << 20) + 1))),
      "file of 1048577 bytes exceeds the 1048576-byte limit (nzcore.kv-max-file)");
  check_limit(s.file_put("app", view(long_key), view("x")),
              "file name of 257 bytes exceeds the 256-byte limit (nzcore.kv-max-key)");
  auto l = s.list("app", byte_view{}, 1001, byte_view{});
  REQUIRE_FALSE(l);
  CHECK(l.error().message
        == "list of 1001 entries exceeds the 1000-entry limit (nzcore.kv-max-list)");
  l = s.list("app", view(long_key), 10, byte_view{});
  REQUIRE_FALSE(l);
  CHECK(l.error().message
        == "prefix of 257 bytes exceeds the 256-byte limit (nzcore.kv-max-key)");
  l = s.list("app", byte_view{}, 10, view(long_key));
  REQUIRE_FALSE(l);
  CHECK(l.error().message
        == "cursor of 257 bytes exceeds the 256-byte limit (nzcore.kv-max-key)");
  auto empty = s.put("app", byte_view{}, view("v"));
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == store_errc::invalid_argument);
  CHECK(contains(empty.error().message, "empty key"));

  // Configured limits apply with their own numbers.
  kv_limits small;
  small.max_key = 8;
  small.max_value = 10;
  small.max_file = 20;
  small.max_list = 3;
  auto t = fx.store(small);
  check_limit(t.put("app", view("k"), view(std::string(11, 'v'))),
              "value of 11 bytes exceeds the 10-byte limit (nzcore.kv-max-value)");
  check_limit(t.put("app", view("123456789"), view("v")),
              "key of 9 bytes exceeds the 8-byte limit (nzcore.kv-max-key)");
  check_limit(t.file_put("app", view("f"), view(std::string(21, 'v'))),
              "file of 21 bytes exceeds the 20-byte limit (nzcore.kv-max-file)");
  CHECK_FALSE(t.list("app", byte_view{}, 4, byte_view{}));
  // Nothing above was written.
  auto page = s.list("app", byte_view{}, 0, byte_view{});
  REQUIRE(page);
  CHECK(page->entries.size() == 2);
}

TEST_CASE("bad namespaces are rejected by every operation before anything is written"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  std::vector<std::string> bad{"",
                               std::string(65, 'a'),
                               "App",
                               "a/b",
                               std::string("a\0b", 3),
                               "caf\xc3\xa9",
                               "a b",
                               "..\\x"};
  std::vector<uint8_t> out;
  for (auto& ns : bad) {
    CAPTURE(ns);
    auto st = s.put(ns, view("k"), view("v"));
    REQUIRE_FALSE(st);
    CHECK(st.error().code == store_errc::invalid_argument);
    CHECK(contains(st.error().message, "invalid namespace"));
    CHECK(st.error().message.find('\0') == std::string::npos);
    CHECK_FALSE(s.get(ns, view("k"), out));
    CHECK_FALSE(s.del(ns, view("k")));
    CHECK_FALSE(s.list(ns, byte_view{}, 0, byte_view{}));
    CHECK_FALSE(s.file_put(ns, view("k"), view("v")));
    CHECK_FALSE(s.file_get(ns, view("k"), out));
    CHECK_FALSE(s.file_del(ns, view("k")));
    CHECK_FALSE(s.file_list(ns, byte_view{}, 0, byte_view{}));
    CHECK_FALSE(s.batch({kv_op::put(ns, bytes("k"), bytes("v"))}));
  }
  CHECK(s.put(std::string(64, 'a'), view("k"), view("v")));
  CHECK(s.put("a-z_0.9", view("k"), view("v")));
  kv_doctor_report rep;
  REQUIRE(s.doctor(rep));
  CHECK(rep.kv_records == 2);
  CHECK(rep.file_records == 0);
}

TEST_CASE("list pages through 2,500 keys with cursors, in order, with sizes") {
  sealed_fixture fx;
  auto s = fx.store();
  std::vector<kv_op> ops;
  for (int i = 0; i < 2500; ++i)
    ops.push_back(kv_op::put("many", bytes(key_name(i)), pattern(i % 50, 1)));
  ops.push_back(kv_op::put("other", bytes("k00000"), bytes("x")));
  for (size_t first = 0; first < ops.size(); first += 1000) {  // batches of <= 1,000
    std::vector<kv_op> part(
        ops.begin() + static_cast<std::ptrdiff_t>(first),
        ops.begin() + static_cast<std::ptrdiff_t>(std::min(ops.size(), first + 1000)));
    REQUIRE(s.batch(part));
  }
  std::vector<uint8_t> cursor;
  int seen = 0;
  int pages = 0;
  for (;;) {
    auto page = s.list("many", byte_view{}, 1000, view(cursor));
    REQUIRE(page);
    ++pages;
    for (auto& e : page->entries) {
      REQUIRE(seen < 2500);
      CHECK(e.key == bytes(key_name(seen)));
      CHECK(e.size == static_cast<size_t>(seen % 50));
      ++seen;
    }
    if (page->cursor.empty()) break;
    CHECK(page->cursor == page->entries.back().key);
    cursor = page->cursor;
  }
  CHECK(seen == 2500);
  CHECK(pages == 3);
  // A limit that divides the count exactly ends without an empty extra page.
  auto exact = s.list("many", view("k0001"), 10, byte_view{});
  REQUIRE(exact);
  CHECK(exact->entries.size() == 10);
  CHECK(exact->cursor.empty());
  // Limit 0 means nzcore.kv-max-list.
  auto dflt = s.list("many", byte_view{}, 0, byte_view{});
  REQUIRE(dflt);
  CHECK(dflt->entries.size() == 1000);
}

TEST_CASE("list honours prefixes and tolerates stale or foreign cursors"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx;
  auto s = fx.store();
  for (auto k : {"a1", "a2", "a3", "b1", "b2"}) REQUIRE(s.put("ns", view(k), view(k)));
  auto p = s.list("ns", view("b"), 0, byte_view{});
  REQUIRE(p);
  REQUIRE(p->entries.size() == 2);
  CHECK(p->entries[0].key == bytes("b1"));
  // A cursor that was deleted in between still continues after its position.
  auto first = s.list("ns", view("a"), 1, byte_view{});
  REQUIRE(first);
  REQUIRE(first->cursor == bytes("a1"));
  REQUIRE(s.del("ns", view("a1")));
  auto next = s.list("ns", view("a"), 5, view(first->cursor));
  REQUIRE(next);
  REQUIRE(next->entries.size() == 2);
  CHECK(next->entries[0].key == bytes("a2"));
  // A cursor before the prefix starts at the prefix; one past it ends at once.
  auto before = s.list("ns", view("b"), 5, view("a9"));
  REQUIRE(before);
  CHECK(before->entries.size() == 2);
  auto past = s.list("ns", view("a"), 5, view("zz"));
  REQUIRE(past);
  CHECK(past->entries.empty());
  CHECK(past->cursor.empty());
  // Binary garbage as a cursor is harmless.
  std::vector<uint8_t> junk{0x00, 0xff, 0x00};
  auto j = s.list("ns", byte_view{}, 5, view(junk));
  REQUIRE(j);
  CHECK(j->entries.size() == 4);
}

TEST_CASE("a batch with one invalid op applies nothing") {
  sealed_fixture fx;
  auto s = fx.store();
  REQUIRE(s.put("app", view("keep"), view("old")));
  std::vector<kv_op> ops{kv_op::put("app", bytes("a"), bytes("1")),
                         kv_op::del("app", bytes("keep")),
                         kv_op::file_put("app", bytes("f"), bytes("file")),
                         kv_op::put("app", bytes("b"), std::vector<uint8_t>(200000)),
                         kv_op::put("app", bytes("c"), bytes("3"))};
  auto st = s.batch(ops);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::limit_exceeded);
  CHECK(contains(st.error().message, "batch op 3 of 5"));
  CHECK(contains(st.error().message, "value of 200000 bytes"));
  std::vector<uint8_t> out;
  CHECK_FALSE(*s.get("app", view("a"), out));
  CHECK_FALSE(*s.get("app", view("c"), out));
  CHECK_FALSE(*s.file_get("app", view("f"), out));
  CHECK(must_get(s, "app", view("keep")) == bytes("old"));
  // The same batch without the bad op applies entirely.
  ops.erase(ops.begin() + 3);
  REQUIRE(s.batch(ops));
  CHECK(must_get(s, "app", view("a")) == bytes("1"));
  CHECK(must_get(s, "app", view("c")) == bytes("3"));
  CHECK(*s.file_get("app", view("f"), out));
  CHECK_FALSE(*s.get("app", view("keep"), out));
}

TEST_CASE(
    "a batch reports which deletes removed a record, and refuses more than "
    "1,000 writes or 16 MiB of values, writing nothing") {
  sealed_fixture fx;
  auto s = fx.store();
  REQUIRE(s.put("app", view("x"), view("1")));
  std::vector<uint8_t> existed;
  REQUIRE(
      s.batch({kv_op::del("app", bytes("x")), kv_op::put("app", bytes("y"), bytes("2")),
               kv_op::del("app", bytes("never")), kv_op::del("app", bytes("y"))},
              &existed));
  // In order: "y" is put, then deleted by the same batch.
  CHECK(existed == std::vector<uint8_t>{1, 0, 0, 1});
  std::vector<uint8_t> out;
  CHECK_FALSE(*s.get("app", view("x"), out));
  CHECK_FALSE(*s.get("app", view("y"), out));

  std::vector<kv_op> many;
  for (int i = 0; i < 1001; ++i)
    many.push_back(kv_op::put("app", bytes(key_name(i)), bytes("v")));
  auto st = s.batch(many, &existed);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::limit_exceeded);
  CHECK(
      contains(st.error().message, "batch of 1001 writes exceeds the 1000-write limit"));
  CHECK(existed == std::vector<uint8_t>(1001, 0));
  many.pop_back();
  REQUIRE(s.batch(many));

  std::vector<kv_op> big;  // 170 x 100 KiB = 17 MiB > 16 MiB
  for (int i = 0; i < 170; ++i)
    big.push_back(kv_op::put("big", bytes(key_name(i)), pattern(100 * 1024, 3)));
  st = s.batch(big);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::limit_exceeded);
  CHECK(contains(st.error().message, "exceed the 16777216-byte limit of one batch"));
  auto page = s.list("big", byte_view{}, 0, byte_view{});
  REQUIRE(page);
  CHECK(page->entries.empty());
}

TEST_CASE("apply fails only the invalid ops and commits the rest together") {
  sealed_fixture fx;
  auto s = fx.store();
  REQUIRE(s.put("app", view("gone"), view("x")));
  std::vector<kv_op> ops{kv_op::put("app", bytes("a"), bytes("1")),
                         kv_op::put("Bad", bytes("b"), bytes("2")),
                         kv_op::del("app", bytes("gone")),
                         kv_op::del("app", bytes("never")),
                         kv_op::put("app", {}, bytes("3")),
                         kv_op::file_put("app", bytes("f"), bytes("4"))};
  std::vector<kv_op_result> res;
  REQUIRE(s.apply(ops, res));
  REQUIRE(res.size() == ops.size());
  CHECK(res[0].status);
  CHECK_FALSE(res[1].status);
  CHECK(res[1].status.error().code == store_errc::invalid_argument);
  CHECK(res[2].status);
  CHECK(res[2].existed);
  CHECK(res[3].status);
  CHECK_FALSE(res[3].existed);
  CHECK_FALSE(res[4].status);
  CHECK(res[5].status);
  CHECK(must_get(s, "app", view("a")) == bytes("1"));
  std::vector<uint8_t> out;
  CHECK_FALSE(*s.get("app", view("gone"), out));
  CHECK(*s.file_get("app", view("f"), out));
  CHECK(out == bytes("4"));
  // Empty input and all-invalid input write nothing and succeed.
  REQUIRE(s.apply({}, res));
  CHECK(res.empty());
  REQUIRE(s.apply({kv_op::put("", bytes("k"), bytes("v"))}, res));
  CHECK_FALSE(res[0].status);
}

TEST_CASE("an LMDB failure inside apply or batch fails every op and writes nothing"
          * doctest::test_suite("hostile")) {
  sealed_fixture fx{size_t{512} << 10};  // 512 KiB map: a few 100 KiB values fit
  auto s = fx.store();
  std::vector<kv_op> ops;
  for (int i = 0; i < 8; ++i)
    ops.push_back(kv_op::put("app", bytes(key_name(i)), pattern(100 * 1024, 5)));
  ops.push_back(kv_op::put("APP", bytes("k"), bytes("v")));
  std::vector<kv_op_result> res;
  auto st = s.apply(ops, res);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::lmdb_failure);
  CHECK(contains(st.error().message, "MDB_MAP_FULL"));
  for (size_t i = 0; i + 1 < ops.size(); ++i) {
    REQUIRE_FALSE(res[i].status);
    CHECK(res[i].status.error().code == store_errc::lmdb_failure);
  }
  CHECK(res.back().status.error().code == store_errc::invalid_argument);
  ops.pop_back();
  auto b = s.batch(ops);
  REQUIRE_FALSE(b);
  CHECK(b.error().code == store_errc::lmdb_failure);
  auto page = s.list("app", byte_view{}, 0, byte_view{});
  REQUIRE(page);
  CHECK(page->entries.empty());
  // The store still works afterwards.
  REQUIRE(s.put("app", view("small"), view("ok")));
  CHECK(must_get(s, "app", view("small")) == bytes("ok"));
}

TEST_CASE("everything reads back after the environment is reopened") {
  sealed_fixture fx;
  std::vector<uint8_t> bin{0, 1, 2, 0, 0xff};
  auto file = pattern(300000, 9);
  {
    auto s = fx.store();
    for (int i = 0; i < 100; ++i)
      REQUIRE(s.put("app", view(key_name(i)), view(pattern(i * 10, 2))));
    REQUIRE(s.put("bin", view(bin), view(bin)));
    REQUIRE(s.file_put("files", view("big"), view(file)));
  }
  fx.reopen();
  auto s = fx.store();
  for (int i = 0; i < 100; ++i)
    CHECK(must_get(s, "app", view(key_name(i))) == pattern(i * 10, 2));
  CHECK(must_get(s, "bin", view(bin)) == bin);
  std::vector<uint8_t> out;
  REQUIRE(*s.file_get("files", view("big"), out));
  CHECK(out == file);
  kv_doctor_report rep;
  REQUIRE(s.doctor(rep));
  CHECK(rep.kv_records == 101);
  CHECK(rep.file_records == 1);
  CHECK(rep.healthy());
}

TEST_CASE("open rejects limits that do not fit LMDB keys, and a closed environment") {
  sealed_fixture fx;
  kv_limits lim;
  lim.max_key = 1000;
  auto st = kv_store::open(fx.env, fx.key.data(), lim);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::invalid_argument);
  CHECK(contains(st.error().message, "nzcore.kv-max-key of 1000 bytes"));
  lim.max_key = 0;
  CHECK_FALSE(kv_store::open(fx.env, fx.key.data(), lim));
  lim = kv_limits{};
  lim.max_list = 0;
  CHECK_FALSE(kv_store::open(fx.env, fx.key.data(), lim));
  lim.max_list = 1;
  lim.max_key = 446;  // 64 + 1 + 446 = 511, LMDB's default key size
  CHECK(kv_store::open(fx.env, fx.key.data(), lim));
  auto s = fx.store();
  fx.env.close();
  auto closed = s.put("app", view("k"), view("v"));
  REQUIRE_FALSE(closed);
  CHECK(closed.error().code == store_errc::closed);
  auto reopened = kv_store::open(fx.env, fx.key.data());
  REQUIRE_FALSE(reopened);
  CHECK(reopened.error().code == store_errc::closed);
}
