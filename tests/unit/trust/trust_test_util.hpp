// Shared helpers of the trust core tests: deterministic Ed25519 keys and
// builders for signed assertions with per-issuer sequence numbers.
#pragma once

#include <doctest/doctest.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/trust/core/assertion.hpp"
#include "actors/trust/core/signature.hpp"

namespace nz::trust::test {

constexpr int64_t t0 = 1'000'000;  // "now" of most tests
constexpr int64_t day = 24LL * 60 * 60 * 1000;

struct test_key {
  pubkey pk{};
  std::array<uint8_t, 64> sk{};
};

/// Key number n (the same for every run).
inline test_key key(uint8_t n) {
  test_key k;
  std::array<uint8_t, 32> seed{};
  seed.fill(n);
  seed[0] = 0x5a;
  crypto_sign_seed_keypair(k.pk.data(), k.sk.data(), seed.data());
  return k;
}

/// The error code of a failed result (fails the test if it succeeded).
template <class R>
trust_errc code_of(const R& r) {
  REQUIRE_FALSE(r);
  return r.error().code;
}

/// Issues assertions with increasing issuer_seq per issuer.
class issuer_book {
 public:
  signed_assertion make(const test_key& by, assertion a) {
    a.issuer = by.pk;
    if (a.issuer_seq == 0) a.issuer_seq = ++seq_[by.pk];
    return sign(a, by.sk.data());
  }
  signed_assertion set_level(const test_key& by, const pubkey& about, level l,
                             int64_t created = t0 - 1000, int64_t expires = 0) {
    assertion a;
    a.k = kind::set_level;
    a.subject = about;
    a.lvl = l;
    a.created_ms = created;
    a.expires_ms = expires;
    return make(by, a);
  }
  signed_assertion delegate(const test_key& by, const pubkey& about, uint8_t depth,
                            level max, int64_t created = t0 - 1000, int64_t expires = 0) {
    assertion a;
    a.k = kind::delegate;
    a.subject = about;
    a.depth = depth;
    a.max_level = max;
    a.created_ms = created;
    a.expires_ms = expires;
    return make(by, a);
  }
  signed_assertion revoke(const test_key& by, const pubkey& about,
                          int64_t created = t0 - 1000) {
    assertion a;
    a.k = kind::revoke;
    a.subject = about;
    a.created_ms = created;
    return make(by, a);
  }
  signed_assertion remove(const test_key& by, const pubkey& about,
                          int64_t created = t0 - 1000) {
    assertion a;
    a.k = kind::remove;
    a.subject = about;
    a.created_ms = created;
    return make(by, a);
  }
  uint64_t next(const pubkey& issuer) const {
    auto i = seq_.find(issuer);
    return i == seq_.end() ? 1 : i->second + 1;
  }

 private:
  std::map<pubkey, uint64_t> seq_;
};

}  // namespace nz::trust::test
