// NewZone derivation: known answers for HMAC-BLAKE2b-512, HKDF, seed32, the
// identity keys, subkeys, node id and base64, plus the key-pair invariants.
// Expected values marked "Python" were computed with /usr/bin/python3 (Debian 12):
// hmac.new(k, m, hashlib.blake2b), an RFC 5869 HKDF over it, PyNaCl 1.5.0
// (SigningKey / PrivateKey) and hashlib.blake2b(key=, salt=, person=) for
// crypto_kdf; crosscheck.py re-derives them independently for random inputs.
#include <doctest/doctest.h>
#include <sodium.h>

#include <cstring>
#include <string>
#include <vector>

#include "actors/identity/newzone_derivation.hpp"

using namespace nz::identity;

namespace {

std::string to_hex(const uint8_t* p, size_t n) {
  std::string s(2 * n + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), p, n);
  s.pop_back();
  return s;
}

std::vector<uint8_t> bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

std::string hmac_hex(const std::vector<uint8_t>& key, const std::string& msg) {
  uint8_t out[hmac_blake2b512_bytes];
  hmac_blake2b512(out, key.data(), key.size(),
                  reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
  return to_hex(out, sizeof(out));
}

identity_keys keys_of_entropy(const uint8_t* entropy, size_t len) {
  identity_keys keys{};
  REQUIRE(derive_identity_from_entropy(keys, entropy, len));
  return keys;
}

const uint8_t info_identity[] = {'i', 'd', 'e', 'n', 't', 'i', 't', 'y'};

}  // namespace

TEST_CASE("HKDF-BLAKE2b-512 matches the known answer of the derivation notes") {
  uint8_t ikm[32];
  std::memset(ikm, 0x01, sizeof(ikm));
  uint8_t out[32];
  REQUIRE(hkdf_blake2b512(out, sizeof(out), ikm, sizeof(ikm), nullptr, 0, info_identity,
                          sizeof(info_identity)));
  CHECK(to_hex(out, sizeof(out))
        == "6ab4c6f2f9a778f97f2bdecf87b042e8aae5942fbf66b13eb20c76f4814d677c");
  // An explicit salt of 64 zero bytes is the same as an empty salt.
  const uint8_t zeros[64] = {0};
  uint8_t out2[32];
  REQUIRE(hkdf_blake2b512(out2, sizeof(out2), ikm, sizeof(ikm), zeros, sizeof(zeros),
                          info_identity, sizeof(info_identity)));
  CHECK(std::memcmp(out, out2, sizeof(out)) == 0);
}

TEST_CASE("HKDF-BLAKE2b-512 with salt, info and several output blocks matches Python") {
  // RFC 5869 test case 1 inputs with BLAKE2b-512 and L = 100 (two blocks).
  uint8_t ikm[22], salt[13], info[10];
  std::memset(ikm, 0x0b, sizeof(ikm));
  for (size_t i = 0; i < sizeof(salt); ++i) {
    salt[i] = static_cast<uint8_t>(i);
  }
  for (size_t i = 0; i < sizeof(info); ++i) {
    info[i] = static_cast<uint8_t>(0xf0 + i);
  }
  uint8_t out[100];
  REQUIRE(hkdf_blake2b512(out, sizeof(out), ikm, sizeof(ikm), salt, sizeof(salt), info,
                          sizeof(info)));
  // Python
  CHECK(to_hex(out, sizeof(out))
        == "8815e1a85b5e90e6174323fdd180248887a7138af6dc5c8320fde21a60a078808267d6a41b6a"
           "938d7b30b3c3a7a0aef45b64cf11b2d32e47f46eb5494fbf2a85f051c1a1181469c1d6698dc7"
           "22beeb3a0c5f973b29f43c79a34a5c303547a151c151228e");
  // A shorter output is a prefix of a longer one.
  uint8_t head[40];
  REQUIRE(hkdf_blake2b512(head, sizeof(head), ikm, sizeof(ikm), salt, sizeof(salt), info,
                          sizeof(info)));
  CHECK(std::memcmp(head, out, sizeof(head)) == 0);
}

