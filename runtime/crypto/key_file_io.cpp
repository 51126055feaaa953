#include "runtime/crypto/key_file_io.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nz::crypto {

namespace {

crypto_status with_path(crypto_status st, const std::string& path) {
  if (st) return st;
  return make_crypto_error(st.error().code, path + ": " + st.error().message);
}

}  // namespace

crypto_status read_key_file(key_file_header& out, const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    auto code = errno == ENOENT ? crypto_errc::not_found : crypto_errc::io_error;
    return make_crypto_error(code, errno_message("cannot open key file", path, errno));
  }
  struct stat sb {};
  if (::fstat(fd, &sb) != 0) {
    auto err = errno_message("cannot stat key file", path, errno);
    ::close(fd);
    return make_crypto_error(crypto_errc::io_error, err);
  }
  if (!S_ISREG(sb.st_mode)) {
    ::close(fd);
    return make_crypto_error(crypto_errc::io_error,
                             path + ": key file is not a regular file");
  }
  if (static_cast<uint64_t>(sb.st_size) > key_file_read_limit) {
    ::close(fd);
    return make_crypto_error(crypto_errc::trailing_bytes,
                             path + ": key file has " + std::to_string(sb.st_size)
                                 + " bytes, " + std::to_string(key_file_size)
                                 + " expected");
  }
  std::vector<uint8_t> buf(key_file_read_limit + 1);
  size_t len = 0;
  while (len < buf.size()) {
    auto n = ::read(fd, buf.data() + len, buf.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto err = errno_message("cannot read key file", path, errno);
      ::close(fd);
      return make_crypto_error(crypto_errc::io_error, err);
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
  }
  ::close(fd);
  return with_path(parse_key_file(out, buf.data(), len), path);
}

crypto_status write_key_file(const std::string& path, const std::vector<uint8_t>& bytes,
                             existing_file if_exists) {
  return write_file_durably(path, bytes.data(), bytes.size(), 0600, if_exists);
}

crypto_status load_key_file(identity_seed& seed, const std::string& path,
                            const secret_string& passphrase) {
  key_file_header h;
  if (auto st = read_key_file(h, path); !st) return st;
  return open_key_file(seed, h, passphrase);
}

crypto_status create_key_file(const std::string& path, const identity_seed& seed,
                              const secret_string& passphrase, kdf_params params) {
  std::vector<uint8_t> bytes;
  if (auto st = seal_key_file(bytes, seed, passphrase, params); !st) return st;
  return write_key_file(path, bytes, existing_file::refuse);
}

crypto_status change_passphrase(const std::string& path,
                                const secret_string& old_passphrase,
                                const secret_string& new_passphrase,
                                std::optional<kdf_params> params,
                                const key_file_writer& writer) {
  key_file_header h;
  if (auto st = read_key_file(h, path); !st) return st;
  identity_seed seed;
  if (auto st = open_key_file(seed, h, old_passphrase); !st) return st;
  std::vector<uint8_t> bytes;
  if (auto st = seal_key_file(bytes, seed, new_passphrase, params.value_or(h.kdf)); !st)
    return st;
  seed.wipe();
  if (writer) return writer(path, bytes);
  return write_key_file(path, bytes, existing_file::replace);
}

}  // namespace nz::crypto
