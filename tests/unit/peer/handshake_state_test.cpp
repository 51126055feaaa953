// HandshakeState: complete handshakes for every pattern, tampering and
// truncation of every handshake message, wrong keys, size limits, turn and
// state errors, low-order keys, and the transport states after Split.
#include <doctest/doctest.h>

#include <functional>

#include "actors/peer/noise/handshake_state.hpp"
#include "tests/unit/peer/noise_test_util.hpp"

using namespace nz::peer::noise;
using namespace nz::peer::noise::test;

namespace {

struct peers {
  handshake_state init;
  handshake_state resp;
  public_key init_static;
  public_key resp_static;
};

/// Both sides of `name` with fresh random keys; each side gets its static key
/// pair, and the peer's static key when a pre-message needs it (or always, with
/// `give_remote`). `tweak` may edit the configurations first.
peers make_peers(
    const std::string& name,
    const std::function<void(handshake_config&, handshake_config&)>& tweak = {}) {
  auto proto = parse_protocol_name(name);
  REQUIRE(proto);
  auto is = keypair::generate();
  auto rs = keypair::generate();
  handshake_config ic;
  ic.protocol_name = name;
  ic.my_role = role::initiator;
  ic.prologue = bytes_of("prologue");
  ic.local_static = is.clone();
  if (!proto->pattern->pre_responder.empty()) ic.remote_static = rs.public_key_bytes;
  handshake_config rc;
  rc.protocol_name = name;
  rc.my_role = role::responder;
  rc.prologue = bytes_of("prologue");
  rc.local_static = rs.clone();
  if (!proto->pattern->pre_initiator.empty()) rc.remote_static = is.public_key_bytes;
  if (tweak) tweak(ic, rc);
  auto a = handshake_state::create(std::move(ic));
  auto b = handshake_state::create(std::move(rc));
  REQUIRE(a);
  REQUIRE(b);
  return peers{std::move(*a), std::move(*b), is.public_key_bytes, rs.public_key_bytes};
}

/// The next message's sender and receiver.
std::pair<handshake_state*, handshake_state*> turn(peers& p) {
  return p.init.is_my_turn() ? std::make_pair(&p.init, &p.resp)
                             : std::make_pair(&p.resp, &p.init);
}

/// Runs the handshake to the end; returns the messages sent.
std::vector<std::vector<uint8_t>> complete(peers& p) {
  std::vector<std::vector<uint8_t>> sent;
  while (!p.init.is_finished()) {
    auto [w, r] = turn(p);
    auto payload = bytes_of("payload " + std::to_string(sent.size()));
    auto m = w->write_message(payload);
    REQUIRE(m);
    auto got = r->read_message(*m);
    REQUIRE(got);
    CHECK(*got == payload);
    sent.push_back(*m);
  }
  CHECK(p.resp.is_finished());
  return sent;
}

/// Runs a handshake in which message `index` is replaced by `mutate(message)`.
/// Returns true when the handshake completes with equal hashes and working
/// transport in both directions (i.e. the change went unnoticed).
bool survives(const std::string& name, size_t index,
              const std::function<std::vector<uint8_t>(std::vector<uint8_t>)>& mutate,
              std::optional<size_t>* failed_at = nullptr) {
  auto p = make_peers(name);
  for (size_t i = 0; !p.init.is_finished(); ++i) {
    auto [w, r] = turn(p);
    auto m = w->write_message(bytes_of("hello"));
    REQUIRE(m);
    auto got = r->read_message(i == index ? mutate(*m) : *m);
    if (!got) {
      if (failed_at) *failed_at = i;
      return false;
    }
  }
  if (p.init.handshake_hash() != p.resp.handshake_hash()) return false;
  auto a = p.init.split();
  auto b = p.resp.split();
  REQUIRE(a);
  REQUIRE(b);
  auto m = a->send.encrypt({}, bytes_of("x"));
  return m && b->recv.decrypt({}, *m);
}

}  // namespace

