// Trust store throughput (issue #4): signed + sealed + durable assertions
// appended through the trust actor, and effective-trust lookups on a graph of
// 10,000 subjects with delegation, pure and through the trust actor, beside raw
// Ed25519 sign and verify rates measured in the same run. Every repetition uses
// a fresh storage environment under $TMPDIR (or /tmp); make sure that is a real
// disk.
//
//   nz_bench_trust [appends=5000] [subjects=10000] [lookups=10000]
//                  [evaluator_lookups=500000] [crypto_ops=10000]
//                  [actor_lookups=20000]
//
// Setup: the real scheduler (2 threads), a service_registry with an identity
// actor (random seed) as "identity", a counting metrics actor as "metrics", and
// per repetition a detached storage actor (sealed kv, group commit, synced
// commits, the node's default limits) as "storage" and a trust actor
// (spawn_trust) on it. The binary stops if a trust snapshot fails
// (nzcore_trust_snapshot_failures_total).
// Per repetition (3; the summary gives medians and the median of the ratios):
//   sign, verify  crypto_sign_detached / crypto_sign_verify_detached of one
//                 message the size of an assertion's signing bytes
//   id_sign       the identity actor's `sign` round trip, 1 and 64 in flight
//   append        `appends` trust_assert set_level requests about fresh keys,
//                 64 in flight, each answered once its log entry is durable;
//                 commits counted from the storage actor's metrics; then again
//                 with 512 in flight on another fresh environment (append_512)
//   append_lat    200 more, one at a time (p50, p99)
//   log_verify    trust_log(verify=true): reads every entry back and checks
//                 every hash link and signature
//   restart       the trust actor stopped without its shutdown flush (as a
//                 crash would) and started again on the same storage: its
//                 recovery note must read "snapshot at N + M log entries
//                 replayed" with N > 0 and N + M = all entries
//   raw_commit    raw LMDB: as many puts of one log record's size, in synced
//                 commits of as many puts as the appends shared a commit
//   lookup        trust::effective_trust(set, subject, now) on random subjects
//                 of the graph (trust_graph.hpp): one evaluator per call, as
//                 the trust actor's `eval` handler did before it kept one
//   eval_lookup   one trust::evaluator built once (eval_build), then
//                 evaluator::effective_trust on random subjects
//   actor_eval    trust_eval requests (64 hex digits) to a trust actor holding
//                 the graph (graph_import.hpp: imported once per invocation,
//                 before the repetitions, and checked against the pure
//                 evaluator on a sample), actor_window in flight
//
// The parts: bench_setup.hpp (constants, setup, repetition), counting_metrics
// (the "metrics" actor), bench_drivers (the request-pumping actors),
// trust_env (a storage + trust actor pair per measurement), graph_actor (the
// lookup graph imported into a trust actor), bench_phases (one repetition),
// bench_summary (the closing medians). This file builds the shared state,
// runs the repetitions and prints the summary.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/identity/identity_actor.hpp"
#include "actors/trust/core/keys.hpp"
#include "bench/support/bench_clock.hpp"
#include "bench/support/bench_stats.hpp"
#include "bench/trust/bench_drivers.hpp"
#include "bench/trust/bench_phases.hpp"
#include "bench/trust/bench_setup.hpp"
#include "bench/trust/bench_summary.hpp"
#include "bench/trust/counting_metrics.hpp"
#include "bench/trust/graph_actor.hpp"
#include "bench/trust/raw_baselines.hpp"
#include "bench/trust/trust_env.hpp"
#include "bench/trust/trust_graph.hpp"
#include "messages/identity_api.hpp"
#include "messages/register_types.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace {

using namespace nz::bench;

