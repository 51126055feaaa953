#include "actors/peer/manager/peer_manager_error.hpp"

namespace nz::peer {

const char* to_string(peer_manager_errc x) {
  switch (x) {
    case peer_manager_errc::bad_node_id:
      return "bad_node_id";
    case peer_manager_errc::bad_address:
      return "bad_address";
    case peer_manager_errc::malformed_change:
      return "malformed_change";
    case peer_manager_errc::bad_source:
      return "bad_source";
  }
  return "unknown";
}

}  // namespace nz::peer
