// The identity commands of nzcore — init, restore, passwd — and the unlock step
// of `nzcore run`. They run before any actor exists: secrets go from the
// passphrase source and the key file straight into guarded memory.
//
// Passphrase sources, in order: --passphrase-file F, the systemd credential
// $CREDENTIALS_DIRECTORY/nzcore-passphrase, a prompt on the terminal (no echo).
#pragma once

#include <memory>
#include <string>

namespace nz {

struct identity_source;

struct init_options {
  std::string data_dir;
  std::string passphrase_file;
  int words = 24;
  bool show_mnemonic = false;
  std::string mnemonic_out;
  std::string kdf = "moderate";
};

struct restore_options {
  std::string data_dir;
  std::string passphrase_file;
  std::string mnemonic_file;
  std::string kdf = "moderate";
};

struct passwd_options {
  std::string data_dir;
  std::string passphrase_file;
  std::string new_passphrase_file;
  std::string kdf;  ///< empty: keep the file's parameters
};

/// Each returns the process exit code (actors/node/exit_codes.hpp).
int run_init(const init_options& opts);
int run_restore(const restore_options& opts);
int run_passwd(const passwd_options& opts);

/// Unlocks <data>/identity.key for `nzcore run`. On success returns 0 and sets
/// `out`; otherwise prints one line and returns the exit code.
int unlock_identity(std::shared_ptr<const identity_source>& out,
                    const std::string& data_dir, const std::string& passphrase_file);

}  // namespace nz