TEST_CASE(
    "XX between random keys: same hash, authenticated statics, transport both ways") {
  auto p = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  auto msgs = complete(p);
  REQUIRE(msgs.size() == 3);
  // "payload N" is 9 bytes.
  CHECK(msgs[0].size() == 32 + 9);            // e + plaintext payload
  CHECK(msgs[1].size() == 32 + 48 + 9 + 16);  // e + enc(s) + payload + tag
  CHECK(msgs[2].size() == 48 + 9 + 16);       // enc(s) + payload + tag
  CHECK(p.init.handshake_hash() == p.resp.handshake_hash());
  CHECK(p.init.handshake_hash().size() == 64);
  REQUIRE(p.init.remote_static());
  REQUIRE(p.resp.remote_static());
  CHECK(*p.init.remote_static() == p.resp_static);
  CHECK(*p.resp.remote_static() == p.init_static);

  auto a = p.init.split();
  auto b = p.resp.split();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->handshake_hash == b->handshake_hash);
  for (int round = 0; round < 10; ++round) {
    auto to_resp = a->send.encrypt({}, bytes_of("ping " + std::to_string(round)));
    REQUIRE(to_resp);
    auto got = b->recv.decrypt({}, *to_resp);
    REQUIRE(got);
    CHECK(*got == bytes_of("ping " + std::to_string(round)));
    auto to_init = b->send.encrypt({}, bytes_of("pong"));
    REQUIRE(to_init);
    CHECK(a->recv.decrypt({}, *to_init));
  }
  // The two directions use different keys.
  auto m = a->send.encrypt({}, bytes_of("x"));
  CHECK_FALSE(a->recv.decrypt({}, *m));
}

TEST_CASE("every pattern completes between random keys in every supported suite") {
  for (const auto& pat : all_patterns()) {
    for (const char* suite : {"25519_ChaChaPoly_BLAKE2b", "25519_ChaChaPoly_SHA256",
                              "25519_ChaChaPoly_SHA512", "25519_AESGCM_BLAKE2b"}) {
      std::string name = "Noise_" + pat.name + "_" + suite;
      if (!parse_protocol_name(name)) continue;  // AESGCM without AES instructions
      CAPTURE(name);
      auto p = make_peers(name);
      auto msgs = complete(p);
      CHECK(msgs.size() == pat.messages.size());
      CHECK(p.init.handshake_hash() == p.resp.handshake_hash());
      auto a = p.init.split();
      auto b = p.resp.split();
      REQUIRE(a);
      REQUIRE(b);
      auto m = a->send.encrypt({}, bytes_of("i->r"));
      REQUIRE(m);
      CHECK(b->recv.decrypt({}, *m));
      if (pat.one_way) {
        CHECK(b->send.encrypt({}, bytes_of("r->i")).error().code == noise_errc::no_key);
        CHECK(a->recv.decrypt({}, *m).error().code == noise_errc::no_key);
      } else {
        auto back = b->send.encrypt({}, bytes_of("r->i"));
        REQUIRE(back);
        CHECK(a->recv.decrypt({}, *back));
      }
    }
  }
}

TEST_CASE("IK and NN complete, IK authenticates the responder before it answers") {
  auto ik = make_peers("Noise_IK_25519_ChaChaPoly_BLAKE2b");
  CHECK(complete(ik).size() == 2);
  CHECK(*ik.resp.remote_static() == ik.init_static);
  auto nn = make_peers("Noise_NN_25519_ChaChaPoly_BLAKE2b");
  CHECK(complete(nn).size() == 2);
  CHECK_FALSE(nn.init.remote_static());
  CHECK_FALSE(nn.resp.remote_static());
}

