#include "bench/trust/trust_graph.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <sodium.h>

#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/signature.hpp"
#include "bench/support/bench_fail.hpp"
#include "bench/support/bench_stats.hpp"

namespace nz::bench {

namespace {

using trust::level;

constexpr int64_t hour_ms = 3600 * 1000;
constexpr int64_t day_ms = 24 * hour_ms;

struct key_pair {
  trust::pubkey pk{};
  std::array<uint8_t, 64> sk{};
};

key_pair make_key(uint64_t& rng) {
  std::array<uint8_t, 32> seed{};
  for (size_t i = 0; i < seed.size(); i += 8) {
    uint64_t x = splitmix64(rng);
    for (size_t j = 0; j < 8; ++j) seed[i + j] = static_cast<uint8_t>(x >> (8 * j));
  }
  key_pair k;
  crypto_sign_seed_keypair(k.pk.data(), k.sk.data(), seed.data());
  return k;
}

/// Unsigned assertions in issue order, with per-issuer sequence numbers.
class assertion_list {
 public:
  void add(const key_pair& by, trust::assertion a) {
    a.issuer = by.pk;
    a.issuer_seq = ++seq_[by.pk];
    items_.push_back({a, &by});
  }
  void set_level(const key_pair& by, const trust::pubkey& about, level l, int64_t created,
                 int64_t expires = 0) {
    trust::assertion a;
    a.k = trust::kind::set_level;
    a.subject = about;
    a.lvl = l;
    a.created_ms = created;
    a.expires_ms = expires;
    add(by, a);
  }
  void delegate(const key_pair& by, const trust::pubkey& about, uint8_t depth, level cap,
                int64_t created) {
    trust::assertion a;
    a.k = trust::kind::delegate;
    a.subject = about;
    a.depth = depth;
    a.max_level = cap;
    a.created_ms = created;
    add(by, a);
  }
  void revoke(const key_pair& by, const trust::pubkey& about, int64_t created) {
    trust::assertion a;
    a.k = trust::kind::revoke;
    a.subject = about;
    a.created_ms = created;
    add(by, a);
  }

  struct item {
    trust::assertion a;
    const key_pair* by;
  };
  const std::vector<item>& items() const { return items_; }

