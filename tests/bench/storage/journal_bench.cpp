// Journal throughput: acknowledged appends through the storage actor (group
// commit, real detached actor, N writers x W requests in flight) against raw
// LMDB loops with one synced commit per change and per batch. Every run uses a
// fresh environment under $TMPDIR (or /tmp); make sure that is a real disk.
//
//   nz_bench_journal [acks=50000] [per_change_commits=3000]
//
// Output: one line per measurement, then medians and ratios.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <lmdb.h>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "bench/support/bench_stats.hpp"
#include "bench/support/request_pump.hpp"
#include "messages/metrics_api.hpp"
#include "messages/register_types.hpp"
#include "storage/lmdb_env.hpp"
#include "storage/record_format.hpp"
#include "storage/storage_actor.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nz::bench;

constexpr size_t payload_size = 100;
constexpr int writers = 8;
constexpr uint64_t in_flight = 64;
constexpr int repeats = 3;

// -- storage actor ------------------------------------------------------------

struct commit_counter {
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> entries{0};
};

nz::metrics_actor::behavior_type counting_metrics(std::shared_ptr<commit_counter> c) {
  return {
      [c](nz::add_atom, std::string& f, nz::label_values&, double v) {
        if (f == "nzcore_journal_commits_total")
          c->commits += static_cast<uint64_t>(v);
        else if (f == "nzcore_journal_entries_total")
          c->entries += static_cast<uint64_t>(v);
      },
      [](nz::set_atom, std::string&, nz::label_values&, double) {},
      [](nz::observe_atom, std::string&, nz::label_values&, double) {},
      [](nz::render_atom) { return std::string{}; },
  };
}

/// Keeps `window` appends in flight until `total` are acknowledged, then
/// reports the number of acks to `done` and quits.
caf::behavior writer(caf::event_based_actor* self, nz::storage_actor st,
                     std::string stream, uint64_t total, uint64_t window,
                     caf::actor done) {
  auto payload = std::make_shared<nz::bytes>(payload_size, uint8_t{0x42});
  pump_requests(self, total, window, done, [=](uint64_t i, auto ok) {
    self->request(st, caf::infinite, nz::append_atom::value, stream, i + 1, *payload)
        .then([ok](uint64_t) { ok(true); },
              [self, ok](caf::error& err) {
                std::fprintf(stderr, "append failed: %s\n",
                             self->system().render(err).c_str());
                ok(false);
              });
  });
  return {[](caf::unit_t) {}};
}

struct actor_run {
  double rate = 0;
  double entries_per_commit = 0;
};

actor_run run_actor(caf::actor_system& sys, uint64_t acks, int run) {
  nz::test::temp_dir tmp{"nz-bench"};
  auto counter = std::make_shared<commit_counter>();
  auto metrics = sys.spawn(counting_metrics, counter);
  nz::storage_options opts;
  opts.dir = tmp.str() + "/db";
  opts.map_size = size_t{512} << 20;
  auto m = caf::actor_cast<caf::actor>(metrics);
  opts.find_metrics = [m] { return m; };
  auto st = nz::spawn_storage(sys, opts);
  if (!st) {
    std::fprintf(stderr, "spawn_storage: %s\n", sys.render(st.error()).c_str());
    std::exit(1);
  }
  caf::scoped_actor self{sys};
  uint64_t per_writer = acks / writers;
  auto t0 = clock_type::now();
  for (int w = 0; w < writers; ++w)
    sys.spawn(writer, *st, "writer-" + std::to_string(w), per_writer, in_flight,
              caf::actor{self});
  uint64_t total = 0;
  for (int w = 0; w < writers; ++w) self->receive([&](uint64_t n) { total += n; });
  double secs = seconds_since(t0);
  // The close phase answers after the last commit reported its metrics.
  self->request(*st, caf::infinite, nz::phase_atom::value, uint8_t{3})
      .receive([](uint8_t) {}, [](caf::error&) {});
  self->request(metrics, caf::infinite, nz::render_atom::value)
      .receive([](std::string&) {}, [](caf::error&) {});
  self->send_exit(*st, caf::exit_reason::user_shutdown);
  self->send_exit(metrics, caf::exit_reason::user_shutdown);
  actor_run out;
  out.rate = static_cast<double>(total) / secs;
  out.entries_per_commit = counter->commits ? static_cast<double>(counter->entries)
                                                  / static_cast<double>(counter->commits)
                                            : 0;
  std::printf(
      "actor_group_commit run=%d writers=%d in_flight=%llu acks=%llu seconds=%.3f "
      "rate=%.0f/s commits=%llu entries_per_commit=%.1f\n",
      run, writers, static_cast<unsigned long long>(in_flight),
      static_cast<unsigned long long>(total), secs, out.rate,
      static_cast<unsigned long long>(counter->commits.load()), out.entries_per_commit);
  return out;
}

