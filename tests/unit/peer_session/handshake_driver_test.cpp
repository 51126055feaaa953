// The XX handshake driver: complete handshakes, tampering, hostile bindings,
// turn and state errors, and death after the first error.
#include <doctest/doctest.h>
#include <sodium.h>

#include <functional>

#include "actors/identity/newzone_derivation.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "tests/unit/peer_session/session_test_util.hpp"

using namespace nz::peer;
using namespace nz::peer::test;
namespace noise = nz::peer::noise;

namespace {

/// A raw Noise XX side speaking our prologue: the attacker who holds its own
/// static key and sends whatever payload it likes.
noise::handshake_state raw_side(noise::role r, const noise::keypair& s,
                                uint16_t version = protocol_version) {
  noise::handshake_config c;
  c.my_role = r;
  c.prologue = make_prologue(version);
  c.local_static = s.clone();
  auto hs = noise::handshake_state::create(std::move(c));
  REQUIRE(hs);
  return std::move(*hs);
}

/// Which step of the handshake failed, and how.
struct outcome {
  int failed_step = 0;  // 1: on_msg1, 2: on_msg2, 3: on_msg3; 0: none
  session_errc code{};
};

/// Runs a handshake in which message `which` (1, 2 or 3) is passed through
/// `tamper` on the wire.
outcome run_tampered(const test_node& a, const test_node& b, int which,
                     const std::function<void(std::vector<uint8_t>&)>& tamper) {
  auto ini = a.driver(noise::role::initiator);
  auto res = b.driver(noise::role::responder);
  auto m1 = ini.start();
  REQUIRE(m1);
  if (which == 1) {
    tamper(*m1);
  }
  auto m2 = res.on_msg1(*m1);
  if (!m2) {
    return {1, m2.error().code};
  }
  if (which == 2) {
    tamper(*m2);
  }
  auto r2 = ini.on_msg2(*m2);
  if (!r2) {
    return {2, r2.error().code};
  }
  if (which == 3) {
    tamper(r2->msg3);
  }
  auto r3 = res.on_msg3(r2->msg3);
  if (!r3) {
    return {3, r3.error().code};
  }
  return {};
}

bool is_wire_reason(session_errc c) {
  return c == session_errc::bad_message || c == session_errc::malformed
         || c == session_errc::too_long || c == session_errc::bad_binding;
}

}  // namespace

TEST_CASE("a complete XX handshake tells each side the other's node id") {
  test_node a, b;
  auto p = run_handshake(a, b);
  REQUIRE(p.initiator.is_finished());
  REQUIRE(p.responder.is_finished());
  REQUIRE(p.initiator.remote());
  REQUIRE(p.responder.remote());
  CHECK(p.initiator.remote()->node_id == nz::identity::node_id_hex(b.pk.data()));
  CHECK(p.responder.remote()->node_id == nz::identity::node_id_hex(a.pk.data()));
  CHECK(p.initiator.remote()->ed25519_public == b.pk);
  CHECK(p.responder.remote()->ed25519_public == a.pk);
  CHECK(p.initiator.remote()->protocol_version == protocol_version);
  CHECK(p.initiator.handshake_hash().size() == 64);
  CHECK(p.initiator.handshake_hash() == p.responder.handshake_hash());

  auto ta = p.initiator.transport({}, 0);
  auto tb = p.responder.transport({}, 0);
  REQUIRE(ta);
  REQUIRE(tb);
  auto f = ta->seal(bytes_of("hello"), 1);
  REQUIRE(f);
  auto pt = tb->open(*f, 1);
  REQUIRE(pt);
  CHECK(*pt == bytes_of("hello"));
  auto g = tb->seal(bytes_of("back"), 2);
  REQUIRE(g);
  auto pt2 = ta->open(*g, 2);
  REQUIRE(pt2);
  CHECK(*pt2 == bytes_of("back"));
}

