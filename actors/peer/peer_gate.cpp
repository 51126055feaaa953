#include "actors/peer/peer_gate.hpp"

#include "actors/peer/broker_timer.hpp"

#include <chrono>
#include <map>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/system_messages.hpp>

#include "messages/atoms.hpp"
#include "messages/peer_api.hpp"
#include "runtime/actor_clock_ms.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

namespace {

struct gate_state {
  std::shared_ptr<service_registry> reg;
  peer_gate_options opts;
  std::optional<peer::handshake_limiter> limiter;
  /// Live inbound links and their half-open tickets (0: finished).
  std::map<caf::actor_addr, peer::handshake_ticket> links;
  bool timer_armed = false;
  /// The gate's timers (actors/peer/broker_timer.hpp).
  uint64_t timer_token = peer::make_timer_token();
  static inline const char* name = "nz.peer_gate";
};

using self_ptr = caf::io::stateful_broker<gate_state>*;

void arm(self_ptr self) {
  auto& st = self->state;
  auto next = st.limiter->next_deadline();
  if (!next || st.timer_armed) return;
  st.timer_armed = true;
  auto wait = std::max<int64_t>(*next - actor_clock_ms(self), 1);
  peer::arm_broker_timer<tick_atom>(self, std::chrono::milliseconds(wait),
                                    st.timer_token);
}

void finish(self_ptr self, const caf::actor_addr& link) {
  auto i = self->state.links.find(link);
  if (i == self->state.links.end()) return;
  if (i->second != 0) self->state.limiter->finish(i->second);
  i->second = 0;
}

caf::behavior gate_impl(self_ptr self, int fd, std::shared_ptr<service_registry> reg,
                        peer_gate_options opts) {
  auto& st = self->state;
  self->set_exception_handler(exception_to_error);
  st.reg = std::move(reg);
  st.opts = std::move(opts);
  st.limiter.emplace(st.opts.limits);
  self->add_doorman(static_cast<caf::io::network::native_socket>(fd));
  self->set_down_handler([self](caf::down_msg& dm) {
    finish(self, dm.source);
    self->state.links.erase(dm.source);
  });
  return {
      [self](caf::io::new_connection_msg& msg) {
        auto& st = self->state;
        auto now = actor_clock_ms(self);
        (void)st.limiter->expire(now);
        auto source = self->remote_addr(msg.handle);
        auto admitted = st.limiter->admit(source, now);
        if (!admitted) {
          metric_add(*st.reg, "nzcore_peer_handshake_failures_total",
                     {peer::to_string(admitted.error().reason)});
          self->close(msg.handle);
          return;
        }
        auto link = fork_inbound_peer_link(self, msg.handle, st.reg, st.opts.link);
        self->monitor(link);
        st.links[link.address()] = *admitted;
        arm(self);
      },
      [self](peer_up_atom) {
        // A link's session is established: its half-open slot is free.
        if (auto s = self->current_sender()) finish(self, s->address());
      },
      [self](tick_atom, uint64_t token) {
        auto& st = self->state;
        if (!peer::own_timer(self, token, st.timer_token)) return;
        st.timer_armed = false;
        // Expired slots are free again; the links close themselves at their own
        // handshake deadline.
        auto expired = st.limiter->expire(actor_clock_ms(self));
        for (auto& [addr, ticket] : st.links)
          for (auto t : expired)
            if (ticket == t) ticket = 0;
        arm(self);
      },
      [self](caf::io::acceptor_closed_msg&) {
        log::warn("peers", "the peer listener closed");
        self->quit(caf::exit_reason::user_shutdown);
      },
  };
}

}  // namespace

caf::actor spawn_peer_gate(caf::actor_system& sys, int listen_fd,
                           std::shared_ptr<service_registry> reg,
                           peer_gate_options opts) {
  return caf::actor_cast<caf::actor>(sys.middleman().spawn_broker(
      gate_impl, listen_fd, std::move(reg), std::move(opts)));
}

}  // namespace nz
