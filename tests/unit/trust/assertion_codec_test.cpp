// Assertions: field rules, the canonical codec and its strict decoder.
#include <doctest/doctest.h>

#include "actors/trust/core/assertion_codec.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

assertion sample() {
  assertion a;
  a.k = kind::set_level;
  a.issuer = key(1).pk;
  a.subject = key(2).pk;
  a.lvl = level::high;
  a.issuer_seq = 7;
  a.created_ms = 1000;
  a.expires_ms = 5000;
  a.labels = {{"name", "alice"}, {"role", "relay"}};
  return a;
}

assertion delegation() {
  assertion a = sample();
  a.k = kind::delegate;
  a.lvl = level::unknown;
  a.depth = 2;
  a.max_level = level::medium;
  return a;
}

trust_errc decode_error(const std::vector<uint8_t>& bytes, const limits& l = {}) {
  auto r = decode_assertion(bytes.data(), bytes.size(), l);
  REQUIRE_FALSE(r);
  return r.error().code;
}

// Writes an assertion field by field so tests can break one field at a time.
struct raw_assertion {
  uint8_t version = 1, k = 1;
  pubkey issuer = key(1).pk, subject = key(2).pk;
  uint8_t lvl = 2, depth = 0, max_level = 0;
  uint64_t seq = 1;
  int64_t created = 10, expires = 0;
  std::vector<std::pair<std::string, std::string>> labels;

  std::vector<uint8_t> bytes() const {
    nz::storage::byte_writer w;
    w.put_u8(version);
    w.put_u8(k);
    w.put_raw(issuer.data(), 32);
    w.put_raw(subject.data(), 32);
    w.put_u8(lvl);
    w.put_u8(depth);
    w.put_u8(max_level);
    w.put_varint(seq);
    w.put_i64(created);
    w.put_i64(expires);
    w.put_varint(labels.size());
    for (auto& [key, value] : labels) {
      w.put_string(key);
      w.put_string(value);
    }
    return w.take();
  }
};

}  // namespace

TEST_CASE("assertions of every kind survive encode and decode unchanged") {
  std::vector<assertion> xs{sample(), delegation()};
  auto r = sample();
  r.k = kind::revoke;
  r.lvl = level::unknown;
  r.expires_ms = 0;
  r.labels.clear();
  xs.push_back(r);
  r.k = kind::remove;
  xs.push_back(r);
  auto big = sample();
  big.issuer_seq = ~uint64_t{0};
  big.created_ms = INT64_MAX - 1;
  big.expires_ms = INT64_MAX;
  xs.push_back(big);
  for (const auto& a : xs) {
    REQUIRE(validate(a, limits{}));
    auto bytes = encode(a);
    auto back = decode_assertion(bytes.data(), bytes.size());
    REQUIRE(back);
    CHECK(*back == a);
    CHECK(encode(*back) == bytes);
  }
}

TEST_CASE("a signed assertion is the assertion bytes followed by 64 signature bytes") {
  auto s = sign(sample(), key(1).sk.data());
  auto bytes = encode(s);
  CHECK(bytes.size() == encode(s.a).size() + 64);
  auto back = decode_signed(bytes.data(), bytes.size());
  REQUIRE(back);
  CHECK(*back == s);
  bytes.push_back(0);
  CHECK(decode_signed(bytes.data(), bytes.size()).error().code == trust_errc::malformed);
  bytes.resize(bytes.size() - 2);
  CHECK_FALSE(decode_signed(bytes.data(), bytes.size()));
}

TEST_CASE("the signing bytes are the domain string, a NUL and the encoding") {
  auto a = sample();
  auto msg = signing_bytes(a);
  std::string prefix(msg.begin(), msg.begin() + 22);
  CHECK(prefix == std::string("nz-trust-assertion-v1") + '\0');
  CHECK(std::vector<uint8_t>(msg.begin() + 22, msg.end()) == encode(a));
}

TEST_CASE("decode refuses every truncation and trailing bytes") {
  auto bytes = encode(sample());
  for (size_t n = 0; n < bytes.size(); ++n)
    CHECK(decode_assertion(bytes.data(), n).error().code == trust_errc::malformed);
  bytes.push_back(0);
  CHECK(decode_error(bytes) == trust_errc::malformed);
}

TEST_CASE("decode refuses unknown versions, kinds and levels") {
  raw_assertion r;
  REQUIRE(decode_assertion(r.bytes().data(), r.bytes().size()));
  for (uint8_t v : {0, 2, 0xff}) {
    auto x = r;
    x.version = v;
    CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  }
  for (uint8_t k : {0, 5, 0xff}) {
    auto x = r;
    x.k = k;
    CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  }
  auto x = r;
  x.lvl = 5;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x = r;
  x.k = 3;
  x.lvl = 0;
  x.depth = 1;
  x.max_level = 9;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
}

TEST_CASE("decode refuses fields that the kind does not use") {
  raw_assertion set;  // set_level
  auto x = set;
  x.depth = 1;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x = set;
  x.max_level = 1;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);

  raw_assertion del;
  del.k = 3;
  del.lvl = 0;
  del.depth = 2;
  del.max_level = 3;
  REQUIRE(decode_assertion(del.bytes().data(), del.bytes().size()));
  x = del;
  x.lvl = 1;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x = del;
  x.depth = 0;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x = del;
  x.max_level = 0;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x = del;
  x.depth = 5;  // over max_delegation_depth 4
  CHECK(decode_error(x.bytes()) == trust_errc::limit);

  for (uint8_t k : {2, 4}) {
    raw_assertion rv;
    rv.k = k;
    rv.lvl = 0;
    REQUIRE(decode_assertion(rv.bytes().data(), rv.bytes().size()));
    x = rv;
    x.lvl = 1;
    CHECK(decode_error(x.bytes()) == trust_errc::malformed);
    x = rv;
    x.depth = 1;
    CHECK(decode_error(x.bytes()) == trust_errc::malformed);
    x = rv;
    x.expires = 100;  // revocations and removals do not expire
    CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  }
}