TEST_CASE("the handshake messages have the documented sizes and message 1 no payload") {
  test_node a, b;
  auto ini = a.driver(noise::role::initiator);
  auto res = b.driver(noise::role::responder);
  auto m1 = ini.start();
  REQUIRE(m1);
  CHECK(m1->size() == 32);
  auto m2 = res.on_msg1(*m1);
  REQUIRE(m2);
  CHECK(m2->size() == 32 + 48 + binding_len + 16);
  auto r2 = ini.on_msg2(*m2);
  REQUIRE(r2);
  CHECK(r2->msg3.size() == 48 + binding_len + 16);
}

TEST_CASE("every handshake message tampered at every byte fails with a wire reason") {
  test_node a, b;
  for (int which = 1; which <= 3; ++which) {
    const size_t len = which == 1 ? 32 : which == 2 ? 198 : 166;
    for (size_t i = 0; i < len; ++i) {
      for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
        auto o = run_tampered(a, b, which, [&](std::vector<uint8_t>& m) {
          REQUIRE(m.size() == len);
          m[i] ^= mask;
        });
        INFO("message " << which << " byte " << i << " mask " << int{mask});
        REQUIRE(o.failed_step != 0);
        CHECK(o.failed_step >= which);
        CHECK(is_wire_reason(o.code));
        CHECK(is_peer_error(o.code));
      }
    }
  }
}

TEST_CASE("every truncation and any extension of a handshake message fails") {
  test_node a, b;
  for (int which = 1; which <= 3; ++which) {
    const size_t len = which == 1 ? 32 : which == 2 ? 198 : 166;
    for (size_t keep = 0; keep < len; ++keep) {
      auto o =
          run_tampered(a, b, which, [&](std::vector<uint8_t>& m) { m.resize(keep); });
      INFO("message " << which << " truncated to " << keep);
      REQUIRE(o.failed_step == which);
      CHECK(is_wire_reason(o.code));
    }
    auto o = run_tampered(a, b, which, [](std::vector<uint8_t>& m) { m.push_back(0); });
    REQUIRE(o.failed_step == which);
    CHECK(o.code == (which == 1 ? session_errc::malformed : session_errc::bad_message));
  }
}

TEST_CASE("oversized handshake messages are too_long before the Noise core") {
  test_node a, b;
  for (int which = 1; which <= 3; ++which) {
    auto o = run_tampered(a, b, which, [](std::vector<uint8_t>& m) {
      m.resize(max_handshake_message_len + 1, 0);
    });
    REQUIRE(o.failed_step == which);
    CHECK(o.code == session_errc::too_long);
  }
  auto o = run_tampered(a, b, 1, [](std::vector<uint8_t>& m) { m.resize(1 << 20, 0); });
  CHECK(o.code == session_errc::too_long);
}

TEST_CASE(
    "a responder whose binding is another identity's over another static key is "
    "refused") {
  test_node a, victim;
  auto attacker_static = noise::keypair::generate();
  auto ini = a.driver(noise::role::initiator);
  auto evil = raw_side(noise::role::responder, attacker_static);
  auto m1 = ini.start();
  REQUIRE(m1);
  REQUIRE(evil.read_message(*m1));
  SUBCASE("the victim's genuine binding, replayed from its own session") {
    auto m2 = evil.write_message(victim.binding);
    REQUIRE(m2);
    auto r = ini.on_msg2(*m2);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::bad_binding);
  }
  SUBCASE("a binding by another Ed25519 key over another static key") {
    test_node other;
    auto m2 = evil.write_message(other.sign_for(victim.static_key.public_key_bytes));
    REQUIRE(m2);
    auto r = ini.on_msg2(*m2);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::bad_binding);
  }
  SUBCASE("garbage of the right size") {
    auto m2 = evil.write_message(std::vector<uint8_t>(binding_len, 0x42));
    REQUIRE(m2);
    auto r = ini.on_msg2(*m2);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::bad_binding);
  }
  SUBCASE("a binding of the wrong size") {
    auto m2 = evil.write_message(std::vector<uint8_t>(binding_len + 1, 0x42));
    REQUIRE(m2);
    auto r = ini.on_msg2(*m2);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::malformed);
  }
  SUBCASE("a genuine binding for another protocol version") {
    test_node self;
    auto m2 = evil.write_message(self.sign_for(attacker_static.public_key_bytes, 2));
    REQUIRE(m2);
    auto r = ini.on_msg2(*m2);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::bad_binding);
  }
  CHECK(ini.is_dead());
  CHECK_FALSE(ini.remote());
}

