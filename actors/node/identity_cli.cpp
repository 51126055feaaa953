#include "actors/node/identity_cli.hpp"

#include <cstdio>
#include <iostream>

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "actors/identity/bip39.hpp"
#include "actors/identity/identity_actor.hpp"
#include "actors/identity/newzone_derivation.hpp"
#include "actors/node/exit_codes.hpp"
#include "runtime/crypto/key_file_io.hpp"
#include "runtime/crypto/passphrase.hpp"
#include "runtime/node/data_dir.hpp"

namespace nz {

namespace {

using crypto::crypto_errc;

std::string key_path(const std::string& dir) {
  return dir + "/identity.key";
}

void say_error(const std::string& what) {
  std::cerr << "nzcore: " << what << "\n";
}

/// A std::string that is wiped when it goes out of scope (the mnemonic text
/// passes through one: the BIP-39 API produces a std::string).
struct wiped_string {
  std::string s;
  ~wiped_string() {
    if (!s.empty()) sodium_memzero(s.data(), s.size());
  }
};

crypto::crypto_status obtain_passphrase(crypto::secret_string& out,
                                        const std::string& file, const char* prompt,
                                        bool confirm) {
  std::string note;
  if (!file.empty()) {
    auto st = crypto::read_passphrase_file(out, note, file);
    if (st && !note.empty()) std::cerr << "nzcore: " << note << "\n";
    return st;
  }
  auto st = crypto::read_systemd_credential(out, note);
  if (st || st.error().code != crypto_errc::not_found) return st;
  return crypto::prompt_passphrase(out, prompt, confirm);
}

int exit_for(const crypto::crypto_error& err) {
  switch (err.code) {
    case crypto_errc::wrong_passphrase:
      return exit_code::wrong_passphrase;
    case crypto_errc::file_exists:
      return exit_code::identity_exists;
    case crypto_errc::bad_passphrase:
    case crypto_errc::no_terminal:
    case crypto_errc::invalid_argument:
      return exit_code::usage;
    case crypto_errc::io_error:
    case crypto_errc::kdf_failed:
    case crypto_errc::system_error:
      return exit_code::runtime_error;
    default:
      return exit_code::no_identity;
  }
}

int fail(const crypto::crypto_error& err) {
  say_error(err.message);
  return exit_for(err);
}

/// Derives and prints the public identity of `seed`.
bool print_identity(const crypto::identity_seed& seed, std::ostream& out) {
  crypto::secret_buffer keys{sizeof(identity::identity_keys)};
  auto w = keys.write();
  auto& k = *reinterpret_cast<identity::identity_keys*>(w.data());
  auto s = seed.read();
  if (!identity::derive_identity(k, s.data())) return false;
  out << "node id:         " << identity::node_id_hex(k.ed25519_pk) << "\n"
      << "ed25519 public:  " << identity::to_base64(k.ed25519_pk, sizeof(k.ed25519_pk))
      << "\n"
      << "x25519 public:   " << identity::to_base64(k.x25519_pk, sizeof(k.x25519_pk))
      << "\n";
  return true;
}

/// Opens the data dir (creating it) and checks no identity exists yet.
int prepare_new_identity(data_dir& dir) {
  bool locked = false;
  if (auto err = dir.open(locked)) {
    say_error(*err);
    return locked ? exit_code::data_dir_locked : exit_code::runtime_error;
  }
  if (::access(key_path(dir.root()).c_str(), F_OK) == 0) {
    say_error("an identity already exists in " + dir.root()
              + " (identity.key); refusing to overwrite it");
    return exit_code::identity_exists;
  }
  return exit_code::ok;
}

/// Seals `seed` into <dir>/identity.key under a new passphrase.
int seal_new_identity(const data_dir& dir, const crypto::identity_seed& seed,
                      const std::string& passphrase_file, const std::string& kdf_name) {
  crypto::kdf_params params;
  if (auto st = crypto::parse_kdf_params(params, kdf_name); !st) return fail(st.error());
  crypto::secret_string pass;
  if (auto st = obtain_passphrase(pass, passphrase_file, "New passphrase: ", true); !st)
    return fail(st.error());
  if (auto st = crypto::check_new_passphrase(pass); !st) return fail(st.error());
  if (auto st = crypto::create_key_file(key_path(dir.root()), seed, pass, params); !st)
    return fail(st.error());
  return exit_code::ok;
}

/// Shows the new mnemonic the one way the options allow.
int show_mnemonic(const init_options& opts, const std::string& phrase) {
  if (!opts.mnemonic_out.empty()) {
    int fd =
        ::open(opts.mnemonic_out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      say_error("cannot create " + opts.mnemonic_out + " (it must not exist yet)");
      return exit_code::runtime_error;
    }
    auto line = phrase + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())
              && ::fsync(fd) == 0;
    sodium_memzero(line.data(), line.size());
    ::close(fd);
    if (!ok) {
      say_error("cannot write " + opts.mnemonic_out);
      return exit_code::runtime_error;
    }
    std::cout << "mnemonic written to " << opts.mnemonic_out << " (mode 0600)\n";
    return exit_code::ok;
  }
  std::cout << "\nRECOVERY MNEMONIC — write it down now; it is shown only this once and\n"
               "restores this identity with `nzcore restore`:\n\n  "
            << phrase << "\n\n";
  return exit_code::ok;
}

bool can_show_mnemonic(const init_options& opts) {
  return opts.show_mnemonic || !opts.mnemonic_out.empty()
         || (::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO));
}

