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

#include "actors/node/doctor_cli.hpp"
#include "actors/node/exit_codes.hpp"
#include "actors/node/identity_cli.hpp"
#include "actors/node/node_runner.hpp"
#include "actors/peer/noise/vector_runner.hpp"
#include "runtime/cli_parse.hpp"
#include "runtime/node/node_config.hpp"

namespace {

const char* run_footer = R"(
Files in DIR: LOCK, RUNNING (marker while running), admin.port, admin.token (0600),
db/ (LMDB), logs/nzcore.log, crash/ (reports of unclean shutdowns).
Signals: SIGINT/SIGTERM graceful shutdown (a second SIGINT forces exit 130),
SIGHUP reloads log settings from the config file.
Exit codes: 0 clean, 1 runtime error, 2 usage, 3 root supervisor gave up,
4 shutdown timed out, 5 data dir in use, 6 no or damaged identity.key,
7 wrong passphrase, 130 forced.)";

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
  run->add_option("--passphrase-file", opts.passphrase_file,
                  "File with the identity passphrase (else $CREDENTIALS_DIRECTORY/"
                  "nzcore-passphrase, else a prompt)");
  run->add_flag("--allow-core-dumps", opts.allow_core_dumps,
                "Allow core dumps of the node process (they would contain keys)");
  run->footer(run_footer);

  nz::init_options init_opts;
  auto* init =
      app.add_subcommand("init", "Create a new identity (shows its mnemonic once)");
  init->add_option("--data", init_opts.data_dir, "Data directory")->required();
  init->add_option("--passphrase-file", init_opts.passphrase_file,
                   "File with the new passphrase (else credential, else prompt)");
  init->add_option("--words", init_opts.words, "Mnemonic length")
      ->check(CLI::IsMember({12, 15, 18, 21, 24}))
      ->capture_default_str();
  init->add_flag("--show-mnemonic", init_opts.show_mnemonic,
                 "Print the mnemonic (needed when not on a terminal)");
  init->add_option("--mnemonic-out", init_opts.mnemonic_out,
                   "Write the mnemonic to this new file (mode 0600) instead");
  init->add_option("--kdf", init_opts.kdf,
                   "Argon2id setting: interactive|moderate|sensitive|min")
      ->capture_default_str();
  init->footer(
      "\nExit codes: 0 created, 2 usage or bad passphrase, 5 data dir in use,\n"
      "8 an identity already exists (never overwritten).");

  nz::restore_options restore_opts;
  auto* restore = app.add_subcommand("restore", "Restore an identity from its mnemonic");
  restore->add_option("--data", restore_opts.data_dir, "Data directory")->required();
  restore->add_option("--passphrase-file", restore_opts.passphrase_file,
                      "File with the new passphrase (else credential, else prompt)");
  restore->add_option("--mnemonic-file", restore_opts.mnemonic_file,
                      "File with the mnemonic (else a prompt)");
  restore
      ->add_option("--kdf", restore_opts.kdf,
                   "Argon2id setting: interactive|moderate|sensitive|min")
      ->capture_default_str();
  restore->footer(
      "\nA mnemonic from the JavaScript NewZoneCore restores the same keys.\n"
      "Exit codes: 0 restored, 2 usage or invalid mnemonic (the message names\n"
      "an unknown word or a bad checksum), 8 an identity already exists.");

  nz::passwd_options passwd_opts;
  auto* passwd = app.add_subcommand("passwd", "Change the identity passphrase");
  passwd->add_option("--data", passwd_opts.data_dir, "Data directory")->required();
  passwd->add_option("--passphrase-file", passwd_opts.passphrase_file,
                     "File with the current passphrase (else credential, else prompt)");
  passwd->add_option("--new-passphrase-file", passwd_opts.new_passphrase_file,
                     "File with the new passphrase (else a prompt)");
  passwd->add_option("--kdf", passwd_opts.kdf,
                     "New Argon2id setting (default: keep the current one)");
  passwd->footer(
      "\nThe old key file stays intact until the new one is durable.\n"
      "Exit codes: 0 changed, 7 wrong passphrase, 6 no or damaged key file.");
  nz::doctor_options doctor_opts;
  auto* doctor = app.add_subcommand("doctor", "Check a stopped node's data directory");
  doctor->add_option("--data", doctor_opts.data_dir, "Data directory")->required();
  doctor->add_option("--passphrase-file", doctor_opts.passphrase_file,
                     "File with the passphrase (else credential, else prompt)");
  doctor->footer(
      "\nChecks the key file, replays every journal, opens every sealed record.\n"
      "Changes nothing. Exit codes: 0 healthy, 9 problems found (each named),\n"
      "5 node running, 6 no or damaged key file, 7 wrong passphrase.");

  auto* dev = app.add_subcommand("dev", "Developer tools");
  dev->require_subcommand(1);
  std::string vectors_file;
  auto* noise_vectors = dev->add_subcommand(
      "noise-vectors", "Run a Noise test-vector file (JSON, the community format)");
  noise_vectors->add_option("file", vectors_file, "Vector file")->required();
  noise_vectors->footer(
      "\nRuns every vector whose protocol this build supports, prints one line per\n"
      "failure and ends with `N passed, N failed, N skipped`. Exit 0 only if none\n"
      "failed (docs/noise.md).");

  if (auto code = nz::parse_cli(app, argc, argv)) return *code;
  if (noise_vectors->parsed())
    return nz::peer::noise::run_noise_vectors(vectors_file, std::cout);
  if (init->parsed()) return nz::run_init(init_opts);
  if (restore->parsed()) return nz::run_restore(restore_opts);
  if (passwd->parsed()) return nz::run_passwd(passwd_opts);
  if (doctor->parsed()) return nz::run_doctor(doctor_opts);
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
