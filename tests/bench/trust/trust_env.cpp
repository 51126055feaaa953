#include "bench/trust/trust_env.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "bench/support/bench_stats.hpp"
#include "bench/trust/bench_drivers.hpp"
#include "messages/trust_api.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/storage_actor.hpp"

namespace nz::bench {

namespace {

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

}  // namespace

nz::trust_options append_options(const setup& su) {
  nz::trust_options to;
  to.max_trusted = su.appends + lat_samples + 16;
  return to;
}

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

void check_snapshots(setup& su, const char* after) {
  if (auto n = su.count->snapshot_failures.load(); n != 0)
    die(std::string{"nzcore_trust_snapshot_failures_total is "} + std::to_string(n)
        + " after " + after);
}

}  // namespace nz::bench
