// The commands an authenticated operator request can run (docs/cli.md):
// status, actors, metrics, shutdown, chaos crash <actor>, help. Each produces one
// operator_reply with a text and a JSON form.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "messages/operator_api.hpp"

namespace nz {

class service_registry;
struct operator_options;

struct command_context {
  std::shared_ptr<service_registry> reg;
  const operator_options* opts;
};

operator_reply make_reply(operator_status status, std::string text,
                          std::string json = {});

/// A bounded label value for metrics: the command name if known, else "unknown".
std::string command_label(const std::string& command);
std::string status_label(int32_t status);

/// Runs `req.command`; calls `done` exactly once (possibly later).
void run_command(operator_actor::pointer self, const command_context& ctx,
                 const operator_request& req, std::function<void(operator_reply)> done);

}  // namespace nz
