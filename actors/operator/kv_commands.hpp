// `nzctl kv ...` and `nzctl file ...`: sealed storage through the storage actor
// (messages/kv_api.hpp). Arguments: put NS KEY VALUE | get NS KEY | del NS KEY |
// list NS [PREFIX]. Values are binary-safe: `get` returns the raw bytes as the
// reply text and base64 in the JSON form.
#pragma once

#include <functional>

#include "actors/operator/operator_commands.hpp"

namespace nz {

void run_kv_command(operator_actor::pointer self, const command_context& ctx,
                    const operator_request& req, bool files,
                    std::function<void(operator_reply)> done);

}  // namespace nz