 private:
  std::map<trust::pubkey, uint64_t> seq_;
  std::vector<item> items_;
};

}  // namespace

trust_graph build_trust_graph(const graph_shape& shape, int64_t now_ms, uint64_t seed) {
  uint64_t rng = seed;
  auto own = make_key(rng);
  trust::limits lim;
  lim.max_trusted = 1'000'000;
  trust_graph g{own.pk, lim};
  g.now_ms = now_ms;
  const int64_t live = now_ms - hour_ms;

  std::vector<key_pair> peers, second, strangers;
  for (size_t i = 0; i < shape.peers; ++i) peers.push_back(make_key(rng));
  for (size_t i = 0; i < shape.peers * shape.fanout; ++i) second.push_back(make_key(rng));
  for (size_t i = 0; i < shape.strangers; ++i) strangers.push_back(make_key(rng));
  for (const auto& k : strangers) g.strangers.push_back(k.pk);
  g.expected_delegators = peers.size() + second.size();

  assertion_list list;
  for (size_t i = 0; i < peers.size(); ++i) {
    list.set_level(own, peers[i].pk, level::high, live);
    list.delegate(own, peers[i].pk, 2, i % 2 == 0 ? level::high : level::medium, live);
  }
  for (size_t j = 0; j < second.size(); ++j) {
    const auto& by = peers[j / shape.fanout];
    list.set_level(by, second[j].pk, level::high, live);
    list.delegate(by, second[j].pk, 1, level::high, live);
  }

  // A counted issuer: a second-level key three times out of four, else a peer.
  auto counted = [&]() -> const key_pair& {
    uint64_t x = splitmix64(rng);
    return x % 4 == 0 ? peers[(x >> 8) % peers.size()] : second[(x >> 8) % second.size()];
  };
  auto other_counted = [&](const key_pair& not_this) -> const key_pair& {
    for (;;) {
      const auto& k = counted();
      if (k.pk != not_this.pk) return k;
    }
  };
  auto stranger = [&]() -> const key_pair& {
    return strangers[splitmix64(rng) % strangers.size()];
  };
  auto some_level = [&](uint8_t lo, uint8_t hi) {
    return static_cast<level>(lo + splitmix64(rng) % (hi - lo + 1));
  };

  for (size_t k = 0; k < shape.subjects; ++k) {
    const trust::pubkey s = make_key(rng).pk;
    g.subjects.push_back(s);
    auto u = splitmix64(rng) % 100;
    if (u < 2) {  // this node's own word (rule 2) beside a delegated one
      list.set_level(own, s, some_level(1, 3), live);
      list.set_level(counted(), s, some_level(1, 4), live);
    } else if (u < 3) {  // revoked by this node (rule 1)
      // The foreign word first: a foreign set_level about a key this node
      // revoked is not applied (apply_status::revoked_subject).
      list.set_level(counted(), s, some_level(1, 4), live);
      list.revoke(own, s, live);
    } else if (u < 6) {  // only strangers spoke: unknown after the walk
      list.set_level(stranger(), s, some_level(1, 4), live);
    } else if (u < 10) {  // revoked by a counted delegator beside a level
      const auto& a = counted();
      list.revoke(a, s, live);
      list.set_level(other_counted(a), s, some_level(1, 4), live);
    } else if (u < 14) {  // explicit expiry in the past
      list.set_level(counted(), s, some_level(1, 4), now_ms - 2 * hour_ms,
                     now_ms - hour_ms);
    } else if (u < 17) {  // older than the default TTL (24 h)
      list.set_level(counted(), s, some_level(1, 4), now_ms - 2 * day_ms);
    } else {
      const auto& a = counted();
      list.set_level(a, s, some_level(1, 4), live);
      auto extra = splitmix64(rng) % 10;
      if (extra < 3) list.set_level(other_counted(a), s, some_level(1, 4), live);
      if (extra == 9) list.set_level(stranger(), s, some_level(1, 4), live);
    }
  }

  auto t0 = clock_type::now();
  std::vector<trust::signed_assertion> signed_list;
  signed_list.reserve(list.items().size());
  for (const auto& it : list.items())
    signed_list.push_back(trust::sign(it.a, it.by->sk.data()));
  g.sign_seconds = seconds_since(t0);

  t0 = clock_type::now();
  for (const auto& sa : signed_list) {
    auto st = g.set.apply(sa);
    if (st != trust::apply_status::applied)
      die(std::string{"graph assertion not applied: "} + trust::to_string(st));
  }
  g.apply_seconds = seconds_since(t0);
  g.assertions = signed_list.size();
  g.signed_list = std::move(signed_list);
  return g;
}

graph_check check_trust_graph(const trust_graph& g, size_t sample) {
  graph_check out;
  trust::evaluator ev{g.set, g.now_ms};
  out.delegators = ev.delegator_count();
  size_t stride = std::max<size_t>(1, g.subjects.size() / std::max<size_t>(1, sample));
  for (size_t i = 0; i < g.subjects.size() && out.sampled < sample; i += stride) {
    const auto& s = g.subjects[i];
    auto v = trust::effective_trust(g.set, s, g.now_ms);
    auto w = ev.effective_trust(s);
    if (v.lvl != w.lvl || v.revoked != w.revoked || v.path != w.path) {
      out.problem = "effective_trust() and a shared evaluator disagree on subject "
                    + std::to_string(i);
      return out;
    }
    ++out.sampled;
    ++out.by_level[static_cast<size_t>(v.lvl)];
    if (v.revoked) ++out.revoked;
    ++out.by_path_length[std::min<size_t>(v.path.size(), 4)];
  }
  auto known = out.sampled - out.by_level[0];
  if (out.delegators != g.expected_delegators)
    out.problem = "counted delegators: " + std::to_string(out.delegators) + ", expected "
                  + std::to_string(g.expected_delegators);
  else if (out.by_level[1] == 0 || out.by_level[2] == 0 || out.by_level[3] == 0)
    out.problem = "no low, medium or high verdict in the sample";
  else if (out.revoked == 0 || out.by_level[0] == 0)
    out.problem = "no revoked or unknown verdict in the sample";
  else if (out.by_path_length[1] == 0 || out.by_path_length[2] == 0
           || out.by_path_length[3] == 0)
    out.problem = "no path of length 1, 2 or 3 in the sample";
  else if (known * 10 < out.sampled * 5)
    out.problem = "fewer than half the sampled subjects have a level";
  return out;
}

lookup_rates time_lookups(const trust_graph& g, const std::vector<uint32_t>& idx,
                          const std::vector<uint32_t>& shared_idx) {
  lookup_rates out;
  auto t0 = clock_type::now();
  for (auto i : idx) {
    auto v = trust::effective_trust(g.set, g.subjects[i], g.now_ms);
    out.sink += static_cast<uint64_t>(v.lvl) + v.path.size() + v.revoked;
  }
  out.lookup = static_cast<double>(idx.size()) / seconds_since(t0);

  // The delegation walk alone: building (and destroying) an evaluator.
  t0 = clock_type::now();
  for (int b = 0; b < evaluator_builds; ++b) {
    trust::evaluator ev{g.set, g.now_ms};
    out.sink += ev.delegator_count();
  }
  out.build_us = us_since(t0) / evaluator_builds;

  t0 = clock_type::now();
  trust::evaluator ev{g.set, g.now_ms};
  for (auto i : shared_idx) {
    auto v = ev.effective_trust(g.subjects[i]);
    out.sink += static_cast<uint64_t>(v.lvl) + v.path.size() + v.revoked;
  }
  out.shared_lookup = static_cast<double>(shared_idx.size()) / seconds_since(t0);
  return out;
}

}  // namespace nz::bench
