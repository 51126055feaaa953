// Failure accounting for the operator plane: the pure state behind the
// auth_limiter actor. All times are Unix milliseconds passed in by the caller and
// recorded inside each journal entry, so replay is deterministic and a lockout
// survives actor crashes and process restarts.
//
// Rules (limits are configurable, defaults in auth_limits):
// - `max_failures` failures from one client within `lockout_ms` lock it out for
//   `lockout_ms`; while locked out it is refused before its token is checked.
// - A failure older than `lockout_ms` no longer counts towards the next lockout.
// - A success clears the client's failure count (not an active lockout).
// - Globally at most `global_budget` failures are accepted per `global_window_ms`;
//   past that every client is throttled (not even checked) until the window
//   frees up, so connecting under a new client name resets nothing.
// - At most `max_clients` client records are kept; the stalest unlocked ones are
//   dropped first (the global budget still bounds what that can gain anyone).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace nz {

struct auth_limits {
  uint32_t max_failures = 5;
  int64_t lockout_ms = 15 * 60 * 1000;
  uint32_t global_budget = 20;
  int64_t global_window_ms = 60 * 1000;
  size_t max_clients = 10000;
};

enum class auth_outcome : uint8_t { allowed = 0, locked_out = 1, throttled = 2 };

struct auth_decision {
  auth_outcome outcome = auth_outcome::allowed;
  int64_t retry_after_ms = 0;
  uint32_t failures = 0;
};

class auth_limiter {
 public:
  struct client_record {
    /// Times of this client's failures inside the window, oldest first (at most
    /// max_failures of them).
    std::vector<int64_t> recent;
    /// Failures counted towards the next lockout (recent.size()).
    uint32_t failures = 0;
    int64_t last_failure_ms = 0;
    int64_t locked_until_ms = 0;
  };

  auth_limiter() = default;
  explicit auth_limiter(auth_limits limits) : limits_(limits) {}

  void set_limits(const auth_limits& limits) { limits_ = limits; }
  const auth_limits& limits() const { return limits_; }

  /// May `client` attempt to authenticate at `now_ms`?
  auth_decision check(const std::string& client, int64_t now_ms) const;

  /// Journal entries. Client names are truncated to 128 bytes.
  static std::vector<uint8_t> failure_change(const std::string& client, int64_t now_ms);
  static std::vector<uint8_t> success_change(const std::string& client, int64_t now_ms);

  /// Applies a journal entry. REQUIRES: it came from failure_change/success_change
  /// (storage checksums it); throws std::runtime_error otherwise.
  void apply(const std::vector<uint8_t>& change);

  std::vector<uint8_t> encode() const;
  static bool decode(const std::vector<uint8_t>& data, auth_limiter& out);

  /// Total lockouts ever started.
  uint64_t lockouts() const { return lockouts_; }
  const std::map<std::string, client_record>& clients() const { return clients_; }

  friend bool operator==(const auth_limiter& a, const auth_limiter& b);

 private:
  void expire(int64_t now_ms);
  void evict_if_full();

  auth_limits limits_;
  std::map<std::string, client_record> clients_;
  std::deque<int64_t> global_failures_;
  uint64_t lockouts_ = 0;
};

}  // namespace nz
