// The actors that drive nz_bench_trust's actor measurements, and how main()'s
// thread waits for a driver's count (stopping actors: bench/support/actor_wait.hpp). A
// driver keeps `window` requests in flight (request_pump.hpp), prints why a request
// failed to stderr, and sends the number of good replies (uint64_t) to `done` before it
// quits; each request times out after request_timeout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "bench/support/actor_wait.hpp"
#include "bench/trust/raw_baselines.hpp"

namespace nz::bench {

/// Keeps `window` set_level assertions about subjects[first, first + n) in
/// flight until all are acknowledged; pushes each round trip (µs) to `lat` if
/// set. Reports the number of good replies to `done`.
caf::behavior append_driver(caf::event_based_actor* self, caf::actor trust,
                            std::shared_ptr<const std::vector<std::string>> subjects,
                            size_t first, uint64_t n, uint64_t window,
                            std::shared_ptr<std::vector<double>> lat, caf::actor done);

/// Keeps `window` trust_eval requests in flight until `n` are answered, about
/// subjects[idx[0..n)].
caf::behavior eval_driver(caf::event_based_actor* self, caf::actor trust,
                          std::shared_ptr<const std::vector<std::string>> subjects,
                          std::shared_ptr<const std::vector<uint32_t>> idx, uint64_t n,
                          uint64_t window, caf::actor done);

/// Keeps `window` identity `sign` requests in flight until `n` are answered.
caf::behavior sign_driver(caf::event_based_actor* self, caf::actor id,
                          std::shared_ptr<const bytes> msg, uint64_t n, uint64_t window,
                          caf::actor done);

/// Waits up to 120 s for a driver's count and returns it; dies (naming `what`)
/// if none comes or a monitored actor goes down first.
uint64_t collect(caf::scoped_actor& self, const char* what);

}  // namespace nz::bench
