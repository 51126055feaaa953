// The sealed record format on its own: round trips, the AAD binding and every
// way a hostile record can fail to open.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <sodium.h>

#include "sealed_fixture.hpp"
#include "storage/byte_codec.hpp"
#include "storage/sealed/sealed_record.hpp"

using namespace nz::storage;
using nz::test::bytes;
using nz::test::contains;
using nz::test::view;

namespace {

const auto k1 = nz::test::test_key(1);
const auto k2 = nz::test::test_key(2);

std::vector<uint8_t> sealed_of(std::string_view ns, std::string_view key,
                               const std::vector<uint8_t>& value,
                               record_domain d = record_domain::kv) {
  std::vector<uint8_t> out;
  seal(out, k1.data(), ns, view(key), view(value), d);
  return out;
}

}  // namespace

TEST_CASE(
    "a sealed value opens back to the same bytes, including empty and binary "
    "values") {
  std::vector<std::vector<uint8_t>> values{
      {}, {0}, bytes("hello"), std::vector<uint8_t>(4096, 0), {0xff, 0x00, 0x7f, 0x00}};
  for (auto& v : values) {
    auto rec = sealed_of("app", "k", v);
    CHECK(rec.size() == v.size() + sealed_overhead);
    CHECK(rec[0] == sealed_version);
    std::vector<uint8_t> out{1, 2, 3};
    REQUIRE(open(out, k1.data(), "app", view("k"), view(rec)));
    CHECK(out == v);
  }
  CHECK(sealed_overhead == 41);
}

TEST_CASE(
    "a record is version | nonce | XChaCha20-Poly1305 under the documented AAD, "
    "checked with libsodium directly") {
  // The AAD built independently with byte_codec: domain | len ns | ns | len key | key.
  std::vector<uint8_t> long_key(600, 0x5a);  // above the stack buffer: heap path
  for (auto& key : {bytes("k"), long_key}) {
    for (auto d : {record_domain::kv, record_domain::file}) {
      auto value = bytes("known answer");
      std::vector<uint8_t> rec;
      seal(rec, k1.data(), "app", view(key), view(value), d);
      byte_writer w;
      auto dom = domain_string(d);
      w.put_raw(reinterpret_cast<const uint8_t*>(dom.data()), dom.size());
      w.put_string("app");
      w.put_bytes(key.data(), key.size());
      auto ad = w.take();
      std::vector<uint8_t> plain(value.size());
      unsigned long long mlen = 0;
      REQUIRE(rec.size() == value.size() + sealed_overhead);
      CHECK(rec[0] == 1);
      REQUIRE(crypto_aead_xchacha20poly1305_ietf_decrypt(
                  plain.data(), &mlen, nullptr, rec.data() + 25, rec.size() - 25,
                  ad.data(), ad.size(), rec.data() + 1, k1.data())
              == 0);
      CHECK(plain == value);
      std::vector<uint8_t> out;
      REQUIRE(open(out, k1.data(), "app", view(key), view(rec), d));
      CHECK(out == value);
    }
  }
}

TEST_CASE("seal_with_nonce stores the given nonce and opens like any record") {
  std::array<uint8_t, sealed_nonce_size> nonce{};
  for (size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<uint8_t>(i + 1);
  std::vector<uint8_t> rec{9, 9, 9};
  seal_with_nonce(rec, k1.data(), nonce.data(), "app", view("k"), view("value"));
  REQUIRE(rec.size() == 5 + sealed_overhead);
  CHECK(std::equal(nonce.begin(), nonce.end(), rec.begin() + 1));
  std::vector<uint8_t> out;
  REQUIRE(open(out, k1.data(), "app", view("k"), view(rec)));
  CHECK(out == bytes("value"));
  CHECK_FALSE(open(out, k1.data(), "app", view("k2"), view(rec)));
}

TEST_CASE("two seals of the same value differ (fresh random nonce)") {
  auto v = bytes("same");
  CHECK(sealed_of("app", "k", v) != sealed_of("app", "k", v));
}

TEST_CASE("a record shorter than the overhead is corrupt and says too short"
          * doctest::test_suite("hostile")) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{25}, sealed_overhead - 1}) {
    std::vector<uint8_t> rec(n, 1);
    std::vector<uint8_t> out;
    auto st = open(out, k1.data(), "app", view("short"), view(rec));
    REQUIRE_FALSE(st);
    CHECK(st.error().code == store_errc::corrupt_record);
    CHECK(contains(st.error().message, "'app'/'short'"));
    CHECK(contains(st.error().message, "too short"));
  }
  std::vector<uint8_t> out;
  CHECK_FALSE(open(out, k1.data(), "app", view("k"), byte_view{nullptr, 0}));
}

