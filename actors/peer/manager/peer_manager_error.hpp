// Errors as values for the pure cores of the peer manager (actors/peer/manager).
// Codes below 32 describe bad input that can come from the network (a gossiped
// peer entry, a journal entry or snapshot that does not decode); codes from 32
// on are misuse of the API by our own code. The names returned by to_string are
// stable (logs, metrics labels).
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace nz::peer {

/// Failure classes of the peer manager's cores.
enum class peer_manager_errc : uint8_t {
  // -- bad input (possibly from a peer) ----------------------------------------
  /// A node id that is not 64 hexadecimal digits.
  bad_node_id = 1,
  /// An address that is not "host:port" (see valid_peer_address).
  bad_address = 2,
  /// A peer cache change that does not decode: truncated, an unknown tag, a
  /// field out of range or trailing bytes.
  malformed_change = 3,

  // -- misuse of the API -------------------------------------------------------
  /// A peer source value outside the enum.
  bad_source = 32,
};

/// The code's name, e.g. "bad_address".
const char* to_string(peer_manager_errc x);

struct peer_manager_error {
  peer_manager_errc code;
  /// Human-readable detail for logs.
  std::string message;
};

/// A value or a peer_manager_error (messages/result.hpp).
template <class T>
using peer_manager_result = basic_result<T, peer_manager_error>;

/// Success or a peer_manager_error.
using peer_manager_status = basic_result<void, peer_manager_error>;

inline peer_manager_error make_error(peer_manager_errc code, std::string message) {
  return peer_manager_error{code, std::move(message)};
}

}  // namespace nz::peer
