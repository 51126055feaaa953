// call_service on the deterministic scheduler: retries while the target
// restarts, the reply of the restarted instance, and the budget.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <caf/event_based_actor.hpp>

#include "runtime/supervision/service_call.hpp"
#include "supervision_support.hpp"

using namespace std::chrono_literals;
using namespace nz;
using namespace nz::test;

namespace {

struct call_result {
  std::optional<uint64_t> reply;
  std::optional<caf::error> error;
  bool done() const { return reply || error; }
};

/// An event-based caller: on (start, service, budget in ms, hold?) it calls the
/// service with ping (or hold) and records the outcome.
caf::behavior caller(caf::event_based_actor* self, std::shared_ptr<service_registry> reg,
                     std::shared_ptr<call_result> out) {
  return {
      [self, reg, out](start_atom, const std::string& service, uint64_t budget_ms,
                       bool hold) {
        auto on_reply = [out](uint64_t x) { out->reply = x; };
        auto on_error = [out](caf::error& e) { out->error = e; };
        auto budget = caf::timespan{std::chrono::milliseconds(budget_ms)};
        if (hold)
          call_service<uint64_t>(self, reg, service, budget, on_reply, on_error,
                                 hold_atom::value);
        else
          call_service<uint64_t>(self, reg, service, budget, on_reply, on_error,
                                 ping_atom::value);
      },
  };
}

struct call_fixture : supervision_fixture {
  std::shared_ptr<call_result> result = std::make_shared<call_result>();
  caf::actor client = sys.spawn(caller, reg, result);

  call_fixture() { owned.push_back(client); }

  void start_supervised_worker() {
    supervisor_spec spec;
    spec.name = "sup";
    spec.policy = test_policy(10, 10ms);
    spec.children.push_back(worker_spec("svc", log));
    supervise(spec);
  }

  void call(const std::string& service, uint64_t budget_ms, bool hold = false) {
    self->send(client, start_atom::value, service, budget_ms, hold);
  }

  /// Advances the clock 1 ms at a time until the call is done; returns the
  /// simulated time that took.
  std::chrono::milliseconds wait_for_result(std::chrono::milliseconds limit = 5s) {
    sched.run();
    std::chrono::milliseconds waited{0};
    while (!result->done() && waited < limit) {
      advance(1ms);
      waited += 1ms;
    }
    return waited;
  }
};

}  // namespace

TEST_CASE_FIXTURE(call_fixture, "a call to a running service delivers its reply") {
  start_supervised_worker();
  call("svc", 1000);
  auto waited = wait_for_result();
  REQUIRE(result->reply);
  CHECK(*result->reply == 1);
  CHECK(waited == 0ms);
}

TEST_CASE_FIXTURE(
    call_fixture,
    "a call retries while the service restarts and gets the new instance's reply") {
  start_supervised_worker();
  crash("svc");
  REQUIRE_FALSE(reg->get("svc"));
  call("svc", 1000);
  auto waited = wait_for_result();
  REQUIRE(result->reply);
  CHECK(*result->reply == 2);
  CHECK_FALSE(result->error);
  CHECK(waited >= 10ms);  // not before the supervisor's backoff
  CHECK(waited < 100ms);
}

TEST_CASE_FIXTURE(call_fixture, "a call that races the crash of its target is retried") {
  start_supervised_worker();
  // The crash and the call are queued together: the request finds a dead or
  // missing instance and must retry against the restarted one.
  self->send_exit(reg->get("svc"), make_error(core_errc::chaos_crash));
  call("svc", 1000);
  wait_for_result();
  REQUIRE(result->reply);
  CHECK(*result->reply == 2);
}

TEST_CASE_FIXTURE(call_fixture,
                  "a call to a service that never appears fails with service_unavailable "
                  "within its budget") {
  call("nowhere", 100);
  auto waited = wait_for_result();
  REQUIRE(result->error);
  CHECK(is(*result->error, core_errc::service_unavailable));
  CHECK_FALSE(result->reply);
  CHECK(waited <= 100ms);
  CHECK(sys.render(*result->error).find("nowhere") != std::string::npos);
}

TEST_CASE_FIXTURE(call_fixture,
                  "a call to a service that never answers fails with service_timeout "
                  "after its budget") {
  start_supervised_worker();
  call("svc", 100, true);
  auto waited = wait_for_result();
  REQUIRE(result->error);
  CAPTURE(sys.render(*result->error));
  CHECK(is(*result->error, core_errc::service_timeout));
  CHECK(waited == 100ms);
}

TEST_CASE_FIXTURE(
    call_fixture,
    "an error reply that is not a restart race is passed on without retrying") {
  start_supervised_worker();
  auto out = std::make_shared<call_result>();
  auto thrower = sys.spawn([reg = reg,
                            out](caf::event_based_actor* self) -> caf::behavior {
    return {
        [self, reg, out](start_atom) {
          call_service<uint64_t>(
              self, reg, "svc", caf::timespan{1s}, [out](uint64_t x) { out->reply = x; },
              [out](caf::error& e) { out->error = e; }, boom_atom::value);
        },
    };
  });
  owned.push_back(thrower);
  self->send(thrower, start_atom::value);
  sched.run();
  REQUIRE(out->error);
  CHECK(*out->error == caf::sec::runtime_error);
  CHECK_FALSE(out->reply);
}

TEST_CASE_FIXTURE(call_fixture,
                  "once the tree is down a call stops retrying and fails at once") {
  call("nowhere", 60'000);
  sched.run();
  advance(20ms);
  REQUIRE_FALSE(result->done());              // retrying: the service may come back
  reg->set_node_state(node_state::stopping);  // a graceful shutdown still retries
  advance(300ms);
  REQUIRE_FALSE(result->done());
  reg->set_node_state(node_state::down);
  auto waited = wait_for_result();
  REQUIRE(result->error);
  CHECK(is(*result->error, core_errc::service_unavailable));
  CHECK(waited <= 200ms);  // the next retry, not the 60 s budget
}

TEST_CASE_FIXTURE(call_fixture, "the helper of a call ends when its caller ends") {
  auto before = sys.registry().running();
  call("nowhere", 60'000);
  sched.run();
  REQUIRE(sys.registry().running() == before + 1);  // the helper, retrying
  self->send_exit(client, caf::exit_reason::user_shutdown);
  sched.run();
  advance(1ms);
  CHECK(sys.registry().running() == before - 1);  // neither caller nor helper
  CHECK_FALSE(result->done());
}
