#include "runtime/supervision/supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/core_errors.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

const char* to_string(strategy x) {
  switch (x) {
    case strategy::one_for_one:
      return "one_for_one";
    case strategy::one_for_all:
      return "one_for_all";
    case strategy::rest_for_one:
      return "rest_for_one";
  }
  return "unknown";
}

namespace {

using kill_timer_atom = caf::atom_constant<caf::atom("killtimer")>;

enum class child_status : uint8_t {
  down,      ///< not running, not to be restarted
  running,   ///< alive and monitored
  stopping,  ///< asked to exit, waiting for its exit message
  waiting,   ///< dead, to be restarted when the restart timer fires
};

struct child_rt {
  child_spec spec;
  caf::actor handle;
  child_status status = child_status::down;
  uint64_t generation = 0;
};

struct supervisor_state {
  supervisor_spec spec;
  std::shared_ptr<service_registry> reg;
  std::optional<restart_tracker> tracker;
  std::vector<child_rt> children;
  bool shutting_down = false;
  caf::error shutdown_reason;
  uint64_t restart_epoch = 0;
  bool restart_due = false;
  /// Current child handles, shared with the cleanup functor that takes the
  /// children down when this supervisor ends for any reason (see below).
  std::shared_ptr<std::vector<caf::actor>> live;
  static inline const char* name = "nz.supervisor";
};

using self_ptr = caf::stateful_actor<supervisor_state>*;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_abnormal(const caf::error& reason) {
  return reason && reason != caf::exit_reason::normal
         && reason != caf::exit_reason::user_shutdown;
}

std::optional<size_t> find_child(self_ptr self, const caf::actor_addr& who) {
  auto& cs = self->state.children;
  for (size_t i = 0; i < cs.size(); ++i)
    if (cs[i].handle && cs[i].handle.address() == who) return i;
  return std::nullopt;
}

void escalate(self_ptr self, const std::string& culprit) {
  auto& st = self->state;
  log::error("supervisor",
             "{}: child '{}' exceeded the restart intensity ({} in {} ms); "
             "giving up",
             st.spec.name, culprit, st.spec.policy.max_restarts,
             st.spec.policy.window.count());
  metric_add(*st.reg, "nzcore_supervisor_escalations_total", {st.spec.name});
  // The cleanup functor (see supervisor_impl) clears the children's registry
  // entries and tells them to exit.
  self->quit(make_error(core_errc::intensity_exceeded,
                        st.spec.name + ": child '" + culprit + "' failed too often"));
}

// Returns false when the child could not be started.
bool start_child(self_ptr self, size_t i) {
  auto& c = self->state.children[i];
  auto hdl = c.spec.start(self->system());
  if (!hdl || !*hdl) {
    auto what = hdl ? std::string{"invalid handle"} : self->system().render(hdl.error());
    log::error("supervisor", "{}: starting '{}' failed: {}", self->state.spec.name,
               c.spec.name, what);
    self->state.reg->set_exited(c.spec.name, service_state::restarting,
                                "start failed: " + what, wall_ms());
    return false;
  }
  c.handle = std::move(*hdl);
  c.status = child_status::running;
  ++c.generation;
  self->monitor(c.handle);
  (*self->state.live)[i] = c.handle;
  self->state.reg->set_running(c.spec.name, c.handle);
  return true;
}

void schedule_restart(self_ptr self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  st.restart_due = false;
  auto epoch = ++st.restart_epoch;
  self->delayed_send(self, delay, restart_atom::value, epoch);
}

// Registers a failure of child `i` (exit or failed start). Returns false when the
// supervisor escalated.
bool note_failure(self_ptr self, size_t i) {
  auto& st = self->state;
  auto delay = st.tracker->on_failure(self->clock().now());
  if (!delay) {
    escalate(self, st.children[i].spec.name);
    return false;
  }
  st.children[i].status = child_status::waiting;
  schedule_restart(self, *delay);
  return true;
}

void stop_child(self_ptr self, size_t i) {
  auto& c = self->state.children[i];
  c.status = child_status::stopping;
  if (self->state.shutting_down)
    log::info("supervisor", "{}: stopping '{}'", self->state.spec.name, c.spec.name);
  self->state.reg->set_state(c.spec.name, service_state::stopping);
  self->send_exit(c.handle, caf::exit_reason::user_shutdown);
  self->delayed_send(self, c.spec.shutdown_timeout, kill_timer_atom::value, uint64_t{i},
                     c.generation);
}

bool any_stopping(self_ptr self) {
  for (auto& c : self->state.children)
    if (c.status == child_status::stopping) return true;
  return false;
}

void restart_waiting(self_ptr self) {
  auto& st = self->state;
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& c = st.children[i];
    if (c.status != child_status::waiting) continue;
    st.reg->add_restart(c.spec.name);
    metric_add(*st.reg, "nzcore_actor_restarts_total", {c.spec.name});
    if (!start_child(self, i)) {
      note_failure(self, i);
      return;  // the rest wait for the next timer (or we escalated)
    }
    log::info("supervisor", "{}: restarted '{}'", st.spec.name, c.spec.name);
  }
}

void continue_shutdown(self_ptr self) {
  auto& cs = self->state.children;
  for (size_t k = cs.size(); k-- > 0;) {
    if (cs[k].status == child_status::stopping)
      return;  // wait for its exit message (or its kill timer)
    if (cs[k].status == child_status::running) {
      stop_child(self, k);
      return;
    }
  }
  self->quit(self->state.shutdown_reason);
}

