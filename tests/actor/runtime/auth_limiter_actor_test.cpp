// The auth_limiter actor with an injected clock: lockouts are journaled before
// they are acknowledged and survive a crash of the actor and of storage.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "actors/operator/auth_limiter_actor.hpp"
#include "messages/node_api.hpp"
#include "storage_support.hpp"
#include "supervision_support.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using namespace nz;
using namespace nz::test;

namespace {

struct limiter_fixture : supervision_fixture {
  temp_dir tmp{"nz-auth-actor"};
  std::shared_ptr<int64_t> now = std::make_shared<int64_t>(1'000'000);

  limiter_fixture() {
    supervisor_spec spec;
    spec.name = "root";
    spec.strat = strategy::rest_for_one;
    spec.policy = test_policy(100, 10ms);
    spec.children.push_back(storage_spec(tmp.str() + "/db"));
    child_spec lim;
    lim.name = "auth_limiter";
    auto reg_copy = reg;
    auto clock = now;
    lim.start = [reg_copy, clock](caf::actor_system& sys) {
      auth_limiter_options opts;
      opts.limits.max_failures = 5;
      opts.limits.lockout_ms = 60'000;
      opts.journal.stream = "auth_limiter";
      opts.journal.snapshot_every = 3;
      opts.now_ms = [clock] { return *clock; };
      return spawn_auth_limiter(sys, reg_copy, std::move(opts));
    };
    spec.children.push_back(lim);
    supervise(spec);
  }

  template <class Atom>
  auth_verdict send(Atom atom, const std::string& client) {
    auto h = reg->get("auth_limiter");
    REQUIRE(h);
    auto r = ask<auth_verdict>(h, atom, client);
    REQUIRE(r);
    return *r;
  }

  auth_verdict check(const std::string& client) {
    return send(auth_check_atom::value, client);
  }
  auth_verdict fail(const std::string& client) {
    return send(auth_fail_atom::value, client);
  }

  void restart(const std::string& name) {
    crash(name);
    advance(1s);
    REQUIRE(reg->get(name));
  }
};

}  // namespace

TEST_CASE_FIXTURE(limiter_fixture, "five failures lock a client out") {
  for (int i = 0; i < 4; ++i) {
    auto v = fail("alice");
    CHECK(v.kind == auth_verdict::allowed);
    CHECK(v.failures == static_cast<uint32_t>(i + 1));
  }
  auto v = fail("alice");
  CHECK(v.kind == auth_verdict::locked_out);
  CHECK(v.retry_after_ms == 60'000);
  v = check("alice");
  CHECK(v.kind == auth_verdict::locked_out);
  CHECK(v.retry_after_ms == 60'000);
  CHECK(check("bob").kind == auth_verdict::allowed);
}

TEST_CASE_FIXTURE(limiter_fixture, "a lockout survives a crash of the limiter") {
  for (int i = 0; i < 5; ++i) fail("alice");
  *now += 1000;
  restart("auth_limiter");
  CHECK(entry("auth_limiter").restarts == 1);
  auto v = check("alice");
  CHECK(v.kind == auth_verdict::locked_out);
  CHECK(v.retry_after_ms == 59'000);
  // ... and ends when the injected clock says so.
  *now += 59'000;
  CHECK(check("alice").kind == auth_verdict::allowed);
}

TEST_CASE_FIXTURE(limiter_fixture,
                  "a lockout survives a crash of storage and repeated restarts") {
  for (int i = 0; i < 5; ++i) fail("alice");
  for (int i = 0; i < 3; ++i) fail("bob");
  restart("storage");  // rest_for_one: the limiter restarts behind it
  CHECK(check("alice").kind == auth_verdict::locked_out);
  CHECK(check("bob").failures == 3);
  restart("auth_limiter");
  restart("auth_limiter");
  CHECK(check("alice").kind == auth_verdict::locked_out);
  auto v = fail("bob");
  CHECK(v.failures == 4);
  v = fail("bob");
  CHECK(v.kind == auth_verdict::locked_out);
}

TEST_CASE_FIXTURE(limiter_fixture, "a success clears the failures durably") {
  for (int i = 0; i < 4; ++i) fail("alice");
  auto h = reg->get("auth_limiter");
  tell(h, auth_ok_atom::value, std::string{"alice"});
  CHECK(check("alice").failures == 0);
  restart("auth_limiter");
  CHECK(check("alice").failures == 0);
  CHECK(fail("alice").failures == 1);
}

TEST_CASE_FIXTURE(limiter_fixture, "the limiter answers every shutdown phase") {
  fail("alice");
  auto h = reg->get("auth_limiter");
  for (uint8_t p = 0; p < 3; ++p) {
    auto r = ask<uint8_t>(h, phase_atom::value, p);
    REQUIRE(r);
    CHECK(*r == p);
  }
  restart("auth_limiter");
  CHECK(check("alice").failures == 1);
}
