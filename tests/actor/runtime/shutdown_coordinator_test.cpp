// The shutdown coordinator on the deterministic scheduler: phase order, step
// timeouts on the simulated clock, stopping the root, and a single run.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "runtime/shutdown/shutdown_coordinator.hpp"
#include "supervision_support.hpp"

using namespace std::chrono_literals;
using namespace nz;
using namespace nz::test;

namespace {

struct shutdown_log {
  std::vector<std::string> started;
  std::vector<bool> phases_done;
};

/// A step that records its start and finishes at once (with `err`, if any).
shutdown_step instant_step(std::string name, shutdown_phase phase,
                           std::shared_ptr<shutdown_log> log, caf::error err = {}) {
  shutdown_step s;
  s.name = name;
  s.phase = phase;
  s.timeout = 1s;
  s.run = [name, log, err](caf::event_based_actor*,
                           std::function<void(caf::error)> done) {
    log->started.push_back(name);
    done(err);
  };
  return s;
}

/// A step that records its start and never calls done.
shutdown_step stuck_step(std::string name, shutdown_phase phase,
                         std::shared_ptr<shutdown_log> log, caf::timespan timeout) {
  shutdown_step s;
  s.name = name;
  s.phase = phase;
  s.timeout = timeout;
  s.run = [name, log](caf::event_based_actor*, std::function<void(caf::error)>) {
    log->started.push_back(name);
  };
  return s;
}

struct shutdown_fixture : supervision_fixture {
  std::shared_ptr<shutdown_log> slog = std::make_shared<shutdown_log>();
  caf::actor root;

  shutdown_fixture() {
    supervisor_spec spec;
    spec.name = "root";
    spec.policy = test_policy();
    spec.children.push_back(worker_spec("a", log));
    spec.children.push_back(worker_spec("b", log));
    root = supervise(spec);
    self->monitor(root);
  }

  caf::actor coordinator(std::vector<shutdown_step> steps) {
    shutdown_options opts;
    opts.steps = std::move(steps);
    opts.root = "root";
    opts.on_phases_done = [l = slog](bool clean) { l->phases_done.push_back(clean); };
    auto h = spawn_shutdown_coordinator(sys, reg, std::move(opts));
    REQUIRE(h);
    owned.push_back(*h);
    return *h;
  }

  bool request_shutdown(const caf::actor& coord) {
    auto r = ask<bool>(coord, shutdown_atom::value, std::string{"test"});
    REQUIRE(r);
    return *r;
  }
};

}  // namespace

TEST_CASE_FIXTURE(shutdown_fixture, "steps run phase by phase in phase order") {
  auto coord = coordinator({
      instant_step("close1", shutdown_phase::close_storage, slog),
      instant_step("flush1", shutdown_phase::flush, slog),
      instant_step("stop1", shutdown_phase::stop_accepting, slog),
      instant_step("drain1", shutdown_phase::drain, slog),
      instant_step("drain2", shutdown_phase::drain, slog),
      instant_step("stop2", shutdown_phase::stop_accepting, slog),
  });
  CHECK(request_shutdown(coord));
  CHECK(slog->started
        == std::vector<std::string>{"stop1", "stop2", "drain1", "drain2", "flush1",
                                    "close1"});
  CHECK(slog->phases_done == std::vector<bool>{true});
  CHECK(reg->get_node_state() == node_state::stopping);
}

TEST_CASE_FIXTURE(shutdown_fixture,
                  "within a phase steps run by priority, lowest first") {
  auto with_priority = [](shutdown_step s, int32_t prio) {
    s.priority = prio;
    return s;
  };
  auto coord = coordinator({
      with_priority(instant_step("drain-late", shutdown_phase::drain, slog), 1),
      with_priority(instant_step("flush-first", shutdown_phase::flush, slog), -5),
      with_priority(instant_step("drain-early", shutdown_phase::drain, slog), -1),
      instant_step("drain-mid", shutdown_phase::drain, slog),
      with_priority(instant_step("stop", shutdown_phase::stop_accepting, slog), 9),
      with_priority(instant_step("drain-late2", shutdown_phase::drain, slog), 1),
  });
  CHECK(request_shutdown(coord));
  CHECK(slog->started
        == std::vector<std::string>{"stop", "drain-early", "drain-mid", "drain-late",
                                    "drain-late2", "flush-first"});
  CHECK(slog->phases_done == std::vector<bool>{true});
}

TEST_CASE_FIXTURE(
    shutdown_fixture,
    "a later priority group waits until the earlier group is done or timed out") {
  auto late = instant_step("late", shutdown_phase::drain, slog);
  late.priority = 1;
  auto coord = coordinator({
      late,
      stuck_step("early", shutdown_phase::drain, slog, 100ms),
  });
  CHECK(request_shutdown(coord));
  CHECK(slog->started == std::vector<std::string>{"early"});
  advance(99ms);
  CHECK(slog->started == std::vector<std::string>{"early"});
  advance(1ms);
  CHECK(slog->started == std::vector<std::string>{"early", "late"});
  CHECK(slog->phases_done == std::vector<bool>{false});
  CHECK(down_reason());
}

