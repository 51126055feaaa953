// CipherState: nonce encoding, size limits, tampering, replay and reordering,
// nonce exhaustion and Rekey.
#include <doctest/doctest.h>

#include <sodium.h>

#include "actors/peer/noise/cipher_state.hpp"
#include "tests/unit/peer/noise_test_util.hpp"

using namespace nz::peer::noise;
using namespace nz::peer::noise::test;

namespace {

/// A sender and a receiver sharing one key (as after Split).
struct pair_of_states {
  cipher_state tx;
  cipher_state rx;
  explicit pair_of_states(uint8_t seed = 1) {
    auto key = pattern_bytes(32, seed);
    tx.initialize_key(key.data());
    rx.initialize_key(key.data());
  }
};

}  // namespace

TEST_CASE("ChaChaPoly nonces are four zero bytes and the counter in little endian") {
  cipher_state cs;
  auto key = pattern_bytes(32, 1);
  cs.initialize_key(key.data());
  cs.set_nonce(0x0102030405060708ull);
  auto ad = bytes_of("ad");
  auto pt = bytes_of("payload");
  auto ct = cs.encrypt(ad, pt);
  REQUIRE(ct);
  const uint8_t nonce[12] = {0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
  std::vector<uint8_t> want(pt.size() + 16);
  unsigned long long n = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(want.data(), &n, pt.data(), pt.size(),
                                            ad.data(), ad.size(), nullptr, nonce,
                                            key.data());
  CHECK(*ct == want);
  CHECK(cs.nonce() == 0x0102030405060709ull);
}

TEST_CASE("AESGCM nonces carry the counter in big endian") {
  if (!cipher_available(cipher_algo::aesgcm)) return;  // no AES instructions
  cipher_state cs{cipher_algo::aesgcm};
  auto key = pattern_bytes(32, 1);
  cs.initialize_key(key.data());
  cs.set_nonce(0x0102030405060708ull);
  auto pt = bytes_of("payload");
  auto ct = cs.encrypt({}, pt);
  REQUIRE(ct);
  const uint8_t nonce[12] = {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<uint8_t> want(pt.size() + 16);
  unsigned long long n = 0;
  crypto_aead_aes256gcm_encrypt(want.data(), &n, pt.data(), pt.size(), nullptr, 0,
                                nullptr, nonce, key.data());
  CHECK(*ct == want);
}

TEST_CASE("encrypt and decrypt round-trip, including empty plaintexts") {
  pair_of_states p;
  for (size_t len : {0u, 1u, 16u, 1000u}) {
    auto pt = pattern_bytes(len, 3);
    auto ct = p.tx.encrypt(bytes_of("ad"), pt);
    REQUIRE(ct);
    CHECK(ct->size() == len + tag_len);
    auto back = p.rx.decrypt(bytes_of("ad"), *ct);
    REQUIRE(back);
    CHECK(*back == pt);
  }
  CHECK(p.tx.nonce() == 4);
  CHECK(p.rx.nonce() == 4);
}

TEST_CASE("a tampered byte anywhere fails authentication and changes nothing") {
  pair_of_states p;
  auto pt = bytes_of("a transport message");
  auto ct = p.tx.encrypt({}, pt);
  REQUIRE(ct);
  for (size_t i = 0; i < ct->size(); ++i) {
    for (uint8_t bit : {uint8_t{0x01}, uint8_t{0x80}}) {
      auto bad = *ct;
      bad[i] ^= bit;
      std::vector<uint8_t> out = {0xaa};
      auto st = p.rx.decrypt_with_ad({}, bad, out);
      CAPTURE(i);
      REQUIRE_FALSE(st);
      CHECK(st.error().code == noise_errc::decrypt_failed);
      CHECK(out == std::vector<uint8_t>{0xaa});  // output untouched
      CHECK(p.rx.nonce() == 0);
    }
  }
  // A wrong associated data fails too.
  CHECK_FALSE(p.rx.decrypt(bytes_of("x"), *ct));
  // The genuine message still decrypts: the failures changed no state.
  auto back = p.rx.decrypt({}, *ct);
  REQUIRE(back);
  CHECK(*back == pt);
}

TEST_CASE("replayed, reordered and dropped messages fail at the receiver's nonce") {
  pair_of_states p;
  auto m0 = *p.tx.encrypt({}, bytes_of("zero"));
  auto m1 = *p.tx.encrypt({}, bytes_of("one"));
  auto m2 = *p.tx.encrypt({}, bytes_of("two"));
  // Reordered: m1 before m0.
  auto r = p.rx.decrypt({}, m1);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == noise_errc::decrypt_failed);
  CHECK(p.rx.decrypt({}, m0));
  // Replayed: m0 again.
  CHECK_FALSE(p.rx.decrypt({}, m0));
  CHECK(p.rx.decrypt({}, m1));
  // A session layer that tracks nonces itself positions the receiver explicitly.
  p.rx.set_nonce(2);
  CHECK(p.rx.decrypt({}, m2));
  p.rx.set_nonce(0);
  CHECK_FALSE(p.rx.decrypt({}, m2));
}

TEST_CASE("truncated ciphertexts are refused") {
  pair_of_states p;
  auto ct = *p.tx.encrypt({}, bytes_of("hello"));
  for (size_t len = 0; len < ct.size(); ++len) {
    auto r = p.rx.decrypt({}, {ct.data(), len});
    CAPTURE(len);
    REQUIRE_FALSE(r);
    CHECK(r.error().code
          == (len < tag_len ? noise_errc::truncated : noise_errc::decrypt_failed));
  }
  CHECK(p.rx.decrypt({}, ct));
}

TEST_CASE("messages over the 65535-byte Noise limit are refused before any work") {
  pair_of_states p;
  std::vector<uint8_t> big(max_transport_payload_len + 1);
  auto r = p.tx.encrypt({}, big);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == noise_errc::too_long);
  CHECK(p.tx.nonce() == 0);
  big.pop_back();
  auto ok = p.tx.encrypt({}, big);
  REQUIRE(ok);
  CHECK(ok->size() == max_message_len);
  CHECK(p.rx.decrypt({}, *ok));
  std::vector<uint8_t> huge(max_message_len + 1);
  auto d = p.rx.decrypt({}, huge);
  REQUIRE_FALSE(d);
  CHECK(d.error().code == noise_errc::too_long);
}