TEST_CASE(
    "every bit flip in every XX, IK and NN handshake message makes the handshake fail") {
  for (const char* name :
       {"Noise_XX_25519_ChaChaPoly_BLAKE2b", "Noise_IK_25519_ChaChaPoly_BLAKE2b",
        "Noise_NN_25519_ChaChaPoly_BLAKE2b"}) {
    auto lengths = [&] {
      auto p = make_peers(name);
      std::vector<size_t> out;
      while (!p.init.is_finished()) {
        auto [w, r] = turn(p);
        auto m = w->write_message(bytes_of("hello"));
        REQUIRE(m);
        REQUIRE(r->read_message(*m));
        out.push_back(m->size());
      }
      return out;
    }();
    for (size_t msg = 0; msg < lengths.size(); ++msg) {
      for (size_t byte = 0; byte < lengths[msg]; ++byte) {
        CAPTURE(name);
        CAPTURE(msg);
        CAPTURE(byte);
        std::optional<size_t> failed_at;
        CHECK_FALSE(survives(
            name, msg,
            [&](std::vector<uint8_t> m) {
              m[byte] ^= static_cast<uint8_t>(1u << (byte % 8));
              return m;
            },
            &failed_at));
        // Messages after the first DH are authenticated: their own read fails.
        if (msg > 0 || std::string{name}.find("_IK_") != std::string::npos) {
          CHECK(failed_at == msg);
        }
      }
    }
  }
}

TEST_CASE("every truncation of every XX handshake message makes the handshake fail") {
  const std::string name = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
  for (size_t msg = 0; msg < 3; ++msg) {
    for (size_t cut = 1; cut <= 90; ++cut) {
      CAPTURE(msg);
      CAPTURE(cut);
      CHECK_FALSE(survives(name, msg, [&](std::vector<uint8_t> m) {
        m.resize(cut > m.size() ? 0 : m.size() - cut);
        return m;
      }));
    }
  }
}

TEST_CASE("a short message names the missing token") {
  auto p = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  auto m1 = p.init.write_message({});
  REQUIRE(m1);
  auto r = p.resp.read_message({m1->data(), 31});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == noise_errc::truncated);
  REQUIRE(p.resp.read_message(*m1));
  auto m2 = p.resp.write_message(bytes_of("xyz"));
  REQUIRE(m2);
  auto r2 = p.init.read_message({m2->data(), 32 + 47});
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code == noise_errc::truncated);
  auto r3 = p.init.read_message({m2->data(), 32 + 48 + 15});
  REQUIRE_FALSE(r3);
  CHECK(r3.error().code == noise_errc::truncated);  // shorter than the payload's tag
  auto r4 = p.init.read_message({m2->data(), m2->size() - 1});
  REQUIRE_FALSE(r4);
  CHECK(r4.error().code == noise_errc::decrypt_failed);
}

TEST_CASE("a failed read changes nothing: the genuine message is still accepted") {
  auto p = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  auto m1 = p.init.write_message({});
  REQUIRE(p.resp.read_message(*m1));
  auto m2 = p.resp.write_message(bytes_of("two"));
  REQUIRE(m2);
  const auto hash_before = p.init.handshake_hash();
  auto bad = *m2;
  bad[40] ^= 1;
  auto r = p.init.read_message(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == noise_errc::decrypt_failed);
  CHECK(p.init.handshake_hash() == hash_before);
  CHECK(p.init.message_index() == 1);
  CHECK_FALSE(p.init.remote_ephemeral());
  auto good = p.init.read_message(*m2);
  REQUIRE(good);
  CHECK(*good == bytes_of("two"));
  auto m3 = p.init.write_message({});
  REQUIRE(m3);
  REQUIRE(p.resp.read_message(*m3));
  CHECK(p.init.handshake_hash() == p.resp.handshake_hash());
}

TEST_CASE("IK with a wrong responder key fails at the responder's first read") {
  auto other = keypair::generate();
  auto p = make_peers("Noise_IK_25519_ChaChaPoly_BLAKE2b",
                      [&](handshake_config& ic, handshake_config&) {
                        ic.remote_static = other.public_key_bytes;
                      });
  auto m1 = p.init.write_message(bytes_of("early data"));
  REQUIRE(m1);
  auto r = p.resp.read_message(*m1);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == noise_errc::decrypt_failed);
}

