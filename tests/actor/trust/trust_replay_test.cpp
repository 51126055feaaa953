// Crash + replay: after a seeded sequence of own assertions and imports, a
// trust actor killed with an error reason and started again on the same
// storage serves the same list, log and verdicts, whether it replays the whole
// log, a snapshot plus the tail, or the snapshot written by the shutdown flush.
#include <doctest/doctest.h>

#include <cstdio>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "trust_support.hpp"

using namespace nz;
using namespace nz::test;

namespace {

struct observed {
  std::string list;
  std::string log;
  std::vector<std::string> verdicts;
  uint64_t entries = 0;
  size_t listed = 0;
  /// Pool keys whose verdict rests on a delegation (2+ hops), and revoked ones.
  size_t delegated = 0;
  size_t revoked = 0;
};

/// Drives a seeded sequence of own assertions and imports (some of them
/// refused) through the trust actor and moves the clock.
struct replay_fixture : trust_fixture {
  keypair fk = keypair::from_tag(2);
  std::vector<keypair> pool;
  uint64_t f_seq = 0;

  replay_fixture() {
    for (uint8_t i = 0; i < 8; ++i) pool.push_back(keypair::from_tag(40 + i));
  }

  void run_workload(uint32_t seed, int steps) {
    must_assert(set_level_req(fk.hex(), high));
    must_assert(delegate_req(fk.hex(), 2, high));
    std::mt19937 rng{seed};
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
    for (int i = 0; i < steps; ++i) {
      *now += pick(5000);
      auto& k = pool[static_cast<size_t>(pick(static_cast<int>(pool.size())))];
      switch (pick(6)) {
        case 0:
        case 1:
          static_cast<void>(tassert(set_level_req(k.hex(), static_cast<uint8_t>(pick(5)),
                                                  pick(2) ? 0 : 1000 + pick(20000))));
          break;
        case 2:
          static_cast<void>(
              tassert(delegate_req(k.hex(), static_cast<uint8_t>(1 + pick(2)),
                                   static_cast<uint8_t>(1 + pick(4)))));
          break;
        case 3:
          if (pick(4) == 0)
            static_cast<void>(tassert(revoke_req(k.hex())));
          else
            static_cast<void>(tassert(remove_req(k.hex())));
          break;
        default: {
          std::vector<trust::signed_assertion> xs;
          auto n = 1 + pick(3);
          for (int j = 0; j < n; ++j) {
            auto& s = pool[static_cast<size_t>(pick(static_cast<int>(pool.size())))];
            auto kind = pick(3) == 0 ? trust::kind::delegate : trust::kind::set_level;
            if (kind == trust::kind::delegate)
              xs.push_back(signed_by(fk, kind, s.pk, ++f_seq, *now, trust::level::unknown,
                                     0, 1, static_cast<trust::level>(1 + pick(4))));
            else
              xs.push_back(signed_by(fk, kind, s.pk, ++f_seq, *now,
                                     static_cast<trust::level>(pick(5))));
          }
          static_cast<void>(import(make_bundle(fk, *now, xs)));
        }
      }
    }
  }

  observed observe() {
    observed out;
    auto ls = list();
    REQUIRE(ls);
    auto lg = log(true, 1000);
    REQUIRE(lg);
    CHECK(lg->broken.empty());
    out.list = caf::deep_to_string(*ls);
    out.log = caf::deep_to_string(*lg);
    out.entries = lg->entries;
    out.listed = ls->size();
    for (auto& k : pool) {
      auto v = eval(k.hex());
      REQUIRE(v);
      out.verdicts.push_back(caf::deep_to_string(*v));
      if (v->path.size() >= 2) ++out.delegated;
      if (v->revoked) ++out.revoked;
    }
    return out;
  }

  /// "snapshot at S + N log entries replayed" -> S.
  uint64_t snapshot_pos() {
    auto note = recovery_note("trust");
    INFO("recovery note: " << note);
    REQUIRE(note.rfind("snapshot at ", 0) == 0);
    return std::stoull(note.substr(12));
  }