TEST_CASE("HKDF refuses an output of 0 or more than 255 * 64 bytes") {
  const uint8_t ikm[32] = {0};
  std::vector<uint8_t> out(hkdf_blake2b512_max_bytes + 1);
  for (size_t len : {size_t{0}, hkdf_blake2b512_max_bytes + 1}) {
    auto st = hkdf_blake2b512(out.data(), len, ikm, sizeof(ikm), nullptr, 0, nullptr, 0);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == identity_errc::invalid_output_length);
  }
  CHECK(hkdf_blake2b512(out.data(), hkdf_blake2b512_max_bytes, ikm, sizeof(ikm), nullptr,
                        0, nullptr, 0));
}

TEST_CASE("HMAC-BLAKE2b-512 equals Python's hmac with hashlib.blake2b") {
  // Python: hmac.new(k, m, hashlib.blake2b).hexdigest()
  CHECK(hmac_hex(bytes("key"), "The quick brown fox jumps over the lazy dog")
        == "92294f92c0dfb9b00ec9ae8bd94d7e7d8a036b885a499f149dfe2fd2199394aaaf6b8894a173"
           "0cccb2cd050f9bcf5062a38b51b0dab33207f8ef35ae2c9df51b");
  CHECK(hmac_hex({}, "")
        == "198cd2006f66ff83fbbd913f78aca2251caf4f19fe9475aade8cf2091b99a68466775177424f"
           "58286886cbae8229644cec747237d4b721735485e17372fdf59c");
  std::vector<uint8_t> key128(128), key200(200);
  for (size_t i = 0; i < key128.size(); ++i) {
    key128[i] = static_cast<uint8_t>(i);
  }
  for (size_t i = 0; i < key200.size(); ++i) {
    key200[i] = static_cast<uint8_t>(i % 256);
  }
  // Exactly one block: used as is.
  CHECK(hmac_hex(key128, "message for a 128-byte key")
        == "1759e3bcaa0c7c4c8779dd46ffdef9d8fbf23e13df25ecb9a57f42a9cffefa2b1fb6bebb4353"
           "82a27cee7f38476f6a17e6873377a21596ec55074217df455ca1");
  // Longer than a block: hashed first.
  CHECK(hmac_hex(key200, "message for a 200-byte key")
        == "af8401dd810918346ddbcaff887c8f6e80c9af8e92389cc1dd0b00cb158c74a6215eae00a7e5"
           "9dcbf04492ecd03ed58aca54bf9a2ecaedff2aa4cf0784862077");
}

TEST_CASE("HMAC-BLAKE2b-512 is not libsodium's keyed BLAKE2b") {
  const auto key = bytes("key");
  const std::string msg = "message";
  uint8_t keyed[64];
  crypto_generichash(keyed, sizeof(keyed), reinterpret_cast<const uint8_t*>(msg.data()),
                     msg.size(), key.data(), key.size());
  CHECK(hmac_hex(key, msg) != to_hex(keyed, sizeof(keyed)));
}

TEST_CASE("seed32 is BLAKE2b-512 truncated, not BLAKE2b-256") {
  const uint8_t entropy[16] = {0};
  uint8_t seed[seed32_bytes];
  seed32_from_entropy(seed, entropy, sizeof(entropy));
  // Python: hashlib.blake2b(bytes(16)).digest()[:32]
  CHECK(to_hex(seed, sizeof(seed))
        == "739a3012ff930845420e90a6eb7289025915575667c214bee93eed65f336a7ab");
  uint8_t b256[32];
  crypto_generichash(b256, sizeof(b256), entropy, sizeof(entropy), nullptr, 0);
  // Python: hashlib.blake2b(bytes(16), digest_size=32).hexdigest()
  CHECK(to_hex(b256, sizeof(b256))
        == "94c1c088cc9453996779630ad3af45cbd92814828dd784cf2aa12df95d1b8afe");
}

