#include "bench/trust/bench_phases.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "bench/support/bench_stats.hpp"
#include "bench/trust/bench_drivers.hpp"
#include "bench/trust/raw_baselines.hpp"
#include "bench/trust/trust_env.hpp"
#include "bench/trust/trust_graph.hpp"
#include "messages/metrics_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz::bench {

namespace {

/// Identity `sign` round trips per second with `window` in flight.
double id_sign_rate(caf::actor_system& sys, caf::scoped_actor& self, const caf::actor& id,
                    const bytes& msg, uint64_t n, uint64_t window) {
  auto t0 = clock_type::now();
  sys.spawn(sign_driver, id, std::make_shared<const bytes>(msg), n, window,
            caf::actor{self});
  if (collect(self, "identity sign") != n) die("identity sign: short count");
  return static_cast<double>(n) / seconds_since(t0);
}

/// `appends` acknowledged set_level appends with `window` in flight; returns
/// the rate and sets the appends per storage commit.
double timed_appends(setup& su, caf::scoped_actor& self, trust_env& env, uint64_t window,
                     int run, double& per_commit) {
  uint64_t commits0 = su.count->commits.load();
  uint64_t changes0 = su.count->trust_changes.load();
  auto t0 = clock_type::now();
  su.sys.spawn(append_driver, env.trust, su.subjects, size_t{0}, su.appends, window,
               nullptr, caf::actor{self});
  uint64_t acked = collect(self, "appends");
  double secs = seconds_since(t0);
  if (acked != su.appends)
    die("appends: " + std::to_string(acked) + " of " + std::to_string(su.appends)
        + " acknowledged");
  double rate = static_cast<double>(acked) / secs;
  // The storage actor reports a commit just after answering its puts; a
  // round trip through the metrics actor makes sure the counter saw it.
  self->request(caf::actor_cast<nz::metrics_actor>(su.reg->get("metrics")),
                request_timeout, nz::render_atom::value)
      .receive([](std::string&) {}, [](caf::error&) {});
  uint64_t commits = su.count->commits.load() - commits0;
  if (su.count->trust_changes.load() - changes0 != acked)
    die("nzcore_trust_changes_total does not match the acknowledged appends");
  per_commit = commits ? static_cast<double>(acked) / static_cast<double>(commits) : 0;
  std::printf(
      "append      run=%d in_flight=%llu appends=%llu seconds=%.3f rate=%.0f/s "
      "(%.1f us each) commits=%llu appends_per_commit=%.1f\n",
      run, static_cast<unsigned long long>(window),
      static_cast<unsigned long long>(acked), secs, rate, 1e6 / rate,
      static_cast<unsigned long long>(commits), per_commit);
  return rate;
}

/// append, append_lat, log_verify and restart on one fresh trust store;
/// append_512 on another; then raw_commit batched like the appends were.
void run_actor_part(setup& su, repetition& out, int run) {
  auto& sys = su.sys;
  caf::scoped_actor self{sys};
  auto to = append_options(su);
  auto env = open_env(su, self, to);
  out.append = timed_appends(su, self, *env, append_window, run, out.appends_per_commit);

  auto lat = std::make_shared<std::vector<double>>();
  sys.spawn(append_driver, env->trust, su.subjects, static_cast<size_t>(su.appends),
            uint64_t{lat_samples}, uint64_t{1}, lat, caf::actor{self});
  if (collect(self, "single appends") != lat_samples) die("single appends: short count");
  out.lat_p50 = percentile(*lat, 0.5);
  out.lat_p99 = percentile(*lat, 0.99);
  std::printf("append_lat  run=%d samples=%zu p50=%.0f us p99=%.0f us\n", run,
              lat->size(), out.lat_p50, out.lat_p99);

  auto t0 = clock_type::now();
  uint64_t entries = 0;
  self->request(env->trust, request_timeout, nz::trust_log_atom::value, true, uint32_t{0})
      .receive(
          [&](nz::trust_log_report& r) {
            if (!r.verified || !r.broken.empty())
              die("trust log does not verify: " + r.broken);
            entries = r.entries;
          },
          [&](caf::error& err) { die("trust log: " + sys.render(err)); });
  double secs = seconds_since(t0);
  if (entries != su.appends + lat_samples)
    die("trust log has " + std::to_string(entries) + " entries");
  out.log_verify = static_cast<double>(entries) / secs;
  std::printf(
      "log_verify  run=%d entries=%llu seconds=%.3f rate=%.0f/s (hash links and "
      "signatures)\n",
      run, static_cast<unsigned long long>(entries), secs, out.log_verify);
  restart_trust(su, self, *env, to, entries, out, run);
  close_env(su, self, *env);
  env.reset();
  check_snapshots(su, "the appends");

  // A deeper window on a fresh environment: if the rate does not follow, the
  // disk (commit latency x window) is not what bounds the appends.
  env = open_env(su, self, to);
  out.append_deep =
      timed_appends(su, self, *env, deep_window, run, out.appends_per_commit_deep);
  close_env(su, self, *env);
  env.reset();
  check_snapshots(su, "the appends with 512 in flight");

  auto batch = static_cast<uint64_t>(out.appends_per_commit + 0.5);
  if (batch == 0) batch = 1;
  out.raw_commit = raw_commit_rate(su.appends, batch, su.record_size);
  std::printf("raw_commit  run=%d puts=%llu batch=%llu value=%zu B rate=%.0f/s\n", run,
              static_cast<unsigned long long>(su.appends),
              static_cast<unsigned long long>(batch), su.record_size, out.raw_commit);
}

/// lookup and eval_lookup on the pure core (no actor).
void run_lookup_part(setup& su, repetition& out, int run) {
  auto r = time_lookups(*su.graph, su.lookup_idx, su.eval_idx);
  out.lookup = r.lookup;
  out.eval_build_us = r.build_us;
  out.eval_lookup = r.shared_lookup;
  std::printf("lookup      run=%d lookups=%zu rate=%.0f/s (%.0f ns each)\n", run,
              su.lookup_idx.size(), r.lookup, 1e9 / r.lookup);
  std::printf(
      "eval_lookup run=%d build=%.1f us (mean of %d) lookups=%zu rate=%.0f/s (%.0f ns "
      "each, build included) sink=%llu\n",
      run, r.build_us, evaluator_builds, su.eval_idx.size(), r.shared_lookup,
      1e9 / r.shared_lookup, static_cast<unsigned long long>(r.sink % 1000));
}

/// actor_eval: trust_eval requests to su.lookup_trust, actor_window in flight.
void run_actor_lookup_part(setup& su, repetition& out, int run) {
  caf::scoped_actor self{su.sys};
  auto n = static_cast<uint64_t>(su.actor_idx->size());
  auto t0 = clock_type::now();
  su.sys.spawn(eval_driver, su.lookup_trust, su.subject_hex, su.actor_idx, n,
               actor_window, caf::actor{self});
  if (collect(self, "actor lookups") != n) die("actor lookups: short count");
  double secs = seconds_since(t0);
  out.actor_eval = static_cast<double>(n) / secs;
  std::printf(
      "actor_eval  run=%d lookups=%llu in_flight=%llu seconds=%.3f rate=%.0f/s (%.1f us "
      "each)\n",
      run, static_cast<unsigned long long>(n),
      static_cast<unsigned long long>(actor_window), secs, out.actor_eval,
      1e6 / out.actor_eval);
}

}  // namespace