/// Interactive init: the user proves they wrote the phrase down.
bool confirm_mnemonic(const std::string& phrase) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < phrase.size()) {
    auto end = phrase.find(' ', start);
    if (end == std::string::npos) end = phrase.size();
    words.push_back(phrase.substr(start, end - start));
    start = end + 1;
  }
  auto k = randombytes_uniform(static_cast<uint32_t>(words.size()));
  std::cout << "To confirm, type word #" << (k + 1) << ": " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  bool ok = answer == words[k];
  sodium_memzero(answer.data(), answer.size());
  for (auto& w : words) sodium_memzero(w.data(), w.size());
  return ok;
}

}  // namespace

int run_init(const init_options& opts) {
  if (opts.words < 12 || opts.words > 24 || opts.words % 3 != 0) {
    say_error("--words must be 12, 15, 18, 21 or 24");
    return exit_code::usage;
  }
  if (!can_show_mnemonic(opts)) {
    say_error(
        "refusing to create an identity whose mnemonic nobody sees: "
        "use --show-mnemonic or --mnemonic-out FILE (or run on a terminal)");
    return exit_code::usage;
  }
  data_dir dir{opts.data_dir};
  if (auto rc = prepare_new_identity(dir)) return rc;
  size_t entropy_len = static_cast<size_t>(opts.words) * 4 / 3;
  crypto::secret_buffer entropy{entropy_len};
  crypto::identity_seed seed;
  wiped_string phrase;
  {
    auto w = entropy.write();
    randombytes_buf(w.data(), w.size());
    if (!identity::entropy_to_mnemonic(phrase.s, w.data(), w.size())) {
      say_error("mnemonic encoding failed");
      return exit_code::runtime_error;
    }
    auto sw = seed.write();
    identity::seed32_from_entropy(sw.data(), w.data(), w.size());
  }
  bool interactive = !opts.show_mnemonic && opts.mnemonic_out.empty();
  if (interactive) {
    show_mnemonic(opts, phrase.s);
    if (!confirm_mnemonic(phrase.s)) {
      say_error("that was not the word; nothing was written. Run init again.");
      return exit_code::usage;
    }
  }
  if (auto rc = seal_new_identity(dir, seed, opts.passphrase_file, opts.kdf)) return rc;
  if (!interactive)
    if (auto rc = show_mnemonic(opts, phrase.s)) return rc;
  std::cout << "identity created in " << key_path(opts.data_dir) << "\n";
  print_identity(seed, std::cout);
  return exit_code::ok;
}

