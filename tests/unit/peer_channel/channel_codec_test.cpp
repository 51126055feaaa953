// The "chan" frame body: round trips, names, limits, hostile bytes.
#include <doctest/doctest.h>

#include <random>

#include "actors/peer/channel_codec.hpp"

using namespace nz::peer;

TEST_CASE("a channel frame round trips") {
  channel_frame x{"app.events-1", 7, 3, {1, 2, 3, 0, 255}};
  auto b = encode_channel_frame(x);
  REQUIRE_FALSE(b.empty());
  auto y = decode_channel_frame(b);
  REQUIRE(y);
  CHECK(y->channel == x.channel);
  CHECK(y->id == 7);
  CHECK(y->reply_to == 3);
  CHECK(y->payload == x.payload);
}

TEST_CASE("channel names are 1-64 characters of [a-z0-9._-]") {
  CHECK(valid_channel_name("a"));
  CHECK(valid_channel_name(std::string(64, 'z')));
  for (auto bad : {"", "A", "a b", "a/b", "ä", "a\n"})
    CHECK_FALSE(valid_channel_name(bad));
  CHECK_FALSE(valid_channel_name(std::string(65, 'a')));
  CHECK(encode_channel_frame({"Bad", 1, 0, {}}).empty());
}

TEST_CASE("payloads above the limit are refused both ways") {
  CHECK(encode_channel_frame({"c", 1, 0, std::vector<uint8_t>(max_channel_payload + 1)})
            .empty());
  auto ok = encode_channel_frame({"c", 1, 0, std::vector<uint8_t>(max_channel_payload)});
  CHECK(decode_channel_frame(ok));
}

TEST_CASE("truncation, trailing bytes, wrong version and random bytes are refused") {
  auto b = encode_channel_frame({"chan", 9, 0, {4, 5, 6}});
  for (size_t n = 0; n < b.size(); ++n)
    CHECK_FALSE(decode_channel_frame(std::vector<uint8_t>(b.begin(), b.begin() + n)));
  auto t = b;
  t.push_back(0);
  CHECK_FALSE(decode_channel_frame(t));
  auto v = b;
  v[0] = 2;
  CHECK_FALSE(decode_channel_frame(v));
  // A huge declared payload length does not allocate: it exceeds the input.
  std::vector<uint8_t> huge{1, 1, 'c', 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f};
  CHECK_FALSE(decode_channel_frame(huge));
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> junk(rng() % 40);
    for (auto& x : junk) x = static_cast<uint8_t>(rng());
    auto d = decode_channel_frame(junk);
    if (d) CHECK(encode_channel_frame(*d) == junk);  // canonical when accepted
  }
}
