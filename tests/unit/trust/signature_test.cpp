// Strict Ed25519: the signatures and keys that a lax verifier would accept and
// ours must refuse.
#include <doctest/doctest.h>

#include "actors/trust/core/assertion_codec.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

// The group order L = 2^252 + 27742317777372353535851937790883648493, little endian.
constexpr uint8_t order_l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

assertion sample(const test_key& by) {
  assertion a;
  a.issuer = by.pk;
  a.subject = key(9).pk;
  a.lvl = level::high;
  a.issuer_seq = 1;
  a.created_ms = 1000;
  a.labels = {{"note", "x"}};
  return a;
}

// S + L: the same scalar mod L, so a verifier that reduces S would accept it.
sig64 add_order_to_s(sig64 sig) {
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    unsigned sum = sig[32 + i] + order_l[i] + carry;
    sig[32 + i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  return sig;
}

}  // namespace

TEST_CASE("a signature by the issuer verifies and a different issuer's does not") {
  auto k = key(1);
  auto s = sign(sample(k), k.sk.data());
  CHECK(verify(s));
  auto other = sign(sample(k), key(2).sk.data());  // signed by the wrong key
  CHECK_FALSE(verify(other));
}

TEST_CASE("a signature with a non-canonical scalar S + L is rejected") {
  auto k = key(1);
  auto s = sign(sample(k), k.sk.data());
  REQUIRE(verify(s));
  auto bad = s;
  bad.sig = add_order_to_s(s.sig);
  REQUIRE(bad.sig != s.sig);
  CHECK_FALSE(verify(bad));
}

TEST_CASE("small-order and non-canonical public keys are rejected") {
  // With A and R the identity point and S = 0, [S]B == R + [k]A holds for any
  // message: a lax verifier accepts this "signature" for everything.
  pubkey identity{};
  identity[0] = 1;
  sig64 trivial{};
  trivial[0] = 1;  // R = identity, S = 0
  auto a = sample(key(1));
  a.issuer = identity;
  CHECK_FALSE(verify(signed_assertion{a, trivial}));

  // The identity again, encoded non-canonically as y = 1 + p.
  pubkey noncanonical{};
  noncanonical.fill(0xff);
  noncanonical[0] = 0xee;
  noncanonical[31] = 0x7f;
  a.issuer = noncanonical;
  CHECK_FALSE(verify(signed_assertion{a, trivial}));

  // A point of order 2 (y = -1).
  pubkey order2{};
  order2.fill(0xff);
  order2[0] = 0xec;
  order2[31] = 0x7f;
  a.issuer = order2;
  CHECK_FALSE(verify(signed_assertion{a, trivial}));
}

TEST_CASE("any changed byte of a signed assertion fails decoding or verification") {
  auto k = key(1);
  auto s = sign(sample(k), k.sk.data());
  auto bytes = encode(s);
  size_t survived_decode = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t bit : {0x01, 0x80}) {
      auto bad = bytes;
      bad[i] ^= bit;
      auto d = decode_signed(bad.data(), bad.size());
      if (!d) continue;
      ++survived_decode;
      CHECK_FALSE(verify(*d));
    }
  }
  CHECK(survived_decode > 0);
}

TEST_CASE("a signature does not carry over to a re-encoded or edited assertion") {
  auto k = key(1);
  auto s = sign(sample(k), k.sk.data());
  // Every field edit invalidates it, including ones a lax decoder might ignore.
  auto edits = std::vector<void (*)(assertion&)>{
      [](assertion& a) { a.issuer_seq += 1; },
      [](assertion& a) { a.created_ms += 1; },
      [](assertion& a) { a.expires_ms = a.created_ms + 1; },
      [](assertion& a) { a.lvl = level::ultimate; },
      [](assertion& a) { a.labels.clear(); },
      [](assertion& a) { a.labels[0].second = "y"; },
      [](assertion& a) { a.subject[0] ^= 1; },
  };
  for (auto edit : edits) {
    auto bad = s;
    edit(bad.a);
    CHECK_FALSE(verify(bad));
  }
}