void begin_shutdown(self_ptr self, caf::error reason) {
  auto& st = self->state;
  if (st.shutting_down) return;
  st.shutting_down = true;
  st.shutdown_reason = std::move(reason);
  ++st.restart_epoch;  // cancels pending restarts
  for (auto& c : st.children)
    if (c.status == child_status::waiting) {
      c.status = child_status::down;
      st.reg->set_state(c.spec.name, service_state::stopped);
    }
  continue_shutdown(self);
}

void on_child_exit(self_ptr self, size_t i, const caf::error& reason) {
  auto& st = self->state;
  auto& c = st.children[i];
  auto rendered = reason ? self->system().render(reason) : std::string{"normal"};
  c.handle = nullptr;
  (*st.live)[i] = nullptr;
  if (st.shutting_down) {
    c.status = child_status::down;
    log::info("supervisor", "{}: '{}' stopped ({})", st.spec.name, c.spec.name, rendered);
    st.reg->set_exited(c.spec.name, service_state::stopped, rendered, wall_ms());
    continue_shutdown(self);
    return;
  }
  if (c.status == child_status::stopping) {  // stopped for a group restart
    c.status = child_status::waiting;
    st.reg->set_exited(c.spec.name, service_state::restarting, rendered, wall_ms());
    if (st.restart_due && !any_stopping(self)) restart_waiting(self);
    return;
  }
  bool restart = c.spec.restart == restart_type::permanent
                 || (c.spec.restart == restart_type::transient && is_abnormal(reason));
  if (!restart) {
    c.status = child_status::down;
    st.reg->set_exited(c.spec.name, service_state::stopped, rendered, wall_ms());
    return;
  }
  log::warn("supervisor", "{}: child '{}' exited ({}); restarting ({})", st.spec.name,
            c.spec.name, rendered, to_string(st.spec.strat));
  st.reg->set_exited(c.spec.name, service_state::restarting, rendered, wall_ms());
  if (!note_failure(self, i)) return;
  for (size_t j = 0; j < st.children.size(); ++j) {
    bool affected = st.spec.strat == strategy::one_for_all
                    || (st.spec.strat == strategy::rest_for_one && j > i);
    if (j != i && affected && st.children[j].status == child_status::running)
      stop_child(self, j);
  }
}

caf::behavior supervisor_impl(self_ptr self, supervisor_spec spec,
                              std::shared_ptr<service_registry> reg) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.reg = std::move(reg);
  st.tracker.emplace(st.spec.policy);
  for (auto& cs : st.spec.children) {
    child_rt c;
    c.spec = cs;
    st.children.push_back(std::move(c));
    st.reg->declare(cs.name, st.spec.name, cs.is_supervisor ? "supervisor" : "worker");
  }
  // Children are monitored, not linked: every exit message we get is a request
  // (from the parent, the shutdown coordinator or chaos tooling), never a link
  // notification. The functor gives link semantics in the other direction: when
  // this supervisor ends (even killed), its children are told to exit too.
  st.live = std::make_shared<std::vector<caf::actor>>(st.children.size());
  std::vector<std::string> names;
  for (auto& c : st.children) names.push_back(c.spec.name);
  self->attach_functor([live = st.live, reg = st.reg, names,
                        sys = &self->system()](const caf::error& reason) {
    auto why = reason ? reason : caf::make_error(caf::exit_reason::user_shutdown);
    for (size_t i = 0; i < live->size(); ++i) {
      auto& h = (*live)[i];
      if (!h) continue;
      // Nobody may find a child of a dead supervisor: clear its entry first.
      reg->set_exited(names[i], service_state::stopped,
                      "supervisor ended: " + sys->render(why), wall_ms());
      caf::anon_send(h, caf::exit_msg{caf::actor_addr{}, why});
      h = nullptr;
    }
  });
  self->set_exit_handler(
      [self](caf::exit_msg& msg) { begin_shutdown(self, msg.reason); });
  self->set_down_handler([self](caf::down_msg& msg) {
    if (auto i = find_child(self, msg.source)) on_child_exit(self, *i, msg.reason);
  });
  for (size_t i = 0; i < st.children.size(); ++i)
    if (!start_child(self, i) && !note_failure(self, i)) return {};
  return {
      [self](restart_atom, uint64_t epoch) {
        auto& st = self->state;
        if (epoch != st.restart_epoch || st.shutting_down) return;
        st.restart_due = true;
        if (!any_stopping(self)) restart_waiting(self);
      },
      [self](kill_timer_atom, uint64_t i, uint64_t generation) {
        auto& cs = self->state.children;
        if (i < cs.size() && cs[i].generation == generation
            && cs[i].status == child_status::stopping && cs[i].handle) {
          log::warn("supervisor", "{}: '{}' did not stop in time; killing it",
                    self->state.spec.name, cs[i].spec.name);
          self->send_exit(cs[i].handle, caf::exit_reason::kill);
        }
      },
  };
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_spec spec,
                            std::shared_ptr<service_registry> registry,
                            const std::string& parent) {
  if (parent.empty())
    registry->declare(spec.name, "", "supervisor", to_string(spec.strat));
  else
    registry->declare(spec.name, parent, "supervisor", to_string(spec.strat));
  auto name = spec.name;
  auto reg = registry;
  auto hdl = sys.spawn(supervisor_impl, std::move(spec), std::move(registry));
  if (parent.empty()) reg->set_running(name, hdl);
  return hdl;
}

child_spec supervisor_child(supervisor_spec spec,
                            std::shared_ptr<service_registry> registry,
                            const std::string& parent, caf::timespan shutdown_timeout) {
  child_spec cs;
  cs.name = spec.name;
  cs.is_supervisor = true;
  cs.shutdown_timeout = shutdown_timeout;
  cs.start = [spec, registry,
              parent](caf::actor_system& sys) -> caf::expected<caf::actor> {
    return spawn_supervisor(sys, spec, registry, parent);
  };
  return cs;
}

}  // namespace nz
