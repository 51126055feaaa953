// The storage actor on the deterministic test_coordinator, undetached, with a
// fake metrics actor that records every update it receives.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/core_errors.hpp"
#include "messages/metrics_api.hpp"
#include "storage/fault_injection.hpp"
#include "storage/storage_actor.hpp"
#include "support/actor_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace nz;

namespace {

struct metric_update {
  std::string family;
  label_values labels;
  double value;
};

using metric_log = std::shared_ptr<std::vector<metric_update>>;

metrics_actor::behavior_type fake_metrics(metric_log log) {
  return {
      [log](add_atom, std::string& f, label_values& l, double v) {
        log->push_back({f, l, v});
      },
      [log](set_atom, std::string& f, label_values& l, double v) {
        log->push_back({f, l, v});
      },
      [log](observe_atom, std::string& f, label_values& l, double v) {
        log->push_back({f, l, v});
      },
      [](render_atom) { return std::string{}; },
  };
}

bytes bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

bool is(const caf::error& err, storage_errc code) {
  return err.category() == storage_category && err.code() == static_cast<uint8_t>(code);
}

struct storage_fixture : test::actor_fixture {
  test::temp_dir tmp{"nz-storage-actor"};
  metric_log log = std::make_shared<std::vector<metric_update>>();
  metrics_actor metrics = sys.spawn(fake_metrics, log);
  storage_actor storage;

  storage_fixture() { storage = start(); }

  ~storage_fixture() {
    self->send_exit(storage, caf::exit_reason::user_shutdown);
    self->send_exit(metrics, caf::exit_reason::user_shutdown);
    sched.run();
  }

  storage_actor start() {
    storage_options opts;
    opts.dir = tmp.str() + "/db";
    opts.map_size = size_t{32} << 20;
    opts.detached = false;
    auto m = caf::actor_cast<caf::actor>(metrics);
    opts.find_metrics = [m] { return m; };
    auto h = spawn_storage(sys, std::move(opts));
    REQUIRE(h);
    return *h;
  }

  /// Closes the current actor's environment and starts a fresh actor on it.
  void restart() {
    REQUIRE(ask<uint8_t>(storage, phase_atom::value, uint8_t{3}));
    self->send_exit(storage, caf::exit_reason::user_shutdown);
    sched.run();
    storage = start();
  }

  caf::expected<uint64_t> append(const std::string& stream, uint64_t seq) {
    return ask<uint64_t>(storage, append_atom::value, stream, seq,
                         bytes_of(stream + "#" + std::to_string(seq)));
  }

  double total(const std::string& family) const {
    double sum = 0;
    for (auto& u : *log)
      if (u.family == family) sum += u.value;
    return sum;
  }

