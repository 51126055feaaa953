// Recovery latency: "actor crash -> replacement serving again", on the real
// scheduler (scheduler.max-threads 2) with the real storage actor (detached,
// LMDB under $TMPDIR or /tmp) and the journaled test ledger supervised one_for_one
// (restart intensity 1,000,000 in 10 s, backoff 0, so neither throttles).
//
// One sample: t0; send_exit(ledger, chaos_crash) from a scoped_actor; poll the
// service registry until it names a NEW handle (t_reg: the supervisor restarted
// it), then `get` it until a reply arrives (t1). The ledger replays its journal
// before it answers, so t1 - t0 is crash -> serving, including the replay. Every
// reply is checked against the prefilled state (count and digest).
// t_reg - t0 ("crash_restart") is only indicative: the polling thread competes for
// the 2 cores with the storage thread and the replay, so it can see the new handle
// late (in the 10k configuration it often sees it only after the load).
//
// Baselines measured in the same run on the same LMDB environment:
//   cold_start  spawn_ledger (no supervisor, no crash) + its first `get`
//   load        a storage `load` round trip for the ledger's stream (the raw
//               journal read that every recovery does)
//
//   nz_bench_recovery [crashes=1000] [entries=10000] [baseline_samples=200]
//
// Two configurations, 0 and `entries` journal entries to replay, each repeated 3
// times; the summary gives the median over the repeats of each percentile (µs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "bench/support/actor_wait.hpp"
#include "bench/support/bench_fail.hpp"
#include "bench/support/bench_stats.hpp"
#include "bench/support/request_pump.hpp"
#include "messages/core_errors.hpp"
#include "messages/register_types.hpp"
#include "runtime/log/log.hpp"
#include "runtime/persist/journal_options.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "storage/storage_actor.hpp"
#include "support/ledger.hpp"
#include "support/ledger_actor.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nz::bench;
using nz::test::ledger_actor;

constexpr int repeats = 3;
constexpr uint64_t prefill_window = 64;
constexpr auto request_timeout = std::chrono::seconds(10);
const std::string ledger_name = "ledger";

