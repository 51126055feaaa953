// tie_break: both sides of a simultaneous open keep the same session.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include "actors/peer/manager/tie_break.hpp"

using nz::peer::keep_outbound;
using nz::peer::node_id_bytes;

namespace {

std::string hex(const node_id_bytes& id, bool upper = false) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (auto b : id) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

node_id_bytes random_id(std::mt19937_64& rng) {
  node_id_bytes id;
  for (auto& b : id) b = static_cast<uint8_t>(rng());
  return id;
}

}  // namespace

TEST_CASE(
    "the node with the smaller id keeps its outbound session, the other its inbound") {
  node_id_bytes small{}, large{};
  small[0] = 0x01;
  large[0] = 0x02;
  // small keeps the session it initiated; large keeps the one it accepted,
  // which is the same session.
  CHECK(keep_outbound(small, large));
  CHECK_FALSE(keep_outbound(large, small));
}

TEST_CASE("ids are compared as unsigned bytes, first difference deciding") {
  node_id_bytes a{}, b{};
  a[0] = 0x7f;
  b[0] = 0x80;  // would sort first as a signed char
  CHECK(keep_outbound(a, b));
  node_id_bytes c{}, d{};
  c.fill(0xff);
  d.fill(0xff);
  c[31] = 0xfe;
  CHECK(keep_outbound(c, d));
  CHECK_FALSE(keep_outbound(d, c));
}

TEST_CASE("equal ids keep neither outbound session") {
  node_id_bytes a{};
  a.fill(0x42);
  CHECK_FALSE(keep_outbound(a, a));
  CHECK_FALSE(keep_outbound(hex(a), hex(a)));
}

TEST_CASE("exactly one side keeps its outbound session, and hex ids agree with bytes") {
  std::mt19937_64 rng{5};
  for (int i = 0; i < 2000; ++i) {
    auto a = random_id(rng);
    auto b = random_id(rng);
    if (i % 10 == 0) {
      b = a;
      b[static_cast<size_t>(rng() % 32)] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    REQUIRE(a != b);
    REQUIRE(keep_outbound(a, b) != keep_outbound(b, a));
    REQUIRE(keep_outbound(hex(a), hex(b)) == keep_outbound(a, b));
    REQUIRE(keep_outbound(hex(a, true), hex(b)) == keep_outbound(a, b));
  }
}

TEST_CASE("the hex form is usable at compile time") {
  static_assert(keep_outbound("00ff", "0100"));
  static_assert(!keep_outbound("0100", "00FF"));
  CHECK(true);
}
