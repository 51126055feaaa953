#include "bench/trust/graph_actor.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/trust/core/evaluator.hpp"
#include "bench/support/bench_stats.hpp"
#include "bench/trust/graph_import.hpp"
#include "messages/trust_api.hpp"

namespace nz::bench {

namespace {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<trust_env> import_graph(setup& su) {
  auto& sys = su.sys;
  const auto& g = *su.graph;
  caf::scoped_actor self{sys};
  auto back = std::make_shared<std::atomic<int64_t>>(import_clock_back_ms);
  nz::trust_options to;
  to.now_ms = [back] { return wall_ms() - back->load(); };
  auto env = open_env(su, self, to);

  auto t0 = clock_type::now();
  auto plan = plan_import(g, static_cast<size_t>(to.max_batch), wall_ms());
  auto own = [&](const std::vector<nz::trust_assert_request>& reqs) {
    for (const auto& req : reqs)
      self->request(env->trust, request_timeout, nz::trust_assert_atom::value, req)
          .receive([](nz::trust_entry&) {},
                   [&](caf::error& err) {
                     die("own " + req.kind + " for the lookup graph: " + sys.render(err));
                   });
  };
  own(plan.own_before);
  for (size_t b = 0; b < plan.bundles.size(); ++b)
    self->request(env->trust, request_timeout, nz::trust_import_atom::value,
                  plan.bundles[b])
        .receive(
            [&](nz::trust_import_report& r) {
              if (!r.accepted || r.applied != plan.bundle_sizes[b])
                die("bundle " + std::to_string(b) + " not applied whole: "
                    + (r.rejected.empty() ? std::string{"?"} : r.rejected.front()));
            },
            [&](caf::error& err) { die("trust import: " + sys.render(err)); });
  own(plan.own_after);
  uint64_t entries = 0;
  self->request(env->trust, request_timeout, nz::trust_log_atom::value, false,
                uint32_t{0})
      .receive([&](nz::trust_log_report& r) { entries = r.entries; },
               [&](caf::error& err) { die("trust log: " + sys.render(err)); });
  double secs = seconds_since(t0);
  back->store(0);
  auto in_log = plan.own_before.size() + plan.foreign + plan.own_after.size();
  if (entries != in_log)
    die("the lookup graph's log has " + std::to_string(entries) + " entries, expected "
        + std::to_string(in_log));
  size_t biggest = 0;
  for (auto n : plan.bundle_sizes) biggest = std::max(biggest, n);
  std::printf(
      "actor graph: %llu log entries in %.2f s: %zu own trust_assert (%zu before, %zu "
      "after the imports), %zu foreign in %zu bundles (max_batch %llu, largest %zu), "
      "%zu strangers' assertions not importable (unknown_issuer); clock %lld h behind "
      "during the import\n",
      static_cast<unsigned long long>(entries), secs,
      plan.own_before.size() + plan.own_after.size(), plan.own_before.size(),
      plan.own_after.size(), plan.foreign, plan.bundles.size(),
      static_cast<unsigned long long>(to.max_batch), biggest, plan.strangers_skipped,
      static_cast<long long>(import_clock_back_ms / 3600000));
  check_snapshots(su, "the import");

  // Every sampled verdict through the actor equals the pure evaluator's.
  nz::trust::evaluator ev{g.set, g.now_ms};
  size_t stride = std::max<size_t>(1, g.subjects.size() / check_sample);
  size_t sampled = 0, with_path = 0;
  for (size_t i = 0; i < g.subjects.size() && sampled < check_sample; i += stride) {
    auto pure = ev.effective_trust(g.subjects[i]);
    self->request(env->trust, request_timeout, nz::trust_eval_atom::value,
                  (*su.subject_hex)[i])
        .receive(
            [&](nz::trust_verdict& v) {
              std::string why;
              if (!same_verdict(pure, v, g.set.own_key(), why))
                die("the actor's verdict on subject " + std::to_string(i)
                    + " differs from the pure evaluator's: " + why);
            },
            [&](caf::error& err) { die("trust eval: " + sys.render(err)); });
    ++sampled;
    if (!pure.path.empty()) ++with_path;
  }
  std::printf(
      "actor graph check: %zu sampled verdicts (%zu with a path) equal the pure "
      "evaluator's\n",
      sampled, with_path);
  return env;
}

}  // namespace nz::bench