TEST_CASE("an unknown version byte is rejected and named"
          * doctest::test_suite("hostile")) {
  auto rec = sealed_of("app", "k", bytes("v"));
  for (uint8_t version : {0, 2, 255}) {
    rec[0] = version;
    std::vector<uint8_t> out;
    auto st = open(out, k1.data(), "app", view("k"), view(rec));
    REQUIRE_FALSE(st);
    CHECK(contains(st.error().message, "unknown version " + std::to_string(version)));
  }
}

TEST_CASE("every single-bit flip of a record fails to open"
          * doctest::test_suite("hostile")) {
  auto rec = sealed_of("app", "k", bytes("a small value"));
  for (size_t i = 0; i < rec.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80}) {
      auto bad = rec;
      bad[i] ^= mask;
      std::vector<uint8_t> out;
      auto st = open(out, k1.data(), "app", view("k"), view(bad));
      REQUIRE_FALSE(st);
      CHECK(st.error().code == store_errc::corrupt_record);
      CHECK(out.empty());
    }
  }
  // Truncated or extended by one byte fails too.
  std::vector<uint8_t> out;
  auto shorter = rec;
  shorter.pop_back();
  CHECK_FALSE(open(out, k1.data(), "app", view("k"), view(shorter)));
  auto longer = rec;
  longer.push_back(0);
  CHECK_FALSE(open(out, k1.data(), "app", view("k"), view(longer)));
}

TEST_CASE("a record opened for another key, namespace, table or storage key fails"
          * doctest::test_suite("hostile")) {
  auto rec = sealed_of("ab", "c", bytes("v"));
  std::vector<uint8_t> out;
  REQUIRE(open(out, k1.data(), "ab", view("c"), view(rec)));
  // The length prefixes keep ("ab","c") apart from ("a","bc").
  auto st = open(out, k1.data(), "a", view("bc"), view(rec));
  REQUIRE_FALSE(st);
  CHECK(contains(st.error().message, "authentication failed"));
  CHECK_FALSE(open(out, k1.data(), "ab", view("C"), view(rec)));
  CHECK_FALSE(open(out, k1.data(), "abc", view(""), view(rec)));
  CHECK_FALSE(open(out, k1.data(), "ab", view("c"), view(rec), record_domain::file));
  CHECK_FALSE(open(out, k2.data(), "ab", view("c"), view(rec)));
  auto file = sealed_of("ab", "c", bytes("v"), record_domain::file);
  CHECK_FALSE(open(out, k1.data(), "ab", view("c"), view(file)));
  CHECK(open(out, k1.data(), "ab", view("c"), view(file), record_domain::file));
}

TEST_CASE("open wipes and empties the output buffer when a record fails"
          * doctest::test_suite("hostile")) {
  auto rec = sealed_of("app", "k", bytes("secret"));
  std::vector<uint8_t> out;
  REQUIRE(open(out, k1.data(), "app", view("k"), view(rec)));
  CHECK(out == bytes("secret"));
  CHECK_FALSE(open(out, k2.data(), "app", view("k"), view(rec)));
  CHECK(out.empty());
}

TEST_CASE(
    "corrupt messages print keys safely: text as is, binary as hex, long keys "
    "truncated"
    * doctest::test_suite("hostile")) {
  CHECK(printable_key(view("user:1")) == "'user:1'");
  CHECK(printable_key(view("")) == "''");
  std::vector<uint8_t> bin{0x00, 0x01, 0xab, 0xff};
  CHECK(printable_key(view(bin)) == "0x0001abff");
  CHECK(printable_key(view("it's")) == "0x69742773");
  CHECK(printable_key(view("line\nbreak")).rfind("0x", 0) == 0);
  std::string long_text(300, 'x');
  auto t = printable_key(view(long_text));
  CHECK(t == "'" + std::string(64, 'x') + "'...(300 bytes)");
  std::vector<uint8_t> long_bin(300, 0x07);
  auto h = printable_key(view(long_bin));
  CHECK(h.size() == 2 + 64 + std::string("...(300 bytes)").size());
  CHECK(contains(h, "...(300 bytes)"));
  CHECK(describe_record(record_domain::kv, "app", view(bin))
        == "kv record 'app'/0x0001abff");
  CHECK(describe_record(record_domain::file, "app", view("a.txt"))
        == "file 'app'/'a.txt'");

  auto rec = sealed_of("app", "k", bytes("v"));
  std::vector<uint8_t> out;
  auto st = open(out, k1.data(), "app", view(bin), view(rec));
  REQUIRE_FALSE(st);
  CHECK(contains(st.error().message, "kv record 'app'/0x0001abff"));
  CHECK(st.error().message.find('\0') == std::string::npos);
}
