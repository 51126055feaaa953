// Deterministic actor test fixture: an actor system on CAF's test_coordinator
// (simulated clock, run to quiescence on demand). CAF's own dsl.hpp crashes under
// doctest, so tests drive the coordinator directly:
//   - sched.run() processes every ready message;
//   - advance(d) moves the simulated clock and fires due timeouts, then runs;
//   - ask<T>(h, msg...) sends a request from a hidden scoped actor, runs the
//     scheduler, and returns the reply (or the error) without blocking.
#pragma once

#include <chrono>
#include <optional>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/register_types.hpp"

namespace nz::test {

struct actor_fixture {
  static caf::actor_system_config& init(caf::actor_system_config& cfg) {
    nz::register_types(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    return cfg;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{init(cfg)};
  caf::scoped_actor self{sys, true};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());

  ~actor_fixture() { sched.run(); }

  /// Advances the simulated clock by `d`, fires due timeouts and runs all work.
  void advance(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  /// Sends a request with an infinite timeout and runs the scheduler until the
  /// reply is in the scoped actor's mailbox. Returns the error if there was one,
  /// or sec::request_timeout if nothing arrived (the test then fails clearly).
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& h, Ts&&... xs) {
    auto rh = self->request(h, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    caf::expected<T> out{caf::sec::request_timeout};
    if (self->mailbox().empty()) return out;
    rh.receive([&](T& x) { out = std::move(x); },
               [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  /// Like ask, for requests whose reply is empty (reacts_to) or ignored.
  template <class Handle, class... Ts>
  void tell(const Handle& h, Ts&&... xs) {
    self->send(h, std::forward<Ts>(xs)...);
    sched.run();
  }
};

}  // namespace nz::test
