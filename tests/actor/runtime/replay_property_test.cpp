// Property: whatever the crash pattern, a journaled actor's replayed state is
// exactly the acknowledged history, plus possibly entries that were in flight at
// the crash, and never anything else.
//
// Each case runs a ledger (tests/support/ledger_actor.hpp) behind a rest_for_one
// supervisor next to the storage actor, with a random snapshot cadence, and
// applies a random sequence of: appends that are awaited, appends left in flight
// before a crash of the ledger or of storage, crashes with nothing in flight, and
// crashes of a ledger that is still recovering.
// After every crash it lets the supervisor restart the services on the simulated
// clock and compares the replayed ledger with ledger::after(n).
//
// The seed is random unless NZ_PROPERTY_SEED is set; it is printed on failure.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include <caf/event_based_actor.hpp>

#include "storage_support.hpp"
#include "supervision_support.hpp"
#include "support/ledger.hpp"
#include "support/ledger_actor.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using namespace nz;
using namespace nz::test;

namespace {

constexpr int case_count = 2000;

struct progress {
  /// Highest acknowledged value; every value up to it was acknowledged.
  uint64_t acked = 0;
  uint64_t failed = 0;
};

/// Sends appends from..to to the current ledger instance without waiting and
/// records the acknowledgements.
caf::behavior appender(caf::event_based_actor* self,
                       std::shared_ptr<service_registry> reg,
                       std::shared_ptr<progress> p) {
  return {
      [self, reg, p](append_atom, uint64_t from, uint64_t to) {
        auto h = reg->get("ledger");
        for (auto v = from; v <= to; ++v)
          self->request(h, caf::infinite, append_atom::value, v)
              .then([p](uint64_t x) { p->acked = std::max(p->acked, x); },
                    [p](caf::error&) { ++p->failed; });
      },
  };
}

uint64_t initial_seed() {
  if (auto s = std::getenv("NZ_PROPERTY_SEED")) return std::strtoull(s, nullptr, 0);
  return std::random_device{}();
}

struct property_fixture : actor_fixture {
  temp_dir tmp{"nz-replay-property"};
  property_fixture() { log::set_stderr(false); }
};

}  // namespace