TEST_CASE("the nonce 2^64-1 is reserved: encrypt and decrypt fail there") {
  pair_of_states p;
  p.tx.set_nonce(max_nonce - 1);
  p.rx.set_nonce(max_nonce - 1);
  auto last = p.tx.encrypt({}, bytes_of("last"));
  REQUIRE(last);
  CHECK(p.rx.decrypt({}, *last));
  CHECK(p.tx.nonce() == max_nonce);
  auto e = p.tx.encrypt({}, bytes_of("one too many"));
  REQUIRE_FALSE(e);
  CHECK(e.error().code == noise_errc::nonce_exhausted);
  auto d = p.rx.decrypt({}, *last);
  REQUIRE_FALSE(d);
  CHECK(d.error().code == noise_errc::nonce_exhausted);
  CHECK(p.tx.nonce() == max_nonce);
}

TEST_CASE("Rekey matches two independent implementations") {
  // Known answer from noise-protocol (npm) and from dissononce with REKEY
  // truncated to 32 bytes (tests/vectors/tools/dissononce_check.py).
  cipher_state cs;
  auto key = pattern_bytes(32, 1);
  cs.initialize_key(key.data());
  REQUIRE(cs.rekey());
  CHECK(cs.nonce() == 0);
  auto ct = cs.encrypt(bytes_of("ad"), bytes_of("after rekey"));
  REQUIRE(ct);
  CHECK(hex_encode(*ct) == "1abd5496b8a89883536d17b3b527d02fe0b1b325c569d5b543962f");
}