int run_restore(const restore_options& opts) {
  // Nothing is created on disk before the mnemonic is known to be valid.
  if (::access(key_path(opts.data_dir).c_str(), F_OK) == 0) {
    say_error("an identity already exists in " + opts.data_dir
              + " (identity.key); refusing to overwrite it");
    return exit_code::identity_exists;
  }
  crypto::secret_string text{1024};
  if (!opts.mnemonic_file.empty()) {
    std::string note;
    if (auto st = crypto::read_passphrase_file(text, note, opts.mnemonic_file); !st)
      return fail(st.error());
  } else if (auto st = crypto::prompt_passphrase(text, "Mnemonic: ", false); !st) {
    return fail(st.error());
  }
  crypto::secret_buffer entropy{identity::bip39_max_entropy_bytes};
  crypto::identity_seed seed;
  {
    auto t = text.read();
    auto w = entropy.write();
    size_t len = w.size();
    auto st = identity::mnemonic_to_entropy(
        w.data(), len,
        std::string_view{reinterpret_cast<const char*>(t.data()), t.size()});
    if (!st) {
      say_error("invalid mnemonic: " + st.error().message);
      return exit_code::usage;
    }
    auto sw = seed.write();
    identity::seed32_from_entropy(sw.data(), w.data(), len);
  }
  data_dir dir{opts.data_dir};
  if (auto rc = prepare_new_identity(dir)) return rc;
  if (auto rc = seal_new_identity(dir, seed, opts.passphrase_file, opts.kdf)) return rc;
  std::cout << "identity restored into " << key_path(opts.data_dir) << "\n";
  print_identity(seed, std::cout);
  return exit_code::ok;
}

int run_passwd(const passwd_options& opts) {
  data_dir dir{opts.data_dir};
  bool locked = false;
  if (auto err = dir.open(locked)) {
    say_error(*err);
    return locked ? exit_code::data_dir_locked : exit_code::runtime_error;
  }
  std::optional<crypto::kdf_params> params;
  if (!opts.kdf.empty()) {
    crypto::kdf_params p;
    if (auto st = crypto::parse_kdf_params(p, opts.kdf); !st) return fail(st.error());
    params = p;
  }
  crypto::secret_string old_pass, new_pass;
  if (auto st = obtain_passphrase(old_pass, opts.passphrase_file,
                                  "Current passphrase: ", false);
      !st)
    return fail(st.error());
  if (opts.new_passphrase_file.empty()) {
    if (auto st = crypto::prompt_passphrase(new_pass, "New passphrase: ", true); !st)
      return fail(st.error());
  } else {
    std::string note;
    if (auto st = crypto::read_passphrase_file(new_pass, note, opts.new_passphrase_file);
        !st)
      return fail(st.error());
  }
  if (auto st = crypto::check_new_passphrase(new_pass); !st) return fail(st.error());
  if (auto st =
          crypto::change_passphrase(key_path(opts.data_dir), old_pass, new_pass, params);
      !st)
    return fail(st.error());
  std::cout << "passphrase changed\n";
  return exit_code::ok;
}

int unlock_identity(std::shared_ptr<const identity_source>& out,
                    const std::string& data_dir, const std::string& passphrase_file) {
  auto path = key_path(data_dir);
  crypto::key_file_header header;
  if (auto st = crypto::read_key_file(header, path); !st) {
    if (st.error().code == crypto_errc::not_found) {
      say_error("no identity in " + data_dir + ": create one with `nzcore init --data "
                + data_dir + "` (or `nzcore restore`)");
      return exit_code::no_identity;
    }
    return fail(st.error());
  }
  crypto::secret_string pass;
  if (auto st = obtain_passphrase(pass, passphrase_file, "Passphrase: ", false); !st)
    return fail(st.error());
  auto src = std::make_shared<identity_source>();
  if (auto st = crypto::open_key_file(src->seed, header, pass); !st)
    return fail(st.error());
  src->kdf = crypto::kdf_preset_name(header.kdf);
  src->opslimit = header.kdf.opslimit;
  src->memlimit = header.kdf.memlimit;
  out = std::move(src);
  return exit_code::ok;
}

}  // namespace nz