TEST_CASE("KK with a wrong initiator key at the responder fails") {
  auto other = keypair::generate();
  auto p = make_peers("Noise_KK_25519_ChaChaPoly_BLAKE2b",
                      [&](handshake_config&, handshake_config& rc) {
                        rc.remote_static = other.public_key_bytes;
                      });
  auto m1 = p.init.write_message({});
  REQUIRE(m1);
  CHECK_FALSE(p.resp.read_message(*m1));
}

TEST_CASE("different prologues make the handshake fail") {
  auto p = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b",
                      [](handshake_config&, handshake_config& rc) {
                        rc.prologue = bytes_of("other prologue");
                      });
  auto m1 = p.init.write_message({});
  REQUIRE(p.resp.read_message(*m1));
  auto m2 = p.resp.write_message({});
  REQUIRE(m2);
  CHECK(p.init.read_message(*m2).error().code == noise_errc::decrypt_failed);
}

TEST_CASE("handshake messages over 65535 bytes are refused, up to it accepted") {
  auto p = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  std::vector<uint8_t> payload(max_message_len - 32 + 1);
  auto w = p.init.write_message(payload);
  REQUIRE_FALSE(w);
  CHECK(w.error().code == noise_errc::too_long);
  CHECK(p.init.message_index() == 0);
  std::vector<uint8_t> huge(max_message_len + 1);
  CHECK(p.init.write_message(huge).error().code == noise_errc::too_long);
  payload.pop_back();  // e (32) + payload = exactly 65535
  auto ok = p.init.write_message(payload);
  REQUIRE(ok);
  CHECK(ok->size() == max_message_len);
  CHECK(p.resp.read_message(huge).error().code == noise_errc::too_long);
  auto got = p.resp.read_message(*ok);
  REQUIRE(got);
  CHECK(got->size() == payload.size());
  // Message 2 carries 32 + 48 + 16 bytes of overhead.
  std::vector<uint8_t> p2(max_message_len - 96 + 1);
  CHECK(p.resp.write_message(p2).error().code == noise_errc::too_long);
  p2.pop_back();
  auto m2 = p.resp.write_message(p2);
  REQUIRE(m2);
  CHECK(m2->size() == max_message_len);
  CHECK(p.init.read_message(*m2));
}

TEST_CASE("writing or reading out of turn, or after the end, is refused") {
  auto p = make_peers("Noise_NN_25519_ChaChaPoly_BLAKE2b");
  CHECK(p.resp.write_message({}).error().code == noise_errc::wrong_turn);
  CHECK(p.init.read_message({}).error().code == noise_errc::wrong_turn);
  CHECK(p.init.split().error().code == noise_errc::wrong_state);
  complete(p);
  CHECK(p.init.write_message({}).error().code == noise_errc::wrong_state);
  CHECK(p.resp.read_message({}).error().code == noise_errc::wrong_state);
  CHECK(p.init.split());
  CHECK(p.init.split().error().code == noise_errc::wrong_state);
}

TEST_CASE("missing keys are reported at creation") {
  handshake_config xx;
  xx.my_role = role::initiator;
  auto r = handshake_state::create(std::move(xx));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == noise_errc::missing_key);

  handshake_config ik;
  ik.protocol_name = "Noise_IK_25519_ChaChaPoly_BLAKE2b";
  ik.local_static = keypair::generate();
  auto r2 = handshake_state::create(std::move(ik));
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code == noise_errc::missing_key);

  handshake_config nk_resp;  // the NK responder needs its own static key
  nk_resp.protocol_name = "Noise_NK_25519_ChaChaPoly_BLAKE2b";
  nk_resp.my_role = role::responder;
  CHECK(handshake_state::create(std::move(nk_resp)).error().code
        == noise_errc::missing_key);

  handshake_config nn;  // NN needs no static key at all
  nn.protocol_name = "Noise_NN_25519_ChaChaPoly_BLAKE2b";
  CHECK(handshake_state::create(std::move(nn)));

  handshake_config bad;
  bad.protocol_name = "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b";
  CHECK(handshake_state::create(std::move(bad)).error().code == noise_errc::unsupported);
}

