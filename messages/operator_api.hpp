// The operator plane's wire interface: the only actor published for nzctl. It has
// exactly one handler, so nothing but a token-carrying request reaches the node
// from the admin port. Command names and reply codes are documented in docs/cli.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace nz {

struct operator_request {
  /// Contents of <data>/admin.token; compared in constant time.
  std::string token;
  /// Self-declared client name, the key of the per-client lockout.
  std::string client;
  std::string command;
  std::vector<std::string> args;
  /// Random id chosen by the client. A request sent again with the same id,
  /// client and token (a retry after a lost reply) gets the first attempt's
  /// reply; the command runs once. Empty: no deduplication.
  std::string request_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, operator_request& x) {
  return f(caf::meta::type_name("nz.operator_request"), x.token, x.client, x.command,
           x.args, x.request_id);
}

/// Reply codes (also nzctl's exit status where noted in docs/cli.md).
enum class operator_status : int32_t {
  ok = 0,
  failed = 1,        ///< the command ran and failed
  bad_request = 2,   ///< unknown command or bad arguments
  unauthorized = 3,  ///< wrong token
  locked_out = 4,    ///< this client is locked out
  throttled = 5,     ///< the global failure budget is exhausted
  unavailable = 6,   ///< shutting down, or a service did not answer
  forbidden = 7,     ///< e.g. chaos commands on a node without --enable-chaos
};

struct operator_reply {
  int32_t status = 0;
  /// Human-readable answer.
  std::string text;
  /// The same answer as one JSON document.
  std::string json;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, operator_reply& x) {
  return f(caf::meta::type_name("nz.operator_reply"), x.status, x.text, x.json);
}

using operator_actor =
    caf::typed_actor<caf::replies_to<operator_request>::with<operator_reply>>;

}  // namespace nz
