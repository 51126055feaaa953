// Admission control before a handshake starts: the pure state behind the
// listener's accept path. Pure: the caller passes every time in and arms its
// own timer for next_deadline().
//
// Rules (docs/peer-manager.md, "Handshake admission"):
// - admit(source, now) checks, in this order:
//   1. half-open handshakes < max_half_open, else refused(too_many_half_open).
//      This check touches no per-source state, so a flood while the table is
//      full allocates nothing.
//   2. the source's token bucket (burst per_source_per_s, refilled at
//      per_source_per_s tokens per second) has a token, else
//      refused(rate_per_source). An attempt that passes 1 spends a token even
//      if it is the bucket that refuses the next one.
//   Admitted attempts get a fresh ticket (1, 2, ...; never reused) and hold a
//   half-open slot until finish(ticket) or until expire() passes their deadline
//   now + timeout_ms.
// - Sources are compared as bytes (the caller passes the IP address, without the
//   port) and truncated to 255 bytes. At most max_sources are tracked; a new
//   source beyond that evicts the least recently used one. expire() also drops
//   sources whose bucket is full again (they equal a fresh entry).
// - Memory is O(max_sources + max_half_open).
//
// Thread rules: a plain value; one owner (the listener's actor).
#pragma once

#include "messages/result.hpp"

#include "actors/peer/manager/token_bucket.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nz::peer {

struct handshake_limits {
  /// Handshakes per second (and burst) per source address; at least 1.
  uint32_t per_source_per_s = 10;
  /// Handshakes admitted and not yet finished or expired; at least 1.
  uint32_t max_half_open = 64;
  /// A half-open slot is freed this long after admission; at least 1.
  int64_t timeout_ms = 5000;
  /// Source addresses tracked at once; at least 1.
  size_t max_sources = 4096;
};

/// Why an attempt was refused.
enum class handshake_refusal_reason : uint8_t {
  /// The source used up its per-source rate.
  rate_per_source = 1,
  /// max_half_open handshakes are already in progress.
  too_many_half_open = 2,
};

/// "rate_per_source" or "too_many_half_open" (stable: logs, metrics labels).
const char* to_string(handshake_refusal_reason x);

struct handshake_refusal {
  handshake_refusal_reason reason;
  /// When a retry could succeed, as far as this limiter knows: the source's
  /// next token, or the earliest half-open deadline.
  int64_t retry_after_ms = 0;
};

/// Identifies an admitted handshake.
using handshake_ticket = uint64_t;

/// The ticket of an admitted handshake, or why it was refused.
using handshake_admission = basic_result<handshake_ticket, handshake_refusal>;

class handshake_limiter {
 public:
  static constexpr size_t max_source_size = 255;

  handshake_limiter() : handshake_limiter(handshake_limits{}) {}
  explicit handshake_limiter(handshake_limits limits);

  /// May a handshake from `source` start at now_ms? On success the caller
  /// starts it and later calls finish() with the ticket. REQUIRES: the caller
  /// ran expire(now_ms) (its timer) so that timed-out slots are free.
  handshake_admission admit(std::string_view source, int64_t now_ms);

  /// Frees the slot of a completed or failed handshake. Returns false if the
  /// ticket is unknown (never issued, already finished or expired).
  bool finish(handshake_ticket ticket);

  /// Frees every slot whose deadline is <= now_ms and returns those tickets,
  /// earliest deadline first: the caller aborts those handshakes.
  std::vector<handshake_ticket> expire(int64_t now_ms);

  /// The earliest deadline of a half-open handshake, if any.
  std::optional<int64_t> next_deadline() const;

  size_t half_open() const { return deadlines_.size(); }
  size_t tracked_sources() const { return sources_.size(); }
  const handshake_limits& limits() const { return limits_; }

 private:
  struct source_entry {
    token_bucket bucket;
    std::list<std::string>::iterator lru;  // position in lru_
  };

  handshake_limits limits_;
  token_bucket_config bucket_config_;
  std::map<std::string, source_entry, std::less<>> sources_;
  std::list<std::string> lru_;  // least recently used first
  std::map<handshake_ticket, int64_t> deadlines_;
  std::set<std::pair<int64_t, handshake_ticket>> by_deadline_;
  handshake_ticket next_ticket_ = 1;
};

}  // namespace nz::peer
