// Supervisors on the deterministic scheduler: restart strategies, restart types,
// intensity and escalation, backoff timing on the simulated clock, registry
// handles, orderly shutdown and kill timers.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "supervision_support.hpp"

using namespace std::chrono_literals;
using namespace nz;
using namespace nz::test;

namespace {

supervisor_spec three_workers(strategy strat, std::shared_ptr<worker_log> log,
                              restart_policy policy = test_policy()) {
  supervisor_spec spec;
  spec.name = "sup";
  spec.strat = strat;
  spec.policy = policy;
  for (auto name : {"a", "b", "c"}) spec.children.push_back(worker_spec(name, log));
  return spec;
}

}  // namespace

TEST_CASE_FIXTURE(supervision_fixture,
                  "a supervisor starts its children in order and registers them") {
  auto sup = supervise(three_workers(strategy::one_for_one, log));
  auto es = reg->entries();
  REQUIRE(es.size() == 4);
  CHECK(es[0].name == "sup");
  CHECK(es[0].kind == "supervisor");
  CHECK(es[0].strategy == "one_for_one");
  CHECK(es[0].state == service_state::running);
  CHECK(reg->get("sup") == sup);
  for (size_t i = 1; i < 4; ++i) {
    CHECK(es[i].parent == "sup");
    CHECK(es[i].kind == "worker");
    CHECK(es[i].state == service_state::running);
    CHECK(es[i].handle);
  }
  CHECK(es[1].name == "a");
  CHECK(es[2].name == "b");
  CHECK(es[3].name == "c");
  CHECK(generation("a") == 1);
}

TEST_CASE_FIXTURE(supervision_fixture, "one_for_one restarts only the failed child") {
  supervise(three_workers(strategy::one_for_one, log));
  auto a = reg->get("a");
  auto b = reg->get("b");
  auto c = reg->get("c");
  crash("b");
  CHECK_FALSE(reg->get("b"));
  CHECK(entry("b").state == service_state::restarting);
  CHECK(entry("b").last_exit_reason.find("chaos_crash") != std::string::npos);
  advance(10ms);
  REQUIRE(reg->get("b"));
  CHECK(reg->get("b") != b);
  CHECK(reg->get("a") == a);
  CHECK(reg->get("c") == c);
  CHECK(log->starts["a"] == 1);
  CHECK(log->starts["b"] == 2);
  CHECK(log->starts["c"] == 1);
  CHECK(entry("b").restarts == 1);
  CHECK(entry("a").restarts == 0);
  CHECK(entry("b").state == service_state::running);
  CHECK(generation("b") == 2);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "a child that throws is restarted like a crashed one") {
  supervise(three_workers(strategy::one_for_one, log));
  auto r = ask<uint64_t>(reg->get("a"), boom_atom::value);
  CHECK_FALSE(r);
  CHECK_FALSE(reg->get("a"));
  CHECK(entry("a").last_exit_reason.find("boom") != std::string::npos);
  advance(10ms);
  CHECK(generation("a") == 2);
}

