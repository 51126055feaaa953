// service_registry: declaration order, handles across exits, warnings cap.
#include <doctest/doctest.h>

#include <string>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>

#include "runtime/supervision/service_registry.hpp"
#include "support/actor_fixture.hpp"

using namespace nz;

namespace {

caf::behavior idle() {
  return {[](int x) { return x; }};
}

struct registry_fixture : test::actor_fixture {
  service_registry reg;
  caf::actor a = sys.spawn(idle);
  caf::actor b = sys.spawn(idle);

  ~registry_fixture() {
    self->send_exit(a, caf::exit_reason::user_shutdown);
    self->send_exit(b, caf::exit_reason::user_shutdown);
    sched.run();
  }
};

}  // namespace

TEST_CASE_FIXTURE(registry_fixture, "a declared service starts without a handle") {
  reg.declare("storage", "root", "worker");
  auto es = reg.entries();
  REQUIRE(es.size() == 1);
  CHECK(es[0].name == "storage");
  CHECK(es[0].parent == "root");
  CHECK(es[0].kind == "worker");
  CHECK(es[0].strategy.empty());
  CHECK(es[0].state == service_state::starting);
  CHECK(es[0].restarts == 0);
  CHECK_FALSE(es[0].handle);
  CHECK_FALSE(reg.get("storage"));
}

TEST_CASE_FIXTURE(registry_fixture, "set_running makes the handle visible to get") {
  reg.declare("svc", "root", "worker");
  reg.set_running("svc", a);
  CHECK(reg.get("svc") == a);
  CHECK(reg.entries()[0].state == service_state::running);
  reg.set_running("svc", b);
  CHECK(reg.get("svc") == b);
}

TEST_CASE_FIXTURE(registry_fixture, "set_exited clears the handle and records the exit") {
  reg.declare("svc", "root", "worker");
  reg.set_running("svc", a);
  reg.set_exited("svc", service_state::restarting, "chaos_crash", 1234);
  CHECK_FALSE(reg.get("svc"));
  auto e = reg.entries()[0];
  CHECK(e.state == service_state::restarting);
  CHECK(e.last_exit_reason == "chaos_crash");
  CHECK(e.last_exit_unix_ms == 1234);
  reg.add_restart("svc");
  reg.add_restart("svc");
  reg.set_running("svc", b);
  e = reg.entries()[0];
  CHECK(e.state == service_state::running);
  CHECK(e.restarts == 2);
  CHECK(e.last_exit_reason == "chaos_crash");
  CHECK(reg.get("svc") == b);
}

TEST_CASE_FIXTURE(registry_fixture,
                  "entries keep declaration order and redeclaring keeps the position") {
  reg.declare("root", "", "supervisor", "one_for_one");
  reg.declare("storage", "root", "worker");
  reg.declare("net", "root", "supervisor", "rest_for_one");
  reg.declare("peer", "net", "worker");
  reg.declare("storage", "root2", "worker");
  auto es = reg.entries();
  REQUIRE(es.size() == 4);
  CHECK(es[0].name == "root");
  CHECK(es[0].strategy == "one_for_one");
  CHECK(es[1].name == "storage");
  CHECK(es[1].parent == "root2");
  CHECK(es[2].name == "net");
  CHECK(es[2].kind == "supervisor");
  CHECK(es[2].strategy == "rest_for_one");
  CHECK(es[3].name == "peer");
  CHECK(es[3].parent == "net");
}

TEST_CASE_FIXTURE(registry_fixture, "updates of undeclared names are ignored") {
  reg.set_running("ghost", a);
  reg.set_exited("ghost", service_state::failed, "x", 1);
  reg.set_state("ghost", service_state::running);
  reg.add_restart("ghost");
  reg.set_recovery("ghost", "note");
  CHECK(reg.entries().empty());
  CHECK_FALSE(reg.get("ghost"));
}

TEST_CASE_FIXTURE(registry_fixture, "state and recovery notes are recorded per service") {
  reg.declare("svc", "root", "worker");
  reg.set_state("svc", service_state::stopping);
  reg.set_recovery("svc", "snapshot at 40 + 12 journal entries");
  auto e = reg.entries()[0];
  CHECK(e.state == service_state::stopping);
  CHECK(e.last_recovery == "snapshot at 40 + 12 journal entries");
}

TEST_CASE("warnings keep the newest fifty") {
  service_registry reg;
  for (int i = 0; i < 60; ++i) reg.add_warning("w" + std::to_string(i));
  auto ws = reg.warnings();
  REQUIRE(ws.size() == 50);
  CHECK(ws.front() == "w10");
  CHECK(ws.back() == "w59");
  for (size_t i = 0; i < ws.size(); ++i) CHECK(ws[i] == "w" + std::to_string(i + 10));
}

TEST_CASE("fewer than fifty warnings are all kept in order") {
  service_registry reg;
  reg.add_warning("first");
  reg.add_warning("second");
  CHECK(reg.warnings() == std::vector<std::string>{"first", "second"});
}

TEST_CASE("the node state starts as starting and can be changed") {
  service_registry reg;
  CHECK(reg.get_node_state() == node_state::starting);
  reg.set_node_state(node_state::running);
  CHECK(reg.get_node_state() == node_state::running);
  reg.set_node_state(node_state::stopping);
  CHECK(reg.get_node_state() == node_state::stopping);
}

TEST_CASE("service and node states have stable names") {
  CHECK(std::string{to_string(service_state::starting)} == "starting");
  CHECK(std::string{to_string(service_state::running)} == "running");
  CHECK(std::string{to_string(service_state::restarting)} == "restarting");
  CHECK(std::string{to_string(service_state::stopping)} == "stopping");
  CHECK(std::string{to_string(service_state::stopped)} == "stopped");
  CHECK(std::string{to_string(service_state::failed)} == "failed");
  CHECK(std::string{to_string(node_state::starting)} == "starting");
  CHECK(std::string{to_string(node_state::running)} == "running");
  CHECK(std::string{to_string(node_state::stopping)} == "stopping");
}
