// The frame body: MessagePack [type, trace, body], round trips, known bytes,
// and hostile inputs (wrong shapes and types, trailing bytes, huge declared
// lengths, oversized fields).
#include <doctest/doctest.h>

#include <random>

#include "actors/peer/session/frame_body.hpp"
#include "tests/unit/peer_session/session_test_util.hpp"

using namespace nz::peer;
using namespace nz::peer::test;

namespace {

session_errc decode_error(const std::vector<uint8_t>& b,
                          size_t max_body = default_max_body) {
  auto r = decode_frame_body(b, max_body);
  REQUIRE_FALSE(r);
  return r.error().code;
}

std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace

TEST_CASE("a frame body encodes as a three-element MessagePack array") {
  frame_body x{"ping", {}, {0x01}};
  auto e = encode_frame_body(x);
  REQUIRE(e);
  const std::vector<uint8_t> want{0x93, 0xa4, 'p',  'i',  'n', 'g',
                                  0xc4, 0x00, 0xc4, 0x01, 0x01};
  CHECK(*e == want);
  auto d = decode_frame_body(*e);
  REQUIRE(d);
  CHECK(d->type == "ping");
  CHECK(d->trace.empty());
  CHECK(d->body == std::vector<uint8_t>{0x01});
}

TEST_CASE("frame bodies round trip at every size class up to the limits") {
  for (size_t body_len :
       {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{4096}, default_max_body}) {
    for (size_t trace_len : {size_t{0}, size_t{16}, max_trace_len}) {
      frame_body x;
      x.type = std::string(max_frame_type_len, 'a');
      x.trace.assign(trace_len, 0x5a);
      x.body.resize(body_len);
      for (size_t i = 0; i < body_len; ++i) {
        x.body[i] = static_cast<uint8_t>(i);
      }
      auto e = encode_frame_body(x);
      REQUIRE(e);
      CHECK(e->size() <= body_len + max_frame_body_overhead);
      auto d = decode_frame_body(*e);
      REQUIRE(d);
      CHECK(d->type == x.type);
      CHECK(d->trace == x.trace);
      CHECK(d->body == x.body);
    }
  }
}

TEST_CASE("the largest frame body fits the largest frame plaintext") {
  frame_body x{std::string(32, 'z'), std::vector<uint8_t>(64, 1),
               std::vector<uint8_t>(default_max_body, 2)};
  auto e = encode_frame_body(x);
  REQUIRE(e);
  CHECK(e->size() <= max_session_plaintext);
}

TEST_CASE("non-shortest MessagePack encodings of the right types are accepted") {
  // str8 for a 4-byte type, bin16 trace, bin32 body.
  const std::vector<uint8_t> b{0xdc, 0x00, 0x03,                   // array16 of 3
                               0xd9, 0x04, 'p',  'o',  'n',  'g',  // str8
                               0xc5, 0x00, 0x01, 0x07,             // bin16
                               0xc6, 0x00, 0x00, 0x00, 0x02, 0x08, 0x09};
  auto d = decode_frame_body(b);
  REQUIRE(d);
  CHECK(d->type == "pong");
  CHECK(d->trace == std::vector<uint8_t>{7});
  CHECK(d->body == std::vector<uint8_t>{8, 9});
}

TEST_CASE("frame bodies of the wrong shape or types are malformed") {
  const std::vector<uint8_t> type{0xa4, 'p', 'i', 'n', 'g'};
  const std::vector<uint8_t> bin0{0xc4, 0x00};
  CHECK(decode_error({}) == session_errc::malformed);
  CHECK(decode_error({0x92, 0xa1, 'a', 0xc4, 0x00}) == session_errc::malformed);  // 2
  CHECK(decode_error(cat({{0x94}, type, bin0, bin0, bin0})) == session_errc::malformed);
  CHECK(decode_error({0x90}) == session_errc::malformed);
  CHECK(decode_error({0x80}) == session_errc::malformed);                     // {}
  CHECK(decode_error(cat({{0x81}, type, bin0})) == session_errc::malformed);  // map
  CHECK(decode_error(cat({{0x93}, bin0, bin0, bin0})) == session_errc::malformed);
  CHECK(decode_error(cat({{0x93}, type, type, bin0})) == session_errc::malformed);
  CHECK(decode_error(cat({{0x93}, type, bin0, {0x01}})) == session_errc::malformed);
  CHECK(decode_error(cat({{0x93}, type, bin0, {0xc0}})) == session_errc::malformed);
  CHECK(decode_error(cat({{0x93}, type, {0x91, 0xc4, 0x00}, bin0}))
        == session_errc::malformed);  // nested array
  CHECK(decode_error(cat({{0x93}, type, bin0, {0xd4, 0x01, 0x02}}))
        == session_errc::malformed);  // fixext1
  CHECK(decode_error(cat({{0x93}, type, bin0, {0xc7, 0x01, 0x05, 0x00}}))
        == session_errc::malformed);                       // ext8
  CHECK(decode_error({0xc1}) == session_errc::malformed);  // never used
  CHECK(decode_error({0x2a}) == session_errc::malformed);  // a bare integer
}

TEST_CASE("trailing bytes after a frame body are malformed") {
  auto e = encode_frame_body({"ping", {}, {}});
  REQUIRE(e);
  auto b = *e;
  b.push_back(0x00);
  CHECK(decode_error(b) == session_errc::malformed);
  auto two = cat({*e, *e});
  CHECK(decode_error(two) == session_errc::malformed);
}

TEST_CASE("every truncation of a frame body is malformed") {
  auto e = encode_frame_body({"trust_sync", {1, 2, 3}, {4, 5, 6, 7}});
  REQUIRE(e);
  for (size_t keep = 0; keep < e->size(); ++keep) {
    std::vector<uint8_t> cut(e->begin(), e->begin() + static_cast<ptrdiff_t>(keep));
    CHECK(decode_error(cut) == session_errc::malformed);
  }
}

TEST_CASE("huge declared lengths allocate nothing and are refused") {
  const std::vector<uint8_t> type{0xa4, 'p', 'i', 'n', 'g'};
  const std::vector<uint8_t> bin0{0xc4, 0x00};
  const std::vector<uint8_t> ff4{0xff, 0xff, 0xff, 0xff};
  // bin32 body of 4 GiB - 1 with 3 bytes present.
  CHECK(decode_error(cat({{0x93}, type, bin0, {0xc6}, ff4, {1, 2, 3}}))
        == session_errc::malformed);
  // str32 type of 4 GiB - 1.
  CHECK(decode_error(cat({{0x93, 0xdb}, ff4, {'a'}})) == session_errc::malformed);
  // array32 and map32 of 2^32 - 1 elements.
  CHECK(decode_error(cat({{0xdd}, ff4, type})) == session_errc::malformed);
  CHECK(decode_error(cat({{0xdf}, ff4, type})) == session_errc::malformed);
  // bin32 trace of 4 GiB - 1, ext32 of 4 GiB - 1.
  CHECK(decode_error(cat({{0x93}, type, {0xc6}, ff4})) == session_errc::malformed);
  CHECK(decode_error(cat({{0x93}, type, bin0, {0xc9}, ff4, {0x01}}))
        == session_errc::malformed);
  // A 70,000-byte body declared and present: the input is too long.
  std::vector<uint8_t> big = cat({{0x93}, type, bin0, {0xc6, 0x00, 0x01, 0x11, 0x70}});
  big.resize(big.size() + 70'000, 0);
  CHECK(decode_error(big) == session_errc::too_long);
}

TEST_CASE("oversized fields are too_long") {
  const std::vector<uint8_t> bin0{0xc4, 0x00};
  std::vector<uint8_t> long_type{0x93, 0xd9, 33};
  long_type.resize(long_type.size() + 33, 'a');
  CHECK(decode_error(cat({long_type, bin0, bin0})) == session_errc::too_long);
  std::vector<uint8_t> long_trace{0x93, 0xa1, 'a', 0xc4, 65};
  long_trace.resize(long_trace.size() + 65, 0);
  CHECK(decode_error(cat({long_trace, bin0})) == session_errc::too_long);
  // A body over a small configured limit.
  auto e = encode_frame_body({"a", {}, std::vector<uint8_t>(11, 0)});
  REQUIRE(e);
  CHECK(decode_error(*e, 10) == session_errc::too_long);
  CHECK(decode_frame_body(*e, 11));
  // Input over max_body + overhead is refused before parsing.
  std::vector<uint8_t> junk(10 + max_frame_body_overhead + 1, 0x93);
  CHECK(decode_error(junk, 10) == session_errc::too_long);
}

TEST_CASE("frame types outside [a-z0-9_.]{1,32} are refused both ways") {
  CHECK(valid_frame_type("ping"));
  CHECK(valid_frame_type("trust_sync.v2"));
  CHECK(valid_frame_type(std::string(32, 'x')));
  CHECK_FALSE(valid_frame_type(""));
  CHECK_FALSE(valid_frame_type(std::string(33, 'x')));
  CHECK_FALSE(valid_frame_type("Ping"));
  CHECK_FALSE(valid_frame_type("pi ng"));
  CHECK_FALSE(valid_frame_type(std::string("pi\0ng", 5)));
  for (const char* bad : {"", "Ping", "a-b", "\xc3\xa9"}) {
    auto e = encode_frame_body({bad, {}, {}});
    REQUIRE_FALSE(e);
    CHECK(e.error().code == session_errc::invalid_argument);
  }
  CHECK(decode_error({0x93, 0xa0, 0xc4, 0x00, 0xc4, 0x00}) == session_errc::malformed);
  CHECK(decode_error({0x93, 0xa1, 'A', 0xc4, 0x00, 0xc4, 0x00})
        == session_errc::malformed);
}

TEST_CASE("encode refuses oversized trace and body") {
  auto t = encode_frame_body({"a", std::vector<uint8_t>(65, 0), {}});
  REQUIRE_FALSE(t);
  CHECK(t.error().code == session_errc::payload_too_long);
  auto b = encode_frame_body({"a", {}, std::vector<uint8_t>(101, 0)}, 100);
  REQUIRE_FALSE(b);
  CHECK(b.error().code == session_errc::payload_too_long);
}

TEST_CASE("random bytes never crash the decoder and never decode to invalid fields") {
  std::mt19937 rng{42};
  const auto seed = encode_frame_body({"channel", {1, 2}, {3, 4, 5}});
  REQUIRE(seed);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> b;
    if (i % 2 == 0) {
      b.resize(rng() % 64);
      for (auto& x : b) {
        x = static_cast<uint8_t>(rng());
      }
    } else {
      b = *seed;
      for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; ++k) {
        b[rng() % b.size()] = static_cast<uint8_t>(rng());
      }
    }
    auto d = decode_frame_body(b);
    if (d) {
      CHECK(valid_frame_type(d->type));
      CHECK(d->trace.size() <= max_trace_len);
      auto again = encode_frame_body(*d);
      REQUIRE(again);
      auto d2 = decode_frame_body(*again);
      REQUIRE(d2);
      CHECK(d2->body == d->body);
    }
  }
}