TEST_CASE_FIXTURE(supervision_fixture, "one_for_all restarts all children") {
  supervise(three_workers(strategy::one_for_all, log));
  auto a = reg->get("a");
  auto b = reg->get("b");
  auto c = reg->get("c");
  crash("b");
  CHECK_FALSE(reg->get("a"));
  CHECK_FALSE(reg->get("b"));
  CHECK_FALSE(reg->get("c"));
  advance(10ms);
  REQUIRE(reg->get("a"));
  REQUIRE(reg->get("b"));
  REQUIRE(reg->get("c"));
  CHECK(reg->get("a") != a);
  CHECK(reg->get("b") != b);
  CHECK(reg->get("c") != c);
  for (auto name : {"a", "b", "c"}) {
    CAPTURE(name);
    CHECK(log->starts[name] == 2);
    CHECK(entry(name).restarts == 1);
    CHECK(entry(name).state == service_state::running);
    CHECK(generation(name) == 2);
  }
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "one_for_all waits for a slow sibling to stop before restarting") {
  auto spec = three_workers(strategy::one_for_all, log);
  worker_opts slow;
  slow.stubborn = true;
  slow.shutdown_timeout = 50ms;
  spec.children[2] = worker_spec("c", log, slow);
  supervise(spec);
  crash("a");
  advance(10ms);  // the restart is due, but c is still stopping
  CHECK_FALSE(reg->get("a"));
  CHECK(log->starts["a"] == 1);
  advance(39ms);
  CHECK_FALSE(reg->get("a"));
  advance(1ms);  // c's kill timer fires; now everyone restarts
  CHECK(reg->get("a"));
  CHECK(reg->get("b"));
  CHECK(reg->get("c"));
  CHECK(log->starts["c"] == 2);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "rest_for_one restarts the failed child and those after it") {
  auto spec = three_workers(strategy::rest_for_one, log);
  spec.children.push_back(worker_spec("d", log));
  supervise(spec);
  auto a = reg->get("a");
  auto b = reg->get("b");
  auto c = reg->get("c");
  auto d = reg->get("d");
  crash("b");
  CHECK(reg->get("a") == a);
  CHECK_FALSE(reg->get("b"));
  CHECK_FALSE(reg->get("c"));
  CHECK_FALSE(reg->get("d"));
  advance(10ms);
  CHECK(reg->get("a") == a);
  REQUIRE(reg->get("b"));
  REQUIRE(reg->get("c"));
  REQUIRE(reg->get("d"));
  CHECK(reg->get("b") != b);
  CHECK(reg->get("c") != c);
  CHECK(reg->get("d") != d);
  CHECK(log->starts["a"] == 1);
  CHECK(log->starts["b"] == 2);
  CHECK(log->starts["c"] == 2);
  CHECK(log->starts["d"] == 2);
  CHECK(entry("a").restarts == 0);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "rest_for_one restarts only the last child when it fails") {
  supervise(three_workers(strategy::rest_for_one, log));
  auto a = reg->get("a");
  auto b = reg->get("b");
  crash("c");
  advance(10ms);
  CHECK(reg->get("a") == a);
  CHECK(reg->get("b") == b);
  CHECK(log->starts["c"] == 2);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "a transient child that exits normally is not restarted") {
  supervisor_spec spec;
  spec.name = "sup";
  spec.policy = test_policy();
  worker_opts t;
  t.restart = restart_type::transient;
  spec.children.push_back(worker_spec("t", log, t));
  supervise(spec);
  self->send(reg->get("t"), quit_atom::value);
  sched.run();
  advance(1s);
  CHECK_FALSE(reg->get("t"));
  CHECK(log->starts["t"] == 1);
  CHECK(entry("t").state == service_state::stopped);
  CHECK(entry("t").last_exit_reason == "normal");
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "a transient child that is shut down is not restarted") {
  supervisor_spec spec;
  spec.name = "sup";
  spec.policy = test_policy();
  worker_opts t;
  t.restart = restart_type::transient;
  spec.children.push_back(worker_spec("t", log, t));
  supervise(spec);
  self->send_exit(reg->get("t"), caf::exit_reason::user_shutdown);
  sched.run();
  advance(1s);
  CHECK_FALSE(reg->get("t"));
  CHECK(log->starts["t"] == 1);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "a transient child is restarted after an abnormal exit") {
  supervisor_spec spec;
  spec.name = "sup";
  spec.policy = test_policy();
  worker_opts t;
  t.restart = restart_type::transient;
  spec.children.push_back(worker_spec("t", log, t));
  supervise(spec);
  crash("t");
  advance(10ms);
  CHECK(reg->get("t"));
  CHECK(log->starts["t"] == 2);
}

TEST_CASE_FIXTURE(supervision_fixture, "a temporary child is never restarted") {
  supervisor_spec spec;
  spec.name = "sup";
  spec.policy = test_policy();
  worker_opts t;
  t.restart = restart_type::temporary;
  spec.children.push_back(worker_spec("t", log, t));
  spec.children.push_back(worker_spec("p", log));
  supervise(spec);
  crash("t");
  advance(1s);
  CHECK_FALSE(reg->get("t"));
  CHECK(log->starts["t"] == 1);
  CHECK(entry("t").state == service_state::stopped);
  CHECK(entry("t").restarts == 0);
  // Its failure did not count against the others either.
  CHECK(reg->get("p"));
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "nothing is restarted before backoff_base of simulated time") {
  supervise(three_workers(strategy::one_for_one, log));
  crash("a");
  advance(9ms);
  CHECK_FALSE(reg->get("a"));
  CHECK(log->starts["a"] == 1);
  advance(1ms);
  CHECK(reg->get("a"));
  CHECK(log->starts["a"] == 2);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "the second restart inside the window waits twice the base") {
  supervise(three_workers(strategy::one_for_one, log));
  crash("a");
  advance(10ms);
  REQUIRE(reg->get("a"));
  crash("a");
  advance(19ms);
  CHECK_FALSE(reg->get("a"));
  advance(1ms);
  CHECK(reg->get("a"));
  crash("a");
  advance(39ms);
  CHECK_FALSE(reg->get("a"));
  advance(1ms);
  CHECK(reg->get("a"));
  CHECK(log->starts["a"] == 4);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "registry lookups return the current handle across many restarts") {
  supervise(three_workers(strategy::one_for_one, log, test_policy(100, 1ms)));
  std::vector<caf::actor> seen{reg->get("b")};
  for (uint64_t round = 2; round <= 6; ++round) {
    crash("b");
    CHECK_FALSE(reg->get("b"));
    advance(1s);
    auto h = reg->get("b");
    REQUIRE(h);
    for (auto& old : seen) CHECK(h != old);
    seen.push_back(h);
    CHECK(generation("b") == round);
  }
  CHECK(entry("b").restarts == 5);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "a child whose start fails is retried after the backoff") {
  supervisor_spec spec;
  spec.name = "sup";
  spec.policy = test_policy();
  worker_opts flaky;
  flaky.failing_starts = 1;
  spec.children.push_back(worker_spec("f", log, flaky));
  supervise(spec);
  CHECK_FALSE(reg->get("f"));
  CHECK(entry("f").state == service_state::restarting);
  CHECK(entry("f").last_exit_reason.find("start failed") != std::string::npos);
  advance(10ms);
  CHECK(reg->get("f"));
  CHECK(log->starts["f"] == 1);
}

