// Fuzzes the trust store's decoders and rules. The first input byte picks a
// target; the rest is its input:
//   0 assertion, 1 signed assertion (log payload), 2 trust-set snapshot,
//   3 bundle, 4 chain entry, 5 trust log (length-prefixed entries),
//   6 a scripted sequence of well-signed assertions through check_own,
//     check_batch, apply, snapshots and rebuild.
// Every decoder must refuse garbage cleanly; every accepted input must
// re-encode to exactly the same bytes (canonical encodings); the scripted run
// must keep the incremental set equal to its snapshot and to rebuild(log).
#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/bundle.hpp"
#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/signature.hpp"
#include "actors/trust/core/sync_rules.hpp"
#include "actors/trust/core/trust_log.hpp"
#include "runtime/chain/entry.hpp"

using namespace nz::trust;

namespace {

struct fuzz_key {
  pubkey pk{};
  std::array<uint8_t, 64> sk{};
};

const std::array<fuzz_key, 5>& keys() {
  static const auto ks = [] {
    std::array<fuzz_key, 5> out{};
    for (uint8_t i = 0; i < out.size(); ++i) {
      std::array<uint8_t, 32> seed{};
      seed.fill(static_cast<uint8_t>(i + 1));
      crypto_sign_seed_keypair(out[i].pk.data(), out[i].sk.data(), seed.data());
    }
    return out;
  }();
  return ks;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void fuzz_assertion(const uint8_t* data, size_t size) {
  auto a = decode_assertion(data, size);
  if (!a) return;
  check(encode(*a) == std::vector<uint8_t>(data, data + size));
  check(static_cast<bool>(validate(*a, limits{})));
  (void)expiry_of(*a, true, limits{});
}

void fuzz_signed(const uint8_t* data, size_t size) {
  auto s = parse_payload(data, size);
  if (!s) return;
  check(make_payload(*s) == std::vector<uint8_t>(data, data + size));
  (void)verify(*s);
}

void fuzz_snapshot(const uint8_t* data, size_t size) {
  // The snapshot names its own key at offset 5; use it so decoding goes deep.
  pubkey own{};
  if (size >= 5 + own.size()) std::memcpy(own.data(), data + 5, own.size());
  auto ts = trust_set::decode(data, size, own);
  if (!ts) return;
  check(ts->encode() == std::vector<uint8_t>(data, data + size));
  // Whatever a snapshot holds, evaluation and admission must not misbehave.
  evaluator ev{*ts, 1'000'000};
  size_t n = 0;
  for (const auto& k : ts->known_keys()) {
    if (++n > 64) break;
    auto v = ev.effective_trust(k);
    auto w = effective_trust(*ts, k, 1'000'000);
    check(v.lvl == w.lvl && v.revoked == w.revoked && v.path == w.path);
    (void)ts->find_node_id(node_id_of(k));
  }
  std::vector<signed_assertion> batch;
  for (const auto& [subject, rec] : ts->own_records()) {
    if (rec.set_level) batch.push_back(*rec.set_level);
    if (batch.size() >= 8) break;
  }
  auto v = check_batch(*ts, batch, 1'000'000);
  check(v.rejected.empty() == v.accepted);
}

void fuzz_bundle(const uint8_t* data, size_t size) {
  auto b = decode_bundle(data, size);
  if (!b) return;
  // Only reachable with a valid exporter signature; re-encoding with the same
  // signature must give the same bytes.
  sig64 sig{};
  std::memcpy(sig.data(), data + size - 64, 64);
  auto again = encode_bundle(b->exporter, b->created_ms, b->assertions,
                             [&](const uint8_t*, size_t) { return sig; });
  check(again && *again == std::vector<uint8_t>(data, data + size));
}

void fuzz_entry(const uint8_t* data, size_t size) {
  auto e = nz::chain::decode(data, size);
  if (!e) return;
  check(nz::chain::encode(*e) == std::vector<uint8_t>(data, data + size));
  check(nz::chain::hash_of("a", *e) != nz::chain::hash_of("b", *e));
}

void fuzz_log(const uint8_t* data, size_t size) {
  std::vector<std::vector<uint8_t>> entries;
  size_t pos = 0;
  while (pos + 2 <= size && entries.size() < 64) {
    size_t len = data[pos] | (static_cast<size_t>(data[pos + 1]) << 8);
    pos += 2;
    len = std::min(len, size - pos);
    entries.emplace_back(data + pos, data + pos + len);
    pos += len;
  }
  auto r = verify_log(entries);
  check(r.assertions.size() <= entries.size());
  check(r.broken.has_value() || r.assertions.size() == entries.size());
  (void)rebuild(r.assertions, keys()[0].pk);
}

// Scripted run: 6 bytes per step, at most 48 steps.
void fuzz_script(const uint8_t* data, size_t size) {
  const auto& ks = keys();
  limits l;
  l.max_trusted = 3;
  l.max_third_party_per_subject = 2;
  l.default_ttl_ms = 50'000;
  l.max_delegation_depth = 3;
  trust_set live{ks[0].pk, l};
  std::vector<signed_assertion> log;
  std::array<uint64_t, 5> seqs{};
  std::vector<uint8_t> snap = live.encode();
  size_t snap_at = 0;
  int64_t now = 100'000;
  for (size_t pos = 0; pos + 6 <= size && pos < 6 * 48; pos += 6) {
    const uint8_t* op = data + pos;
    now += op[5] * 100;
    if (op[0] >= 0xf0) {  // snapshot or crash-and-replay
      if (op[0] & 1) {
        snap = live.encode();
        snap_at = log.size();
      } else {
        auto back = trust_set::decode(snap.data(), snap.size(), ks[0].pk, l);
        check(static_cast<bool>(back));
        for (size_t i = snap_at; i < log.size(); ++i)
          check(back->apply(log[i]) == apply_status::applied);
        check(*back == live);
      }
      continue;
    }
    size_t issuer = op[1] % ks.size();
    assertion a;
    a.k = static_cast<kind>(1 + op[0] % 4);
    a.issuer = ks[issuer].pk;
    a.subject = ks[op[2] % ks.size()].pk;
    if (a.k == kind::set_level) a.lvl = static_cast<level>(op[3] % 5);
    if (a.k == kind::delegate) {
      a.depth = static_cast<uint8_t>(1 + op[3] % 3);
      a.max_level = static_cast<level>(1 + op[4] % 4);
    }
    a.created_ms = now - (op[4] & 0x0f) * 10'000;
    if ((a.k == kind::set_level || a.k == kind::delegate) && (op[4] & 0x80))
      a.expires_ms = now + (op[3] & 0xf0) * 100 + 1;
    a.issuer_seq = (op[0] & 0x40) ? 1 + op[3] % 4 : seqs[issuer] + 1;
    auto s = sign(a, ks[issuer].sk.data());
    if (issuer == 0) {
      if (!live.check_own(a, now)) continue;
      check(live.apply(s) == apply_status::applied);
      log.push_back(s);
      seqs[0] = a.issuer_seq;
      continue;
    }
    auto v = check_batch(live, {s}, now);
    check(v.accepted == v.rejected.empty());
    for (const auto& x : v.to_apply) {
      check(live.apply(x) == apply_status::applied);
      log.push_back(x);
      seqs[issuer] = x.a.issuer_seq;
    }
  }
  check(rebuild(log, ks[0].pk, l) == live);
  auto bytes = live.encode();
  auto back = trust_set::decode(bytes.data(), bytes.size(), ks[0].pk, l);
  check(back && *back == live && back->encode() == bytes);
  evaluator ev{live, now};
  for (const auto& k : ks) (void)ev.effective_trust(k.pk);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t* rest = data + 1;
  size_t n = size - 1;
  switch (data[0] % 7) {
    case 0:
      fuzz_assertion(rest, n);
      break;
    case 1:
      fuzz_signed(rest, n);
      break;
    case 2:
      fuzz_snapshot(rest, n);
      break;
    case 3:
      fuzz_bundle(rest, n);
      break;
    case 4:
      fuzz_entry(rest, n);
      break;
    case 5:
      fuzz_log(rest, n);
      break;
    case 6:
      fuzz_script(rest, n);
      break;
  }
  return 0;
}
