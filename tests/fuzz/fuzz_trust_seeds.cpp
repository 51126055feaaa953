// Writes a seed corpus for nz_fuzz_trust into the directory given as argv[1]:
// one valid input per target (selector byte + encoding), so that a short run
// starts past the magic numbers and signatures it could not guess.
//   nz_fuzz_trust_seeds build-fuzz/corpus/nz_fuzz_trust
#include <sodium.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/bundle.hpp"
#include "actors/trust/core/signature.hpp"
#include "actors/trust/core/trust_log.hpp"
#include "runtime/chain/appender.hpp"

using namespace nz::trust;

namespace {

struct kp {
  pubkey pk{};
  std::array<uint8_t, 64> sk{};
};

kp make_key(uint8_t n) {
  kp k;
  std::array<uint8_t, 32> seed{};
  seed.fill(n);  // the same keys as fuzz_trust.cpp
  crypto_sign_seed_keypair(k.pk.data(), k.sk.data(), seed.data());
  return k;
}

bool write(const std::string& dir, const std::string& name, uint8_t selector,
           const std::vector<uint8_t>& body) {
  auto path = dir + "/seed-" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  std::fputc(selector, f);
  std::fwrite(body.data(), 1, body.size(), f);
  return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || sodium_init() < 0) {
    std::fprintf(stderr, "usage: nz_fuzz_trust_seeds <corpus dir>\n");
    return 2;
  }
  std::string dir = argv[1];
  auto me = make_key(1), a = make_key(2), b = make_key(3);
  std::vector<signed_assertion> xs;
  auto add = [&](const kp& by, kind k, const pubkey& about, uint64_t seq) {
    assertion x;
    x.k = k;
    x.issuer = by.pk;
    x.subject = about;
    if (k == kind::set_level) x.lvl = level::high;
    if (k == kind::delegate) {
      x.depth = 2;
      x.max_level = level::high;
    }
    x.issuer_seq = seq;
    x.created_ms = 1'000'000 - 1000;
    if (k == kind::set_level) x.labels = {{"name", "seed"}};
    xs.push_back(sign(x, by.sk.data()));
  };
  add(me, kind::set_level, a.pk, 1);
  add(me, kind::delegate, a.pk, 2);
  add(me, kind::revoke, make_key(4).pk, 3);
  add(a, kind::set_level, b.pk, 1);
  add(a, kind::delegate, b.pk, 2);
  add(b, kind::set_level, make_key(5).pk, 1);

  bool ok = write(dir, "assertion", 0, encode(xs[0].a));
  ok &= write(dir, "signed", 1, make_payload(xs[1]));
  ok &= write(dir, "snapshot", 2, rebuild(xs, me.pk).encode());
  auto bundle = encode_bundle(me.pk, 1'000'000, xs, [&](const uint8_t* m, size_t n) {
    return sign_detached(m, n, me.sk.data());
  });
  ok &= bundle && write(dir, "bundle", 3, *bundle);
  nz::chain::appender app{std::string{log_domain}};
  std::vector<uint8_t> log;
  for (const auto& x : xs) {
    auto e = app.next(1'000'000, make_payload(x));
    auto bytes = nz::chain::encode(e);
    app.advance(e);
    if (&x == &xs[0]) ok &= write(dir, "entry", 4, bytes);
    log.push_back(static_cast<uint8_t>(bytes.size()));
    log.push_back(static_cast<uint8_t>(bytes.size() >> 8));
    log.insert(log.end(), bytes.begin(), bytes.end());
  }
  ok &= write(dir, "log", 5, log);
  ok &= write(dir, "script", 6,
              {0, 0, 1, 3,    0, 1, 2, 0, 1, 1, 3, 1, 0, 1, 2, 3,    0, 1, 2, 1, 2,
               1, 3, 1, 0xf1, 0, 0, 0, 0, 0, 2, 2, 3, 1, 2, 1, 0xf0, 0, 0, 0, 0, 0});
  return ok ? 0 : 1;
}
