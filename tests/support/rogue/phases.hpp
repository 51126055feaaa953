// The rogue's attacks, one function per phase (rogue_main.cpp dispatches).
// Each prints what it did ("rogue: ...") and one RESULT line per case; the
// integration test (tests/integration/test_rogue.py) compares them with the
// target's metrics. No phase decides whether the target passed: it reports
// observations (closed after N ms, records received, VmRSS growth).
#pragma once

#include "support/rogue/options.hpp"

namespace caf {
class actor_system;
}

namespace nz::rogue {

// -- peer port: records (record_phases.cpp) ----------------------------------

/// Malformed records, each on a fresh connection: length 0, unknown kinds, an
/// abort with payload, a non-hello first record, records before the hello,
/// two hellos at once. RESULT record case=... closed_ms=... kinds=...
void phase_records(const options& o);

/// Headers announcing 512 MiB, 4 GiB - 1 and max + 1 bytes, with VmRSS
/// samples of the target. RESULT oversize case=... closed_ms=... rss_growth_kib=...
void phase_oversize(const options& o);

// -- peer port: handshakes (handshake_phases.cpp) ----------------------------

/// Garbage handshake messages and a valid handshake by an untrusted identity.
/// RESULT handshake case=... verdict|closed_ms=... kinds=...
void phase_handshake(const options& o);

/// Connections that stall: nothing sent, a partial header, a partial record,
/// a hello and then silence, a second hello after message 2.
/// RESULT slow case=... closed_ms=... kinds=...
void phase_slowloris(const options& o);

/// Prints the rogue identity (--seed): RESULT whoami key=... node_id=...
void phase_whoami(const options& o);

// -- peer port: floods (flood_phases.cpp) ------------------------------------

/// --flood-conns connections from one source address as fast as possible.
/// RESULT connflood attempts=... refused=... admitted=...
void phase_conn_flood(const options& o);

/// --half-open-conns idle connections, each from its own source address.
/// RESULT halfopen attempts=... refused=... admitted=...
void phase_half_open(const options& o);

/// A real handshake with the --seed identity, then --frames sealed frames as
/// fast as the connection takes them, then a ping whose pong shows that all
/// were processed. RESULT frameflood verdict=... frames=... drained_ms=...
void phase_frame_flood(const options& o);

// -- peer port: BASP (basp_phases.cpp) ----------------------------------------

/// A real CAF middleman client (remote_actor) and raw BASP headers.
/// RESULT basp case=... closed_ms|returned_ms=... outcome=...
void phase_basp(caf::actor_system& sys, const options& o);

// -- admin port (admin_phases.cpp, basp_phases.cpp) ---------------------------

/// A raw BASP header announcing 512 MiB on the admin port, held 2 s, with
/// VmRSS samples. RESULT admin-claim closed_ms=... rss_growth_kib=...
void phase_admin_claim(caf::actor_system& sys, const options& o);

/// BASP on the admin port (127.0.0.1): enumerates reachable actor ids, then
/// runs the named admin phases (admin-content, admin-system, admin-lockout).
/// Returns false if the admin port is unreachable.
bool run_admin_phases(caf::actor_system& sys, const options& o);

}  // namespace nz::rogue