TEST_CASE("identity keys of known entropies match the independent Python derivation") {
  struct vector {
    uint8_t fill;
    size_t len;
    const char* node_id;
    const char* ed25519_pk;
    const char* x25519_pk;
    const char* ed25519_pk_base64;
  };
  // Python (rules of docs/identity.md with hashlib, hmac and PyNaCl)
  const vector vectors[] = {
      {0x00, 16, "84b840884e0cd2e0a13ca7ea4d73a1c67e111665a8dd4829309b975582f26736",
       "dda6dcd0378a5b3e8b2041c2d08ef1ab5859013c70daa198c7ef92ead4eb4595",
       "3dffe7df2d79b00e39d39a5e8c35b5d1b87516d3cd5c84378633c17c450c0e7f",
       "3abc0DeKWz6LIEHC0I7xq1hZATxw2qGYx++S6tTrRZU="},
      {0x7f, 32, "5c197ebf25c0b8f7fb9e57484828ae7081e77fff186ae27192169ccae3f8a577",
       "1e5b8b4f337f9c007e9c4453a28163c2cf67d91e5727fbea6a62f37edc6ff6ee",
       "5c5a04931cf0cbdc6a023a6e120f92355c28a358055f580ae277a4c71251b20e",
       "HluLTzN/nAB+nERTooFjws9n2R5XJ/vqamLzftxv9u4="},
  };
  for (const auto& v : vectors) {
    CAPTURE(v.node_id);
    uint8_t entropy[32];
    std::memset(entropy, v.fill, sizeof(entropy));
    auto keys = keys_of_entropy(entropy, v.len);
    CHECK(node_id_hex(keys.ed25519_pk) == v.node_id);
    CHECK(to_hex(keys.ed25519_pk, 32) == v.ed25519_pk);
    CHECK(to_hex(keys.x25519_pk, 32) == v.x25519_pk);
    CHECK(to_base64(keys.ed25519_pk, 32) == v.ed25519_pk_base64);
    wipe(keys);
  }
}

TEST_CASE("the identity key pairs are consistent libsodium key pairs") {
  uint8_t seed[seed32_bytes];
  std::memset(seed, 0x01, sizeof(seed));
  identity_keys keys{};
  REQUIRE(derive_identity(keys, seed));
  // The Ed25519 seed is the HKDF known answer of the notes (seed32 = 32 x 0x01).
  uint8_t ed_seed[32];
  crypto_sign_ed25519_sk_to_seed(ed_seed, keys.ed25519_sk);
  CHECK(to_hex(ed_seed, sizeof(ed_seed))
        == "6ab4c6f2f9a778f97f2bdecf87b042e8aae5942fbf66b13eb20c76f4814d677c");
  CHECK(std::memcmp(keys.ed25519_sk + 32, keys.ed25519_pk, 32) == 0);
  // Signatures verify.
  const uint8_t msg[] = {'n', 'z'};
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, msg, sizeof(msg), keys.ed25519_sk);
  CHECK(crypto_sign_verify_detached(sig, msg, sizeof(msg), keys.ed25519_pk) == 0);
  // X25519: public = base-point multiple; secret = HKDF(seed32, "", "ecdh", 32).
  uint8_t xpk[32];
  REQUIRE(crypto_scalarmult_base(xpk, keys.x25519_sk) == 0);
  CHECK(std::memcmp(xpk, keys.x25519_pk, 32) == 0);
  const uint8_t info_ecdh[] = {'e', 'c', 'd', 'h'};
  uint8_t xsk[32];
  REQUIRE(hkdf_blake2b512(xsk, sizeof(xsk), seed, sizeof(seed), nullptr, 0, info_ecdh,
                          sizeof(info_ecdh)));
  CHECK(std::memcmp(xsk, keys.x25519_sk, 32) == 0);
  // Deterministic.
  identity_keys again{};
  REQUIRE(derive_identity(again, seed));
  CHECK(std::memcmp(&again, &keys, sizeof(keys)) == 0);
}