TEST_CASE_FIXTURE(shutdown_fixture, "the root gets user_shutdown after the last phase") {
  auto coord = coordinator({instant_step("flush1", shutdown_phase::flush, slog)});
  CHECK(request_shutdown(coord));
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(*reason == caf::exit_reason::user_shutdown);
  // The root stopped its tree in reverse order.
  CHECK(log->exits == std::vector<std::string>{"b", "a"});
}

TEST_CASE_FIXTURE(shutdown_fixture, "a shutdown without steps stops the root at once") {
  auto coord = coordinator({});
  CHECK(request_shutdown(coord));
  CHECK(slog->phases_done == std::vector<bool>{true});
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(*reason == caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(
    shutdown_fixture,
    "a step that never finishes is timed out and the next phase still runs") {
  auto coord = coordinator({
      stuck_step("drain-stuck", shutdown_phase::drain, slog, 200ms),
      instant_step("drain-ok", shutdown_phase::drain, slog),
      instant_step("flush1", shutdown_phase::flush, slog),
  });
  CHECK(request_shutdown(coord));
  CHECK(slog->started == std::vector<std::string>{"drain-stuck", "drain-ok"});
  advance(199ms);
  CHECK(slog->started.size() == 2);
  CHECK(slog->phases_done.empty());
  CHECK_FALSE(down_reason());
  advance(1ms);
  CHECK(slog->started == std::vector<std::string>{"drain-stuck", "drain-ok", "flush1"});
  CHECK(slog->phases_done == std::vector<bool>{false});
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(*reason == caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(shutdown_fixture,
                  "a failing step marks the shutdown unclean but does not stop it") {
  auto coord = coordinator({
      instant_step("flush-bad", shutdown_phase::flush, slog,
                   make_error(core_errc::service_unavailable)),
      instant_step("close1", shutdown_phase::close_storage, slog),
  });
  CHECK(request_shutdown(coord));
  CHECK(slog->started == std::vector<std::string>{"flush-bad", "close1"});
  CHECK(slog->phases_done == std::vector<bool>{false});
  CHECK(down_reason());
}

TEST_CASE_FIXTURE(shutdown_fixture,
                  "a second shutdown request returns false and runs nothing again") {
  auto coord = coordinator({instant_step("drain1", shutdown_phase::drain, slog)});
  CHECK(request_shutdown(coord));
  CHECK_FALSE(request_shutdown(coord));
  CHECK(slog->started == std::vector<std::string>{"drain1"});
  CHECK(slog->phases_done.size() == 1);
}

TEST_CASE_FIXTURE(shutdown_fixture,
                  "a second request while a phase is still running returns false") {
  auto coord = coordinator({stuck_step("slow", shutdown_phase::drain, slog, 1s)});
  CHECK(request_shutdown(coord));
  CHECK_FALSE(request_shutdown(coord));
  advance(1s);
  CHECK(slog->started == std::vector<std::string>{"slow"});
  CHECK(slog->phases_done == std::vector<bool>{false});
}

TEST_CASE_FIXTURE(shutdown_fixture, "a step without a name is counted like any other") {
  auto coord = coordinator({
      instant_step("", shutdown_phase::drain, slog),
      instant_step("flush1", shutdown_phase::flush, slog),
  });
  CHECK(request_shutdown(coord));
  advance(2s);
  CHECK(slog->started == std::vector<std::string>{"", "flush1"});
  CHECK(slog->phases_done.size() == 1);
  CHECK(down_reason());
}

TEST_CASE_FIXTURE(shutdown_fixture,
                  "phase steps ask the registered service and wait for its answer") {
  supervisor_spec spec;
  spec.name = "services";
  spec.policy = test_policy();
  spec.children.push_back(worker_spec("svc", log));
  supervise(spec, "root");
  auto coord = coordinator({
      phase_step(reg, "svc", shutdown_phase::drain, 1s),
      phase_step(reg, "svc", shutdown_phase::flush, 1s),
      instant_step("close1", shutdown_phase::close_storage, slog),
  });
  CHECK(request_shutdown(coord));
  CHECK(slog->started == std::vector<std::string>{"close1"});
  CHECK(slog->phases_done == std::vector<bool>{true});
}

TEST_CASE_FIXTURE(shutdown_fixture,
                  "a phase step for a missing service fails within its timeout") {
  auto coord = coordinator({
      phase_step(reg, "ghost", shutdown_phase::drain, 100ms),
      instant_step("flush1", shutdown_phase::flush, slog),
  });
  CHECK(request_shutdown(coord));
  CHECK(slog->started.empty());
  for (int i = 0; i < 100 && slog->started.empty(); ++i) advance(1ms);
  CHECK(slog->started == std::vector<std::string>{"flush1"});
  CHECK(slog->phases_done == std::vector<bool>{false});
  CHECK(down_reason());
}

TEST_CASE("phase steps are named after the service and the phase") {
  auto reg = std::make_shared<service_registry>();
  auto s = phase_step(reg, "storage", shutdown_phase::close_storage, 3s);
  CHECK(s.name == std::string{"storage."} + to_string(shutdown_phase::close_storage));
  CHECK(s.phase == shutdown_phase::close_storage);
  CHECK(s.timeout == caf::timespan{3s});
}
