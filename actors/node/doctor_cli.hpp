// `nzcore doctor --data DIR`: an offline health check of a stopped node's data
// directory. It checks the key file (format, then the passphrase), replays every
// journal stream as a node start would (reporting snapshot fallbacks), and opens
// every sealed kv/file record with the storage subkey, naming each one that
// fails. It reads only; it changes nothing.
#pragma once

#include <string>

namespace nz {

struct doctor_options {
  std::string data_dir;
  std::string passphrase_file;
};

/// Exit code: 0 healthy, 9 problems found (listed), or the identity codes
/// (6 no/damaged key file, 7 wrong passphrase), 5 node running.
int run_doctor(const doctor_options& opts);

}  // namespace nz