  /// Crashes the trust actor, starts a new one and compares what it serves.
  void crash_and_compare(const observed& before) {
    crash_trust();
    start_trust();
    auto after = observe();
    CHECK(after.entries == before.entries);
    CHECK(after.list == before.list);
    CHECK(after.log == before.log);
    CHECK(after.verdicts == before.verdicts);
    // The new instance continues the log and the own issuer_seq.
    auto e = must_assert(set_level_req(pool[0].hex(), low));
    CHECK(e.log_seq == before.entries + 1);
    auto lg = log();
    REQUIRE(lg);
    CHECK(lg->entries == before.entries + 1);
    CHECK(lg->broken.empty());
  }
};

}  // namespace

TEST_CASE_FIXTURE(replay_fixture,
                  "a restarted trust actor replays the whole log to the same state") {
  opts.snapshot_every = 1000;
  start_trust();
  run_workload(7, 60);
  auto before = observe();
  INFO("entries: " << before.entries);
  CHECK(before.entries >= 30);
  CHECK(before.listed >= 6);
  CHECK(before.delegated >= 1);
  crash_trust();
  start_trust();
  CHECK(snapshot_pos() == 0);
  CHECK(recovery_note("trust")
        == "snapshot at 0 + " + std::to_string(before.entries) + " log entries replayed");
  auto after = observe();
  CHECK(after.list == before.list);
  CHECK(after.log == before.log);
  CHECK(after.verdicts == before.verdicts);
  crash_and_compare(after);
}

TEST_CASE_FIXTURE(replay_fixture,
                  "a restarted trust actor replays snapshot plus log tail to the same "
                  "state") {
  opts.snapshot_every = 3;
  start_trust();
  run_workload(11, 60);
  auto before = observe();
  INFO("entries: " << before.entries);
  CHECK(before.entries >= 30);
  CHECK(before.listed >= 6);
  CHECK(before.delegated >= 1);
  crash_trust();
  start_trust();
  auto pos = snapshot_pos();
  CHECK(pos > 0);
  CHECK(pos <= before.entries);
  CHECK(pos + 3 > before.entries);
  auto after = observe();
  CHECK(after.list == before.list);
  CHECK(after.log == before.log);
  CHECK(after.verdicts == before.verdicts);
}

TEST_CASE_FIXTURE(replay_fixture,
                  "the shutdown flush writes a snapshot that a restart uses whole") {
  opts.snapshot_every = 1000;
  start_trust();
  run_workload(23, 40);
  auto before = observe();
  CHECK(before.entries >= 20);
  CHECK(before.delegated >= 1);
  auto flushed =
      ask<uint8_t>(trust, phase_atom::value, static_cast<uint8_t>(shutdown_phase::flush));
  REQUIRE(flushed);
  CHECK(*flushed == static_cast<uint8_t>(shutdown_phase::flush));
  crash_trust();
  start_trust();
  CHECK(recovery_note("trust")
        == "snapshot at " + std::to_string(before.entries) + " + 0 log entries replayed");
  auto after = observe();
  CHECK(after.list == before.list);
  CHECK(after.log == before.log);
  CHECK(after.verdicts == before.verdicts);
}

// Regression: the snapshot of a large set once went into one sealed value and
// exceeded kv-max-value (100 KiB by default) at about 500 records; the actor then
// quit on every snapshot. It is now stored in chunks.
TEST_CASE_FIXTURE(replay_fixture, "a snapshot larger than one sealed value is chunked") {
  opts.snapshot_every = 100000;
  start_trust();
  constexpr int n = 700;
  auto subject = [](int i) {
    char hex[65];
    std::snprintf(hex, sizeof(hex), "%064x", 0x1000 + i);
    return std::string{hex};
  };
  for (int i = 0; i < n; ++i)
    must_assert(set_level_req(subject(i), static_cast<uint8_t>(1 + i % 4)));
  auto before = list();
  REQUIRE(before);
  REQUIRE(before->size() == n);
  auto flushed =
      ask<uint8_t>(trust, phase_atom::value, static_cast<uint8_t>(shutdown_phase::flush));
  REQUIRE(flushed);
  crash_trust();
  start_trust();
  CHECK(recovery_note("trust") == "snapshot at 700 + 0 log entries replayed");
  auto after = list();
  REQUIRE(after);
  REQUIRE(after->size() == before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    CHECK((*after)[i].subject == (*before)[i].subject);
    CHECK((*after)[i].level == (*before)[i].level);
    CHECK((*after)[i].issuer_seq == (*before)[i].issuer_seq);
  }
  // And the actor keeps taking changes.
  CHECK(must_assert(set_level_req(subject(n), 2)).log_seq == n + 1);
}
