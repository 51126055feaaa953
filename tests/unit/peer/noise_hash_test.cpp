// HASH, HMAC and HKDF of the Noise core against libsodium's own HMAC-SHA-2 and
// against known answers computed with Python's hmac + hashlib (an independent
// HMAC-BLAKE2b) and RFC 5869 (HKDF with an empty info is Noise's HKDF).
#include <doctest/doctest.h>

#include <sodium.h>

#include "actors/peer/noise/noise_hash.hpp"
#include "tests/unit/peer/noise_test_util.hpp"

using namespace nz::peer::noise;
using namespace nz::peer::noise::test;

namespace {

std::vector<uint8_t> hmac(hash_algo a, const std::vector<uint8_t>& key,
                          const std::vector<uint8_t>& msg) {
  std::vector<uint8_t> out(hash_len(a));
  noise_hmac(a, key, msg, {}, out.data());
  return out;
}

}  // namespace

TEST_CASE("hash names and sizes follow the spec") {
  CHECK(hash_len(hash_algo::blake2b) == 64);
  CHECK(hash_len(hash_algo::sha512) == 64);
  CHECK(hash_len(hash_algo::sha256) == 32);
  CHECK(block_len(hash_algo::blake2b) == 128);
  CHECK(block_len(hash_algo::sha512) == 128);
  CHECK(block_len(hash_algo::sha256) == 64);
  for (auto a : {hash_algo::blake2b, hash_algo::sha256, hash_algo::sha512})
    CHECK(parse_hash_algo(to_string(a)) == a);
  CHECK_FALSE(parse_hash_algo("BLAKE2s"));
  CHECK_FALSE(parse_hash_algo("blake2b"));
  CHECK_FALSE(parse_hash_algo(""));
}

TEST_CASE("HASH of two parts equals the hash of their concatenation") {
  auto a = pattern_bytes(100, 1);
  auto b = pattern_bytes(300, 7);
  auto ab = a;
  ab.resize(a.size() + b.size());
  std::copy(b.begin(), b.end(), ab.begin() + static_cast<long>(a.size()));
  uint8_t x[64], y[64], z[64];
  noise_hash(hash_algo::blake2b, a, b, x);
  noise_hash(hash_algo::blake2b, ab, {}, y);
  crypto_generichash_blake2b(z, 64, ab.data(), ab.size(), nullptr, 0);
  CHECK(std::equal(x, x + 64, y));
  CHECK(std::equal(x, x + 64, z));
}

TEST_CASE(
    "HMAC-SHA256 and HMAC-SHA512 match libsodium for keys shorter and longer "
    "than a block") {
  for (size_t klen : {0u, 1u, 32u, 63u, 64u, 65u, 127u, 128u, 129u, 200u}) {
    auto key = pattern_bytes(klen, 3);
    auto msg = pattern_bytes(77, 9);
    std::vector<uint8_t> want256(32), want512(64);
    // libsodium declares the key pointer non-null even for an empty key.
    const uint8_t* kp = key.empty() ? msg.data() : key.data();
    crypto_auth_hmacsha256_state s256;
    crypto_auth_hmacsha256_init(&s256, kp, key.size());
    crypto_auth_hmacsha256_update(&s256, msg.data(), msg.size());
    crypto_auth_hmacsha256_final(&s256, want256.data());
    crypto_auth_hmacsha512_state s512;
    crypto_auth_hmacsha512_init(&s512, kp, key.size());
    crypto_auth_hmacsha512_update(&s512, msg.data(), msg.size());
    crypto_auth_hmacsha512_final(&s512, want512.data());
    CAPTURE(klen);
    CHECK(hmac(hash_algo::sha256, key, msg) == want256);
    CHECK(hmac(hash_algo::sha512, key, msg) == want512);
  }
}

TEST_CASE("HMAC-BLAKE2b matches Python's hmac with hashlib.blake2b") {
  auto msg = bytes_of("NewZoneCore HMAC-BLAKE2b");
  CHECK(hex_encode(hmac(hash_algo::blake2b, pattern_bytes(64), msg))
        == "fad188dc2a34c425c43ac3f83593aaae0fa3830da676a7db560e41bc13ee9e04"
           "af87ded6192d5f30e33bee8cf6d8a90792fcf5eb8162734a4481a874ca779fd0");
  // A key longer than the 128-byte block is hashed first.
  CHECK(hex_encode(hmac(hash_algo::blake2b, pattern_bytes(200), msg))
        == "7fb151658c32641bc15ad96e017df7a58704bf4ca177ea4e1371a87ddc221cf9"
           "ee6e84f54d1f07fa83065a069ed8a93afc744a6ae0a67ecca52d6864471a5782");
}

TEST_CASE("HMAC over two data parts equals HMAC over their concatenation") {
  auto key = pattern_bytes(64, 5);
  uint8_t x[64], y[64];
  auto d = pattern_bytes(65, 2);
  noise_hmac(hash_algo::blake2b, key, {d.data(), 64}, {d.data() + 64, 1}, x);
  noise_hmac(hash_algo::blake2b, key, d, {}, y);
  CHECK(std::equal(x, x + 64, y));
}

TEST_CASE("HKDF-BLAKE2b with three outputs matches an independent computation") {
  std::vector<uint8_t> ck(64, 0x11), ikm(32, 0x22);
  uint8_t o1[64], o2[64], o3[64];
  noise_hkdf(hash_algo::blake2b, ck, ikm, 3, o1, o2, o3);
  CHECK(hex_encode({o1, 64})
        == "f40cb5e07d2427ba7f73913ac1fda74f774012188c442e04d7b6738430612e57"
           "3151cce099cd56d36e167cfa2761a052518e82dd02e45be173470479d72f544c");
  CHECK(hex_encode({o2, 64})
        == "acdbfbc9fca30a9a12e37d7c6dc98d203af3dadc116d8aec4d51491ffe8c370e"
           "d6593becd2f5bbf31ca7b8983fdf4cb3031a9d331a038a007de628a416c55915");
  CHECK(hex_encode({o3, 64})
        == "54b0eb2eb9af4a8e98b77ad6428586833bfc156c84d4480cd7fafc47231f7ff2"
           "7546fec2ec4e5b4041ae9e431bab416dade6c147b597cae32ccf06f15b65173f");
}

TEST_CASE("HKDF-SHA256 equals RFC 5869 test case 3 (empty salt and info)") {
  std::vector<uint8_t> ikm(22, 0x0b);
  uint8_t o1[32], o2[32];
  noise_hkdf(hash_algo::sha256, {}, ikm, 2, o1, o2, nullptr);
  std::vector<uint8_t> okm(o1, o1 + 32);
  okm.resize(64);
  std::copy(o2, o2 + 32, okm.begin() + 32);
  okm.resize(42);
  CHECK(hex_encode(okm)
        == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
           "9d201395faa4b61a96c8");
}

TEST_CASE("HKDF may write its first output over the chaining key, as MixKey does") {
  std::vector<uint8_t> ck(64, 0x11), ikm(32, 0x22);
  uint8_t o1[64], o2[64];
  noise_hkdf(hash_algo::blake2b, ck, ikm, 2, o1, o2, nullptr);
  uint8_t o2b[64];
  noise_hkdf(hash_algo::blake2b, ck, ikm, 2, ck.data(), o2b, nullptr);
  CHECK(std::equal(o1, o1 + 64, ck.begin()));
  CHECK(std::equal(o2, o2 + 64, o2b));
}
