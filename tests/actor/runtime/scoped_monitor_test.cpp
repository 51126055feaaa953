// scoped_monitor on the deterministic scheduler: a plain monitor stays on the
// observed actor after its observer ended (and keeps the dead observer's memory
// through a weak reference); a scoped_monitor in the observer's state is gone
// with it, whatever ends the observer; the observer still gets the down message
// while it lives.
#include <doctest/doctest.h>

#include <memory>

#include <caf/actor_control_block.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/scoped_monitor.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace nz;
using namespace nz::test;

namespace {

struct observer_state {
  scoped_monitor watch;
  static inline const char* name = "test.observer";
};

/// Watches `observed` with a scoped_monitor (scoped) or a plain monitor; quits on
/// any message, or when `observed` ends (sets *saw_down).
caf::behavior observer(caf::stateful_actor<observer_state>* self, caf::actor observed,
                       bool scoped, std::shared_ptr<bool> saw_down) {
  if (scoped)
    self->state.watch = scoped_monitor(self, observed);
  else
    self->monitor(observed);
  self->set_down_handler([self, saw_down](caf::down_msg&) {
    *saw_down = true;
    self->quit();
  });
  return {[self](caf::unit_t) { self->quit(); }};
}

caf::behavior long_lived(caf::event_based_actor*) {
  return {[](caf::unit_t) {}};
}

/// Weak references to the actor behind `addr`, besides `addr` itself.
size_t other_weak_refs(const caf::actor_addr& addr) {
  auto* ctrl = caf::actor_cast<caf::actor_control_block*>(addr);
  REQUIRE(ctrl != nullptr);
  return ctrl->weak_refs.load() - 1;
}

}  // namespace

TEST_CASE_FIXTURE(actor_fixture,
                  "a plain monitor outlives its observer; a scoped_monitor does not") {
  auto observed = sys.spawn(long_lived);
  auto saw_down = std::make_shared<bool>(false);
  caf::actor_addr plain_addr, scoped_addr;
  {
    auto plain = sys.spawn(observer, observed, false, saw_down);
    auto scoped = sys.spawn(observer, observed, true, saw_down);
    sched.run();
    plain_addr = plain.address();
    scoped_addr = scoped.address();
    caf::anon_send(plain, caf::unit);
    caf::anon_send_exit(scoped, caf::exit_reason::user_shutdown);  // not a quit()
    sched.run();
  }
  sched.run();
  // Both observers ended and nobody holds them; only the plain monitor's
  // attachable on `observed` still refers to its dead observer.
  CHECK(other_weak_refs(plain_addr) == 1);
  CHECK(other_weak_refs(scoped_addr) == 0);
  CHECK_FALSE(*saw_down);
  caf::anon_send_exit(observed, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(other_weak_refs(plain_addr) == 0);  // released with `observed`
}

TEST_CASE_FIXTURE(actor_fixture, "a scoped_monitor still reports the observed end") {
  auto observed = sys.spawn(long_lived);
  auto saw_down = std::make_shared<bool>(false);
  auto watcher = sys.spawn(observer, observed, true, saw_down);
  sched.run();
  caf::anon_send_exit(observed, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(*saw_down);
}

TEST_CASE_FIXTURE(actor_fixture, "a scoped_monitor of nothing does nothing") {
  caf::actor none;
  auto saw_down = std::make_shared<bool>(false);
  auto watcher = sys.spawn(observer, none, true, saw_down);
  sched.run();
  caf::anon_send(watcher, caf::unit);
  sched.run();
  CHECK_FALSE(*saw_down);
}
