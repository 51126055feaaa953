#include "runtime/node/data_dir.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nz {

namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

std::optional<std::string> make_dir(const std::string& p) {
  if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST)
    return errno_text("cannot create directory", p);
  return std::nullopt;
}

}  // namespace

data_dir::~data_dir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<std::string> data_dir::open(bool& locked) {
  locked = false;
  for (auto& p : {root_, path("db"), path("logs"), path("crash")})
    if (auto err = make_dir(p)) return err;
  auto lock_path = path("LOCK");
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) return errno_text("cannot open lock file", lock_path);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    locked = errno == EWOULDBLOCK;
    auto msg = locked
                   ? "data directory '" + root_ + "' is in use by another nzcore process"
                   : errno_text("cannot lock", lock_path);
    ::close(lock_fd_);
    lock_fd_ = -1;
    return msg;
  }
  return std::nullopt;
}

std::optional<std::string> data_dir::previous_marker() const {
  return read_small_file(path("RUNNING"));
}

std::optional<std::string> data_dir::write_marker(const std::string& contents) {
  return write_file_atomic(path("RUNNING"), contents, 0600);
}

void data_dir::remove_marker() {
  ::unlink(path("RUNNING").c_str());
}

std::string data_dir::write_crash_report(const std::string& contents) const {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  auto p =
      path("crash/" + std::to_string(ms) + "-" + std::to_string(::getpid()) + ".txt");
  if (write_file_atomic(p, contents, 0600)) return {};
  return p;
}

std::optional<std::string> data_dir::load_or_create_token(std::string& token,
                                                          std::string& note) {
  auto p = path("admin.token");
  struct stat sb;
  if (::stat(p.c_str(), &sb) == 0) {
    if ((sb.st_mode & 077) != 0) {
      if (::chmod(p.c_str(), 0600) != 0)
        return errno_text("cannot restrict permissions of", p);
      note = "admin.token was readable by other users; permissions reset to 0600";
    }
    auto contents = read_small_file(p, 4096);
    if (!contents) return errno_text("cannot read", p);
    token = *contents;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
      token.pop_back();
    if (token.size() >= 32) return std::nullopt;
    note = "admin.token was too short; a new token was generated";
  }
  unsigned char raw[32];
  randombytes_buf(raw, sizeof(raw));
  char hex[sizeof(raw) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
  sodium_memzero(raw, sizeof(raw));
  token = hex;
  sodium_memzero(hex, sizeof(hex));
  return write_file_atomic(p, token + "\n", 0600);
}

std::optional<std::string> data_dir::write_port(uint16_t port) {
  return write_file_atomic(path("admin.port"), std::to_string(port) + "\n", 0644);
}

void data_dir::remove_port() {
  ::unlink(path("admin.port").c_str());
}

std::optional<std::string> write_file_atomic(const std::string& path,
                                             const std::string& contents, unsigned mode) {
  auto tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return errno_text("cannot create", tmp);
  ::fchmod(fd, mode);
  size_t off = 0;
  while (off < contents.size()) {
    auto n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto err = errno_text("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    auto err = errno_text("cannot sync", tmp);
    ::unlink(tmp.c_str());
    return err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = errno_text("cannot rename into", path);
    ::unlink(tmp.c_str());
    return err;
  }
  return std::nullopt;
}

std::optional<std::string> read_small_file(const std::string& path, size_t max_size) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  std::string out;
  out.resize(max_size);
  in.read(out.data(), static_cast<std::streamsize>(max_size));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

}  // namespace nz