TEST_CASE(
    "decode refuses issuer_seq 0, negative creation and expiry not after creation") {
  raw_assertion r;
  auto x = r;
  x.seq = 0;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x = r;
  x.created = -1;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x = r;
  x.expires = x.created;
  CHECK(decode_error(x.bytes()) == trust_errc::malformed);
  x.expires = x.created + 1;
  CHECK(decode_assertion(x.bytes().data(), x.bytes().size()));
}

TEST_CASE("decode refuses unsorted, duplicate and empty label keys") {
  raw_assertion r;
  r.labels = {{"b", "1"}, {"a", "2"}};
  CHECK(decode_error(r.bytes()) == trust_errc::malformed);
  r.labels = {{"a", "1"}, {"a", "2"}};
  CHECK(decode_error(r.bytes()) == trust_errc::malformed);
  r.labels = {{"", "1"}};
  CHECK(decode_error(r.bytes()) == trust_errc::malformed);
  r.labels = {{"a", ""}, {"b", ""}};
  CHECK(decode_assertion(r.bytes().data(), r.bytes().size()));
}

TEST_CASE("label limits are errors of code limit that name the limit and the value") {
  limits l;
  raw_assertion r;
  for (size_t i = 0; i < 17; ++i)
    r.labels.push_back({"k" + std::string(1, char('a' + i)), ""});
  auto d = decode_assertion(r.bytes().data(), r.bytes().size(), l);
  REQUIRE_FALSE(d);
  CHECK(d.error().code == trust_errc::limit);
  CHECK(d.error().message == "label count 17 exceeds limit 16");

  r.labels = {{std::string(65, 'k'), ""}};
  d = decode_assertion(r.bytes().data(), r.bytes().size(), l);
  CHECK(d.error().message == "label key size 65 exceeds limit 64");
  r.labels = {{"k", std::string(257, 'v')}};
  d = decode_assertion(r.bytes().data(), r.bytes().size(), l);
  CHECK(d.error().message == "label value size 257 exceeds limit 256");
  r.labels.clear();
  for (char c = 'a'; c < 'a' + 9; ++c)
    r.labels.push_back({std::string(1, c), std::string(250, 'v')});
  d = decode_assertion(r.bytes().data(), r.bytes().size(), l);
  CHECK(d.error().message == "label metadata size 2259 exceeds limit 2048");

  // The same assertion passes under larger configured limits.
  l.max_metadata = 4096;
  CHECK(decode_assertion(r.bytes().data(), r.bytes().size(), l));
}

TEST_CASE("a huge label length prefix is refused before anything is allocated") {
  raw_assertion r;
  auto bytes = r.bytes();
  bytes.back() = 1;  // one label
  nz::storage::byte_writer w;
  w.put_varint(~uint64_t{0} >> 2);
  bytes.insert(bytes.end(), w.bytes().begin(), w.bytes().end());
  CHECK(decode_error(bytes) == trust_errc::limit);
}

TEST_CASE("overlong varints are refused: there is one encoding per assertion") {
  raw_assertion r;
  auto bytes = r.bytes();
  // issuer_seq 1 sits right after the three level bytes at offset 1+1+32+32+3.
  size_t at = 69;
  REQUIRE(bytes[at] == 1);
  bytes[at] = 0x81;
  bytes.insert(bytes.begin() + static_cast<long>(at) + 1, 0x00);
  CHECK(decode_error(bytes) == trust_errc::malformed);
}

TEST_CASE("expiry: own assertions at expires_ms, foreign ones default to created + TTL") {
  limits l;
  auto a = sample();
  a.expires_ms = 0;
  CHECK(expiry_of(a, false, l) == 0);
  CHECK(expiry_of(a, true, l) == a.created_ms + l.default_ttl_ms);
  CHECK_FALSE(is_expired(a, true, l, a.created_ms + l.default_ttl_ms - 1));
  CHECK(is_expired(a, true, l, a.created_ms + l.default_ttl_ms));  // boundary
  a.expires_ms = 2000;
  CHECK(expiry_of(a, true, l) == 2000);
  CHECK_FALSE(is_expired(a, false, l, 1999));
  CHECK(is_expired(a, false, l, 2000));
  a.created_ms = INT64_MAX - 5;
  a.expires_ms = 0;
  CHECK(expiry_of(a, true, l) == INT64_MAX);  // saturates
  l.default_ttl_ms = 0;
  CHECK(expiry_of(a, true, l) == 0);
  auto r = sample();
  r.k = kind::revoke;
  CHECK(expiry_of(r, true, limits{}) == 0);
}

TEST_CASE("levels and kinds have stable names") {
  CHECK(std::string(to_string(level::medium)) == "medium");
  CHECK(std::string(to_string(kind::delegate)) == "delegate");
  CHECK(parse_level("high") == level::high);
  CHECK(parse_level("4") == level::ultimate);
  CHECK_FALSE(parse_level("5"));
  CHECK_FALSE(parse_level("HIGH"));
  CHECK(std::string(to_string(trust_errc::replayed_seq)) == "replayed_seq");
}