std::vector<uint32_t> random_indexes(size_t n, size_t range, uint64_t seed) {
  std::vector<uint32_t> out(n);
  for (auto& x : out) x = static_cast<uint32_t>(splitmix64(seed) % range);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  nz::bench::set_program("nz_bench_trust");
  auto arg = [&](int i, uint64_t def) {
    return argc > i ? std::strtoull(argv[i], nullptr, 10) : def;
  };
  uint64_t appends = arg(1, 5000);
  uint64_t subjects = arg(2, 10000);
  uint64_t lookups = arg(3, 10000);
  uint64_t eval_lookups = arg(4, 500000);
  uint64_t crypto_ops = arg(5, 10000);
  uint64_t actor_lookups = arg(6, 20000);
  if (appends == 0 || subjects < 100 || lookups == 0 || eval_lookups == 0
      || crypto_ops == 0 || actor_lookups == 0) {
    std::fprintf(stderr,
                 "usage: nz_bench_trust [appends>0] [subjects>=100] [lookups>0] "
                 "[evaluator_lookups>0] [crypto_ops>0] [actor_lookups>0]\n");
    return 2;
  }
  if (sodium_init() < 0) die("sodium_init failed");
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  auto t_start = clock_type::now();
  print_clock("nz_bench_trust", "start");
  nz::log::set_level(nz::log::level::error);
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};

  auto reg = std::make_shared<nz::service_registry>();
  auto source = std::make_shared<nz::identity_source>();
  {
    auto w = source->seed.write();
    randombytes_buf(w.data(), w.size());
  }
  source->kdf = "none (benchmark)";
  auto id = nz::spawn_identity(sys, source);
  if (!id) die("spawn_identity: " + sys.render(id.error()));
  reg->declare("identity", "", "worker");
  reg->set_running("identity", *id);
  auto count = std::make_shared<counters>();
  auto metrics = caf::actor_cast<caf::actor>(sys.spawn(counting_metrics, count));
  reg->declare("metrics", "", "worker");
  reg->set_running("metrics", metrics);

  // The lookup graph, once (pure core).
  graph_shape shape;
  shape.subjects = subjects;
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auto graph = build_trust_graph(shape, now_ms, 0x7275737400000001ULL);
  std::printf(
      "graph: %zu subjects, %zu peers x %zu second-level delegators, %zu strangers, "
      "%zu assertions (signing %.2f s, trust_set::apply %.3f s = %.1f us each), "
      "encoded set %zu B\n",
      graph.subjects.size(), shape.peers, shape.fanout, shape.strangers, graph.assertions,
      graph.sign_seconds, graph.apply_seconds,
      1e6 * graph.apply_seconds / static_cast<double>(graph.assertions),
      graph.set.encode().size());
  auto chk = check_trust_graph(graph, check_sample);
  std::printf(
      "graph check: %zu sampled, levels unknown/low/medium/high/ultimate = "
      "%zu/%zu/%zu/%zu/%zu, revoked %zu, path lengths 0/1/2/3/4+ = %zu/%zu/%zu/%zu/%zu, "
      "%zu counted delegators; effective_trust() == shared evaluator on all\n",
      chk.sampled, chk.by_level[0], chk.by_level[1], chk.by_level[2], chk.by_level[3],
      chk.by_level[4], chk.revoked, chk.by_path_length[0], chk.by_path_length[1],
      chk.by_path_length[2], chk.by_path_length[3], chk.by_path_length[4],
      chk.delegators);
  if (!chk.problem.empty()) die("implausible graph: " + chk.problem);

  auto keys = std::make_shared<std::vector<std::string>>();
  for (uint64_t i = 0; i < appends + lat_samples; ++i) {
    nz::trust::pubkey pk{};
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk.data(), sk);
    sodium_memzero(sk, sizeof sk);
    keys->push_back(nz::trust::to_hex(pk));
  }

  auto subject_hex = std::make_shared<std::vector<std::string>>();
  for (const auto& s : graph.subjects) subject_hex->push_back(nz::trust::to_hex(s));
  setup su{sys,
           reg,
           count,
           *id,
           keys,
           appends,
           crypto_ops,
           assertion_sized_message(),
           log_record_size(),
           &graph,
           random_indexes(lookups, graph.subjects.size(), 11),
           random_indexes(eval_lookups, graph.subjects.size(), 12),
           caf::actor{},
           subject_hex,
           std::make_shared<const std::vector<uint32_t>>(
               random_indexes(actor_lookups, graph.subjects.size(), 13))};
  std::printf(
      "nz_bench_trust: appends=%llu (+%zu single) lookups=%llu evaluator_lookups=%llu "
      "crypto_ops=%llu actor_lookups=%llu signing_bytes=%zu B log_record=%zu B "
      "repeats=%d\n",
      static_cast<unsigned long long>(appends), lat_samples,
      static_cast<unsigned long long>(lookups),
      static_cast<unsigned long long>(eval_lookups),
      static_cast<unsigned long long>(crypto_ops),
      static_cast<unsigned long long>(actor_lookups), su.msg.size(), su.record_size,
      repeats);
  auto lookup_env = import_graph(su);
  su.lookup_trust = lookup_env->trust;

  std::vector<repetition> reps;
  for (int r = 1; r <= repeats; ++r) reps.push_back(run_once(su, r));
  {
    caf::scoped_actor self{sys};
    close_env(su, self, *lookup_env);
    lookup_env.reset();
  }
  check_snapshots(su, "closing the lookup graph's store");

  print_summary(reps, count->snapshot_failures.load());

  caf::scoped_actor self{sys};
  stop_and_wait(self, metrics);
  stop_and_wait(self, *id);
  std::printf("nz_bench_trust: %.1f s in all\n", seconds_since(t_start));
  print_clock("nz_bench_trust", "end");
  return 0;
}
