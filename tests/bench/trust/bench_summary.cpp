#include "bench/trust/bench_summary.hpp"

#include <cstdio>

#include "bench/support/bench_stats.hpp"

namespace nz::bench {

void print_summary(const std::vector<repetition>& reps, uint64_t snapshot_failures) {
  auto med = [&](auto field) {
    std::vector<double> xs;
    for (const auto& r : reps) xs.push_back(field(r));
    return median(xs);
  };
  double sign = med([](const repetition& r) { return r.raw.sign; });
  double verify = med([](const repetition& r) { return r.raw.verify; });
  double append = med([](const repetition& r) { return r.append; });
  double lookup = med([](const repetition& r) { return r.lookup; });
  double eval = med([](const repetition& r) { return r.eval_lookup; });
  std::printf("summary: raw sign %.0f/s (%.1f us), raw verify %.0f/s (%.1f us)\n", sign,
              1e6 / sign, verify, 1e6 / verify);
  std::printf(
      "summary: identity sign round trip %.0f/s with 1 in flight, %.0f/s with %llu\n",
      med([](const repetition& r) { return r.id_sign_1; }),
      med([](const repetition& r) { return r.id_sign_64; }),
      static_cast<unsigned long long>(id_window));
  std::printf(
      "summary: appends %.0f/s (%.1f us each), %.1f per commit, with %llu in flight; "
      "%.0f/s, %.1f per commit, with %llu\n",
      append, 1e6 / append, med([](const repetition& r) { return r.appends_per_commit; }),
      static_cast<unsigned long long>(append_window),
      med([](const repetition& r) { return r.append_deep; }),
      med([](const repetition& r) { return r.appends_per_commit_deep; }),
      static_cast<unsigned long long>(deep_window));
  std::printf(
      "summary: single append p50 %.0f us; log verify %.0f entries/s; raw LMDB same "
      "batching %.0f puts/s\n",
      med([](const repetition& r) { return r.lat_p50; }),
      med([](const repetition& r) { return r.log_verify; }),
      med([](const repetition& r) { return r.raw_commit; }));
  std::printf(
      "summary: restart after the appends: snapshot at %.0f + %.0f entries replayed, "
      "serving after %.1f ms; trust snapshot failures: %llu\n",
      med([](const repetition& r) { return static_cast<double>(r.restart_snapshot); }),
      med([](const repetition& r) { return static_cast<double>(r.restart_replayed); }),
      med([](const repetition& r) { return r.restart_ms; }),
      static_cast<unsigned long long>(snapshot_failures));
  double actor_eval = med([](const repetition& r) { return r.actor_eval; });
  std::printf(
      "summary: lookups %.0f/s (%.0f ns each) via effective_trust(); %.0f/s (%.0f ns "
      "each) via one evaluator (build %.0f us); %.0f/s (%.1f us each) through the trust "
      "actor with %llu in flight\n",
      lookup, 1e9 / lookup, eval, 1e9 / eval,
      med([](const repetition& r) { return r.eval_build_us; }), actor_eval,
      1e6 / actor_eval, static_cast<unsigned long long>(actor_window));
  std::printf(
      "summary: ratios (median of per-run ratios): append/sign=%.3f "
      "append/id_sign_1=%.2f append_512/append_64=%.2f append/raw_commit=%.3f "
      "lookup/verify=%.2f eval_lookup/verify=%.0f actor_eval/verify=%.2f "
      "actor_eval/eval_lookup=%.3f\n",
      med([](const repetition& r) { return r.append / r.raw.sign; }),
      med([](const repetition& r) { return r.append / r.id_sign_1; }),
      med([](const repetition& r) { return r.append_deep / r.append; }),
      med([](const repetition& r) { return r.append / r.raw_commit; }),
      med([](const repetition& r) { return r.lookup / r.raw.verify; }),
      med([](const repetition& r) { return r.eval_lookup / r.raw.verify; }),
      med([](const repetition& r) { return r.actor_eval / r.raw.verify; }),
      med([](const repetition& r) { return r.actor_eval / r.eval_lookup; }));
}

}  // namespace nz::bench
