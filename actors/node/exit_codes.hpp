// Exit codes of `nzcore` (documented in docs/operations.md; tests rely on them).
#pragma once

namespace nz::exit_code {

inline constexpr int ok = 0;                  ///< clean shutdown
inline constexpr int runtime_error = 1;       ///< could not start or failed while running
inline constexpr int usage = 2;               ///< bad command line or config file
inline constexpr int supervisor_gave_up = 3;  ///< root restart intensity exceeded
inline constexpr int shutdown_timeout = 4;    ///< graceful shutdown overran its budget
inline constexpr int data_dir_locked = 5;     ///< another nzcore uses the data dir
inline constexpr int no_identity = 6;         ///< identity.key missing or damaged
inline constexpr int wrong_passphrase = 7;    ///< the key file did not open
inline constexpr int identity_exists = 8;     ///< init/restore refuse to overwrite
inline constexpr int forced = 130;            ///< second SIGINT during shutdown

}  // namespace nz::exit_code
