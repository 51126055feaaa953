// Process-level protection of the secrets in memory. The node calls
// disable_core_dumps() first thing in main(), before any passphrase is read or
// any key is unlocked, so that a crash cannot write the seed to a core file
// and other processes of the same user cannot ptrace us or read /proc/<pid>/mem.
//
// Thread rules: process-wide effects; call from main() before threads start.
#pragma once

#include "runtime/crypto/crypto_status.hpp"

namespace nz::crypto {

/// setrlimit(RLIMIT_CORE, 0) and prctl(PR_SET_DUMPABLE, 0). The second also
/// makes /proc/<pid>/ files root-owned and forbids ptrace by the same user.
/// Errors: system_error naming the failed call (the other step still ran).
[[nodiscard]] crypto_status disable_core_dumps();

/// The opt-out for debugging (`--allow-core-dumps`): does nothing, on purpose.
/// Core dumps are then whatever the environment allows (ulimit -c, systemd's
/// LimitCORE=, kernel.core_pattern). A core file may contain the unlocked
/// identity seed; treat it like the key file itself, or better, like the
/// passphrase.
void allow_core_dumps();

/// True when RLIMIT_CORE is 0 (soft and hard) and the process is not dumpable.
bool core_dumps_disabled();

}  // namespace nz::crypto