double us_between(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

struct percentiles {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

percentiles percentiles_of(const std::vector<double>& xs) {
  return {percentile(xs, 0.50), percentile(xs, 0.90), percentile(xs, 0.99),
          *std::max_element(xs.begin(), xs.end())};
}

percentiles median_of(const std::vector<percentiles>& runs) {
  std::vector<double> a, b, c, d;
  for (auto& p : runs) {
    a.push_back(p.p50);
    b.push_back(p.p90);
    c.push_back(p.p99);
    d.push_back(p.max);
  }
  return {median(a), median(b), median(c), median(d)};
}

void print_line(const char* label, uint64_t entries, int run, size_t n,
                const percentiles& p) {
  std::printf(
      "%-13s entries=%-6llu run=%d samples=%-5zu p50=%8.1f p90=%8.1f p99=%8.1f "
      "max=%8.1f us\n",
      label, static_cast<unsigned long long>(entries), run, n, p.p50, p.p90, p.p99,
      p.max);
}

// -- setup --------------------------------------------------------------------

nz::journal_options ledger_options() {
  nz::journal_options jo;
  jo.stream = ledger_name;
  jo.snapshot_every = 1'000'000;                  // never during the bench...
  jo.snapshot_interval = std::chrono::hours(24);  // ...so every start replays
  jo.storage_timeout = std::chrono::seconds(30);  // all prefilled entries
  return jo;
}

/// Keeps `window` appends in flight until 1..total are acknowledged, then sends
/// the last acknowledged value to `done`.
caf::behavior prefill_driver(caf::event_based_actor* self, ledger_actor ledger,
                             uint64_t total, caf::actor done) {
  // The ledger acknowledges in order, so the count of acks is the last value.
  pump_requests(self, total, prefill_window, done, [=](uint64_t i, auto ok) {
    self->request(ledger, request_timeout, nz::append_atom::value, i + 1)
        .then([ok](uint64_t) { ok(true); },
              [self, ok](caf::error& err) {
                std::fprintf(stderr, "prefill append failed: %s\n",
                             self->system().render(err).c_str());
                ok(false);
              });
  });
  return {[](caf::unit_t) {}};
}

/// One `get`; returns the ledger (count, digest) or the error.
caf::expected<nz::test::ledger> get_ledger(caf::scoped_actor& self,
                                           const caf::actor& hdl) {
  caf::expected<nz::test::ledger> out{caf::sec::none};
  self->request(caf::actor_cast<ledger_actor>(hdl), request_timeout, nz::get_atom::value)
      .receive(
          [&](uint64_t count, uint64_t digest) {
            nz::test::ledger l;
            l.count = count;
            l.digest = digest;
            out = l;
          },
          [&](caf::error& err) { out = std::move(err); });
  return out;
}

void check_state(caf::actor_system& sys, const caf::expected<nz::test::ledger>& got,
                 const nz::test::ledger& want, const char* what) {
  if (!got) die(std::string{what} + ": get failed: " + sys.render(got.error()));
  if (!(*got == want))
    die(std::string{what} + ": replayed count " + std::to_string(got->count)
        + ", expected " + std::to_string(want.count) + " (or digest mismatch)");
}

void prefill(caf::actor_system& sys, caf::scoped_actor& self,
             std::shared_ptr<nz::service_registry> reg, uint64_t entries) {
  if (entries == 0) return;
  auto hdl = nz::test::spawn_ledger(sys, reg, ledger_options());
  if (!hdl) die("spawn_ledger: " + sys.render(hdl.error()));
  sys.spawn(prefill_driver, caf::actor_cast<ledger_actor>(*hdl), entries,
            caf::actor{self});
  uint64_t acked = 0;
  self->receive([&](uint64_t n) { acked = n; },
                caf::after(std::chrono::seconds(120)) >> [] {});
  if (acked != entries)
    die("prefill stopped at " + std::to_string(acked) + " of " + std::to_string(entries));
  stop_and_wait(self, *hdl, caf::exit_reason::user_shutdown);
}

std::vector<double> measure_load(caf::actor_system& sys, caf::scoped_actor& self,
                                 const nz::storage_actor& st, uint64_t entries,
                                 size_t samples) {
  std::vector<double> out;
  for (size_t i = 0; i < samples; ++i) {
    size_t got = 0;
    auto t0 = clock_type::now();
    self->request(st, request_timeout, nz::load_atom::value, ledger_name)
        .receive([&](nz::load_result& r) { got = r.journal.size(); },
                 [&](caf::error& err) { die("load: " + sys.render(err)); });
    out.push_back(us_between(t0, clock_type::now()));
    if (got != entries)
      die("load returned " + std::to_string(got) + " entries, expected "
          + std::to_string(entries));
  }
  return out;
}

std::vector<double> measure_cold_start(caf::actor_system& sys, caf::scoped_actor& self,
                                       std::shared_ptr<nz::service_registry> reg,
                                       const nz::test::ledger& want, size_t samples) {
  std::vector<double> out;
  for (size_t i = 0; i < samples; ++i) {
    auto t0 = clock_type::now();
    auto hdl = nz::test::spawn_ledger(sys, reg, ledger_options());
    if (!hdl) die("spawn_ledger: " + sys.render(hdl.error()));
    auto got = get_ledger(self, *hdl);
    out.push_back(us_between(t0, clock_type::now()));
    check_state(sys, got, want, "cold start");
    stop_and_wait(self, *hdl, caf::exit_reason::user_shutdown);
  }
  return out;
}

struct crash_samples {
  std::vector<double> serving;  ///< crash -> first reply of the new instance
  std::vector<double> restart;  ///< crash -> new handle in the registry
  uint64_t retries = 0;         ///< gets that raced a dying instance
};

/// Waits (spinning with yield) until the registry names a valid handle other
/// than `old`.
caf::actor await_new_handle(const nz::service_registry& reg, const caf::actor& old,
                            clock_type::time_point t0) {
  for (;;) {
    auto h = reg.get(ledger_name);
    if (h && h != old) return h;
    if (clock_type::now() - t0 > std::chrono::seconds(30))
      die("the supervisor did not restart the ledger within 30 s");
    std::this_thread::yield();
  }
}

crash_samples measure_crashes(caf::actor_system& sys, caf::scoped_actor& self,
                              std::shared_ptr<nz::service_registry> reg,
                              const nz::test::ledger& want, size_t crashes) {
  nz::supervisor_spec spec;
  spec.name = "bench-sup";
  spec.strat = nz::strategy::one_for_one;
  spec.policy.max_restarts = 1'000'000;
  spec.policy.window = std::chrono::seconds(10);
  spec.policy.backoff_base = std::chrono::milliseconds(0);
  spec.policy.backoff_max = std::chrono::milliseconds(0);
  nz::child_spec child;
  child.name = ledger_name;
  child.start = [reg](caf::actor_system& s) {
    return nz::test::spawn_ledger(s, reg, ledger_options());
  };
  spec.children.push_back(std::move(child));
  auto sup = nz::spawn_supervisor(sys, std::move(spec), reg);
  // The first instance must be serving before the first crash.
  auto first = await_new_handle(*reg, caf::actor{}, clock_type::now());
  check_state(sys, get_ledger(self, first), want, "first start");
  crash_samples out;
  for (size_t i = 0; i < crashes; ++i) {
    auto old = reg->get(ledger_name);
    if (!old) die("no ledger registered before crash " + std::to_string(i));
    auto t0 = clock_type::now();
    self->send_exit(old, nz::make_error(nz::core_errc::chaos_crash));
    auto hdl = await_new_handle(*reg, old, t0);
    auto t_reg = clock_type::now();
    for (;;) {
      auto got = get_ledger(self, hdl);
      if (!got && nz::is_restart_race(got.error())) {
        ++out.retries;  // the new instance died too (should not happen): next one
        hdl = await_new_handle(*reg, hdl, t0);
        continue;
      }
      auto t1 = clock_type::now();
      check_state(sys, got, want, "after restart");
      out.restart.push_back(us_between(t0, t_reg));
      out.serving.push_back(us_between(t0, t1));
      break;
    }
  }
  stop_and_wait(self, sup, caf::exit_reason::user_shutdown);
  return out;
}

struct run_result {
  percentiles serving, restart, cold, load;
};

run_result run_config(caf::actor_system& sys, uint64_t entries, size_t crashes,
                      size_t baseline_samples, int run) {
  nz::test::temp_dir tmp{"nz-bench-recovery"};
  auto reg = std::make_shared<nz::service_registry>();
  nz::storage_options so;
  so.dir = tmp.str() + "/db";
  so.map_size = size_t{256} << 20;
  auto st = nz::spawn_storage(sys, so);
  if (!st) die("spawn_storage: " + sys.render(st.error()));
  reg->declare("storage", "", "worker");
  reg->set_running("storage", caf::actor_cast<caf::actor>(*st));
  auto want = nz::test::ledger::after(entries);
  run_result rr;
  {
    caf::scoped_actor self{sys};
    prefill(sys, self, reg, entries);
    auto load = measure_load(sys, self, *st, entries, baseline_samples);
    auto cold = measure_cold_start(sys, self, reg, want, baseline_samples);
    auto cs = measure_crashes(sys, self, reg, want, crashes);
    rr = {percentiles_of(cs.serving), percentiles_of(cs.restart), percentiles_of(cold),
          percentiles_of(load)};
    print_line("crash_serving", entries, run, cs.serving.size(), rr.serving);
    print_line("crash_restart", entries, run, cs.restart.size(), rr.restart);
    print_line("cold_start", entries, run, cold.size(), rr.cold);
    print_line("load", entries, run, load.size(), rr.load);
    std::printf(
        "verified      entries=%-6llu run=%d: all %zu replacements and %zu cold "
        "starts served count=%llu with the expected digest\n",
        static_cast<unsigned long long>(entries), run, cs.serving.size(), cold.size(),
        static_cast<unsigned long long>(want.count));
    if (cs.retries > 0)
      std::printf("warning: %llu gets raced a dying replacement\n",
                  static_cast<unsigned long long>(cs.retries));
    stop_and_wait(self, caf::actor_cast<caf::actor>(*st),
                  caf::exit_reason::user_shutdown);
  }
  std::fflush(stdout);
  return rr;
}

void print_summary(const char* label, uint64_t entries, const percentiles& p) {
  std::printf(
      "summary: %-13s entries=%-6llu p50=%8.1f p90=%8.1f p99=%8.1f max=%8.1f us\n", label,
      static_cast<unsigned long long>(entries), p.p50, p.p90, p.p99, p.max);
}

}  // namespace

int main(int argc, char** argv) {
  nz::bench::set_program("nz_bench_recovery");
  size_t crashes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000;
  uint64_t entries = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000;
  size_t baseline = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 200;
  if (crashes == 0 || baseline == 0) {
    std::fprintf(stderr,
                 "usage: nz_bench_recovery [crashes>0] [entries] [baseline_samples>0]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // Every restart logs a warning and an info line; keep stderr for real errors.
  nz::log::set_level(nz::log::level::error);
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};

  std::printf(
      "nz_bench_recovery: crashes=%zu entries=0,%llu baseline_samples=%zu "
      "repeats=%d (latencies in us)\n",
      crashes, static_cast<unsigned long long>(entries), baseline, repeats);
  std::vector<uint64_t> configs{0};
  if (entries > 0) configs.push_back(entries);
  std::vector<std::vector<run_result>> results(configs.size());
  for (int r = 1; r <= repeats; ++r)
    for (size_t c = 0; c < configs.size(); ++c)
      results[c].push_back(run_config(sys, configs[c], crashes, baseline, r));

  std::vector<percentiles> serving_med;
  for (size_t c = 0; c < configs.size(); ++c) {
    std::vector<percentiles> s, g, co, l;
    for (auto& rr : results[c]) {
      s.push_back(rr.serving);
      g.push_back(rr.restart);
      co.push_back(rr.cold);
      l.push_back(rr.load);
    }
    auto ms = median_of(s), mg = median_of(g), mc = median_of(co), ml = median_of(l);
    serving_med.push_back(ms);
    print_summary("crash_serving", configs[c], ms);
    print_summary("crash_restart", configs[c], mg);
    print_summary("cold_start", configs[c], mc);
    print_summary("load", configs[c], ml);
    std::printf(
        "summary: ratios entries=%llu crash_serving/cold_start p50=%.2f p99=%.2f "
        "crash_serving/load p50=%.2f\n",
        static_cast<unsigned long long>(configs[c]), ms.p50 / mc.p50, ms.p99 / mc.p99,
        ms.p50 / ml.p50);
  }
  if (configs.size() == 2)
    std::printf(
        "summary: replay cost of %llu entries (crash_serving p50 difference) = "
        "%.1f us, ratio %.2f\n",
        static_cast<unsigned long long>(entries), serving_med[1].p50 - serving_med[0].p50,
        serving_med[1].p50 / serving_med[0].p50);
  return 0;
}
