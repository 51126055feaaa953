// XChaCha20-Poly1305-IETF: both engines against the draft-irtf-cfrg-xchacha
// vector and against each other (libsodium is the reference; OpenSSL must give
// identical bytes and accept and reject exactly the same inputs).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <sodium.h>

#include "storage/sealed/xchacha_aead.hpp"

namespace aead = nz::storage::aead;

namespace {

std::vector<uint8_t> hex(std::string_view h) {
  std::vector<uint8_t> out(h.size() / 2);
  size_t n = 0;
  REQUIRE(sodium_hex2bin(out.data(), out.size(), h.data(), h.size(), nullptr, &n, nullptr)
          == 0);
  out.resize(n);
  return out;
}

std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> out(n);
  for (auto& b : out) {
    b = static_cast<uint8_t>(rng());
  }
  return out;
}

const aead::engine both[] = {aead::engine::sodium, aead::engine::openssl};

const char* name(aead::engine e) {
  return e == aead::engine::sodium ? "sodium" : "openssl";
}

/// Ciphertext and tag of `m` with `e`.
std::vector<uint8_t> enc(aead::engine e, const std::vector<uint8_t>& m,
                         const std::vector<uint8_t>& ad, const uint8_t* nonce,
                         const uint8_t* key) {
  std::vector<uint8_t> c(m.size() + aead::tag_size);
  aead::encrypt(c.data(), m.data(), m.size(), ad.data(), ad.size(), nonce, key, e);
  return c;
}

/// Decrypts with `e`; the plaintext, or nothing when rejected (then checks that
/// the output buffer was left zeroed).
bool dec(aead::engine e, const std::vector<uint8_t>& c, const std::vector<uint8_t>& ad,
         const uint8_t* nonce, const uint8_t* key, std::vector<uint8_t>& m) {
  m.assign(c.size() >= aead::tag_size ? c.size() - aead::tag_size : 0, 0xaa);
  bool ok =
      aead::decrypt(m.data(), c.data(), c.size(), ad.data(), ad.size(), nonce, key, e);
  if (!ok) {
    CHECK(std::all_of(m.begin(), m.end(), [](uint8_t b) { return b == 0; }));
  }
  return ok;
}

}  // namespace

TEST_CASE("openssl's ChaCha20-Poly1305 is available on the supported platform") {
  // scripts/setup installs libssl-dev; without it the fast path would silently
  // be libsodium and the comparisons below would compare libsodium with itself.
  REQUIRE(sodium_init() >= 0);
  CHECK(aead::openssl_available());
}

TEST_CASE("both engines reproduce the draft-irtf-cfrg-xchacha-03 A.3.1 vector") {
  REQUIRE(sodium_init() >= 0);
  const std::string text =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
      "the future, sunscreen would be it.";
  std::vector<uint8_t> m(text.begin(), text.end());
  auto ad = hex("50515253c0c1c2c3c4c5c6c7");
  auto key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  auto nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657");
  auto want = hex(
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440b"
      "f3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3f"
      "a"
      "c2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
      "c0875924c1c7987947deafd8780acf49");
  for (auto e : both) {
    CAPTURE(name(e));
    CHECK(enc(e, m, ad, nonce.data(), key.data()) == want);
    std::vector<uint8_t> back;
    REQUIRE(dec(e, want, ad, nonce.data(), key.data(), back));
    CHECK(back == m);
  }
}