TEST_CASE("wipe zeroes every key and the struct stays trivially copyable") {
  static_assert(std::is_trivially_copyable_v<identity_keys>);
  static_assert(sizeof(identity_keys) == 32 + 64 + 32 + 32);
  const uint8_t entropy[16] = {1};
  auto keys = keys_of_entropy(entropy, sizeof(entropy));
  wipe(keys);
  const identity_keys zero{};
  CHECK(std::memcmp(&keys, &zero, sizeof(keys)) == 0);
}

TEST_CASE("subkeys use one fixed 8-byte context per purpose and match Python") {
  CHECK(std::string(subkey_context(subkey_purpose::storage)) == "nzstore1");
  CHECK(std::string(subkey_context(subkey_purpose::trust_log)) == "nztrust1");
  CHECK(std::string(subkey_context(subkey_purpose::backup)) == "nzbackup");
  CHECK(std::string(subkey_context(subkey_purpose::tokens)) == "nztoken1");
  const uint8_t entropy[16] = {0};
  uint8_t seed[seed32_bytes];
  seed32_from_entropy(seed, entropy, sizeof(entropy));
  // Python: hashlib.blake2b(b"", digest_size=32, key=seed32,
  //   salt=(1).to_bytes(8, "little") + bytes(8), person=context + bytes(8))
  const std::pair<subkey_purpose, const char*> expected[] = {
      {subkey_purpose::storage,
       "f671b146e23b29a8e0a58576f05e90ea0fcfe6f7e465fbd59c60ac026be6235a"},
      {subkey_purpose::trust_log,
       "6889ce4dab50cff7282d11c42ac490afd7d6ca56259d00ad8639907f332056b9"},
      {subkey_purpose::backup,
       "2c4b15c5b58c1b745c21e1fa37bb41bc759c6082ca4311489ec18ebd7a4f72e7"},
      {subkey_purpose::tokens,
       "cd15f1895e3302cd0a0a85eeefc08180284d68ac1bee6c829c9e761872f9d396"},
  };
  for (const auto& [purpose, hex] : expected) {
    uint8_t sub[32];
    REQUIRE(derive_subkey(sub, sizeof(sub), seed, purpose));
    CHECK(to_hex(sub, sizeof(sub)) == hex);
  }
}

TEST_CASE("subkey lengths outside 16..64 bytes are refused") {
  const uint8_t seed[seed32_bytes] = {0};
  uint8_t out[65];
  for (size_t len : {0, 15, 65}) {
    auto st = derive_subkey(out, len, seed, subkey_purpose::storage);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == identity_errc::invalid_output_length);
  }
  CHECK(derive_subkey(out, 16, seed, subkey_purpose::storage));
  CHECK(derive_subkey(out, 64, seed, subkey_purpose::backup));
}

TEST_CASE("node ids are 64 lowercase hex digits of BLAKE2b-256 of the public key") {
  const uint8_t pk[32] = {0};
  const auto id = node_id_hex(pk);
  CHECK(id.size() == 64);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  uint8_t digest[32];
  crypto_generichash(digest, sizeof(digest), pk, sizeof(pk), nullptr, 0);
  CHECK(id == to_hex(digest, sizeof(digest)));
}

TEST_CASE("to_base64 is padded standard base64") {
  const auto b = bytes("foobar");
  CHECK(to_base64(b.data(), 0) == "");
  CHECK(to_base64(b.data(), 1) == "Zg==");
  CHECK(to_base64(b.data(), 2) == "Zm8=");
  CHECK(to_base64(b.data(), 3) == "Zm9v");
  CHECK(to_base64(b.data(), 6) == "Zm9vYmFy");
  const uint8_t ff[3] = {0xfb, 0xff, 0xbf};
  CHECK(to_base64(ff, 3) == "+/+/");  // ORIGINAL alphabet, not URL-safe
}
