#include "runtime/shutdown/shutdown_coordinator.hpp"

#include <chrono>
#include <optional>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/atoms.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_call.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

namespace {

using step_done_atom = caf::atom_constant<caf::atom("stepdone")>;

struct coordinator_state {
  std::shared_ptr<service_registry> reg;
  shutdown_options opts;
  bool running = false;
  bool clean = true;
  uint8_t phase = 0;
  /// Priority of the group running now; steps already started are `started`.
  int32_t level = 0;
  std::vector<bool> started;
  std::vector<bool> finished;
  size_t outstanding = 0;
  uint64_t phase_epoch = 0;
  std::chrono::steady_clock::time_point phase_start;
  std::chrono::steady_clock::time_point begin;
  static inline const char* name = "nz.shutdown";
};

using self_ptr = caf::stateful_actor<coordinator_state>*;

void run_phase(self_ptr self);
void run_group(self_ptr self);

void finish_phases(self_ptr self) {
  auto& st = self->state;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - st.begin)
                .count();
  log::info("shutdown", "all phases done in {} ms ({})", ms,
            st.clean ? "clean" : "with failures");
  if (st.opts.on_phases_done) st.opts.on_phases_done(st.clean);
  if (auto root = st.reg->get(st.opts.root))
    self->send_exit(root, caf::exit_reason::user_shutdown);
}

void next_phase(self_ptr self) {
  auto& st = self->state;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - st.phase_start)
                .count();
  log::info("shutdown", "phase {} done in {} ms",
            to_string(static_cast<shutdown_phase>(st.phase)), ms);
  ++st.phase;
  if (st.phase >= shutdown_phase_count)
    finish_phases(self);
  else
    run_phase(self);
}

void run_phase(self_ptr self) {
  self->state.phase_start = std::chrono::steady_clock::now();
  run_group(self);
}

// Starts the lowest-priority group of not yet started steps of the current phase,
// or moves to the next phase when none is left.
void run_group(self_ptr self) {
  auto& st = self->state;
  std::optional<int32_t> level;
  for (size_t i = 0; i < st.opts.steps.size(); ++i) {
    auto& step = st.opts.steps[i];
    if (static_cast<uint8_t>(step.phase) == st.phase && !st.started[i]
        && (!level || step.priority < *level))
      level = step.priority;
  }
  if (!level) {
    next_phase(self);
    return;
  }
  st.level = *level;
  auto epoch = ++st.phase_epoch;
  st.outstanding = 0;
  for (size_t i = 0; i < st.opts.steps.size(); ++i) {
    auto& step = st.opts.steps[i];
    if (static_cast<uint8_t>(step.phase) != st.phase || st.started[i]
        || step.priority != st.level)
      continue;
    st.started[i] = true;
    ++st.outstanding;
    self->delayed_send(self, step.timeout, step_done_atom::value, epoch, uint64_t{i},
                       false);
    step.run(self, [self, epoch, i](caf::error err) {
      auto& step = self->state.opts.steps[i];
      if (err) {
        log::warn("shutdown", "step '{}' failed: {}", step.name,
                  self->system().render(err));
        self->state.clean = false;
      }
      self->send(self, step_done_atom::value, epoch, uint64_t{i}, true);
    });
  }
}

caf::behavior coordinator_impl(self_ptr self, std::shared_ptr<service_registry> reg,
                               shutdown_options opts) {
  self->state.reg = std::move(reg);
  self->state.opts = std::move(opts);
  self->state.started.assign(self->state.opts.steps.size(), false);
  self->state.finished.assign(self->state.opts.steps.size(), false);
  return {
      [self](shutdown_atom, const std::string& reason) {
        auto& st = self->state;
        if (st.running) return false;
        st.running = true;
        st.begin = std::chrono::steady_clock::now();
        st.reg->set_node_state(node_state::stopping);
        log::info("shutdown", "graceful shutdown started ({})", reason);
        run_phase(self);
        return true;
      },
      [self](step_done_atom, uint64_t epoch, uint64_t i, bool completed) {
        auto& st = self->state;
        if (epoch != st.phase_epoch || i >= st.opts.steps.size()) return;
        auto& step = st.opts.steps[i];
        if (st.finished[i])  // already counted (completed or timed out)
          return;
        if (!completed) {
          log::warn("shutdown", "step '{}' timed out after {} ms", step.name,
                    std::chrono::duration_cast<std::chrono::milliseconds>(step.timeout)
                        .count());
          st.clean = false;
        }
        st.finished[i] = true;
        if (--st.outstanding == 0) run_group(self);
      },
  };
}

}  // namespace

shutdown_step phase_step(std::shared_ptr<service_registry> reg,
                         const std::string& service, shutdown_phase phase,
                         caf::timespan timeout) {
  shutdown_step step;
  step.name = service + "." + to_string(phase);
  step.phase = phase;
  step.timeout = timeout;
  step.run = [reg, service, phase, timeout](caf::event_based_actor* self,
                                            std::function<void(caf::error)> done) {
    call_service<uint8_t>(
        self, reg, service, timeout, [done](uint8_t) { done(caf::none); },
        [done](caf::error& err) { done(err); }, phase_atom::value,
        static_cast<uint8_t>(phase));
  };
  return step;
}

caf::expected<caf::actor> spawn_shutdown_coordinator(
    caf::actor_system& sys, std::shared_ptr<service_registry> reg,
    shutdown_options opts) {
  return sys.spawn(coordinator_impl, std::move(reg), std::move(opts));
}

}  // namespace nz
