// The admin gate: the one actor published on 127.0.0.1 for nzctl. Its only
// handler takes an operator_request and forwards it to the service registered as
// "operator", retrying while the operator restarts (never longer than `budget`).
// It lives for the whole process, outside the supervision tree, so the admin port
// and nzctl's view of it never change while the node runs.
//
// Retries: a request carrying a request_id that the gate has seen (same client
// and token) is answered with the first attempt's reply — or joins it while it
// is still running — so nzctl may resend after a lost reply and no command runs
// twice. The newest answered ids are remembered: at most 1,024 of them and 8 MiB
// of reply text.
#pragma once

#include <memory>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace nz {

class service_registry;

caf::actor spawn_admin_gate(caf::actor_system& sys, std::shared_ptr<service_registry> reg,
                            caf::timespan budget);

}  // namespace nz
