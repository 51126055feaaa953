// Helpers shared by the session layer tests (tests/unit/peer_session): fresh
// node identities (Ed25519) with their per-process Noise static keys and
// signed bindings, drivers, a complete handshake and a session pair.
#pragma once

#include <doctest/doctest.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "actors/peer/session/session_cipher.hpp"

namespace nz::peer::test {

inline std::vector<uint8_t> bytes_of(std::string_view x) {
  return std::vector<uint8_t>(x.begin(), x.end());
}

/// An Ed25519 identity and the Noise static key of one process of that node.
struct test_node {
  ed25519_public_key pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  noise::keypair static_key = noise::keypair::generate();
  std::vector<uint8_t> binding;

  test_node() {
    REQUIRE(sodium_init() >= 0);
    crypto_sign_keypair(pk.data(), sk.data());
    binding = sign_for(static_key.public_key_bytes);
  }
  ~test_node() { sodium_memzero(sk.data(), sk.size()); }
  test_node(const test_node&) = delete;
  test_node& operator=(const test_node&) = delete;

  /// A binding payload signed by this identity over any static key.
  std::vector<uint8_t> sign_for(const noise::public_key& static_pk,
                                uint16_t version = protocol_version,
                                uint32_t features = 0) const {
    const auto msg = binding_message(static_pk, version);
    ed25519_signature sig{};
    crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk.data());
    return encode_binding(pk, sig, version, features);
  }

  handshake_driver driver(noise::role r) const {
    auto d = handshake_driver::create(r, static_key.clone(), binding);
    REQUIRE(d);
    return std::move(*d);
  }
};

/// Two drivers after a complete, genuine handshake.
struct finished_pair {
  handshake_driver initiator;
  handshake_driver responder;
};

inline finished_pair run_handshake(const test_node& a, const test_node& b) {
  auto ini = a.driver(noise::role::initiator);
  auto res = b.driver(noise::role::responder);
  auto m1 = ini.start();
  REQUIRE(m1);
  auto m2 = res.on_msg1(*m1);
  REQUIRE(m2);
  auto r2 = ini.on_msg2(*m2);
  REQUIRE(r2);
  auto r3 = res.on_msg3(r2->msg3);
  REQUIRE(r3);
  return {std::move(ini), std::move(res)};
}

/// The two transports of one session, created at time `now`.
struct session_pair {
  session_cipher a;  // the initiator's
  session_cipher b;  // the responder's
};

inline session_pair make_sessions(const session_options& opts = {}, uint64_t now = 0) {
  test_node x, y;
  auto p = run_handshake(x, y);
  auto a = p.initiator.transport(opts, now);
  auto b = p.responder.transport(opts, now);
  REQUIRE(a);
  REQUIRE(b);
  return {std::move(*a), std::move(*b)};
}

}  // namespace nz::peer::test