repetition run_once(setup& su, int run) {
  repetition out;
  out.raw = raw_crypto(su.msg, su.crypto_ops);
  std::printf("raw_crypto  run=%d ops=%llu message=%zu B sign=%.0f/s verify=%.0f/s\n",
              run, static_cast<unsigned long long>(su.crypto_ops), su.msg.size(),
              out.raw.sign, out.raw.verify);
  {
    caf::scoped_actor self{su.sys};
    uint64_t n = std::min<uint64_t>(su.crypto_ops, 5000);
    out.id_sign_1 = id_sign_rate(su.sys, self, su.id, su.msg, n, 1);
    out.id_sign_64 = id_sign_rate(su.sys, self, su.id, su.msg, n, id_window);
    std::printf(
        "id_sign     run=%d requests=%llu in_flight=1: %.0f/s in_flight=%llu: %.0f/s\n",
        run, static_cast<unsigned long long>(n), out.id_sign_1,
        static_cast<unsigned long long>(id_window), out.id_sign_64);
  }
  run_actor_part(su, out, run);
  run_lookup_part(su, out, run);
  run_actor_lookup_part(su, out, run);
  std::printf(
      "ratios      run=%d append/sign=%.3f append/id_sign_1=%.2f "
      "append_512/append_64=%.2f "
      "append/raw_commit=%.3f lookup/verify=%.2f eval_lookup/verify=%.0f "
      "actor_eval/verify=%.2f actor_eval/eval_lookup=%.3f\n",
      run, out.append / out.raw.sign, out.append / out.id_sign_1,
      out.append_deep / out.append, out.append / out.raw_commit,
      out.lookup / out.raw.verify, out.eval_lookup / out.raw.verify,
      out.actor_eval / out.raw.verify, out.actor_eval / out.eval_lookup);
  return out;
}

}  // namespace nz::bench
