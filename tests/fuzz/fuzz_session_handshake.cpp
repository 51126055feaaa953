// libFuzzer target: the session layer's handshake (actors/peer/session):
// handshake_driver steps and verify_binding on hostile bytes. Identities,
// static keys and ephemeral keys are fixed, so every run is reproducible and
// genuine messages are the same each time. data[0] picks the scenario:
//   0  responder on_msg1(rest)
//   1  initiator on_msg2(rest) after a genuine start
//   2  responder on_msg3(rest) after genuine messages 1 and 2
//   3  verify_binding(rest) against a fixed static key
//   4  initiator on_msg2 of a genuine Noise message 2 whose payload is rest
//   5  responder on_msg3 of a genuine Noise message 3 whose payload is rest
//   6  a genuine handshake where message 1 + data[1] % 3 is edited by rest
//      (pairs of position, xor mask): it must fail iff the message changed
//   7  a genuine binding edited by rest: it must verify iff only the
//      unsigned feature bytes changed
// Invariants: errors are peer errors (never internal), a failed driver is
// dead and answers aborted afterwards, verified bindings name their key.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "actors/peer/noise/handshake_state.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/handshake_driver.hpp"

using namespace nz::peer;
namespace noise = nz::peer::noise;

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

noise::keypair fixed_key(uint8_t seed) {
  uint8_t sk[32];
  for (int i = 0; i < 32; ++i) {
    sk[i] = static_cast<uint8_t>(seed * 31 + i);
  }
  return noise::keypair::from_private(sk);
}

noise::random_fn fixed_rng(uint8_t seed) {
  return [seed](uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      out[i] = static_cast<uint8_t>(seed + 7 * i);
    }
  };
}

/// A node: a fixed Ed25519 identity, a fixed static key and its binding.
struct node {
  ed25519_public_key pk{};
  uint8_t sk[crypto_sign_SECRETKEYBYTES] = {};
  noise::keypair s;
  std::vector<uint8_t> binding_bytes;

  explicit node(uint8_t seed) : s(fixed_key(seed)) {
    uint8_t ed_seed[crypto_sign_SEEDBYTES];
    for (size_t i = 0; i < sizeof ed_seed; ++i) {
      ed_seed[i] = static_cast<uint8_t>(seed + i);
    }
    crypto_sign_seed_keypair(pk.data(), sk, ed_seed);
    const auto msg = binding_message(s.public_key_bytes, protocol_version);
    ed25519_signature sig{};
    crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk);
    binding_bytes = encode_binding(pk, sig, protocol_version, 0);
  }

  handshake_driver driver(noise::role r, uint8_t rng_seed) const {
    auto d = handshake_driver::create(r, s.clone(), binding_bytes, protocol_version,
                                      fixed_rng(rng_seed));
    check(static_cast<bool>(d));
    return std::move(*d);
  }
};

const node& node_a() {
  static const node n{1};
  return n;
}
const node& node_b() {
  static const node n{2};
  return n;
}

noise::handshake_state raw_side(noise::role r, const node& n, uint8_t rng_seed) {
  noise::handshake_config c;
  c.my_role = r;
  c.prologue = make_prologue(protocol_version);
  c.local_static = n.s.clone();
  c.rng = fixed_rng(rng_seed);
  auto hs = noise::handshake_state::create(std::move(c));
  check(static_cast<bool>(hs));
  return std::move(*hs);
}

/// After a failed step: a wire reason, and the driver is dead for good.
void check_failed(const session_error& e, handshake_driver& d) {
  check(is_peer_error(e.code));
  check(d.is_dead());
  check(d.on_msg1(std::vector<uint8_t>(32, 9)).error().code == session_errc::aborted);
  check(d.transport({}, 0).error().code == session_errc::aborted);
}

void check_binding(const binding& b) {
  check(b.node_id == node_id_of(b.ed25519_public));
  check(b.protocol_version == protocol_version);
}

