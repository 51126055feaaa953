// Requests to a service by name that survive the service's restarts.
//
// `call_service<Reply>(self, reg, name, budget, on_reply, on_error, xs...)` looks
// `name` up in the registry, sends `xs...` as a request and calls exactly one of
// the two handlers. While the service is missing (restarting) or the request
// races its crash (request_receiver_down), the call is retried with a short,
// growing delay until `budget` is spent; then on_error gets
// core_errc::service_unavailable (or service_timeout when the last attempt timed
// out). It never hangs: every attempt has a timeout within the budget.
//
// Each call runs in a short-lived helper actor, so the caller needs no extra
// handlers and may be typed. The helper never outlives its purpose: it ends when
// its caller ends, and stops retrying once the tree is down (node_state::down:
// nothing is restarted any more; a helper waiting would keep the process up).
// Include only from .cpp files (heavy CAF headers).
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/core_errors.hpp"
#include "runtime/scoped_monitor.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

namespace detail {

struct service_call_state {
  std::shared_ptr<service_registry> reg;
  std::string service;
  caf::message msg;
  caf::actor_clock::time_point deadline;
  caf::response_promise rp;
  int attempts = 0;
  caf::error last_error;
  /// One attempt; lives in the state (not in captures) so nothing owns itself.
  std::function<void()> attempt;
  /// The call ends with its caller; the monitor goes with this state (a plain
  /// monitor would stay on the long-lived caller after every call).
  scoped_monitor caller_watch;
  static inline const char* name = "nz.service_call";
};

using service_call_ptr = caf::stateful_actor<service_call_state>*;

/// Schedules another attempt, or gives up when the next one would start past
/// the deadline.
inline void retry_or_fail(service_call_ptr self, caf::error err) {
  auto& st = self->state;
  st.last_error = std::move(err);
  auto now = self->clock().now();
  auto delay = std::chrono::milliseconds(std::min(5 << std::min(st.attempts, 6), 200));
  if (now + delay >= st.deadline || st.reg->get_node_state() == node_state::down) {
    auto code = st.last_error == caf::sec::request_timeout
                    ? core_errc::service_timeout
                    : core_errc::service_unavailable;
    st.rp.deliver(make_error(code, "service '" + st.service + "' did not answer ("
                                       + self->system().render(st.last_error) + ")"));
    self->quit();
    return;
  }
  self->delayed_send(self, delay, retry_atom::value);
}

template <class Reply>
caf::behavior service_call_impl(service_call_ptr self,
                                std::shared_ptr<service_registry> reg, std::string name,
                                caf::message msg, caf::timespan budget) {
  auto& st = self->state;
  st.reg = std::move(reg);
  st.service = std::move(name);
  st.msg = std::move(msg);
  st.deadline = self->clock().now() + budget;
  st.attempt = [self] {
    auto& st = self->state;
    ++st.attempts;
    auto hdl = st.reg->get(st.service);
    if (!hdl) {
      retry_or_fail(self, make_error(core_errc::service_unavailable, st.service));
      return;
    }
    auto remaining = st.deadline - self->clock().now();
    self->request(hdl, remaining, st.msg)
        .then(
            [self](Reply& reply) {
              self->state.rp.deliver(std::move(reply));
              self->quit();
            },
            [self](caf::error& err) {
              if (is_restart_race(err) || err == caf::sec::request_timeout) {
                retry_or_fail(self, std::move(err));
                return;
              }
              self->state.rp.deliver(std::move(err));
              self->quit();
            });
  };
  return {
      [self](start_atom) {
        if (auto caller = self->current_sender()) {
          self->state.caller_watch = scoped_monitor(self, caller);
          self->set_down_handler([self](caf::down_msg&) { self->quit(); });
        }
        self->state.rp = self->make_response_promise();
        self->state.attempt();
        return self->state.rp;
      },
      [self](retry_atom) { self->state.attempt(); },
  };
}

}  // namespace detail

/// See the file comment. `Self` is any event-based (typed or untyped) actor.
template <class Reply, class Self, class OnReply, class OnError, class... Ts>
void call_service(Self* self, std::shared_ptr<service_registry> reg, std::string name,
                  caf::timespan budget, OnReply on_reply, OnError on_error, Ts&&... xs) {
  auto helper = self->system().spawn(detail::service_call_impl<Reply>, std::move(reg),
                                     std::move(name),
                                     caf::make_message(std::forward<Ts>(xs)...), budget);
  self->request(helper, caf::infinite, start_atom::value)
      .then([on_reply](Reply& r) mutable { on_reply(r); },
            [on_error](caf::error& e) mutable { on_error(e); });
}

}  // namespace nz