TEST_CASE_FIXTURE(
    supervision_fixture,
    "exceeding the intensity makes the supervisor quit with intensity_exceeded") {
  auto sup = supervise(three_workers(strategy::one_for_one, log, test_policy(2)));
  self->monitor(sup);
  crash("a");
  advance(10ms);
  crash("a");
  advance(20ms);
  CHECK_FALSE(down_reason());
  auto c = reg->get("c");
  self->monitor(c);
  crash("a");
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(is(*reason, core_errc::intensity_exceeded));
  // Its remaining children went down with it.
  auto child_reason = down_reason();
  REQUIRE(child_reason);
  CHECK(is(*child_reason, core_errc::intensity_exceeded));
  CHECK(entry("b").state == service_state::stopped);
}

TEST_CASE_FIXTURE(
    supervision_fixture,
    "a root supervisor that exceeds its intensity ends with intensity_exceeded") {
  supervisor_spec spec;
  spec.name = "root";
  spec.policy = test_policy(1);
  spec.children.push_back(worker_spec("w", log));
  auto root = supervise(spec);
  self->monitor(root);
  crash("w");
  advance(10ms);
  CHECK_FALSE(down_reason());
  crash("w");
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(is(*reason, core_errc::intensity_exceeded));
  advance(1s);
  CHECK(log->starts["w"] == 2);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "a supervisor whose children never start escalates") {
  supervisor_spec spec;
  spec.name = "root";
  spec.policy = test_policy(2);
  worker_opts broken;
  broken.failing_starts = 1000;
  spec.children.push_back(worker_spec("x", log, broken));
  auto root = supervise(spec);
  self->monitor(root);
  advance(10ms);
  advance(20ms);
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(is(*reason, core_errc::intensity_exceeded));
}

namespace {

supervisor_spec nested(std::shared_ptr<service_registry> reg,
                       std::shared_ptr<worker_log> log) {
  supervisor_spec mid;
  mid.name = "mid";
  mid.strat = strategy::one_for_one;
  mid.policy = test_policy(1);
  mid.children.push_back(worker_spec("x", log));
  mid.children.push_back(worker_spec("y", log));
  supervisor_spec root;
  root.name = "root";
  root.policy = test_policy(5, 100ms);
  root.children.push_back(worker_spec("first", log));
  root.children.push_back(supervisor_child(mid, reg, "root"));
  return root;
}

}  // namespace

TEST_CASE_FIXTURE(supervision_fixture,
                  "a nested supervisor that gives up is restarted by its parent") {
  auto root = supervise(nested(reg, log));
  self->monitor(root);
  auto mid = reg->get("mid");
  REQUIRE(mid);
  CHECK(entry("mid").parent == "root");
  CHECK(entry("mid").kind == "supervisor");
  CHECK(entry("x").parent == "mid");
  auto first = reg->get("first");
  crash("x");
  advance(10ms);
  REQUIRE(reg->get("x"));
  crash("x");  // second failure inside mid's window: mid escalates
  CHECK_FALSE(reg->get("mid"));
  CHECK(entry("mid").state == service_state::restarting);
  CHECK(entry("mid").last_exit_reason.find("intensity_exceeded") != std::string::npos);
  advance(100ms);  // root's backoff
  auto mid2 = reg->get("mid");
  REQUIRE(mid2);
  CHECK(mid2 != mid);
  CHECK(entry("mid").restarts == 1);
  CHECK(log->starts["x"] == 3);
  CHECK(log->starts["y"] == 2);
  CHECK(generation("x") == 3);
  CHECK(generation("y") == 2);
  // The root and its other child were not disturbed.
  CHECK_FALSE(down_reason());
  CHECK(reg->get("first") == first);
}

