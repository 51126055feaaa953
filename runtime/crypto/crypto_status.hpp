// Errors as values for the secret-handling core (guarded memory, the identity
// key file, passphrase sources, process hardening). No CAF: the identity actor
// and the CLI map these onto their own error types; the codes are stable.
//
// Rule (docs/adr, STYLE.md): bad input -- a damaged file, a wrong passphrase, a
// missing terminal -- returns one of these; programmer misuse (a view outliving
// its secret, an index past a buffer) aborts with a message on stderr.
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace nz::crypto {

/// Failure classes of the secret-handling core.
enum class crypto_errc : uint8_t {
  /// The key file ends inside a field; the message names the field and sizes.
  truncated = 1,
  /// The key file has bytes after the ciphertext.
  trailing_bytes = 2,
  /// The file does not start with the key-file magic.
  bad_magic = 3,
  /// The format version is not one this build reads.
  unsupported_version = 4,
  /// The KDF or AEAD algorithm id is unknown.
  unknown_algorithm = 5,
  /// KDF parameters outside the accepted bounds (in a file or from a caller).
  kdf_params_out_of_range = 6,
  /// Authentication failed: wrong passphrase, or a damaged/tampered file. The
  /// two cannot be told apart by design.
  wrong_passphrase = 7,
  /// Argon2id could not run (out of memory for the given memlimit).
  kdf_failed = 8,
  /// A file operation failed; the message names the call, the path and errno.
  io_error = 9,
  /// Refused to overwrite an existing file.
  file_exists = 10,
  /// A file, variable or credential the caller asked for does not exist.
  not_found = 11,
  /// A passphrase is empty, too short, too long or not confirmed.
  bad_passphrase = 12,
  /// No terminal to prompt on (/dev/tty cannot be opened or is not a tty).
  no_terminal = 13,
  /// A system call outside file I/O failed (setrlimit, prctl, termios).
  system_error = 14,
  /// A malformed argument, e.g. an unknown KDF preset name.
  invalid_argument = 15,
};

/// The code's identifier, e.g. "wrong_passphrase".
const char* to_string(crypto_errc x);

/// An error code plus a one-line, human-readable context.
struct crypto_error {
  crypto_errc code;
  std::string message;
};

/// Either a T or a crypto_error (messages/result.hpp).
template <class T>
using crypto_result = basic_result<T, crypto_error>;

/// Success or a crypto_error.
using crypto_status = basic_result<void, crypto_error>;

inline crypto_error make_crypto_error(crypto_errc code, std::string message) {
  return crypto_error{code, std::move(message)};
}

/// "<what> <path>: <strerror(err)>", for io_error and system_error messages.
std::string errno_message(const char* what, const std::string& path, int err);

}  // namespace nz::crypto