TEST_CASE("the engines agree byte for byte on every size, and open each other's output") {
  REQUIRE(sodium_init() >= 0);
  std::mt19937_64 rng(20261126);
  std::vector<size_t> sizes{0,    1,    15,   16,   63,    64,     65,     255,
                            256,  511,  512,  1023, 1024,  2047,   2048,   2049,
                            4095, 4096, 4097, 8191, 65536, 100000, 1 << 20};
  for (int i = 0; i < 200; ++i) {
    sizes.push_back(static_cast<size_t>(rng() % 10000));
  }
  auto before = aead::openssl_calls();
  for (size_t n : sizes) {
    CAPTURE(n);
    auto m = random_bytes(rng, n);
    auto ad = random_bytes(rng, static_cast<size_t>(rng() % 600));
    auto key = random_bytes(rng, aead::key_size);
    auto nonce = random_bytes(rng, aead::nonce_size);
    auto by_sodium = enc(aead::engine::sodium, m, ad, nonce.data(), key.data());
    auto by_openssl = enc(aead::engine::openssl, m, ad, nonce.data(), key.data());
    auto by_auto = enc(aead::engine::automatic, m, ad, nonce.data(), key.data());
    REQUIRE(by_openssl == by_sodium);
    REQUIRE(by_auto == by_sodium);
    for (auto e : both) {
      CAPTURE(name(e));
      std::vector<uint8_t> back;
      REQUIRE(dec(e, by_sodium, ad, nonce.data(), key.data(), back));
      CHECK(back == m);
    }
  }
  // Every size went through OpenSSL: one forced encryption and one forced
  // decryption each, plus the automatic encryptions from fast_min_bytes on. A
  // silent fallback to libsodium would make the comparisons above compare
  // libsodium with itself.
  auto large = static_cast<uint64_t>(std::count_if(
      sizes.begin(), sizes.end(), [](size_t n) { return n >= aead::fast_min_bytes; }));
  CHECK(aead::openssl_calls() - before == 2 * sizes.size() + large);
}

TEST_CASE(
    "both engines reject the same damage: any flipped bit, a wrong key, nonce or AAD") {
  REQUIRE(sodium_init() >= 0);
  std::mt19937_64 rng(7);
  for (size_t n : {size_t{0}, size_t{100}, size_t{4096}}) {
    CAPTURE(n);
    auto m = random_bytes(rng, n);
    auto ad = random_bytes(rng, 40);
    auto key = random_bytes(rng, aead::key_size);
    auto nonce = random_bytes(rng, aead::nonce_size);
    auto c = enc(aead::engine::sodium, m, ad, nonce.data(), key.data());
    for (auto e : both) {
      CAPTURE(name(e));
      std::vector<uint8_t> out;
      // every bit of ciphertext and tag (sampled at 4 KiB)
      size_t step = c.size() > 200 ? 37 : 1;
      for (size_t bit = 0; bit < c.size() * 8; bit += step) {
        auto bad = c;
        bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        CHECK_FALSE(dec(e, bad, ad, nonce.data(), key.data(), out));
      }
      for (size_t i = 0; i < nonce.size(); ++i) {
        auto bad = nonce;
        bad[i] ^= 0x01;
        CHECK_FALSE(dec(e, c, ad, bad.data(), key.data(), out));
      }
      auto bad_key = key;
      bad_key[31] ^= 0x80;
      CHECK_FALSE(dec(e, c, ad, nonce.data(), bad_key.data(), out));
      auto bad_ad = ad;
      bad_ad[0] ^= 0x01;
      CHECK_FALSE(dec(e, c, bad_ad, nonce.data(), key.data(), out));
      auto longer_ad = ad;
      longer_ad.push_back(0);
      CHECK_FALSE(dec(e, c, longer_ad, nonce.data(), key.data(), out));
      // truncated: a shorter record, and one shorter than a tag
      auto cut = c;
      cut.pop_back();
      CHECK_FALSE(dec(e, cut, ad, nonce.data(), key.data(), out));
      std::vector<uint8_t> tiny(aead::tag_size - 1, 0);
      CHECK_FALSE(dec(e, tiny, ad, nonce.data(), key.data(), out));
      // and the undamaged record still opens
      CHECK(dec(e, c, ad, nonce.data(), key.data(), out));
      CHECK(out == m);
    }
  }
}

TEST_CASE("a rejected decryption leaves no plaintext in the output, at every size") {
  REQUIRE(sodium_init() >= 0);
  std::mt19937_64 rng(11);
  for (size_t n : {size_t{1}, size_t{3000}, size_t{70000}}) {
    auto m = random_bytes(rng, n);
    auto key = random_bytes(rng, aead::key_size);
    auto nonce = random_bytes(rng, aead::nonce_size);
    std::vector<uint8_t> ad;
    auto c = enc(aead::engine::openssl, m, ad, nonce.data(), key.data());
    c.back() ^= 0x01;  // tag damaged: OpenSSL has decrypted before it checks
    for (auto e : both) {
      std::vector<uint8_t> out;
      CHECK_FALSE(dec(e, c, ad, nonce.data(), key.data(), out));  // dec checks zeros
    }
  }
}