TEST_CASE_FIXTURE(
    property_fixture,
    "replay restores exactly the acknowledged ledger across random crashes") {
  auto seed = initial_seed();
  INFO("seed: " << seed << " (rerun with NZ_PROPERTY_SEED=" << seed << ")");
  std::mt19937_64 rng{seed};
  auto pick = [&rng](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>{lo, hi}(rng);
  };
  uint64_t crashes = 0;
  uint64_t storage_crashes = 0;
  uint64_t in_flight_at_crash = 0;
  uint64_t in_flight_durable = 0;
  uint64_t recovery_crashes = 0;
  for (int c = 0; c < case_count; ++c) {
    CAPTURE(c);
    auto reg = std::make_shared<service_registry>();
    journal_options jo;
    jo.stream = "p" + std::to_string(c);
    jo.snapshot_every = pick(1, 20);
    jo.snapshot_interval = std::chrono::milliseconds(pick(1, 50));
    CAPTURE(jo.snapshot_every);
    supervisor_spec spec;
    spec.name = "case";
    spec.strat = strategy::rest_for_one;
    spec.policy.max_restarts = 1000;
    spec.policy.window = 10s;
    spec.policy.backoff_base = std::chrono::milliseconds(pick(0, 1));
    spec.policy.backoff_max = 4ms;
    spec.children.push_back(storage_spec(tmp.str() + "/db"));
    child_spec ledger_cs;
    ledger_cs.name = "ledger";
    ledger_cs.start = [reg, jo](caf::actor_system& sys) {
      return spawn_ledger(sys, reg, jo);
    };
    spec.children.push_back(ledger_cs);
    auto sup = spawn_supervisor(sys, spec, reg);
    sched.run();
    auto p = std::make_shared<progress>();
    auto client = sys.spawn(appender, reg, p);
    uint64_t sent = 0;

    auto restarted = [&] {
      sched.run();
      advance(0ms);
      for (int i = 0; i < 100 && !(reg->get("ledger") && reg->get("storage")); ++i)
        advance(1ms);
      REQUIRE(reg->get("storage"));
      REQUIRE(reg->get("ledger"));
    };
    auto replayed = [&]() -> ledger {
      auto rh = self->request(reg->get("ledger"), caf::infinite, get_atom::value);
      sched.run();
      REQUIRE_FALSE(self->mailbox().empty());
      ledger out;
      rh.receive(
          [&](uint64_t count, uint64_t digest) {
            out = ledger{count, digest};
          },
          [&](caf::error& err) { FAIL("get failed: " << sys.render(err)); });
      return out;
    };

    auto steps = pick(2, 8);
    for (uint64_t s = 0; s < steps; ++s) {
      CAPTURE(s);
      auto kind = pick(0, 9);
      auto k = pick(1, 12);
      self->send(client, append_atom::value, sent + 1, sent + k);
      sent += k;
      if (kind < 4) {  // wait for every ack
        sched.run();
        REQUIRE(p->acked == sent);
        CHECK(p->failed == 0);
        continue;
      }
      // Let a random part of the work happen, then crash.
      auto partial = pick(0, 4 * k + 6);
      for (uint64_t i = 0; i < partial && sched.try_run_once(); ++i) {
      }
      if (kind == 9 || pick(0, 1) == 0) sched.run();  // nothing left in flight
      bool settled = sched.jobs.empty();
      auto acked = p->acked;
      if (settled) REQUIRE(acked == sent);
      bool storage_too = kind >= 8;
      auto victim = reg->get(storage_too ? "storage" : "ledger");
      REQUIRE(victim);
      self->send_exit(victim, make_error(core_errc::chaos_crash));
      ++crashes;
      storage_crashes += storage_too ? 1 : 0;
      if (pick(0, 3) == 0) {
        // Crash the new ledger again while it is still recovering: it has been
        // spawned but has run at most a few jobs (its load may be in flight).
        sched.run();
        for (int i = 0; i < 100 && !reg->get("ledger"); ++i) {
          sched.advance_time(1ms);
          sched.try_run_once();
        }
        REQUIRE(reg->get("ledger"));
        for (auto i = pick(0, 3); i > 0 && sched.try_run_once(); --i) {
        }
        self->send_exit(reg->get("ledger"), make_error(core_errc::chaos_crash));
        ++recovery_crashes;
      }
      restarted();
      auto got = replayed();
      CAPTURE(sent);
      CAPTURE(acked);
      CAPTURE(got.count);
      CHECK(got.count >= acked);
      CHECK(got.count <= sent);
      if (settled) CHECK(got.count == acked);
      CHECK(got == ledger::after(got.count));
      if (acked < sent) {
        ++in_flight_at_crash;
        in_flight_durable += got.count > acked ? 1 : 0;
      }
      // Continue the history from what survived.
      // Requests to the crashed instance may have failed; later ones must not.
      sent = got.count;
      p->acked = got.count;
      p->failed = 0;
    }
    // A final clean restart replays the same state again.
    sched.run();
    auto before = replayed();
    CHECK(before == ledger::after(sent));
    self->send_exit(reg->get("ledger"), make_error(core_errc::chaos_crash));
    restarted();
    CHECK(replayed() == before);
    self->send_exit(client, caf::exit_reason::kill);
    self->send_exit(sup, caf::exit_reason::user_shutdown);
    sched.run();
  }
  MESSAGE("seed " << seed << ": " << case_count << " cases, " << crashes << " crashes ("
                  << storage_crashes << " of storage, " << recovery_crashes
                  << " during recovery), " << in_flight_at_crash
                  << " with appends in flight, " << in_flight_durable
                  << " of those kept some in-flight entries");
}
