// Property: a trust set maintained incrementally -- through check_own and
// check_batch, with crashes that restart from a snapshot and replay the rest of
// the log -- equals rebuild() of the whole log, and answers the same.
// NZ_PROPERTY_SEED=<n> repeats a run; the seed is printed.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/sync_rules.hpp"
#include "actors/trust/core/trust_log.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

uint64_t property_seed() {
  if (const char* env = std::getenv("NZ_PROPERTY_SEED"))
    return std::strtoull(env, nullptr, 10);
  return std::random_device{}();
}

struct world {
  std::mt19937_64 rng;
  limits l;
  std::vector<test_key> keys;  // keys[0] is this node
  issuer_book book;
  int64_t now = 10'000;
  std::vector<signed_assertion> log;
  std::vector<uint8_t> snapshot;
  size_t snapshot_at = 0;

  explicit world(uint64_t seed) : rng(seed) {
    l.max_trusted = 5;
    l.max_third_party_per_subject = 3;
    l.default_ttl_ms = 20'000;
    l.max_delegation_depth = 3;
    for (uint8_t i = 1; i <= 8; ++i) keys.push_back(key(i));
  }
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool chance(int percent) { return pick(100) < static_cast<size_t>(percent); }

  assertion random_assertion(size_t issuer) {
    assertion a;
    auto roll = pick(100);  // revocations are permanent: keep them rare
    a.k = roll < 60   ? kind::set_level
          : roll < 80 ? kind::delegate
          : roll < 92 ? kind::remove
                      : kind::revoke;
    a.issuer = keys[issuer].pk;
    auto subject = 1 + pick(keys.size() - 1);
    if (subject == issuer) subject = 0;
    a.subject = keys[chance(2) ? issuer : subject].pk;
    a.created_ms = now - static_cast<int64_t>(pick(chance(90) ? 3'000 : 30'000));
    if (a.created_ms < 0) a.created_ms = 0;
    if (a.k == kind::set_level) a.lvl = static_cast<level>(pick(5));
    if (a.k == kind::delegate) {
      a.depth = static_cast<uint8_t>(1 + pick(3));
      a.max_level = static_cast<level>(1 + pick(4));
    }
    if ((a.k == kind::set_level || a.k == kind::delegate) && chance(30))
      a.expires_ms = now + static_cast<int64_t>(pick(40'000)) - 5'000;
    if (a.expires_ms != 0 && a.expires_ms <= a.created_ms)
      a.expires_ms = a.created_ms + 1;
    if (chance(10)) a.labels = {{"name", "n" + std::to_string(pick(100))}};
    return a;
  }
};

std::string describe(const trust_set& x, const trust_set& y) {
  return "own " + std::to_string(x.own_records().size()) + "/"
         + std::to_string(y.own_records().size()) + " foreign issuers "
         + std::to_string(x.foreign_records().size()) + "/"
         + std::to_string(y.foreign_records().size());
}

}  // namespace

TEST_CASE("an incrementally maintained trust set equals a rebuild from its log") {
  const uint64_t seed = property_seed();
  std::printf("trust property test seed: %llu (NZ_PROPERTY_SEED to repeat)\n",
              static_cast<unsigned long long>(seed));
  MESSAGE("seed " << seed);
  size_t applied_total = 0, rejected_total = 0, crashes = 0;
  std::map<std::string, size_t> reasons;
  for (uint64_t n = 0; n < 1000; ++n) {
    INFO("seed " << seed << " case " << n);
    world w{seed + n};
    trust_set live{w.keys[0].pk, w.l};
    // Bootstrap: this node trusts keys 1..3 and lets 1 and 2 delegate.
    for (size_t i = 1; i <= 5; ++i) {
      assertion a;
      a.k = i <= 3 ? kind::set_level : kind::delegate;
      a.issuer = w.keys[0].pk;
      a.subject = w.keys[i <= 3 ? i : i - 3].pk;
      a.lvl = i <= 3 ? level::high : level::unknown;
      a.depth = i <= 3 ? 0 : 2;
      a.max_level = i <= 3 ? level::unknown : level::high;
      a.issuer_seq = live.next_own_seq();
      a.created_ms = w.now;
      REQUIRE(live.check_own(a, w.now));
      auto s = sign(a, w.keys[0].sk.data());
      REQUIRE(live.apply(s) == apply_status::applied);
      w.log.push_back(s);
    }
    w.snapshot = live.encode();
    w.snapshot_at = w.log.size();
    auto steps = 10 + w.pick(40);
    for (size_t step = 0; step < steps; ++step) {
      w.now += static_cast<int64_t>(w.pick(3'000));
      auto what = w.pick(100);
      if (what < 40) {  // an own assertion through check_own
        auto a = w.random_assertion(0);
        a.issuer_seq = w.chance(95) ? live.next_own_seq() : 1 + w.pick(5);
        if (a.k == kind::set_level && w.chance(60)) a.lvl = level::high;
        if (w.chance(30)) a.subject = w.keys[1 + w.pick(3)].pk;  // the usual issuers
        if (!live.check_own(a, w.now)) continue;
        auto s = sign(a, w.keys[0].sk.data());
        REQUIRE(live.apply(s) == apply_status::applied);
        w.log.push_back(s);
      } else if (what < 85) {  // a foreign batch through check_batch
        std::vector<signed_assertion> batch;
        auto size = 1 + w.pick(4);
        for (size_t i = 0; i < size; ++i) {
          if (!w.log.empty() && w.chance(4)) {  // replay something old
            batch.push_back(w.log[w.pick(w.log.size())]);
            continue;
          }
          auto issuer = 1 + w.pick(w.chance(80) ? 3 : w.keys.size() - 1);
          auto a = w.random_assertion(issuer);
          a.issuer_seq = w.chance(96) ? 0 : 1 + w.pick(3);  // 0: the next one
          auto s = w.book.make(w.keys[issuer], a);
          if (w.chance(2)) s.sig[w.pick(64)] ^= 1;
          batch.push_back(s);
        }
        auto v = check_batch(live, batch, w.now);
        rejected_total += v.rejected.size();
        for (auto& r : v.rejected) ++reasons[r.reason_code];
        for (const auto& s : v.to_apply) {
          REQUIRE(live.apply(s) == apply_status::applied);
          w.log.push_back(s);
          ++applied_total;
        }
      } else if (what < 93) {  // a snapshot is written
        w.snapshot = live.encode();
        w.snapshot_at = w.log.size();
      } else {  // crash: restart from the snapshot and replay the rest
        ++crashes;
        auto back =
            trust_set::decode(w.snapshot.data(), w.snapshot.size(), w.keys[0].pk, w.l);
        REQUIRE(back);
        trust_set restarted = std::move(*back);
        for (size_t i = w.snapshot_at; i < w.log.size(); ++i)
          REQUIRE(restarted.apply(w.log[i]) == apply_status::applied);
        REQUIRE(restarted == live);
        live = std::move(restarted);
      }
    }
    auto rebuilt = rebuild(w.log, w.keys[0].pk, w.l);
    INFO(describe(live, rebuilt));
    REQUIRE(live == rebuilt);
    REQUIRE(live.encode() == rebuilt.encode());
    evaluator ev_live{live, w.now}, ev_rebuilt{rebuilt, w.now};
    for (const auto& k : w.keys) {
      auto x = ev_live.effective_trust(k.pk), y = ev_rebuilt.effective_trust(k.pk);
      REQUIRE(x.lvl == y.lvl);
      REQUIRE(x.revoked == y.revoked);
      REQUIRE(x.path == y.path);
      auto z = effective_trust(live, k.pk, w.now);
      REQUIRE(z.lvl == x.lvl);
      REQUIRE(z.path == x.path);
    }
  }
  MESSAGE("foreign assertions applied " << applied_total << ", rejected "
                                        << rejected_total << ", crashes " << crashes);
  for (auto& [k, v] : reasons) MESSAGE(k << " " << v);
  CHECK(applied_total > 1000);
  CHECK(rejected_total > 1000);
}
