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
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/identity/identity_actor.hpp"
#include "actors/trust/core/keys.hpp"
#include "actors/trust/trust_actor.hpp"
#include "bench/support/bench_clock.hpp"
#include "bench/support/bench_stats.hpp"
#include "bench/support/request_pump.hpp"
#include "bench/trust/graph_import.hpp"
#include "bench/trust/raw_baselines.hpp"
#include "bench/trust/trust_graph.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/kv_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/register_types.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/storage_actor.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nz::bench;
using nz::bytes;

constexpr int repeats = 3;
constexpr uint64_t append_window = 64;
constexpr uint64_t deep_window = 512;
constexpr uint64_t id_window = 64;
constexpr uint64_t actor_window = 64;
constexpr size_t lat_samples = 200;
constexpr size_t check_sample = 2000;
constexpr size_t map_size = size_t{1} << 30;  // storage actor
/// The lookup graph is imported with the actor's clock this far back, so that
/// the assertions that have expired by now were live when imported.
constexpr int64_t import_clock_back_ms = int64_t{3} * 24 * 3600 * 1000;
constexpr auto request_timeout = std::chrono::seconds(60);

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "nz_bench_trust: %s\n", what.c_str());
  std::exit(1);
}

// -- metrics ------------------------------------------------------------------------

struct counters {
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> trust_changes{0};
  std::atomic<uint64_t> snapshot_failures{0};
};

/// Counts storage commits, trust changes and failed trust snapshots reported
/// by the actors.
nz::metrics_actor::behavior_type counting_metrics(std::shared_ptr<counters> c) {
  return {
      [c](nz::add_atom, std::string& f, nz::label_values&, double v) {
        if (f == "nzcore_journal_commits_total") c->commits += static_cast<uint64_t>(v);
        if (f == "nzcore_trust_changes_total")
          c->trust_changes += static_cast<uint64_t>(v);
        if (f == "nzcore_trust_snapshot_failures_total")
          c->snapshot_failures += static_cast<uint64_t>(v);
      },
      [](nz::set_atom, std::string&, nz::label_values&, double) {},
      [](nz::observe_atom, std::string&, nz::label_values&, double) {},
      [](nz::render_atom) { return std::string{}; },
  };
}

// -- actor drivers ----------------------------------------------------------------

/// Keeps `window` set_level assertions about subjects[first, first + n) in
/// flight until all are acknowledged; pushes each round trip (µs) to `lat` if
/// set. Reports the number of good replies to `done`.
caf::behavior append_driver(caf::event_based_actor* self, caf::actor trust,
                            std::shared_ptr<const std::vector<std::string>> subjects,
                            size_t first, uint64_t n, uint64_t window,
                            std::shared_ptr<std::vector<double>> lat, caf::actor done) {
  pump_requests(self, n, window, done, [=](uint64_t i, auto ok) {
    nz::trust_assert_request req;
    req.kind = "set_level";
    req.subject = (*subjects)[first + i];
    req.level = static_cast<uint8_t>(1 + i % 3);
    auto t0 = clock_type::now();
    self->request(trust, request_timeout, nz::trust_assert_atom::value, std::move(req))
        .then(
            [=](nz::trust_entry& e) {
              if (lat) lat->push_back(us_since(t0));
              bool good = e.log_seq > 0 && e.kind == "set_level";
              if (!good) std::fprintf(stderr, "trust_assert: unexpected entry\n");
              ok(good);
            },
            [self, ok](caf::error& err) {
              std::fprintf(stderr, "trust_assert failed: %s\n",
                           self->system().render(err).c_str());
              ok(false);
            });
  });
  return {[](caf::unit_t) {}};
}

/// Keeps `window` trust_eval requests in flight until `n` are answered, about
/// subjects[idx[0..n)].
caf::behavior eval_driver(caf::event_based_actor* self, caf::actor trust,
                          std::shared_ptr<const std::vector<std::string>> subjects,
                          std::shared_ptr<const std::vector<uint32_t>> idx, uint64_t n,
                          uint64_t window, caf::actor done) {
  pump_requests(self, n, window, done, [=](uint64_t i, auto ok) {
    const auto& hex = (*subjects)[(*idx)[i % idx->size()]];
    self->request(trust, request_timeout, nz::trust_eval_atom::value, hex)
        .then(
            [hex, ok](nz::trust_verdict& v) {
              bool good = v.subject_key == hex;
              if (!good) std::fprintf(stderr, "trust_eval: verdict about another key\n");
              ok(good);
            },
            [self, ok](caf::error& err) {
              std::fprintf(stderr, "trust_eval failed: %s\n",
                           self->system().render(err).c_str());
              ok(false);
            });
  });
  return {[](caf::unit_t) {}};
}

