// nzcore: the node. `nzcore run --data DIR` starts the supervision tree, records
// the boot (detecting an unclean previous shutdown), publishes the admin gate on
// 127.0.0.1 for nzctl and runs until SIGINT/SIGTERM or `nzctl shutdown`.
// Exit codes: actors/node/exit_codes.hpp (docs/operations.md).
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include "actors/node/exit_codes.hpp"
#include "actors/node/node_runner.hpp"
#include "runtime/cli_parse.hpp"
#include "runtime/node/node_config.hpp"

namespace {

const char* run_footer = R"(
Files in DIR: LOCK, RUNNING (marker while running), admin.port, admin.token (0600),
db/ (LMDB), logs/nzcore.log, crash/ (reports of unclean shutdowns).
Signals: SIGINT/SIGTERM graceful shutdown (a second SIGINT forces exit 130),
SIGHUP reloads log settings from the config file.
Exit codes: 0 clean, 1 runtime error, 2 usage, 3 root supervisor gave up,
4 shutdown timed out, 5 data dir in use, 130 forced.)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nzcore — NewZoneCore cryptographic trust node", "nzcore"};
  app.require_subcommand(1);
  app.set_version_flag("--version", NZ_VERSION);
  nz::run_options opts;
  bool dump = false;
  std::string log_level, log_format;
  int admin_port = -1;
  auto* run = app.add_subcommand("run", "Run the node in the foreground");
  run->add_option("--data", opts.data_dir, "Data directory (created if missing)")
      ->required();
  run->add_option("--config", opts.config_file,
                  "Config file (CAF format, see config/nzcore.conf)")
      ->check(CLI::ExistingFile);
  run->add_flag("--enable-chaos", opts.chaos_enabled,
                "Enable `nzctl chaos ...` fault injection (testing only)");
  run->add_option("--admin-port", admin_port, "Admin port on 127.0.0.1 (0 = pick one)")
      ->check(CLI::Range(0, 65535));
  run->add_option("--log-level", log_level, "trace|debug|info|warn|error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  run->add_option("--log-format", log_format, "text|json")
      ->check(CLI::IsMember({"text", "json"}));
  run->add_flag("--dump-config", dump, "Print the effective configuration and exit");
  run->footer(run_footer);
  if (auto code = nz::parse_cli(app, argc, argv)) return *code;
  if (!opts.config_file.empty()) {
    if (auto err = nz::load_node_config(opts.config_file, opts.config)) {
      std::cerr << "nzcore: " << *err << "\n";
      return nz::exit_code::usage;
    }
  }
  if (admin_port >= 0) opts.config.admin_port = static_cast<uint16_t>(admin_port);
  if (!log_level.empty()) opts.config.log_level = log_level;
  if (!log_format.empty()) opts.config.log_format = log_format;
  if (dump) {
    std::cout << nz::dump_node_config(opts.config);
    return nz::exit_code::ok;
  }
  return nz::run_node(argc, argv, std::move(opts));
}
