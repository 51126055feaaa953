#include <string>

#include <doctest/doctest.h>

#include "actors/metrics/metrics_actor.hpp"
#include "support/actor_fixture.hpp"

namespace {

struct metrics_fixture : nz::test::actor_fixture {
  nz::metrics_actor metrics = nz::spawn_metrics(
      sys, nz::metrics_options{1'700'000'000'000, "1.2.3", 64,
                               [] { return int64_t{1'700'000'090'500}; }});

  ~metrics_fixture() { self->send_exit(metrics, caf::exit_reason::user_shutdown); }

  std::string render() {
    auto out = ask<std::string>(metrics, nz::render_atom::value);
    REQUIRE(out);
    return *out;
  }
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE_FIXTURE(metrics_fixture,
                  "updates sent to the metrics actor show up in render") {
  tell(metrics, nz::add_atom::value, std::string{"nzcore_actor_restarts_total"},
       nz::label_values{"journal"}, 1.0);
  tell(metrics, nz::add_atom::value, std::string{"nzcore_actor_restarts_total"},
       nz::label_values{"journal"}, 2.0);
  tell(metrics, nz::set_atom::value, std::string{"nzcore_node_boots"}, nz::label_values{},
       4.0);
  tell(metrics, nz::observe_atom::value, std::string{"nzcore_journal_commit_seconds"},
       nz::label_values{}, 0.0001);
  auto out = render();
  CHECK(contains(out, "nzcore_actor_restarts_total{actor=\"journal\"} 3\n"));
  CHECK(contains(out, "nzcore_node_boots 4\n"));
  CHECK(contains(out, "nzcore_journal_commit_seconds_bucket{le=\"5e-05\"} 0\n"));
  CHECK(contains(out, "nzcore_journal_commit_seconds_bucket{le=\"0.0001\"} 1\n"));
  CHECK(contains(out, "nzcore_journal_commit_seconds_count 1\n"));
}

TEST_CASE_FIXTURE(metrics_fixture,
                  "render refreshes uptime, start time, RSS and build info") {
  auto out = render();
  CHECK(contains(out, "nzcore_uptime_seconds 90.5\n"));
  CHECK(contains(out, "nzcore_start_time_seconds 1700000000\n"));
  CHECK(contains(out, "nzcore_build_info{version=\"1.2.3\"} 1\n"));
  CHECK(contains(out, "nzcore_resident_memory_bytes "));
  CHECK_FALSE(contains(out, "nzcore_resident_memory_bytes 0\n"));
}

TEST_CASE_FIXTURE(metrics_fixture, "bad updates are dropped and counted, not answered") {
  tell(metrics, nz::set_atom::value, std::string{"nzcore_actor_restarts_total"},
       nz::label_values{"x"}, 1.0);
  tell(metrics, nz::add_atom::value, std::string{"nzcore_nope_total"}, nz::label_values{},
       1.0);
  tell(metrics, nz::add_atom::value, std::string{"nzcore_auth_lockouts_total"},
       nz::label_values{"extra"}, 1.0);
  tell(metrics, nz::add_atom::value, std::string{"nzcore_auth_lockouts_total"},
       nz::label_values{}, -1.0);
  auto out = render();
  CHECK(self->mailbox().empty());
  CHECK(
      contains(out, "nzcore_metrics_rejected_updates_total{reason=\"wrong_kind\"} 1\n"));
  CHECK(contains(out,
                 "nzcore_metrics_rejected_updates_total{reason=\"unknown_family\"} 1\n"));
  CHECK(
      contains(out, "nzcore_metrics_rejected_updates_total{reason=\"bad_labels\"} 1\n"));
  CHECK(contains(out, "nzcore_metrics_rejected_updates_total{reason=\"bad_value\"} 1\n"));
  CHECK(contains(out, "nzcore_auth_lockouts_total 0\n"));
}
