// Atoms shared by every subsystem. Vocabulary only: no logic.
//
// CAF 0.17 atoms are at most ten characters; send them as `foo_atom::value`.
#pragma once

#include <caf/atom.hpp>

namespace nz {

// -- storage ------------------------------------------------------------------
using append_atom = caf::atom_constant<caf::atom("append")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;

// -- common service protocol --------------------------------------------------
using get_atom = caf::atom_constant<caf::atom("get")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using phase_atom = caf::atom_constant<caf::atom("phase")>;
using start_atom = caf::atom_constant<caf::atom("start")>;

// -- node info ----------------------------------------------------------------
using boot_atom = caf::atom_constant<caf::atom("boot")>;

// -- auth limiter -------------------------------------------------------------
using auth_check_atom = caf::atom_constant<caf::atom("authcheck")>;
using auth_fail_atom = caf::atom_constant<caf::atom("authfail")>;
using auth_ok_atom = caf::atom_constant<caf::atom("authok")>;

// -- metrics ------------------------------------------------------------------
using add_atom = caf::atom_constant<caf::atom("add")>;
using set_atom = caf::atom_constant<caf::atom("set")>;
using observe_atom = caf::atom_constant<caf::atom("observe")>;
using render_atom = caf::atom_constant<caf::atom("render")>;

// -- supervision and shutdown -------------------------------------------------
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;

}  // namespace nz
