// The record reader and writer (actors/peer/session/record.hpp): round trips
// at every split of the stream, and hostile streams refused before anything
// beyond one record is buffered.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "actors/peer/session/record.hpp"

using namespace nz::peer;

namespace {

std::vector<uint8_t> rec(record_kind k, std::vector<uint8_t> payload) {
  auto r = encode_record(k, payload.data(), payload.size());
  REQUIRE(r);
  return *r;
}

std::vector<uint8_t> header(uint32_t len) {
  return {static_cast<uint8_t>(len >> 24), static_cast<uint8_t>(len >> 16),
          static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
}

}  // namespace

TEST_CASE("a record is length, kind, payload") {
  auto r = rec(record_kind::frame, {9, 8, 7});
  CHECK(r == std::vector<uint8_t>{0, 0, 0, 4, 4, 9, 8, 7});
  std::vector<char> out{'x'};
  uint8_t p[2] = {1, 2};
  REQUIRE(append_record(out, record_kind::hello, p, 2));
  CHECK(out == std::vector<char>{'x', 0, 0, 0, 3, 1, 1, 2});
}

TEST_CASE("the writer refuses what the reader would refuse") {
  std::vector<uint8_t> big(max_record_len, 0);
  CHECK(encode_record(record_kind::frame, big.data(), big.size()).error().code
        == session_errc::payload_too_long);
  CHECK(encode_record(record_kind::frame, big.data(), big.size() - 1));
  uint8_t one = 1;
  CHECK(encode_record(record_kind::abort, &one, 1).error().code
        == session_errc::invalid_argument);
  CHECK(encode_record(static_cast<record_kind>(9), nullptr, 0).error().code
        == session_errc::invalid_argument);
}

TEST_CASE("records come out whole at every split of the stream") {
  std::vector<uint8_t> stream;
  std::vector<std::vector<uint8_t>> want;
  std::mt19937 rng(7);
  for (int i = 0; i < 40; ++i) {
    auto kind = static_cast<record_kind>(1 + i % 4);
    std::vector<uint8_t> payload(rng() % 300);
    for (auto& b : payload) b = static_cast<uint8_t>(rng());
    auto r = rec(kind, payload);
    stream.insert(stream.end(), r.begin(), r.end());
    payload.insert(payload.begin(), static_cast<uint8_t>(kind));
    want.push_back(payload);
  }
  auto a = rec(record_kind::abort, {});
  stream.insert(stream.end(), a.begin(), a.end());
  want.push_back({5});
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{7}, size_t{64},
                       size_t{1000}, stream.size()}) {
    CAPTURE(chunk);
    record_reader rd;
    std::vector<record_bytes> got;
    for (size_t i = 0; i < stream.size(); i += chunk)
      REQUIRE(rd.feed(stream.data() + i, std::min(chunk, stream.size() - i), got));
    CHECK(got == want);
    CHECK(rd.buffered() == 0);
  }
}

TEST_CASE("the largest record passes; one byte more is refused at its header") {
  std::vector<uint8_t> payload(max_record_len - 1, 0xab);
  auto r = rec(record_kind::frame, payload);
  record_reader rd;
  std::vector<record_bytes> got;
  REQUIRE(rd.feed(r.data(), r.size(), got));
  REQUIRE(got.size() == 1);
  CHECK(got[0].size() == max_record_len);

  record_reader rd2;
  auto h = header(max_record_len + 1);
  auto res = rd2.feed(h.data(), h.size(), got);
  REQUIRE_FALSE(res);
  CHECK(res.error().code == session_errc::too_long);
  CHECK(rd2.buffered() == 0);  // nothing kept for the announced payload
}

TEST_CASE("a hostile header announcing 512 MiB allocates nothing") {
  record_reader rd;
  std::vector<record_bytes> got;
  auto h = header(512u << 20);
  auto res = rd.feed(h.data(), h.size(), got);
  REQUIRE_FALSE(res);
  CHECK(res.error().code == session_errc::too_long);
  CHECK(rd.buffered() == 0);
}

TEST_CASE("a configured smaller limit is enforced") {
  record_reader rd(100);
  CHECK(rd.max_len() == 100);
  std::vector<record_bytes> got;
  auto ok = rec(record_kind::frame, std::vector<uint8_t>(99));
  REQUIRE(rd.feed(ok.data(), ok.size(), got));
  auto bad = rec(record_kind::frame, std::vector<uint8_t>(100));
  CHECK(rd.feed(bad.data(), bad.size(), got).error().code == session_errc::too_long);
  CHECK(record_reader(0).max_len() == 1);
  CHECK(record_reader(UINT32_MAX).max_len() == max_record_len);
}

TEST_CASE("malformed streams: length 0, unknown kinds, an abort with a payload") {
  std::vector<record_bytes> got;
  {
    record_reader rd;
    auto h = header(0);
    CHECK(rd.feed(h.data(), h.size(), got).error().code == session_errc::malformed);
  }
  for (uint8_t kind : {uint8_t{0}, uint8_t{6}, uint8_t{0x80}, uint8_t{0xff}}) {
    record_reader rd;
    std::vector<uint8_t> s = header(2);
    s.push_back(kind);
    s.push_back(0);
    CHECK(rd.feed(s.data(), s.size(), got).error().code == session_errc::malformed);
  }
  {
    record_reader rd;
    std::vector<uint8_t> s = header(2);
    s.push_back(5);
    s.push_back(0);
    CHECK(rd.feed(s.data(), s.size(), got).error().code == session_errc::malformed);
  }
  // BASP (CAF's own protocol) spoken to a peer port: its first four bytes are
  // read as a length, and whatever they say, the stream is refused at once or
  // at its first kind byte.
  {
    record_reader rd;
    std::vector<uint8_t> basp(40, 0);
    basp[0] = 0x00;  // BASP header: operation, padding, flags, payload_len ...
    basp[3] = 0x00;
    auto res = rd.feed(basp.data(), basp.size(), got);
    CHECK_FALSE(res);
  }
  CHECK(got.empty());
}

TEST_CASE("once failed, a reader stays failed and keeps nothing") {
  record_reader rd;
  std::vector<record_bytes> got;
  auto h = header(0);
  REQUIRE_FALSE(rd.feed(h.data(), h.size(), got));
  CHECK(rd.failed());
  auto good = rec(record_kind::frame, {1});
  CHECK_FALSE(rd.feed(good.data(), good.size(), got));
  CHECK(got.empty());
  CHECK(rd.buffered() == 0);
}

TEST_CASE("records before an error are delivered") {
  auto good = rec(record_kind::hello, {1, 2});
  auto s = good;
  auto h = header(0);
  s.insert(s.end(), h.begin(), h.end());
  record_reader rd;
  std::vector<record_bytes> got;
  CHECK_FALSE(rd.feed(s.data(), s.size(), got));
  REQUIRE(got.size() == 1);
  CHECK(got[0] == std::vector<uint8_t>{1, 1, 2});
}