/// Keeps `window` identity `sign` requests in flight until `n` are answered.
caf::behavior sign_driver(caf::event_based_actor* self, caf::actor id,
                          std::shared_ptr<const bytes> msg, uint64_t n, uint64_t window,
                          caf::actor done) {
  pump_requests(self, n, window, done, [=](uint64_t, auto ok) {
    self->request(id, request_timeout, nz::sign_atom::value, *msg)
        .then([ok](bytes& sig) { ok(sig.size() == crypto_sign_BYTES); },
              [self, ok](caf::error& err) {
                std::fprintf(stderr, "sign failed: %s\n",
                             self->system().render(err).c_str());
                ok(false);
              });
  });
  return {[](caf::unit_t) {}};
}

uint64_t collect(caf::scoped_actor& self, const char* what) {
  uint64_t got = 0;
  bool any = false;
  self->receive(
      [&](uint64_t x) {
        got = x;
        any = true;
      },
      [&](caf::down_msg& d) {
        die(std::string{what} + ": an actor went down: " + caf::to_string(d.reason));
      },
      caf::after(std::chrono::seconds(120)) >> [] {});
  if (!any) die(std::string{what} + ": no result within 120 s");
  return got;
}

void stop_and_wait(caf::scoped_actor& self, const caf::actor& hdl) {
  self->monitor(hdl);
  self->send_exit(hdl, caf::exit_reason::user_shutdown);
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; },
                caf::after(std::chrono::seconds(30)) >> [] {});
  if (!down) die("an actor did not stop within 30 s");
}

/// Identity `sign` round trips per second with `window` in flight.
double id_sign_rate(caf::actor_system& sys, caf::scoped_actor& self, const caf::actor& id,
                    const bytes& msg, uint64_t n, uint64_t window) {
  auto t0 = clock_type::now();
  sys.spawn(sign_driver, id, std::make_shared<const bytes>(msg), n, window,
            caf::actor{self});
  if (collect(self, "identity sign") != n) die("identity sign: short count");
  return static_cast<double>(n) / seconds_since(t0);
}

// -- one repetition -------------------------------------------------------------

struct repetition {
  crypto_rates raw;
  double id_sign_1 = 0, id_sign_64 = 0;
  double append = 0;  ///< acknowledged appends per second, append_window in flight
  double appends_per_commit = 0;
  double append_deep = 0;  ///< the same with deep_window in flight
  double appends_per_commit_deep = 0;
  double lat_p50 = 0, lat_p99 = 0;  ///< µs, one append at a time
  double log_verify = 0;            ///< entries read back and verified per second
  double raw_commit = 0;            ///< raw LMDB puts per second (same batching)
  uint64_t restart_snapshot = 0;    ///< N of "snapshot at N + M log entries replayed"
  uint64_t restart_replayed = 0;    ///< M
  double restart_ms = 0;            ///< restart until the new actor served a list
  double lookup = 0;                ///< effective_trust() per second
  double eval_build_us = 0;
  double eval_lookup = 0;  ///< evaluator::effective_trust per second
  double actor_eval = 0;   ///< trust_eval through the actor per second
};

struct setup {
  caf::actor_system& sys;
  std::shared_ptr<nz::service_registry> reg;
  std::shared_ptr<counters> count;
  caf::actor id;
  std::shared_ptr<const std::vector<std::string>> subjects;  ///< hex keys
  uint64_t appends;
  uint64_t crypto_ops;
  bytes msg;  ///< assertion-sized
  size_t record_size;
  const trust_graph* graph;
  std::vector<uint32_t> lookup_idx, eval_idx;
  /// The trust actor holding the graph, the graph's subjects in hex and the
  /// indexes actor_eval asks about.
  caf::actor lookup_trust;
  std::shared_ptr<const std::vector<std::string>> subject_hex;
  std::shared_ptr<const std::vector<uint32_t>> actor_idx;
};

/// A storage actor on a fresh environment and a trust actor on it, both
/// registered in the setup's registry; the trust actor is monitored.
struct trust_env {
  nz::test::temp_dir tmp{"nz-bench-trust"};
  nz::storage_actor storage;
  caf::actor trust;
};

/// The trust options of the append measurements: the node's defaults but for
/// max_trusted, raised to hold every append.
nz::trust_options append_options(const setup& su) {
  nz::trust_options to;
  to.max_trusted = su.appends + lat_samples + 16;
  return to;
}