/// Applies (position, xor) pairs; returns whether anything changed.
bool edit(std::vector<uint8_t>& msg, const uint8_t* p, size_t n) {
  const auto before = msg;
  for (size_t i = 0; i + 1 < n && !msg.empty(); i += 2) {
    msg[p[i] % msg.size()] ^= p[i + 1];
  }
  return msg != before;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const unsigned scenario = data[0] % 8;
  const noise::bytes_view rest{data + 1, size - 1};
  const node& a = node_a();
  const node& b = node_b();
  auto ini = a.driver(noise::role::initiator, 10);
  auto res = b.driver(noise::role::responder, 20);

  switch (scenario) {
    case 0: {
      auto r = res.on_msg1(rest);
      if (!r) {
        check_failed(r.error(), res);
      }
      break;
    }
    case 1: {
      check(static_cast<bool>(ini.start()));
      auto r = ini.on_msg2(rest);
      if (!r) {
        check_failed(r.error(), ini);
      } else {
        check_binding(r->remote);
      }
      break;
    }
    case 2: {
      auto m1 = ini.start();
      check(static_cast<bool>(m1));
      check(static_cast<bool>(res.on_msg1(*m1)));
      auto r = res.on_msg3(rest);
      if (!r) {
        check_failed(r.error(), res);
      } else {
        check_binding(*r);
      }
      break;
    }
    case 3: {
      auto r = verify_binding(rest, a.s.public_key_bytes);
      if (!r) {
        check(is_peer_error(r.error().code));
      } else {
        check_binding(*r);
      }
      break;
    }
    case 4: {
      auto evil = raw_side(noise::role::responder, b, 30);
      auto m1 = ini.start();
      check(static_cast<bool>(m1));
      check(static_cast<bool>(evil.read_message(*m1)));
      if (rest.size > noise::max_message_len - 100) {
        return 0;
      }
      auto m2 = evil.write_message(rest);
      check(static_cast<bool>(m2));
      auto r = ini.on_msg2(*m2);
      if (!r) {
        check_failed(r.error(), ini);
      } else {
        check_binding(r->remote);
      }
      break;
    }
    case 5: {
      auto evil = raw_side(noise::role::initiator, a, 40);
      auto m1 = evil.write_message({});
      check(static_cast<bool>(m1));
      auto m2 = res.on_msg1(*m1);
      check(static_cast<bool>(m2));
      check(static_cast<bool>(evil.read_message(*m2)));
      if (rest.size > noise::max_message_len - 100) {
        return 0;
      }
      auto m3 = evil.write_message(rest);
      check(static_cast<bool>(m3));
      auto r = res.on_msg3(*m3);
      if (!r) {
        check_failed(r.error(), res);
      } else {
        check_binding(*r);
      }
      break;
    }
    case 6: {
      if (rest.size == 0) {
        return 0;
      }
      const unsigned which = 1 + rest.data[0] % 3;
      const uint8_t* edits = rest.data + 1;
      const size_t n_edits = rest.size - 1;
      bool changed = false;
      bool failed = false;
      auto m1 = ini.start();
      check(static_cast<bool>(m1));
      if (which == 1) {
        changed = edit(*m1, edits, n_edits);
      }
      auto m2 = res.on_msg1(*m1);
      if (!m2) {
        check_failed(m2.error(), res);
        failed = true;
      } else {
        if (which == 2) {
          changed = edit(*m2, edits, n_edits);
        }
        auto r2 = ini.on_msg2(*m2);
        if (!r2) {
          check_failed(r2.error(), ini);
          failed = true;
        } else {
          if (which == 3) {
            changed = edit(r2->msg3, edits, n_edits);
          }
          auto r3 = res.on_msg3(r2->msg3);
          if (!r3) {
            check_failed(r3.error(), res);
            failed = true;
          } else {
            check(r3->ed25519_public == a.pk);
            check(r2->remote.ed25519_public == b.pk);
          }
        }
      }
      check(failed == changed);
      break;
    }
    case 7: {
      auto bytes = a.binding_bytes;
      const auto before = bytes;
      edit(bytes, rest.data, rest.size);
      bool only_features = true;
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] != before[i] && (i < 2 || i >= 6)) {
          only_features = false;
        }
      }
      auto r = verify_binding(bytes, a.s.public_key_bytes);
      check(static_cast<bool>(r) == only_features);
      if (r) {
        check(r->ed25519_public == a.pk);
      }
      break;
    }
  }
  return 0;
}
