#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "storage/byte_codec.hpp"

using nz::storage::byte_reader;
using nz::storage::byte_writer;

TEST_CASE("fixed-width integers are little endian and round-trip") {
  byte_writer w;
  w.put_u8(0xab);
  w.put_u32(0x01020304);
  w.put_u64(0x1122334455667788);
  auto& b = w.bytes();
  REQUIRE(b.size() == 13);
  CHECK(b[1] == 0x04);
  CHECK(b[5] == 0x88);
  byte_reader r{b};
  CHECK(r.get_u8() == 0xab);
  CHECK(r.get_u32() == 0x01020304u);
  CHECK(r.get_u64() == 0x1122334455667788u);
  CHECK(r.at_end());
  CHECK_FALSE(r.get_u8());
}

TEST_CASE("varints and zigzag integers round-trip at their edges") {
  std::vector<uint64_t> us{
      0, 1, 127, 128, 300, (uint64_t{1} << 35) + 7, std::numeric_limits<uint64_t>::max()};
  std::vector<int64_t> is{0,
                          -1,
                          1,
                          -64,
                          64,
                          std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max()};
  byte_writer w;
  for (auto u : us) w.put_varint(u);
  for (auto i : is) w.put_i64(i);
  byte_reader r{w.bytes()};
  for (auto u : us) CHECK(r.get_varint() == u);
  for (auto i : is) CHECK(r.get_i64() == i);
  CHECK(r.at_end());
}

TEST_CASE("bytes and strings carry a varint length prefix") {
  byte_writer w;
  w.put_string("hello");
  w.put_bytes(std::vector<uint8_t>{1, 2, 3});
  w.put_string("");
  CHECK(w.bytes()[0] == 5);
  byte_reader r{w.bytes()};
  CHECK(r.get_string(16) == "hello");
  CHECK(r.get_bytes(16) == std::vector<uint8_t>{1, 2, 3});
  CHECK(r.get_string(0) == "");
  CHECK(r.at_end());
}

TEST_CASE("truncated input fails every getter and leaves the position unchanged") {
  byte_writer w;
  w.put_u64(42);
  w.put_string("abcdef");
  auto full = w.bytes();
  for (size_t cut = 0; cut < full.size(); ++cut) {
    byte_reader r{full.data(), cut};
    auto a = r.get_u64();
    if (cut < 8) {
      CHECK_FALSE(a);
      CHECK(r.position() == 0);
      continue;
    }
    CHECK(a == 42u);
    CHECK_FALSE(r.get_string(100));
    CHECK(r.position() == 8);
  }
  std::vector<uint8_t> three{1, 2, 3};
  byte_reader r{three};
  CHECK_FALSE(r.get_u32());
  const uint8_t* p = nullptr;
  CHECK_FALSE(r.get_raw(4, p));
  CHECK(r.get_raw(3, p));
  CHECK(r.at_end());
}

TEST_CASE("a huge length prefix is rejected before anything is allocated") {
  byte_writer w;
  w.put_varint(std::numeric_limits<uint64_t>::max());
  w.put_u8(1);
  byte_reader r{w.bytes()};
  CHECK_FALSE(r.get_bytes(std::numeric_limits<size_t>::max()));
  CHECK_FALSE(r.get_string(std::numeric_limits<size_t>::max()));
  CHECK(r.position() == 0);

  byte_writer w2;
  w2.put_string("0123456789");
  byte_reader r2{w2.bytes()};
  CHECK_FALSE(r2.get_string(9));  // over the caller's maximum
  CHECK(r2.get_string(10) == "0123456789");
}

TEST_CASE("malformed varints are rejected: too long, overflowing, overlong") {
  std::vector<uint8_t> eleven(11, 0x80);
  byte_reader r1{eleven};
  CHECK_FALSE(r1.get_varint());
  // ten groups whose last carries more than the 64th bit
  std::vector<uint8_t> overflow(9, 0xff);
  overflow.push_back(0x02);
  byte_reader r2{overflow};
  CHECK_FALSE(r2.get_varint());
  std::vector<uint8_t> overlong{0x80, 0x00};  // 0 encoded in two bytes
  byte_reader r3{overlong};
  CHECK_FALSE(r3.get_varint());
  std::vector<uint8_t> unterminated{0x80, 0x80};
  byte_reader r4{unterminated};
  CHECK_FALSE(r4.get_varint());
  CHECK(r4.position() == 0);
}

TEST_CASE("random garbage never reads out of bounds") {
  uint32_t x = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> buf(static_cast<size_t>(round % 40));
    for (auto& b : buf) {
      x = x * 1103515245 + 12345;
      b = static_cast<uint8_t>(x >> 16);
    }
    byte_reader r{buf};
    for (int i = 0; i < 8 && !r.at_end(); ++i) {
      bool ok = false;
      switch ((round + i) % 4) {
        case 0:
          ok = r.get_varint().has_value();
          break;
        case 1:
          ok = r.get_string(1000).has_value();
          break;
        case 2:
          ok = r.get_bytes(8).has_value();
          break;
        case 3:
          ok = r.get_u32().has_value();
          break;
      }
      if (!ok) break;
    }
    CHECK(r.position() <= buf.size());
  }
}
