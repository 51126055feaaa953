#include "runtime/crypto/passphrase.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sodium.h>

namespace nz::crypto {

namespace {

crypto_error bad(std::string msg) {
  return make_crypto_error(crypto_errc::bad_passphrase, std::move(msg));
}

/// Reads until EOF or `cap` bytes; returns -1 with errno on error.
ssize_t read_all(int fd, uint8_t* buf, size_t cap) {
  size_t len = 0;
  while (len < cap) {
    auto n = ::read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(len);
}

// -- terminal handling ----------------------------------------------------------

constexpr int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
constexpr size_t num_prompt_signals = sizeof(prompt_signals) / sizeof(int);

volatile std::sig_atomic_t caught_signal = 0;

extern "C" void on_prompt_signal(int sig) {
  caught_signal = sig;
}

/// Echo off plus our signal handlers for its lifetime; restores both.
class echo_off {
 public:
  echo_off(int fd) : fd_(fd) {}
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;

  crypto_status start() {
    if (::tcgetattr(fd_, &saved_) != 0)
      return make_crypto_error(crypto_errc::system_error,
                               errno_message("tcgetattr on the terminal", "", errno));
    caught_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_prompt_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: read() returns EINTR
    for (size_t i = 0; i < num_prompt_signals; ++i)
      ::sigaction(prompt_signals[i], &sa, &old_actions_[i]);
    handlers_installed_ = true;
    struct termios t = saved_;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK);
    t.c_lflag |= ECHONL;  // the user still sees the line end
    // TCSAFLUSH drops typeahead typed while echo was still on.
    if (::tcsetattr(fd_, TCSAFLUSH, &t) != 0)
      return make_crypto_error(crypto_errc::system_error,
                               errno_message("tcsetattr on the terminal", "", errno));
    termios_changed_ = true;
    return {};
  }

  /// Restores the terminal and the handlers; re-raises a caught signal.
  void stop() {
    if (termios_changed_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    termios_changed_ = false;
    if (!handlers_installed_) return;
    for (size_t i = 0; i < num_prompt_signals; ++i)
      ::sigaction(prompt_signals[i], &old_actions_[i], nullptr);
    handlers_installed_ = false;
    if (int sig = caught_signal; sig != 0) ::raise(sig);
  }

  ~echo_off() { stop(); }

 private:
  int fd_;
  struct termios saved_ {};
  struct sigaction old_actions_[num_prompt_signals] {};
  bool handlers_installed_ = false;
  bool termios_changed_ = false;
};

void write_text(int fd, const char* s) {
  size_t len = std::strlen(s);
  while (len > 0) {
    auto n = ::write(fd, s, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a prompt we cannot show is not fatal
    s += n;
    len -= static_cast<size_t>(n);
  }
}

/// Reads one line (without "\n" or "\r\n") into `out`.
crypto_status read_line(secret_string& out, int fd) {
  out.clear();
  size_t len = 0;
  bool too_long = false;
  bool got_newline = false;
  {
    auto w = out.write();
    for (;;) {
      uint8_t c = 0;
      // A signal that arrived before read() would otherwise be lost.
      auto n = caught_signal != 0 ? (errno = EINTR, -1) : ::read(fd, &c, 1);
      if (n < 0) {
        if (errno == EINTR && caught_signal == 0) continue;
        if (errno == EINTR)
          return bad(fmt::format("passphrase prompt interrupted by signal {}",
                                 static_cast<int>(caught_signal)));
        return make_crypto_error(
            crypto_errc::io_error,
            errno_message("cannot read from the terminal", "", errno));
      }
      if (n == 0) break;  // end of input (Ctrl-D)
      if (c == '\n') {
        got_newline = true;
        break;
      }
      if (len < w.size())
        w[len++] = c;
      else
        too_long = true;  // keep reading to consume the rest of the line
      sodium_memzero(&c, 1);
    }
  }
  out.resize(len);
  if (len > 0 && out.read()[len - 1] == '\r') out.resize(len - 1);
  if (too_long) {
    out.clear();
    return bad(fmt::format("passphrase longer than {} bytes", out.max_size()));
  }
  if (out.empty())
    return bad(got_newline ? "empty passphrase" : "no passphrase entered (end of input)");
  return {};
}

}  // namespace

// -- files --------------------------------------------------------------------

crypto_status read_passphrase_file(secret_string& out, std::string& note,
                                   const std::string& path) {
  note.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    auto code = errno == ENOENT ? crypto_errc::not_found : crypto_errc::io_error;
    return make_crypto_error(code,
                             errno_message("cannot open passphrase file", path, errno));
  }
  struct stat sb {};
  if (::fstat(fd, &sb) != 0) {
    auto msg = errno_message("cannot stat passphrase file", path, errno);
    ::close(fd);
    return make_crypto_error(crypto_errc::io_error, msg);
  }
  if (S_ISDIR(sb.st_mode)) {
    ::close(fd);
    return make_crypto_error(crypto_errc::io_error,
                             "passphrase file " + path + " is a directory");
  }
  if (S_ISREG(sb.st_mode) && static_cast<uint64_t>(sb.st_size) > passphrase_file_max) {
    ::close(fd);
    return bad(fmt::format("passphrase file {} has {} bytes; the limit is {}", path,
                           sb.st_size, passphrase_file_max));
  }
  if (S_ISREG(sb.st_mode) && (sb.st_mode & 077) != 0)
    note = fmt::format(
        "warning: passphrase file {} is accessible by group or others (mode {:04o}); "
        "restrict it with chmod 600",
        path, sb.st_mode & 07777);
  secret_string tmp(passphrase_file_max);
  ssize_t len;
  bool more = false;
  {
    auto w = tmp.write();
    len = read_all(fd, w.data(), w.size());
    if (len == static_cast<ssize_t>(w.size())) {
      uint8_t extra = 0;  // a pipe can hold more than fstat said
      more = read_all(fd, &extra, 1) == 1;
      sodium_memzero(&extra, 1);
    }
  }
  int err = errno;
  ::close(fd);
  if (len < 0)
    return make_crypto_error(crypto_errc::io_error,
                             errno_message("cannot read passphrase file", path, err));
  if (more)
    return bad(fmt::format("passphrase file {} is longer than {} bytes", path,
                           passphrase_file_max));
  auto n = static_cast<size_t>(len);
  tmp.resize(n);
  if (n > 0 && tmp.read()[n - 1] == '\n') {
    --n;
    if (n > 0 && tmp.read()[n - 1] == '\r') --n;
    tmp.resize(n);
  }
  if (n == 0) return bad(fmt::format("passphrase file {} is empty", path));
  out = std::move(tmp);
  return {};
}

crypto_status read_systemd_credential(secret_string& out, std::string& note) {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0')
    return make_crypto_error(crypto_errc::not_found,
                             "CREDENTIALS_DIRECTORY is not set (no systemd credential "
                             "nzcore-passphrase)");
  return read_passphrase_file(out, note,
                              std::string{dir} + "/" + passphrase_credential_name);
}

// -- terminal -------------------------------------------------------------------

crypto_status prompt_passphrase(secret_string& out, const char* prompt, bool confirm) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return make_crypto_error(crypto_errc::no_terminal,
                             "no terminal to prompt for the passphrase (/dev/tty: "
                                 + std::string{std::strerror(errno)}
                                 + "); use a passphrase file or systemd credential");
  auto st = prompt_passphrase_on(out, fd, prompt, confirm);
  ::close(fd);
  return st;
}

crypto_status prompt_passphrase_on(secret_string& out, int tty_fd, const char* prompt,
                                   bool confirm) {
  if (!::isatty(tty_fd))
    return make_crypto_error(crypto_errc::no_terminal,
                             "cannot prompt for the passphrase: not a terminal");
  echo_off guard{tty_fd};
  if (auto st = guard.start(); !st) return st;
  write_text(tty_fd, prompt);
  secret_string first(out.max_size() > 0 ? out.max_size()
                                         : secret_string::default_max_size);
  if (auto st = read_line(first, tty_fd); !st) return st;
  if (confirm) {
    write_text(tty_fd, "Repeat passphrase: ");
    secret_string second(first.max_size());
    if (auto st = read_line(second, tty_fd); !st) return st;
    if (!first.equals(second)) return bad("passphrases do not match");
  }
  guard.stop();
  out = std::move(first);
  return {};
}

// -- policy ---------------------------------------------------------------------

crypto_status check_new_passphrase(const secret_string& passphrase) {
  size_t chars = 0;
  {
    auto r = passphrase.read();
    for (size_t i = 0; i < r.size(); ++i)
      if ((r[i] & 0xC0) != 0x80) ++chars;  // count UTF-8 lead bytes
  }
  if (chars < passphrase_min_chars)
    return bad(fmt::format("passphrase too short: {} characters, at least {} required",
                           chars, passphrase_min_chars));
  return {};
}

}  // namespace nz::crypto