/// Starts a trust actor on the registered storage, monitors it and waits until
/// it has read its log (list waits for that); returns the entries it lists.
size_t start_trust(setup& su, caf::scoped_actor& self, trust_env& env,
                   const nz::trust_options& to) {
  auto& sys = su.sys;
  su.reg->declare("trust", "", "worker");
  auto trust = nz::spawn_trust(sys, su.reg, to);
  if (!trust) die("spawn_trust: " + sys.render(trust.error()));
  env.trust = *trust;
  self->monitor(env.trust);
  size_t listed = 0;
  self->request(env.trust, request_timeout, nz::trust_list_atom::value)
      .receive([&](std::vector<nz::trust_entry>& xs) { listed = xs.size(); },
               [&](caf::error& err) { die("trust list: " + sys.render(err)); });
  return listed;
}

/// Storage with the node's default limits (kv_max_value 100 KiB).
std::unique_ptr<trust_env> open_env(setup& su, caf::scoped_actor& self,
                                    const nz::trust_options& to) {
  auto& sys = su.sys;
  auto env = std::make_unique<trust_env>();
  nz::storage_options so;
  so.dir = env->tmp.str() + "/db";
  so.map_size = map_size;
  auto reg = su.reg;
  so.find_identity = [reg] { return reg->get("identity"); };
  so.find_metrics = [reg] { return reg->get("metrics"); };
  auto st = nz::spawn_storage(sys, so);
  if (!st) die("spawn_storage: " + sys.render(st.error()));
  env->storage = *st;
  reg->declare("storage", "", "worker");
  reg->set_running("storage", caf::actor_cast<caf::actor>(*st));
  if (start_trust(su, self, *env, to) != 0) die("a fresh trust store lists entries");
  return env;
}

/// Stops the trust actor without its shutdown flush (as a crash would), starts
/// another on the same storage and checks its recovery: "snapshot at N + M log
/// entries replayed" with N > 0, N + M = entries, and all entries listed.
void restart_trust(setup& su, caf::scoped_actor& self, trust_env& env,
                   const nz::trust_options& to, uint64_t entries, repetition& out,
                   int run) {
  self->demonitor(env.trust);
  stop_and_wait(self, env.trust);
  auto t0 = clock_type::now();
  auto listed = start_trust(su, self, env, to);
  out.restart_ms = ms_since(t0);
  std::string note;
  for (const auto& e : su.reg->entries())
    if (e.name == "trust") note = e.last_recovery;
  unsigned long long n = 0, m = 0;
  if (std::sscanf(note.c_str(), "snapshot at %llu + %llu log entries replayed", &n, &m)
          != 2
      || note.find(';') != std::string::npos)
    die("restart: unexpected recovery note \"" + note + "\"");
  if (n == 0 || n + m != entries || listed != entries)
    die("restart: \"" + note + "\" and " + std::to_string(listed) + " entries listed, "
        + std::to_string(entries) + " appended");
  out.restart_snapshot = n;
  out.restart_replayed = m;
  std::printf("restart     run=%d \"%s\", %zu entries listed, serving after %.1f ms\n",
              run, note.c_str(), listed, out.restart_ms);
}

/// Trust first (its last snapshot goes to storage), then storage, closed.
void close_env(setup& su, caf::scoped_actor& self, trust_env& env) {
  self->request(env.trust, request_timeout, nz::phase_atom::value,
                static_cast<uint8_t>(nz::shutdown_phase::flush))
      .receive([](uint8_t) {},
               [&](caf::error& err) {
                 std::fprintf(stderr, "trust flush: %s\n", su.sys.render(err).c_str());
               });
  self->demonitor(env.trust);
  stop_and_wait(self, env.trust);
  self->request(env.storage, request_timeout, nz::phase_atom::value,
                static_cast<uint8_t>(nz::shutdown_phase::close_storage))
      .receive([](uint8_t) {}, [](caf::error&) {});
  stop_and_wait(self, caf::actor_cast<caf::actor>(env.storage));
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

void check_snapshots(setup& su, const char* after) {
  if (auto n = su.count->snapshot_failures.load(); n != 0)
    die(std::string{"nzcore_trust_snapshot_failures_total is "} + std::to_string(n)
        + " after " + after);
}

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

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A trust actor on its own storage holding su.graph (graph_import.hpp), with
/// the node's default trust options but for the clock: it runs
/// import_clock_back_ms behind during the import and on time afterwards.
/// Checked against the pure evaluator on check_sample subjects.
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

std::vector<uint32_t> random_indexes(size_t n, size_t range, uint64_t seed) {
  std::vector<uint32_t> out(n);
  for (auto& x : out) x = static_cast<uint32_t>(splitmix64(seed) % range);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
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
      static_cast<unsigned long long>(count->snapshot_failures.load()));
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

  caf::scoped_actor self{sys};
  stop_and_wait(self, metrics);
  stop_and_wait(self, *id);
  std::printf("nz_bench_trust: %.1f s in all\n", seconds_since(t_start));
  print_clock("nz_bench_trust", "end");
  return 0;
}
