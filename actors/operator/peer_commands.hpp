// `nzctl peers`, `nzctl peers connect HOST:PORT` and `nzctl ping PEER`: the peer
// manager's sessions (messages/peer_api.hpp). docs/cli.md lists the output.
#pragma once

#include <functional>

#include "actors/operator/operator_commands.hpp"

namespace nz {

void run_peers_command(operator_actor::pointer self, const command_context& ctx,
                       const operator_request& req,
                       std::function<void(operator_reply)> done);

/// send PEER CHANNEL PAYLOAD REPLY_TO | request PEER CHANNEL PAYLOAD WAIT_MS |
/// listen CHANNEL AFTER WAIT_MS (command names as nzctl sends them).
void run_channel_command(operator_actor::pointer self, const command_context& ctx,
                         const operator_request& req,
                         std::function<void(operator_reply)> done);

void run_ping_command(operator_actor::pointer self, const command_context& ctx,
                      const operator_request& req,
                      std::function<void(operator_reply)> done);

}  // namespace nz
