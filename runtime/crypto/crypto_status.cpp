#include "runtime/crypto/crypto_status.hpp"

#include <cstring>

namespace nz::crypto {

const char* to_string(crypto_errc x) {
  switch (x) {
    case crypto_errc::truncated:
      return "truncated";
    case crypto_errc::trailing_bytes:
      return "trailing_bytes";
    case crypto_errc::bad_magic:
      return "bad_magic";
    case crypto_errc::unsupported_version:
      return "unsupported_version";
    case crypto_errc::unknown_algorithm:
      return "unknown_algorithm";
    case crypto_errc::kdf_params_out_of_range:
      return "kdf_params_out_of_range";
    case crypto_errc::wrong_passphrase:
      return "wrong_passphrase";
    case crypto_errc::kdf_failed:
      return "kdf_failed";
    case crypto_errc::io_error:
      return "io_error";
    case crypto_errc::file_exists:
      return "file_exists";
    case crypto_errc::not_found:
      return "not_found";
    case crypto_errc::bad_passphrase:
      return "bad_passphrase";
    case crypto_errc::no_terminal:
      return "no_terminal";
    case crypto_errc::system_error:
      return "system_error";
    case crypto_errc::invalid_argument:
      return "invalid_argument";
  }
  return "unknown";
}

std::string errno_message(const char* what, const std::string& path, int err) {
  std::string out = what;
  if (!path.empty()) {
    out += ' ';
    out += path;
  }
  out += ": ";
  out += std::strerror(err);
  return out;
}

}  // namespace nz::crypto
