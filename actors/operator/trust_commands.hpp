// `nzctl trust ...` and `nzctl audit`: the trust store (messages/trust_api.hpp)
// and the security audit log (messages/audit_api.hpp). docs/cli.md lists the
// arguments. Trust changes are also recorded in the audit log.
#pragma once

#include <functional>

#include "actors/operator/operator_commands.hpp"

namespace nz {

void run_trust_command(operator_actor::pointer self, const command_context& ctx,
                       const operator_request& req,
                       std::function<void(operator_reply)> done);

void run_audit_command(operator_actor::pointer self, const command_context& ctx,
                       const operator_request& req,
                       std::function<void(operator_reply)> done);

}  // namespace nz
