// The life of one `nzcore run` process: data dir, unclean-shutdown detection,
// actor system, supervision tree, admin gate, signals, shutdown, exit code.
#pragma once

#include <string>

#include "runtime/node/node_config.hpp"

namespace nz {

struct run_options {
  std::string data_dir;
  std::string config_file;
  bool chaos_enabled = false;
  std::string passphrase_file;
  bool allow_core_dumps = false;
  node_config config;
};

/// Runs the node until it stops; returns the process exit code.
int run_node(int argc, char** argv, run_options opts);

}  // namespace nz
