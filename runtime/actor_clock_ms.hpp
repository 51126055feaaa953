// Milliseconds on an actor's clock: the steady clock in a node, the simulated
// clock on CAF's test_coordinator. Timers an actor arms and the times it
// compares them with must both come from here, or deterministic tests drift.
#pragma once

#include <chrono>
#include <cstdint>

namespace nz {

template <class Self>
int64_t actor_clock_ms(Self* self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             self->clock().now().time_since_epoch())
      .count();
}

}  // namespace nz