// -- raw LMDB -----------------------------------------------------------------

/// `changes` puts of 100-byte values under journal-style keys, one synced
/// commit per `batch` puts.
double run_raw(uint64_t changes, uint64_t batch, const char* label, int run) {
  using namespace nz::storage;
  nz::test::temp_dir tmp{"nz-bench"};
  auto env = lmdb_env::open(tmp.str() + "/db", size_t{512} << 20, 4);
  if (!env) {
    std::fprintf(stderr, "%s\n", env.error().message.c_str());
    std::exit(1);
  }
  auto db = env->open_db("journal");
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().message.c_str());
    std::exit(1);
  }
  std::vector<uint8_t> value(payload_size, 0x42);
  auto t0 = clock_type::now();
  for (uint64_t i = 0; i < changes;) {
    auto txn = write_txn::begin(*env);
    if (!txn) std::exit(1);
    for (uint64_t k = 0; k < batch && i < changes; ++k, ++i) {
      auto key = make_key("writer-" + std::to_string(i % writers), i + 1);
      if (!txn->put(*db, {key.data(), key.size()}, {value.data(), value.size()}))
        std::exit(1);
    }
    if (!txn->commit()) std::exit(1);
  }
  double secs = seconds_since(t0);
  double rate = static_cast<double>(changes) / secs;
  std::printf("%s run=%d changes=%llu batch=%llu seconds=%.3f rate=%.0f/s\n", label, run,
              static_cast<unsigned long long>(changes),
              static_cast<unsigned long long>(batch), secs, rate);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t acks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50000;
  uint64_t per_change = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 3000;
  if (acks < writers || per_change == 0) {
    std::fprintf(stderr, "usage: nz_bench_journal [acks>=8] [per_change_commits>0]\n");
    return 1;
  }
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  caf::actor_system sys{cfg};

  std::vector<double> actor_rates, epc, raw1, raw64, raw1000;
  for (int r = 1; r <= repeats; ++r) {
    auto a = run_actor(sys, acks, r);
    actor_rates.push_back(a.rate);
    epc.push_back(a.entries_per_commit);
    raw1.push_back(run_raw(per_change, 1, "raw_per_change", r));
    raw64.push_back(run_raw(acks, 64, "raw_batch_64", r));
    raw1000.push_back(run_raw(acks, 1000, "raw_batch_1000", r));
  }
  double a = median(actor_rates);
  std::printf(
      "summary: actor=%.0f/s raw_per_change=%.0f/s raw_batch_64=%.0f/s "
      "raw_batch_1000=%.0f/s\n",
      a, median(raw1), median(raw64), median(raw1000));
  std::printf(
      "summary: actor/raw_per_change=%.2f actor/raw_batch_64=%.2f "
      "actor/raw_batch_1000=%.2f entries_per_commit=%.1f\n",
      a / median(raw1), a / median(raw64), a / median(raw1000), median(epc));
  return 0;
}
