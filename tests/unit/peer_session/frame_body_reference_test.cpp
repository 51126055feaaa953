// The frame body parser (a hand-written strict subset of MessagePack) against
// msgpack-c, the reference implementation from Debian: for seeds in every
// encoding the subset allows and for many random edits of them, both agree on
// whether the input is one [str, bin, bin] array and on its fields.
#include <doctest/doctest.h>

#include <optional>
#include <random>

#include "actors/peer/session/frame_body.hpp"
#include "tests/support/msgpack_reference.hpp"

using namespace nz::peer;

namespace {

void agree(const std::vector<uint8_t>& b) {
  auto want = test::reference_frame_body(b.data(), b.size());
  auto got = decode_frame_body(b);
  REQUIRE(static_cast<bool>(got) == want.has_value());
  if (!want) return;
  CHECK(got->type == want->type);
  CHECK(got->trace == want->trace);
  CHECK(got->body == want->body);
}

/// A seed in the form chosen by `form` (0: shortest, 1..3: wider headers).
std::vector<uint8_t> seed(int form, const std::string& type, size_t trace, size_t body) {
  msgpack::sbuffer sb;
  if (form == 0) {
    msgpack::packer<msgpack::sbuffer> pk{sb};
    pk.pack_array(3);
    pk.pack_str(static_cast<uint32_t>(type.size()));
    pk.pack_str_body(type.data(), static_cast<uint32_t>(type.size()));
    std::vector<char> tr(trace, 't'), bd(body, 'b');
    pk.pack_bin(static_cast<uint32_t>(trace));
    pk.pack_bin_body(tr.data(), static_cast<uint32_t>(trace));
    pk.pack_bin(static_cast<uint32_t>(body));
    pk.pack_bin_body(bd.data(), static_cast<uint32_t>(body));
    return {sb.data(), sb.data() + sb.size()};
  }
  // Wider headers by hand: array16/32, str8/16/32, bin16/32.
  std::vector<uint8_t> b;
  auto be = [&](uint64_t x, int n) {
    for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<uint8_t>(x >> (8 * i)));
  };
  int w = form == 1 ? 1 : form == 2 ? 2 : 4;
  b.push_back(form == 3 ? 0xdd : 0xdc);
  be(3, form == 3 ? 4 : 2);
  b.push_back(w == 1 ? 0xd9 : w == 2 ? 0xda : 0xdb);
  be(type.size(), w);
  b.insert(b.end(), type.begin(), type.end());
  b.push_back(w == 1 ? 0xc4 : w == 2 ? 0xc5 : 0xc6);
  be(trace, w);
  b.insert(b.end(), trace, 't');
  b.push_back(w == 4 ? 0xc6 : 0xc5);
  be(body, w == 4 ? 4 : 2);
  b.insert(b.end(), body, 'b');
  return b;
}

}  // namespace

TEST_CASE("frame bodies: the hand parser and msgpack-c agree on seeds and edits") {
  std::mt19937 rng{20261126};
  std::vector<std::vector<uint8_t>> seeds;
  for (int form = 0; form < 4; ++form) {
    seeds.push_back(seed(form, "chan", 0, 40));
    seeds.push_back(seed(form, "ping", 8, 0));
    seeds.push_back(seed(form, std::string(32, 'x'), 64, 300));
    seeds.push_back(seed(form, "t", 65, 3));                  // trace over its limit
    seeds.push_back(seed(form, std::string(33, 'y'), 0, 1));  // type over its limit
    seeds.push_back(seed(form, "Bad", 0, 1));                 // outside the alphabet
  }
  for (const auto& s : seeds) {
    agree(s);
    for (size_t cut = 0; cut < s.size(); ++cut)
      agree(std::vector<uint8_t>(s.begin(), s.begin() + static_cast<long>(cut)));
  }
  for (int i = 0; i < 30000; ++i) {
    auto b = seeds[rng() % seeds.size()];
    switch (rng() % 4) {
      case 0:  // a few bytes changed, headers most often
        for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k)
          b[rng() % std::min<size_t>(b.size(), 12)] = static_cast<uint8_t>(rng());
        break;
      case 1:  // anywhere
        b[rng() % b.size()] = static_cast<uint8_t>(rng());
        break;
      case 2:  // bytes appended
        for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k)
          b.push_back(static_cast<uint8_t>(rng()));
        break;
      default:  // one byte removed
        b.erase(b.begin() + static_cast<long>(rng() % b.size()));
        break;
    }
    agree(b);
  }
}
