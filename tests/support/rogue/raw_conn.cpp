#include "support/rogue/raw_conn.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nz::rogue {

std::optional<raw_conn> raw_conn::open(const endpoint& to, const std::string& source,
                                       std::string& err) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    err = std::strerror(errno);
    return std::nullopt;
  }
  raw_conn c{fd};
  if (!source.empty()) {
    sockaddr_in src{};
    src.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source.c_str(), &src.sin_addr) != 1
        || ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0) {
      err = "bind " + source + ": " + std::strerror(errno);
      return std::nullopt;
    }
  }
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(to.port);
  if (::inet_pton(AF_INET, to.host.c_str(), &sa.sin_addr) != 1
      || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    err = "connect " + to.host + ":" + std::to_string(to.port) + ": "
          + std::strerror(errno);
    return std::nullopt;
  }
  return c;
}

raw_conn::raw_conn(raw_conn&& other) noexcept
    : fd_(other.fd_),
      closed_(other.closed_),
      reader_(std::move(other.reader_)),
      pending_(std::move(other.pending_)),
      kinds_(std::move(other.kinds_)),
      bytes_read_(other.bytes_read_) {
  other.fd_ = -1;
}

raw_conn& raw_conn::operator=(raw_conn&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
    closed_ = other.closed_;
    reader_ = std::move(other.reader_);
    pending_ = std::move(other.pending_);
    kinds_ = std::move(other.kinds_);
    bytes_read_ = other.bytes_read_;
  }
  return *this;
}

raw_conn::~raw_conn() {
  close();
}

void raw_conn::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool raw_conn::send_bytes(const uint8_t* p, size_t n, int64_t timeout_ms) {
  auto deadline = mono_ms() + timeout_ms;
  size_t done = 0;
  while (done < n) {
    auto k = try_send(p + done, n - done);
    if (k < 0) return false;
    done += static_cast<size_t>(k);
    if (done == n) break;
    auto left = deadline - mono_ms();
    if (left <= 0) return false;
    pollfd pfd{fd_, POLLOUT, 0};
    ::poll(&pfd, 1, static_cast<int>(left));
  }
  return true;
}

long raw_conn::try_send(const uint8_t* p, size_t n) {
  if (fd_ < 0) return -1;
  auto k = ::send(fd_, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (k >= 0) return k;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
  closed_ = true;
  return -1;
}

bool raw_conn::send_record(peer::record_kind kind, const bytes& payload) {
  auto rec = peer::encode_record(kind, payload.data(), payload.size());
  return rec && send_bytes(*rec);
}

bytes raw_conn::raw_record(uint32_t len, uint8_t kind, const bytes& payload) {
  bytes out(5 + payload.size());
  out[0] = static_cast<uint8_t>(len >> 24);
  out[1] = static_cast<uint8_t>(len >> 16);
  out[2] = static_cast<uint8_t>(len >> 8);
  out[3] = static_cast<uint8_t>(len);
  out[4] = kind;
  std::copy(payload.begin(), payload.end(), out.begin() + 5);
  return out;
}

bool raw_conn::read_some(int64_t timeout_ms) {
  if (fd_ < 0 || closed_) return false;
  pollfd pfd{fd_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(timeout_ms, 0))) <= 0)
    return false;
  uint8_t buf[65536];
  auto n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) {
    closed_ = true;  // EOF or reset
    return false;
  }
  bytes_read_ += static_cast<size_t>(n);
  std::vector<peer::record_bytes> got;
  (void)reader_.feed(buf, static_cast<size_t>(n), got);
  for (auto& r : got) {
    if (!kinds_.empty()) kinds_ += ',';
    kinds_ += peer::valid_record_kind(r[0])
                  ? peer::to_string(static_cast<peer::record_kind>(r[0]))
                  : "?";
    if (r[0] == static_cast<uint8_t>(peer::record_kind::abort) && r.size() > 1)
      kinds_ += "(with payload)";
    pending_.push_back(std::move(r));
  }
  return true;
}

bool raw_conn::poll_in() {
  while (read_some(0)) {
  }
  return !closed_;
}

std::optional<peer::record_bytes> raw_conn::read_record(int64_t timeout_ms) {
  auto deadline = mono_ms() + timeout_ms;
  while (pending_.empty()) {
    auto left = deadline - mono_ms();
    if (left <= 0 || closed_) return std::nullopt;
    read_some(left);
  }
  auto r = std::move(pending_.front());
  pending_.pop_front();
  return r;
}

int64_t raw_conn::wait_closed(int64_t timeout_ms) {
  auto start = mono_ms();
  auto deadline = start + timeout_ms;
  // At least one look, even with no time left: a close already there counts.
  for (;;) {
    auto left = std::max<int64_t>(deadline - mono_ms(), 0);
    read_some(left);
    if (closed_) return mono_ms() - start;
    if (left == 0) return -1;
  }
}

}  // namespace nz::rogue
