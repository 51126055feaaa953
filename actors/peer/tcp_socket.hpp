// TCP sockets for the peer plane, in plain POSIX (no CAF): a listening socket
// on a configured address and a connect with a deadline. The peer gate and the
// outbound links then hand the descriptors to CAF's multiplexer.
//
// Contracts:
// - Every descriptor returned is close-on-exec and blocking-agnostic (CAF sets
//   non-blocking mode itself); on error nothing stays open.
// - Errors are values: one line naming the address and the system's reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "messages/result.hpp"

namespace nz {

struct tcp_listener {
  int fd = -1;
  uint16_t port = 0;  ///< the bound port (the chosen one when 0 was asked)
};

/// Binds and listens on host:port (host: an IPv4/IPv6 literal or a name;
/// port 0: any free port). SO_REUSEADDR is set.
basic_result<tcp_listener, std::string> listen_tcp(const std::string& host,
                                                   uint16_t port);

/// Connects to host:port, trying each resolved address until one answers or
/// `timeout` has passed in all. Returns the connected descriptor (TCP_NODELAY).
basic_result<int, std::string> connect_tcp(const std::string& host, uint16_t port,
                                           std::chrono::milliseconds timeout);

}  // namespace nz
