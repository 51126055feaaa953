// Waiting for an actor to stop, from a benchmark's main thread: bounded, so a
// benchmark that hangs fails (bench_fail.hpp) instead of waiting forever.
#pragma once

#include <chrono>

#include <caf/actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include "bench/support/bench_fail.hpp"

namespace nz::bench {

/// Sends `hdl` an exit with `reason` and waits up to 30 s until it is down;
/// dies if it is not.
inline void stop_and_wait(caf::scoped_actor& self, const caf::actor& hdl,
                          caf::error reason = caf::exit_reason::user_shutdown) {
  self->monitor(hdl);
  self->send_exit(hdl, std::move(reason));
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; },
                caf::after(std::chrono::seconds(30)) >> [] {});
  if (!down) die("an actor did not stop within 30 s");
}

}  // namespace nz::bench