  size_t count(const std::string& family) const {
    size_t n = 0;
    for (auto& u : *log) n += u.family == family ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE_FIXTURE(storage_fixture,
                  "an append is acknowledged with its seq once committed") {
  auto r = append("node_info", 1);
  REQUIRE(r);
  CHECK(*r == 1);
  CHECK(total("nzcore_journal_commits_total") == 1);
  CHECK(count("nzcore_journal_commit_seconds") == 1);
  REQUIRE(log->size() >= 3);
  bool saw_entries = false;
  for (auto& u : *log)
    if (u.family == "nzcore_journal_entries_total") {
      saw_entries = true;
      CHECK(u.labels == label_values{"node_info"});
    }
  CHECK(saw_entries);
}

TEST_CASE_FIXTURE(storage_fixture,
                  "appends that arrive before the actor runs share one commit") {
  const uint64_t n = 50;
  std::vector<decltype(self->request(storage, caf::infinite, append_atom::value,
                                     std::string{}, uint64_t{0}, bytes{}))>
      handles;
  for (uint64_t seq = 1; seq <= n; ++seq)
    handles.push_back(self->request(storage, caf::infinite, append_atom::value,
                                    std::string{seq % 2 ? "odd" : "even"}, (seq + 1) / 2,
                                    bytes_of(std::to_string(seq))));
  sched.run();
  for (uint64_t seq = 1; seq <= n; ++seq) {
    uint64_t got = 0;
    handles[seq - 1].receive([&](uint64_t x) { got = x; },
                             [&](caf::error& e) { FAIL(to_string(e)); });
    CHECK(got == (seq + 1) / 2);
  }
  CHECK(total("nzcore_journal_commits_total") == 1);
  CHECK(total("nzcore_journal_entries_total") == n);
  auto l = ask<load_result>(storage, load_atom::value, std::string{"odd"});
  REQUIRE(l);
  CHECK(l->journal.size() == n / 2);
}

TEST_CASE_FIXTURE(storage_fixture,
                  "a bad append fails only its own requester while the batch commits") {
  auto h1 = self->request(storage, caf::infinite, append_atom::value, std::string{"s"},
                          uint64_t{1}, bytes{});
  auto gap = self->request(storage, caf::infinite, append_atom::value, std::string{"s"},
                           uint64_t{3}, bytes{});
  auto bad = self->request(storage, caf::infinite, append_atom::value,
                           std::string{"Bad Name"}, uint64_t{1}, bytes{});
  auto h2 = self->request(storage, caf::infinite, append_atom::value, std::string{"s"},
                          uint64_t{2}, bytes{});
  sched.run();
  h1.receive([](uint64_t x) { CHECK(x == 1); },
             [](caf::error& e) { FAIL(to_string(e)); });
  gap.receive([](uint64_t) { FAIL("gap accepted"); },
              [](caf::error& e) {
                CHECK(is(e, storage_errc::sequence_gap));
                CHECK(to_string(e).find("expected seq 2, got 3") != std::string::npos);
              });
  bad.receive([](uint64_t) { FAIL("bad name accepted"); },
              [](caf::error& e) { CHECK(is(e, storage_errc::limit_exceeded)); });
  h2.receive([](uint64_t x) { CHECK(x == 2); },
             [](caf::error& e) { FAIL(to_string(e)); });
  CHECK(total("nzcore_journal_commits_total") == 1);
}

TEST_CASE_FIXTURE(storage_fixture,
                  "load returns what was appended, also after a restart") {
  for (uint64_t seq = 1; seq <= 5; ++seq) REQUIRE(append("peers", seq));
  restart();
  auto l = ask<load_result>(storage, load_atom::value, std::string{"peers"});
  REQUIRE(l);
  CHECK(l->stream == "peers");
  CHECK(l->snapshot_seq == 0);
  REQUIRE(l->journal.size() == 5);
  CHECK(l->journal[4].seq == 5);
  CHECK(l->journal[4].data == bytes_of("peers#5"));
  CHECK(append("peers", 6));
  CHECK_FALSE(append("peers", 8));
}

TEST_CASE_FIXTURE(storage_fixture,
                  "a snapshot commits buffered appends in the same transaction") {
  auto a = self->request(storage, caf::infinite, append_atom::value, std::string{"kv"},
                         uint64_t{1}, bytes_of("a"));
  auto b = self->request(storage, caf::infinite, append_atom::value, std::string{"kv"},
                         uint64_t{2}, bytes_of("b"));
  auto snap = self->request(storage, caf::infinite, snapshot_atom::value,
                            std::string{"kv"}, uint64_t{2}, bytes_of("ab"));
  sched.run();
  a.receive([](uint64_t x) { CHECK(x == 1); }, [](caf::error& e) { FAIL(to_string(e)); });
  b.receive([](uint64_t x) { CHECK(x == 2); }, [](caf::error& e) { FAIL(to_string(e)); });
  snap.receive([](uint64_t n) { CHECK(n > 2); },
               [](caf::error& e) { FAIL(to_string(e)); });
  CHECK(total("nzcore_journal_commits_total") == 1);
  CHECK(total("nzcore_snapshots_written_total") == 1);
  CHECK(count("nzcore_snapshot_bytes") == 1);
  REQUIRE(append("kv", 3));
  auto l = ask<load_result>(storage, load_atom::value, std::string{"kv"});
  REQUIRE(l);
  CHECK(l->snapshot_seq == 2);
  CHECK(l->snapshot == bytes_of("ab"));
  REQUIRE(l->journal.size() == 1);
  CHECK(l->journal[0].seq == 3);
}

TEST_CASE_FIXTURE(storage_fixture, "a snapshot ahead of the journal is refused") {
  REQUIRE(append("kv", 1));
  auto r = ask<uint64_t>(storage, snapshot_atom::value, std::string{"kv"}, uint64_t{5},
                         bytes{});
  REQUIRE_FALSE(r);
  CHECK(is(r.error(), storage_errc::sequence_gap));
}

TEST_CASE_FIXTURE(storage_fixture,
                  "load reports a snapshot fallback as a warning and a metric") {
  for (uint64_t seq = 1; seq <= 4; ++seq) REQUIRE(append("node_info", seq));
  REQUIRE(ask<uint64_t>(storage, snapshot_atom::value, std::string{"node_info"},
                        uint64_t{2}, bytes_of("s2")));
  REQUIRE(ask<uint64_t>(storage, snapshot_atom::value, std::string{"node_info"},
                        uint64_t{4}, bytes_of("s4")));
  REQUIRE(ask<uint8_t>(storage, phase_atom::value, uint8_t{3}));
  REQUIRE(storage::corrupt_newest_snapshot(tmp.str() + "/db", "node_info"));
  self->send_exit(storage, caf::exit_reason::user_shutdown);
  sched.run();
  storage = start();
  auto l = ask<load_result>(storage, load_atom::value, std::string{"node_info"});
  REQUIRE(l);
  CHECK(l->snapshot_seq == 2);
  CHECK(l->journal.size() == 2);
  REQUIRE(l->warnings.size() == 1);
  CHECK(l->warnings[0].find("fell back to seq 2") != std::string::npos);
  CHECK(total("nzcore_snapshot_fallbacks_total") == 1);
}

TEST_CASE_FIXTURE(storage_fixture,
                  "an unrecoverable stream is answered with recovery_failed") {
  REQUIRE(append("s", 1));
  REQUIRE(ask<uint64_t>(storage, snapshot_atom::value, std::string{"s"}, uint64_t{1},
                        bytes_of("x")));
  REQUIRE(ask<uint8_t>(storage, phase_atom::value, uint8_t{3}));
  REQUIRE(storage::corrupt_newest_snapshot(tmp.str() + "/db", "s"));
  self->send_exit(storage, caf::exit_reason::user_shutdown);
  sched.run();
  storage = start();
  auto l = ask<load_result>(storage, load_atom::value, std::string{"s"});
  REQUIRE_FALSE(l);
  CHECK(l.error().category() == core_category);
  CHECK(l.error().code() == static_cast<uint8_t>(core_errc::recovery_failed));
}

TEST_CASE_FIXTURE(storage_fixture,
                  "the close phase commits pending appends and then refuses requests") {
  auto a = self->request(storage, caf::infinite, append_atom::value, std::string{"s"},
                         uint64_t{1}, bytes{});
  auto p = self->request(storage, caf::infinite, phase_atom::value, uint8_t{3});
  sched.run();
  a.receive([](uint64_t x) { CHECK(x == 1); }, [](caf::error& e) { FAIL(to_string(e)); });
  p.receive([](uint8_t x) { CHECK(x == 3); }, [](caf::error& e) { FAIL(to_string(e)); });
  auto r = append("s", 2);
  REQUIRE_FALSE(r);
  CHECK(is(r.error(), storage_errc::closed));
  auto l = ask<load_result>(storage, load_atom::value, std::string{"s"});
  REQUIRE_FALSE(l);
  CHECK(is(l.error(), storage_errc::closed));
  auto s = ask<uint64_t>(storage, snapshot_atom::value, std::string{"s"}, uint64_t{1},
                         bytes{});
  REQUIRE_FALSE(s);
  CHECK(is(s.error(), storage_errc::closed));
  auto f = ask<uint8_t>(storage, phase_atom::value, uint8_t{2});
  REQUIRE_FALSE(f);
  CHECK(is(f.error(), storage_errc::closed));
  CHECK(ask<uint8_t>(storage, phase_atom::value, uint8_t{3}) == uint8_t{3});
  // The entry survived: a fresh actor sees it.
  self->send_exit(storage, caf::exit_reason::user_shutdown);
  sched.run();
  storage = start();
  auto l2 = ask<load_result>(storage, load_atom::value, std::string{"s"});
  REQUIRE(l2);
  CHECK(l2->journal.size() == 1);
}

TEST_CASE_FIXTURE(storage_fixture,
                  "other phases commit pending work and echo the phase") {
  auto a = self->request(storage, caf::infinite, append_atom::value, std::string{"s"},
                         uint64_t{1}, bytes{});
  auto p = self->request(storage, caf::infinite, phase_atom::value, uint8_t{2});
  sched.run();
  a.receive([](uint64_t x) { CHECK(x == 1); }, [](caf::error& e) { FAIL(to_string(e)); });
  p.receive([](uint8_t x) { CHECK(x == 2); }, [](caf::error& e) { FAIL(to_string(e)); });
  CHECK_FALSE(ask<uint8_t>(storage, phase_atom::value, uint8_t{9}));
  CHECK(append("s", 2));
}

TEST_CASE("spawning on an unusable directory returns the error as a value") {
  test::actor_fixture fx;
  storage_options opts;
  opts.dir = "/proc/nz-no-such-dir/db";
  opts.detached = false;
  auto h = spawn_storage(fx.sys, std::move(opts));
  REQUIRE_FALSE(h);
  CHECK(is(h.error(), storage_errc::lmdb_failure));
}
