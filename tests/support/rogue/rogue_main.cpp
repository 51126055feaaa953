// nztest_rogue_node — test-only: a hostile client of a node's two ports, for
// the rogue-node integration test (tests/integration/test_rogue.py, issue #5;
// docs/security.md is the threat model it checks).
//
//   nztest_rogue_node --phases a,b,... [--peer HOST:PORT] [--admin HOST:PORT]
//                     [--watch-pid PID] [--seed HEX64] [--handshake-timeout-ms N]
//                     [--source-net 127.X] [--flood-conns N] [--half-open-conns N]
//                     [--frames N] [--frame-body N] [--ids FIRST-LAST]
//                     [--settle-ms N] [--lockout-client NAME]
//
// Peer port (raw TCP, docs/protocol.md "Transport"; needs --peer):
//   records     malformed records, each on its own connection
//   oversize    headers announcing 512 MiB, 4 GiB - 1 and max + 1 bytes (VmRSS
//               of --watch-pid sampled)
//   handshake   garbage Noise messages; a valid handshake by an untrusted identity
//   slowloris   connections that stall (nothing, partial header/record, silence
//               after the hello, a second hello, a frame before message 3)
//   connflood   --flood-conns connections from one source address
//   halfopen    --half-open-conns idle connections from as many source addresses
//   frameflood  a real handshake as the --seed identity, then --frames frames
//   basp        a CAF middleman client and raw BASP messages
//   whoami      prints the --seed identity's key and node id
// Admin port (BASP on 127.0.0.1; needs --admin):
//   admin-content, admin-system, admin-lockout (see admin_phases.cpp),
//   admin-claim (a BASP header announcing 512 MiB, held 2 s)
// Each connection of the peer phases comes from its own source address in
// --source-net (127.X.0.0/16) unless the phase says otherwise. Output: free
// text lines "rogue: ..." and machine-readable "RESULT <phase> key=value ...".
// Exit status 0, 2 if a port is unreachable, 64 on bad arguments.
#include <sodium.h>

#include <iostream>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include "messages/register_types.hpp"
#include "support/rogue/admin_probe.hpp"
#include "support/rogue/options.hpp"
#include "support/rogue/phases.hpp"
#include "support/rogue/rogue_util.hpp"

namespace {

using namespace nz::rogue;

bool is_admin_phase(const std::string& p) {
  return p.rfind("admin-", 0) == 0;
}

/// The peer phases, in the order given; false on an unknown name.
bool run_peer_phase(caf::actor_system& sys, const options& o, const std::string& p) {
  if (p == "records")
    phase_records(o);
  else if (p == "oversize")
    phase_oversize(o);
  else if (p == "handshake")
    phase_handshake(o);
  else if (p == "slowloris")
    phase_slowloris(o);
  else if (p == "connflood")
    phase_conn_flood(o);
  else if (p == "halfopen")
    phase_half_open(o);
  else if (p == "frameflood")
    phase_frame_flood(o);
  else if (p == "basp")
    phase_basp(sys, o);
  else
    return false;
  return true;
}

int run(caf::actor_system& sys, const options& o) {
  bool admin_done = false;
  for (auto& p : o.phases) {
    say("== phase ", p);
    if (p == "whoami") {
      phase_whoami(o);
    } else if (p == "admin-claim") {
      if (!o.admin) return 64;
      phase_admin_claim(sys, o);
    } else if (is_admin_phase(p)) {
      if (!o.admin) return 64;
      // All admin phases run on one connection, in the order given.
      if (!admin_done && !run_admin_phases(sys, o)) return 2;
      admin_done = true;
    } else {
      if (!o.peer) return 64;
      if (!run_peer_phase(sys, o, p)) {
        say("unknown phase ", p);
        return 64;
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = parse_options(argc, argv);
  if (!o) {
    std::cerr << "usage: nztest_rogue_node --phases records,oversize,handshake,slowloris,"
                 "connflood,halfopen,frameflood,basp,whoami,admin-content,admin-system,"
                 "admin-lockout,admin-claim [--peer HOST:PORT] [--admin HOST:PORT] "
                 "[--watch-pid PID] "
                 "[--seed HEX64] [--handshake-timeout-ms N] [--source-net 127.X] "
                 "[--flood-conns N] [--half-open-conns N] [--frames N] [--frame-body N] "
                 "[--ids FIRST-LAST] [--settle-ms N] [--lockout-client NAME]\n";
    return 64;
  }
  if (sodium_init() < 0) return 1;
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.workers", 0);
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  if (o->admin) {
    // Whatever the node announces: application identifiers are no access control.
    auto ids = peek_app_ids(*o->admin);
    ids.emplace_back("generic-caf-app");
    cfg.set("middleman.app-identifiers", ids);
  }
  int rc = 0;
  {
    caf::actor_system sys{cfg};
    rc = run(sys, *o);
    say("done");
  }
  return rc;
}
