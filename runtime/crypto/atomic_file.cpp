#include "runtime/crypto/atomic_file.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nz::crypto {

namespace {

std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

crypto_error io_failure(const char* what, const std::string& path) {
  return make_crypto_error(crypto_errc::io_error, errno_message(what, path, errno));
}

crypto_error exists_error(const std::string& path) {
  return make_crypto_error(crypto_errc::file_exists,
                           "refusing to overwrite existing file " + path);
}

crypto_status sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_failure("cannot open directory", dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    errno = err;
    return io_failure("cannot sync directory", dir);
  }
  return {};
}

}  // namespace

crypto_status write_file_durably(const std::string& path, const uint8_t* data, size_t len,
                                 unsigned mode, existing_file mode_if) {
  struct stat sb {};
  if (mode_if == existing_file::refuse && ::lstat(path.c_str(), &sb) == 0)
    return exists_error(path);
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return io_failure("cannot create temporary file", tmp);
  auto fail = [&](const char* what, const std::string& named) {
    auto err = io_failure(what, named);
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  };
  if (::fchmod(fd, mode) != 0) return fail("cannot set permissions of", tmp);
  size_t off = 0;
  while (off < len) {
    auto n = ::write(fd, data + off, len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write", tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot sync", tmp);
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return fail("cannot close", tmp);
  if (mode_if == existing_file::replace) {
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      return fail("cannot rename temporary file onto", path);
  } else {
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      if (errno == EEXIST) {
        ::unlink(tmp.c_str());
        return exists_error(path);
      }
      return fail("cannot link temporary file to", path);
    }
    ::unlink(tmp.c_str());
  }
  return sync_dir(parent_dir(path));
}

}  // namespace nz::crypto
