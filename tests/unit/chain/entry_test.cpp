// chain::entry: canonical codec, hashing with domain separation, hostile input.
#include <doctest/doctest.h>

#include <set>

#include "runtime/chain/entry.hpp"
#include "storage/byte_codec.hpp"

using namespace nz::chain;

namespace {

entry sample() {
  entry e;
  e.seq = 300;
  e.prev.fill(0xab);
  e.time_ms = -5;  // clocks can be odd; the codec does not care
  e.payload = {1, 2, 3, 0, 255};
  return e;
}

}  // namespace

TEST_CASE("an entry survives encode and decode unchanged") {
  for (auto e : {sample(), entry{1, {}, 0, {}}, entry{~uint64_t{0}, {}, INT64_MIN, {}}}) {
    auto bytes = encode(e);
    auto back = decode(bytes);
    REQUIRE(back);
    CHECK(*back == e);
    CHECK(encode(*back) == bytes);
  }
  entry big = sample();
  big.payload.assign(max_payload, 7);
  auto back = decode(encode(big));
  REQUIRE(back);
  CHECK(*back == big);
}

TEST_CASE("every single-byte flip of an encoded entry fails decode or changes the hash") {
  auto e = sample();
  auto bytes = encode(e);
  auto h = hash_of("test", e);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t bit = 1; bit != 0; bit = static_cast<uint8_t>(bit << 1)) {
      auto bad = bytes;
      bad[i] ^= bit;
      auto d = decode(bad);
      if (d) CHECK(hash_of("test", *d) != h);
    }
  }
}

TEST_CASE("the same entry hashes differently in different chain domains") {
  auto e = sample();
  CHECK(hash_of("nz-trust-log", e) != hash_of("nz-audit-log", e));
  CHECK(hash_of("a", e) == hash_of("a", e));
  // The domain is length-prefixed: "ab" + entry is not "a" + "b"-prefixed entry.
  CHECK(hash_of("ab", e) != hash_of("a", e));
}

TEST_CASE("decode refuses truncated input at every length") {
  auto bytes = encode(sample());
  for (size_t n = 0; n < bytes.size(); ++n) CHECK_FALSE(decode(bytes.data(), n));
  CHECK_FALSE(decode(nullptr, 0));
}

TEST_CASE("decode refuses trailing bytes, bad versions, seq 0 and oversized payloads") {
  auto bytes = encode(sample());
  auto longer = bytes;
  longer.push_back(0);
  auto r = decode(longer);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("trailing") != std::string::npos);

  for (uint8_t v : {0, 2, 255}) {
    auto bad = bytes;
    bad[0] = v;
    auto d = decode(bad);
    REQUIRE_FALSE(d);
    CHECK(d.error().message.find("version") != std::string::npos);
  }

  entry zero = sample();
  zero.seq = 0;
  nz::storage::byte_writer w;
  w.put_u8(entry_version);
  w.put_varint(0);
  w.put_raw(zero.prev.data(), 32);
  w.put_i64(0);
  w.put_bytes(zero.payload);
  CHECK_FALSE(decode(w.bytes()));

  // A length prefix one past the limit, with the bytes actually present.
  nz::storage::byte_writer big;
  big.put_u8(entry_version);
  big.put_varint(1);
  big.put_raw(zero.prev.data(), 32);
  big.put_i64(0);
  std::vector<uint8_t> payload(max_payload + 1, 1);
  big.put_bytes(payload);
  auto over = decode(big.bytes());
  REQUIRE_FALSE(over);
  CHECK(over.error().message.find("max_payload") != std::string::npos);

  // A huge length prefix with nothing behind it allocates nothing and fails.
  nz::storage::byte_writer huge;
  huge.put_u8(entry_version);
  huge.put_varint(1);
  huge.put_raw(zero.prev.data(), 32);
  huge.put_i64(0);
  huge.put_varint(~uint64_t{0} >> 1);
  CHECK_FALSE(decode(huge.bytes()));
}

TEST_CASE("decode refuses overlong varints so that each entry has one encoding") {
  nz::storage::byte_writer w;
  w.put_u8(entry_version);
  w.put_u8(0x81);  // seq 1 as a two-byte varint
  w.put_u8(0x00);
  std::array<uint8_t, 32> prev{};
  w.put_raw(prev.data(), prev.size());
  w.put_i64(0);
  w.put_varint(0);
  CHECK_FALSE(decode(w.bytes()));
}

TEST_CASE("hex of a hash is lowercase and 64 characters") {
  hash32 h{};
  h[0] = 0xAB;
  auto s = to_hex(h);
  CHECK(s.size() == 64);
  CHECK(s.substr(0, 4) == "ab00");
}
