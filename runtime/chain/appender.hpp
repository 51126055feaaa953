// Builds the next entries of a hash chain: seq = last + 1, prev = head. The
// caller stores the entry and then calls advance(); if storing fails, it does
// not advance and the next call to next() makes the same position again.
//
// Thread rules: one thread at a time (the actor that owns the log); plain value.
#pragma once

#include "runtime/chain/entry.hpp"

#include <string>
#include <vector>

namespace nz::chain {

class appender {
 public:
  /// Continues the chain `domain` after the entry `last_seq` whose hash is
  /// `head` (0 and all zero for an empty chain; else the verifier's last_seq()
  /// and head() after reading the stored log).
  appender(std::string domain, uint64_t last_seq = 0, hash32 head = {});

  /// The entry that would follow the head. REQUIRES: payload.size() <=
  /// max_payload (aborts otherwise).
  entry next(int64_t time_ms, std::vector<uint8_t> payload) const;

  /// Records that `e` (made by next()) was stored. REQUIRES: e.seq ==
  /// last_seq() + 1 and e.prev == head() (aborts otherwise).
  void advance(const entry& e);

  uint64_t last_seq() const { return last_seq_; }
  hash32 head() const { return head_; }
  const std::string& domain() const { return domain_; }

 private:
  std::string domain_;
  uint64_t last_seq_;
  hash32 head_;
};

}  // namespace nz::chain
