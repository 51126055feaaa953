#include "runtime/log/log.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <shared_mutex>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/log/redactor.hpp"

namespace nz::log {

namespace {

struct logger {
  std::atomic<level> lvl{level::info};
  std::atomic<format> fmt{format::text};

  mutable std::shared_mutex secrets_mtx;
  redactor secrets;  // guarded by secrets_mtx

  std::mutex sink_mtx;  // guards everything below
  bool to_stderr = true;
  int file_fd = -1;
  std::vector<std::string> ring;  // circular once full
  size_t ring_next = 0;
};

/// Intentionally leaked: logging must keep working while other static objects
/// are destroyed at exit.
logger& instance() {
  static logger* l = new logger;
  return *l;
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    auto n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;  // nowhere to report a failing log sink
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace

// -- configuration ------------------------------------------------------------

std::optional<level> parse_level(std::string_view s) {
  auto l = lower(s);
  if (l == "trace") {
    return level::trace;
  }
  if (l == "debug") {
    return level::debug;
  }
  if (l == "info") {
    return level::info;
  }
  if (l == "warn" || l == "warning") {
    return level::warn;
  }
  if (l == "error") {
    return level::error;
  }
  return std::nullopt;
}

std::optional<format> parse_format(std::string_view s) {
  auto l = lower(s);
  if (l == "text") {
    return format::text;
  }
  if (l == "json") {
    return format::json;
  }
  return std::nullopt;
}

void set_level(level lvl) {
  instance().lvl.store(lvl, std::memory_order_relaxed);
}

level get_level() {
  return instance().lvl.load(std::memory_order_relaxed);
}

bool enabled(level lvl) {
  return lvl >= get_level();
}

void set_format(format f) {
  instance().fmt.store(f, std::memory_order_relaxed);
}

format get_format() {
  return instance().fmt.load(std::memory_order_relaxed);
}

void set_stderr(bool on) {
  auto& l = instance();
  std::lock_guard<std::mutex> guard{l.sink_mtx};
  l.to_stderr = on;
}

std::error_code open_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return {errno, std::generic_category()};
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || ((st.st_mode & 077) != 0 && ::fchmod(fd, 0600) != 0)) {
    std::error_code ec{errno, std::generic_category()};
    ::close(fd);
    return ec;
  }
  auto& l = instance();
  std::lock_guard<std::mutex> guard{l.sink_mtx};
  if (l.file_fd >= 0) {
    ::close(l.file_fd);
  }
  l.file_fd = fd;
  return {};
}

void close_file() {
  auto& l = instance();
  std::lock_guard<std::mutex> guard{l.sink_mtx};
  if (l.file_fd >= 0) {
    ::close(l.file_fd);
  }
  l.file_fd = -1;
}

// -- redaction ----------------------------------------------------------------

bool add_secret(std::string_view secret) {
  auto& l = instance();
  std::unique_lock<std::shared_mutex> guard{l.secrets_mtx};
  return l.secrets.add_secret(secret);
}

void clear_secrets() {
  auto& l = instance();
  std::unique_lock<std::shared_mutex> guard{l.secrets_mtx};
  l.secrets.clear();
}

std::string redact(std::string_view text) {
  auto& l = instance();
  std::shared_lock<std::shared_mutex> guard{l.secrets_mtx};
  return l.secrets.apply(text);
}

// -- logging ------------------------------------------------------------------

void write(level lvl, std::string_view component, std::string_view msg) {
  if (!enabled(lvl)) {
    return;
  }
  auto& l = instance();
  // Redact the raw parts before escaping, so a secret is found in the form the
  // caller passed; the timestamp and level are ours and cannot hold secrets.
  auto line = format_line(get_format(), std::chrono::system_clock::now(), lvl,
                          redact(component), redact(msg));
  line += '\n';
  std::lock_guard<std::mutex> guard{l.sink_mtx};
  if (l.to_stderr) {
    write_all(STDERR_FILENO, line);
  }
  if (l.file_fd >= 0) {
    write_all(l.file_fd, line);
  }
  line.pop_back();
  if (l.ring.size() < recent_capacity) {
    l.ring.push_back(std::move(line));
  } else {
    l.ring[l.ring_next] = std::move(line);
    l.ring_next = (l.ring_next + 1) % recent_capacity;
  }
}

void vlog(level lvl, std::string_view component, fmt::string_view f,
          fmt::format_args args) noexcept {
  try {
    std::string msg;
    try {
      msg = fmt::vformat(f, args);
    } catch (const std::exception& e) {
      msg = fmt::format("<log format error: {}>", e.what());
    }
    write(lvl, component, msg);
  } catch (...) {
    // out of memory while logging: drop the line
  }
}

// -- crash reports ------------------------------------------------------------

std::vector<std::string> recent() {
  auto& l = instance();
  std::lock_guard<std::mutex> guard{l.sink_mtx};
  std::vector<std::string> out;
  out.reserve(l.ring.size());
  for (size_t i = 0; i < l.ring.size(); ++i) {
    out.push_back(l.ring[(l.ring_next + i) % l.ring.size()]);
  }
  return out;
}

void clear_recent() {
  auto& l = instance();
  std::lock_guard<std::mutex> guard{l.sink_mtx};
  l.ring.clear();
  l.ring_next = 0;
}

}  // namespace nz::log
