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
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

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

using clock_type = std::chrono::steady_clock;
using nz::test::ledger_actor;

constexpr int repeats = 3;
constexpr uint64_t prefill_window = 64;
constexpr auto request_timeout = std::chrono::seconds(10);
const std::string ledger_name = "ledger";

double us_between(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "nz_bench_recovery: %s\n", what.c_str());
  std::exit(1);
}

struct percentiles {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

percentiles percentiles_of(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  auto at = [&](double q) {
    auto i = static_cast<size_t>(q * static_cast<double>(xs.size() - 1) + 0.5);
    return xs[std::min(i, xs.size() - 1)];
  };
  return {at(0.50), at(0.90), at(0.99), xs.back()};
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
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
      label, static_cast<unsigned long long>(entries), run, n, p.p50, p.p90, p.p99, p.max);
}

// -- setup --------------------------------------------------------------------

nz::journal_options ledger_options() {
  nz::journal_options jo;
  jo.stream = ledger_name;
  jo.snapshot_every = 1'000'000;                       // never during the bench...
  jo.snapshot_interval = std::chrono::hours(24);       // ...so every start replays
  jo.storage_timeout = std::chrono::seconds(30);       // all prefilled entries
  return jo;
}

/// Keeps `window` appends in flight until 1..total are acknowledged, then sends
/// the last acknowledged value to `done`.
caf::behavior prefill_driver(caf::event_based_actor* self, ledger_actor ledger,
                             uint64_t total, caf::actor done) {
  auto next = std::make_shared<uint64_t>(1);
  auto acked = std::make_shared<uint64_t>(0);
  auto send_one = std::make_shared<std::function<void()>>();
  *send_one = [=] {
    if (*next > total) return;
    auto value = (*next)++;
    self->request(ledger, request_timeout, nz::append_atom::value, value)
        .then(
            [=](uint64_t v) {
              *acked = std::max(*acked, v);
              if (*acked == total) {
                self->send(done, *acked);
                *send_one = nullptr;  // break the self-reference
                self->quit();
                return;
              }
              (*send_one)();
            },
            [=](caf::error& err) {
              std::fprintf(stderr, "prefill append failed: %s\n",
                           self->system().render(err).c_str());
              self->send(done, *acked);
              *send_one = nullptr;
              self->quit();
            });
  };
  for (uint64_t i = 0; i < prefill_window && i < total; ++i) (*send_one)();
  return {[](caf::unit_t) {}};
}