TEST_CASE(
    "an attacker's own correct binding passes: identity, not the key, is what it "
    "proves") {
  // Control for the case above: with a binding signed for its own static key
  // the attacker completes the handshake as itself, and is named as itself.
  test_node a, attacker;
  auto ini = a.driver(noise::role::initiator);
  auto evil = raw_side(noise::role::responder, attacker.static_key);
  auto m1 = ini.start();
  REQUIRE(m1);
  REQUIRE(evil.read_message(*m1));
  auto m2 = evil.write_message(attacker.binding);
  REQUIRE(m2);
  auto r = ini.on_msg2(*m2);
  REQUIRE(r);
  CHECK(r->remote.node_id == nz::identity::node_id_hex(attacker.pk.data()));
}

TEST_CASE(
    "an initiator replaying another session's binding is refused by the responder") {
  test_node b, victim;
  auto attacker_static = noise::keypair::generate();
  auto evil = raw_side(noise::role::initiator, attacker_static);
  auto res = b.driver(noise::role::responder);
  auto m1 = evil.write_message({});
  REQUIRE(m1);
  auto m2 = res.on_msg1(*m1);
  REQUIRE(m2);
  auto p2 = evil.read_message(*m2);
  REQUIRE(p2);
  // The responder's binding is what the evil initiator learns: it verifies.
  CHECK(verify_binding(*p2, *evil.remote_static()));
  auto m3 = evil.write_message(victim.binding);
  REQUIRE(m3);
  auto r = res.on_msg3(*m3);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::bad_binding);
  CHECK(res.is_dead());
  CHECK_FALSE(res.transport({}, 0));
}

TEST_CASE("a peer with another protocol version fails on the prologue") {
  test_node a, b;
  auto ini = a.driver(noise::role::initiator);
  auto bin2 = b.sign_for(b.static_key.public_key_bytes, 2);
  auto res =
      handshake_driver::create(noise::role::responder, b.static_key.clone(), bin2, 2);
  REQUIRE(res);
  auto m1 = ini.start();
  REQUIRE(m1);
  auto m2 = res->on_msg1(*m1);
  REQUIRE(m2);  // message 1 is not authenticated yet
  auto r = ini.on_msg2(*m2);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::bad_message);
}

TEST_CASE("a message 1 with a payload is malformed") {
  test_node b;
  auto evil = raw_side(noise::role::initiator, noise::keypair::generate());
  auto m1 = evil.write_message(bytes_of("hi"));
  REQUIRE(m1);
  auto res = b.driver(noise::role::responder);
  auto r = res.on_msg1(*m1);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::malformed);
}

TEST_CASE("a low-order ephemeral key in message 1 fails as bad_message") {
  test_node b;
  auto res = b.driver(noise::role::responder);
  std::vector<uint8_t> m1(32, 0);  // the all-zero point has order 1
  auto r = res.on_msg1(m1);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::bad_message);
}

TEST_CASE("steps out of turn fail with wrong_turn and kill the driver") {
  test_node a, b;
  SUBCASE("on_msg2 before start") {
    auto ini = a.driver(noise::role::initiator);
    auto r = ini.on_msg2(std::vector<uint8_t>(198, 0));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::wrong_turn);
    CHECK(ini.is_dead());
    auto s = ini.start();
    REQUIRE_FALSE(s);
    CHECK(s.error().code == session_errc::aborted);
  }
  SUBCASE("a responder asked to start") {
    auto res = b.driver(noise::role::responder);
    auto r = res.start();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::wrong_turn);
  }
  SUBCASE("an initiator fed message 1") {
    auto ini = a.driver(noise::role::initiator);
    REQUIRE(ini.start());
    auto r = ini.on_msg1(std::vector<uint8_t>(32, 1));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::wrong_turn);
  }
  SUBCASE("start twice") {
    auto ini = a.driver(noise::role::initiator);
    REQUIRE(ini.start());
    auto r = ini.start();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::wrong_turn);
  }
  SUBCASE("on_msg3 after the handshake finished") {
    auto p = run_handshake(a, b);
    auto r = p.responder.on_msg3(std::vector<uint8_t>(166, 0));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::wrong_turn);
  }
}