TEST_CASE("rekey on both sides keeps traffic flowing, on one side it breaks it") {
  pair_of_states p;
  CHECK(p.rx.decrypt({}, *p.tx.encrypt({}, bytes_of("before"))));
  REQUIRE(p.tx.rekey());
  REQUIRE(p.rx.rekey());
  CHECK(p.tx.nonce() == 1);  // Rekey keeps n
  auto m = p.tx.encrypt({}, bytes_of("after"));
  REQUIRE(m);
  auto back = p.rx.decrypt({}, *m);
  REQUIRE(back);
  CHECK(*back == bytes_of("after"));

  REQUIRE(p.tx.rekey());  // only the sender
  auto m2 = p.tx.encrypt({}, bytes_of("lost"));
  REQUIRE(m2);
  auto r = p.rx.decrypt({}, *m2);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == noise_errc::decrypt_failed);
}

TEST_CASE("a transport state without a key refuses, a handshake state passes through") {
  cipher_state refuse{cipher_algo::chachapoly, cipher_state::keyless::refuse};
  auto e = refuse.encrypt({}, bytes_of("x"));
  REQUIRE_FALSE(e);
  CHECK(e.error().code == noise_errc::no_key);
  CHECK(refuse.decrypt({}, bytes_of("x")).error().code == noise_errc::no_key);
  CHECK(refuse.rekey().code() == noise_errc::no_key);

  cipher_state pass{cipher_algo::chachapoly, cipher_state::keyless::pass_through};
  CHECK(*pass.encrypt({}, bytes_of("plain")) == bytes_of("plain"));
  CHECK(*pass.decrypt({}, bytes_of("plain")) == bytes_of("plain"));
  CHECK(pass.nonce() == 0);
}

TEST_CASE("a clone is independent of its original, and clear drops the key") {
  pair_of_states p;
  auto copy = p.rx.clone();
  auto m = *p.tx.encrypt({}, bytes_of("m"));
  CHECK(p.rx.decrypt({}, m));
  CHECK(copy.nonce() == 0);
  CHECK(copy.decrypt({}, m));
  copy.clear();
  CHECK_FALSE(copy.has_key());
  CHECK(copy.nonce() == 0);
  CHECK(p.rx.has_key());
}

TEST_CASE("cipher names parse") {
  CHECK(parse_cipher_algo("ChaChaPoly") == cipher_algo::chachapoly);
  CHECK(parse_cipher_algo("AESGCM") == cipher_algo::aesgcm);
  CHECK_FALSE(parse_cipher_algo("XChaChaPoly"));
  CHECK(cipher_available(cipher_algo::chachapoly));
}

TEST_CASE("a pinned key stays usable through rekeys, moves and clear") {
  pair_of_states p;
  CHECK_FALSE(p.tx.pinned());
  p.tx.pin();
  p.rx.pin();
  CHECK(p.tx.pinned());
  p.tx.pin();  // idempotent
  for (int i = 0; i < 3; ++i) {
    auto ct = p.tx.encrypt({}, pattern_bytes(100, static_cast<uint8_t>(i)));
    REQUIRE(ct);
    auto pt = p.rx.decrypt({}, *ct);
    REQUIRE(pt);
    CHECK(*pt == pattern_bytes(100, static_cast<uint8_t>(i)));
    REQUIRE(p.tx.rekey());
    REQUIRE(p.rx.rekey());
  }
  // A clone is independent and not pinned; moving it into a pinned state
  // keeps the destination pinned (the session layer commits a rekey this way).
  auto next = p.rx.clone();
  CHECK_FALSE(next.pinned());
  auto ct = p.tx.encrypt({}, pattern_bytes(10, 9));
  REQUIRE(ct);
  p.rx = std::move(next);
  CHECK(p.rx.pinned());
  CHECK_FALSE(next.has_key());
  auto pt = p.rx.decrypt({}, *ct);
  REQUIRE(pt);
  // Move construction carries the pin along.
  cipher_state moved{std::move(p.tx)};
  CHECK(moved.pinned());
  CHECK_FALSE(p.tx.pinned());
  CHECK_FALSE(p.tx.has_key());
  REQUIRE(moved.encrypt({}, pattern_bytes(5, 1)));
  moved.clear();
  CHECK_FALSE(moved.pinned());
  CHECK_FALSE(moved.has_key());
  moved.pin();  // no key: nothing to pin
  CHECK_FALSE(moved.pinned());
}