TEST_CASE("a low-order ephemeral key from the peer is refused") {
  for (const public_key& low : {public_key{}, [] {
                                  public_key one{};
                                  one[0] = 1;
                                  return one;
                                }()}) {
    // NK: the responder's DH(s, re) happens while reading message 1.
    auto nk = make_peers("Noise_NK_25519_ChaChaPoly_BLAKE2b");
    auto m1 = nk.init.write_message({});
    REQUIRE(m1);
    std::copy(low.begin(), low.end(), m1->begin());
    auto r = nk.resp.read_message(*m1);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == noise_errc::bad_dh);
    // XX: reading message 1 does no DH; writing message 2 (ee) then fails.
    auto xx = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b");
    auto x1 = xx.init.write_message({});
    REQUIRE(x1);
    std::copy(low.begin(), low.end(), x1->begin());
    REQUIRE(xx.resp.read_message(*x1));
    auto w = xx.resp.write_message({});
    REQUIRE_FALSE(w);
    CHECK(w.error().code == noise_errc::bad_dh);
    CHECK(xx.resp.message_index() == 1);
  }
}

TEST_CASE("ephemeral keys come from the configured random function") {
  auto fixed = [](uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(0x40 + i);
  };
  auto s = keypair::generate();
  std::vector<uint8_t> first;
  for (int run = 0; run < 2; ++run) {
    handshake_config c;
    c.protocol_name = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
    c.local_static = s.clone();
    c.rng = fixed;
    auto hs = handshake_state::create(std::move(c));
    REQUIRE(hs);
    auto m = hs->write_message({});
    REQUIRE(m);
    if (run == 0)
      first = *m;
    else
      CHECK(*m == first);
  }
  auto expect = keypair::from_private(pattern_bytes(32, 0x40).data());
  CHECK(std::equal(first.begin(), first.begin() + 32, expect.public_key_bytes.begin()));
}

TEST_CASE("transport after XX rejects replay and reordering, a session tracks nonces") {
  auto p = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  complete(p);
  auto a = p.init.split();
  auto b = p.resp.split();
  REQUIRE(a);
  REQUIRE(b);
  auto m0 = *a->send.encrypt({}, bytes_of("0"));
  auto m1 = *a->send.encrypt({}, bytes_of("1"));
  CHECK(b->recv.decrypt({}, m1).error().code == noise_errc::decrypt_failed);
  CHECK(b->recv.decrypt({}, m0));
  CHECK(b->recv.decrypt({}, m0).error().code == noise_errc::decrypt_failed);
  CHECK(b->recv.decrypt({}, m1));
}

TEST_CASE("transport nonce exhaustion and rekey after a real handshake") {
  auto p = make_peers("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  complete(p);
  auto a = p.init.split();
  auto b = p.resp.split();
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->send.rekey());
  REQUIRE(b->recv.rekey());
  auto m = a->send.encrypt({}, bytes_of("after rekey"));
  REQUIRE(m);
  CHECK(b->recv.decrypt({}, *m));
  REQUIRE(b->send.rekey());  // one side only
  auto n = b->send.encrypt({}, bytes_of("x"));
  REQUIRE(n);
  CHECK(a->recv.decrypt({}, *n).error().code == noise_errc::decrypt_failed);
  a->send.set_nonce(max_nonce);
  CHECK(a->send.encrypt({}, bytes_of("x")).error().code == noise_errc::nonce_exhausted);
}
