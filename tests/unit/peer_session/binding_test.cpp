// The binding of a Noise static key to an Ed25519 identity: layout, strict
// verification, and refusal of bindings for other keys or other sessions.
#include <doctest/doctest.h>
#include <sodium.h>

#include <cstring>

#include "actors/identity/newzone_derivation.hpp"
#include "actors/peer/noise/hex.hpp"
#include "actors/peer/session/binding.hpp"
#include "tests/unit/peer_session/session_test_util.hpp"

using namespace nz::peer;
using namespace nz::peer::test;

TEST_CASE("the binding message is the domain, a NUL, the static key and the version") {
  nz::peer::noise::public_key pk{};
  for (size_t i = 0; i < pk.size(); ++i) {
    pk[i] = static_cast<uint8_t>(i);
  }
  const auto msg = binding_message(pk, 0x0102);
  REQUIRE(msg.size() == 53);
  CHECK(std::memcmp(msg.data(), "nz-peer-binding-v1", 18) == 0);
  CHECK(msg[18] == 0);
  CHECK(std::memcmp(msg.data() + 19, pk.data(), 32) == 0);
  CHECK(msg[51] == 0x01);
  CHECK(msg[52] == 0x02);
}

TEST_CASE("an encoded binding is version, features, key and signature in 102 bytes") {
  ed25519_public_key key{};
  ed25519_signature sig{};
  key.fill(0xaa);
  sig.fill(0xbb);
  const auto b = encode_binding(key, sig, 0x0001, 0x01020304);
  REQUIRE(b.size() == binding_len);
  REQUIRE(binding_len == 102);
  CHECK(b[0] == 0x00);
  CHECK(b[1] == 0x01);
  CHECK(b[2] == 0x01);
  CHECK(b[3] == 0x02);
  CHECK(b[4] == 0x03);
  CHECK(b[5] == 0x04);
  CHECK(b[6] == 0xaa);
  CHECK(b[37] == 0xaa);
  CHECK(b[38] == 0xbb);
  CHECK(b[101] == 0xbb);
}

TEST_CASE("a genuine binding verifies and names the node id of its Ed25519 key") {
  test_node n;
  const auto b = n.sign_for(n.static_key.public_key_bytes, protocol_version, 0x80000001);
  auto v = verify_binding(b, n.static_key.public_key_bytes);
  REQUIRE(v);
  CHECK(v->ed25519_public == n.pk);
  CHECK(v->node_id == nz::identity::node_id_hex(n.pk.data()));
  CHECK(v->node_id.size() == 64);
  CHECK(v->protocol_version == protocol_version);
  CHECK(v->features == 0x80000001);
}

TEST_CASE("a binding over another static key is refused as bad_binding") {
  test_node n;
  auto other = nz::peer::noise::keypair::generate();
  auto v = verify_binding(n.binding, other.public_key_bytes);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == session_errc::bad_binding);
}

TEST_CASE("a binding by another identity with a swapped-in key is refused") {
  test_node n, m;
  // m's signature, n's key: the signature does not verify under n's key.
  auto b = m.sign_for(n.static_key.public_key_bytes);
  std::memcpy(b.data() + 6, n.pk.data(), 32);
  auto v = verify_binding(b, n.static_key.public_key_bytes);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == session_errc::bad_binding);
}

TEST_CASE("every byte of the signed part is covered by the signature") {
  test_node n;
  const auto& key = n.static_key.public_key_bytes;
  for (size_t i = 0; i < binding_len; ++i) {
    auto b = n.binding;
    b[i] ^= 0x01;
    auto v = verify_binding(b, key);
    const bool features_byte = i >= 2 && i < 6;
    if (features_byte) {
      // Features are authenticated by the Noise handshake, not the signature.
      REQUIRE(v);
      CHECK(v->features != 0);
    } else {
      INFO("byte " << i);
      REQUIRE_FALSE(v);
      CHECK(v.error().code == session_errc::bad_binding);
    }
  }
}

TEST_CASE("bindings of the wrong size are malformed and oversized ones too_long") {
  test_node n;
  const auto& key = n.static_key.public_key_bytes;
  for (size_t len :
       {size_t{0}, size_t{1}, binding_len - 1, binding_len + 1, size_t{256}}) {
    std::vector<uint8_t> b(len, 0);
    if (len > 0) {
      std::memcpy(b.data(), n.binding.data(), std::min(len, n.binding.size()));
    }
    auto v = verify_binding(b, key);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == session_errc::malformed);
  }
  std::vector<uint8_t> huge(257, 0);
  auto v = verify_binding(huge, key);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == session_errc::too_long);
}

TEST_CASE("a non-canonical signature (S + L) is refused") {
  test_node n;
  auto b = n.binding;
  // L = 2^252 + 27742317777372353535851937790883648493, little endian.
  static const uint8_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                0,    0,    0,    0,    0,    0,    0,    0,
                                0,    0,    0,    0,    0,    0,    0,    0x10};
  uint8_t* s = b.data() + 6 + 32 + 32;  // S is the second half of the signature
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {
    const unsigned sum = s[i] + L[i] + carry;
    s[i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  REQUIRE(carry == 0);
  auto v = verify_binding(b, n.static_key.public_key_bytes);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == session_errc::bad_binding);
}

TEST_CASE("small-order Ed25519 keys are refused") {
  test_node n;
  // The identity point and the all-zero encoding (both small order).
  for (uint8_t first : {uint8_t{1}, uint8_t{0}}) {
    ed25519_public_key weak{};
    weak[0] = first;
    ed25519_signature sig{};
    sig[0] = 1;  // R = identity as well
    const auto b = encode_binding(weak, sig, protocol_version, 0);
    auto v = verify_binding(b, n.static_key.public_key_bytes);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == session_errc::bad_binding);
  }
}

TEST_CASE("the node id helper agrees with the identity core") {
  test_node n;
  CHECK(node_id_of(n.pk) == nz::identity::node_id_hex(n.pk.data()));
}