TEST_CASE_FIXTURE(
    supervision_fixture,
    "children of a supervisor that gave up have no handle while it restarts") {
  supervise(nested(reg, log));
  crash("x");
  advance(10ms);
  crash("x");
  // mid gave up and took x and y down; until root restarts mid (100 ms), nobody
  // may be handed the dead instances.
  advance(50ms);
  CHECK_FALSE(reg->get("mid"));
  CHECK_FALSE(reg->get("x"));
  CHECK_FALSE(reg->get("y"));
  CHECK(entry("y").state != service_state::running);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "repeated escalations make the parent give up too") {
  auto spec = nested(reg, log);
  spec.policy = test_policy(1, 100ms);
  auto root = supervise(spec);
  self->monitor(root);
  for (int round = 0; round < 2; ++round) {
    crash("x");
    advance(10ms);
    crash("x");
    if (round == 0) {
      CHECK_FALSE(down_reason());
      advance(100ms);
      REQUIRE(reg->get("mid"));
    }
  }
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(is(*reason, core_errc::intensity_exceeded));
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "an orderly shutdown stops children in reverse order") {
  supervisor_spec spec;
  spec.name = "sup";
  spec.policy = test_policy();
  for (auto name : {"a", "b", "c", "d"}) spec.children.push_back(worker_spec(name, log));
  auto sup = supervise(spec);
  self->monitor(sup);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(log->exits == std::vector<std::string>{"d", "c", "b", "a"});
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(*reason == caf::exit_reason::user_shutdown);
  for (auto name : {"a", "b", "c", "d"}) {
    CAPTURE(name);
    CHECK(entry(name).state == service_state::stopped);
    CHECK_FALSE(reg->get(name));
  }
}

TEST_CASE_FIXTURE(
    supervision_fixture,
    "a child that ignores the exit request is killed after its shutdown timeout") {
  supervisor_spec spec;
  spec.name = "sup";
  spec.policy = test_policy();
  spec.children.push_back(worker_spec("a", log));
  spec.children.push_back(worker_spec("b", log));
  worker_opts stubborn;
  stubborn.stubborn = true;
  stubborn.shutdown_timeout = 100ms;
  spec.children.push_back(worker_spec("c", log, stubborn));
  auto sup = supervise(spec);
  self->monitor(sup);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  // c ignores the request; b and a wait behind it.
  CHECK(log->exits.empty());
  CHECK(entry("c").state == service_state::stopping);
  advance(99ms);
  CHECK(log->exits.empty());
  CHECK_FALSE(down_reason());
  advance(1ms);
  CHECK(log->exits == std::vector<std::string>{"c", "b", "a"});
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(*reason == caf::exit_reason::user_shutdown);
  CHECK(entry("c").last_exit_reason.find("kill") != std::string::npos);
}

TEST_CASE_FIXTURE(supervision_fixture,
                  "a supervisor stopped with an error passes the error on") {
  auto sup = supervise(three_workers(strategy::one_for_one, log));
  self->monitor(sup);
  self->send_exit(sup, make_error(core_errc::chaos_crash));
  sched.run();
  CHECK(log->exits == std::vector<std::string>{"c", "b", "a"});
  auto reason = down_reason();
  REQUIRE(reason);
  CHECK(is(*reason, core_errc::chaos_crash));
  advance(1s);
  CHECK(log->starts["a"] == 1);
}

TEST_CASE_FIXTURE(supervision_fixture, "a shutdown cancels pending restarts") {
  auto sup = supervise(three_workers(strategy::one_for_one, log));
  self->monitor(sup);
  crash("a");
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  REQUIRE(down_reason());
  advance(1s);
  CHECK(log->starts["a"] == 1);
  CHECK(entry("a").state == service_state::stopped);
}

TEST_CASE_FIXTURE(supervision_fixture, "a killed supervisor takes its children down") {
  auto sup = supervise(three_workers(strategy::one_for_one, log));
  self->send_exit(sup, caf::exit_reason::kill);
  sched.run();
  CHECK(log->exits.size() == 3);
  // Nobody may be handed the dead children.
  CHECK_FALSE(reg->get("a"));
  CHECK_FALSE(reg->get("b"));
  CHECK_FALSE(reg->get("c"));
  advance(1s);
  CHECK(log->starts["a"] == 1);
}

TEST_CASE("strategies have stable names") {
  CHECK(std::string{to_string(strategy::one_for_one)} == "one_for_one");
  CHECK(std::string{to_string(strategy::one_for_all)} == "one_for_all");
  CHECK(std::string{to_string(strategy::rest_for_one)} == "rest_for_one");
}
