#include "actors/peer/peer_dialer.hpp"

#include <chrono>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/peer/tcp_socket.hpp"
#include "messages/peer_api.hpp"

namespace nz {

void dial_peer(caf::actor_system& sys, std::string host, uint16_t port,
               caf::timespan timeout, caf::actor session,
               std::shared_ptr<service_registry> reg, peer_link_options opts) {
  sys.spawn<caf::detached>([host, port, timeout, session, reg,
                            opts](caf::event_based_actor* self) -> caf::behavior {
    auto fd = connect_tcp(host, port,
                          std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    if (!fd) {
      self->send(session, peer_dial_atom::value, fd.error());
      return {};
    }
    spawn_outbound_peer_link(self->system(), *fd, session, reg, opts);
    return {};
  });
}

}  // namespace nz
