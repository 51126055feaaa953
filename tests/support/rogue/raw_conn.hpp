// A raw TCP client for the peer port: it sends whatever bytes a phase wants
// (well-formed records, hostile headers, nothing at all) and reads the node's
// records with the node's own record reader (actors/peer/session/record.hpp).
//
// Thread rules: one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "actors/peer/session/record.hpp"
#include "support/rogue/options.hpp"
#include "support/rogue/rogue_util.hpp"

namespace nz::rogue {

class raw_conn {
 public:
  /// Connects to `to` from the local address `source` (empty: the kernel's
  /// choice). nullopt and `err` on failure.
  static std::optional<raw_conn> open(const endpoint& to, const std::string& source,
                                      std::string& err);

  raw_conn(raw_conn&& other) noexcept;
  raw_conn& operator=(raw_conn&& other) noexcept;
  raw_conn(const raw_conn&) = delete;
  raw_conn& operator=(const raw_conn&) = delete;
  ~raw_conn();

  /// Writes all of [p, p + n) within timeout_ms; false if the node closed the
  /// connection or the kernel took less in time.
  bool send_bytes(const uint8_t* p, size_t n, int64_t timeout_ms = 3000);
  bool send_bytes(const bytes& b) { return send_bytes(b.data(), b.size()); }

  /// A well-formed record (encode_record).
  bool send_record(peer::record_kind kind, const bytes& payload);

  /// A record header with any length and kind byte, followed by `payload`.
  static bytes raw_record(uint32_t len, uint8_t kind, const bytes& payload);

  /// The next record from the node within timeout_ms; nullopt on timeout or
  /// when the connection closed (see closed()).
  std::optional<peer::record_bytes> read_record(int64_t timeout_ms);

  /// Reads (and keeps the records of) whatever arrives until the node closes
  /// the connection or timeout_ms pass. Milliseconds until the close, or -1
  /// if the connection is still open.
  int64_t wait_closed(int64_t timeout_ms);

  /// Writes as much of [p, p + n) as the kernel takes now (non-blocking);
  /// bytes written, 0 if none, -1 if the connection is gone.
  long try_send(const uint8_t* p, size_t n);

  /// Reads what is there without waiting; false once the connection closed.
  bool poll_in();

  bool closed() const { return closed_; }
  /// Kinds of every record the node sent ("handshake2,abort", ...).
  const std::string& kinds_seen() const { return kinds_; }
  size_t bytes_read() const { return bytes_read_; }
  /// Records read and not yet taken by read_record().
  size_t pending() const { return pending_.size(); }
  void close();

 private:
  explicit raw_conn(int fd) : fd_(fd) {}
  /// One read, waiting at most timeout_ms: false on timeout or close.
  bool read_some(int64_t timeout_ms);

  int fd_ = -1;
  bool closed_ = false;
  peer::record_reader reader_;
  std::deque<peer::record_bytes> pending_;
  std::string kinds_;
  size_t bytes_read_ = 0;
};

}  // namespace nz::rogue