TEST_CASE("after a failed step every call fails with aborted, even the genuine message") {
  test_node a, b;
  auto ini = a.driver(noise::role::initiator);
  auto res = b.driver(noise::role::responder);
  auto m1 = ini.start();
  REQUIRE(m1);
  auto m2 = res.on_msg1(*m1);
  REQUIRE(m2);
  auto bad = *m2;
  bad[100] ^= 1;
  auto r = ini.on_msg2(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::bad_message);
  auto again = ini.on_msg2(*m2);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == session_errc::aborted);
  CHECK(ini.current_stage() == handshake_driver::stage::dead);
  auto t = ini.transport({}, 0);
  REQUIRE_FALSE(t);
  CHECK(t.error().code == session_errc::aborted);
}

TEST_CASE("transport is refused before the handshake finished and a second time") {
  test_node a, b;
  {
    auto ini = a.driver(noise::role::initiator);
    auto t = ini.transport({}, 0);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == session_errc::wrong_state);
  }
  auto p = run_handshake(a, b);
  REQUIRE(p.initiator.transport({}, 0));
  CHECK(p.initiator.current_stage() == handshake_driver::stage::transported);
  auto t2 = p.initiator.transport({}, 0);
  REQUIRE_FALSE(t2);
  CHECK(t2.error().code == session_errc::wrong_state);
}

TEST_CASE("transport with invalid options is refused") {
  test_node a, b;
  auto p = run_handshake(a, b);
  session_options bad;
  bad.max_plaintext = max_session_plaintext + 1;
  auto t = p.initiator.transport(bad, 0);
  REQUIRE_FALSE(t);
  CHECK(t.error().code == session_errc::invalid_argument);
}

TEST_CASE("a driver refuses our own binding when it does not match our static key") {
  test_node a;
  auto other = noise::keypair::generate();
  auto d = handshake_driver::create(noise::role::initiator, other.clone(), a.binding);
  REQUIRE_FALSE(d);
  CHECK(d.error().code == session_errc::invalid_argument);
  auto v2 = handshake_driver::create(noise::role::initiator, a.static_key.clone(),
                                     a.binding, 2);
  REQUIRE_FALSE(v2);
  CHECK(v2.error().code == session_errc::invalid_argument);
  auto junk = handshake_driver::create(noise::role::initiator, a.static_key.clone(),
                                       std::vector<uint8_t>(300, 0));
  REQUIRE_FALSE(junk);
  CHECK(junk.error().code == session_errc::invalid_argument);
}

TEST_CASE("the prologue is the label and the version in big endian") {
  const auto p = make_prologue(1);
  CHECK(p
        == std::vector<uint8_t>{'n', 'z', '-', 'p', 'e', 'e', 'r', '-', 'v', '1', 0, 1});
}

TEST_CASE("the ephemeral key comes from the injected random source") {
  test_node a;
  auto fixed = [](uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      out[i] = static_cast<uint8_t>(i);
    }
  };
  auto d1 = handshake_driver::create(noise::role::initiator, a.static_key.clone(),
                                     a.binding, protocol_version, fixed);
  auto d2 = handshake_driver::create(noise::role::initiator, a.static_key.clone(),
                                     a.binding, protocol_version, fixed);
  REQUIRE(d1);
  REQUIRE(d2);
  auto m1 = d1->start();
  auto m2 = d2->start();
  REQUIRE(m1);
  REQUIRE(m2);
  CHECK(*m1 == *m2);
}

TEST_CASE("error codes have stable names and peer errors are told apart") {
  CHECK(std::string{to_string(session_errc::bad_binding)} == "bad_binding");
  CHECK(std::string{to_string(session_errc::reordered)} == "reordered");
  CHECK(std::string{to_string(session_errc::aborted)} == "aborted");
  CHECK(is_peer_error(session_errc::forged));
  CHECK_FALSE(is_peer_error(session_errc::wrong_turn));
  CHECK_FALSE(is_peer_error(session_errc::payload_too_long));
}
