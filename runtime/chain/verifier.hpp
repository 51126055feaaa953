// Incremental verification of a stored hash chain: feed the encoded entries in
// storage order; the verifier stops at the first entry that breaks the chain
// and names it. Used at startup (trust log, audit log) and by tools.
//
// An entry breaks the chain when it does not decode, when its seq is not the
// expected next one (a gap: an entry was dropped; or lower: an old entry was
// replayed or entries were reordered), or when its prev is not the hash of the
// entry before it (a changed byte anywhere in an earlier entry, or a wrong
// starting point). Every reason starts with the expected seq, e.g.
//   "seq 7: previous-hash mismatch"
//   "seq 9: does not decode: 3 trailing bytes after entry"
//   "seq 5: gap: expected seq 5, found 6"
//   "seq 5: out of order: expected seq 5, found 3 (replayed or reordered entry)"
//
// Thread rules: one thread at a time; plain value.
#pragma once

#include "runtime/chain/entry.hpp"

#include <optional>
#include <string>

namespace nz::chain {

/// The first bad entry and why.
struct break_info {
  /// The seq the bad entry should have had (its storage position).
  uint64_t seq = 0;
  std::string reason;
};

class verifier {
 public:
  /// Verifies the chain `domain` starting at `first_seq`, whose first entry
  /// must carry `prev` (all zero for a chain that starts at its beginning; the
  /// head of the last trusted entry when resuming). REQUIRES: first_seq >= 1.
  explicit verifier(std::string domain, uint64_t first_seq = 1, hash32 prev = {});

  /// Checks the next stored entry. Returns true and, if `out` is not null, the
  /// decoded entry when it continues the chain; false at the first break and
  /// for every call afterwards (broken() then says where and why).
  [[nodiscard]] bool feed(const uint8_t* data, size_t size, entry* out = nullptr);

  const std::optional<break_info>& broken() const { return broken_; }
  /// Entries accepted so far.
  uint64_t count() const { return count_; }
  /// Hash of the last accepted entry (the `prev` given at construction if none).
  hash32 head() const { return head_; }
  /// Seq of the last accepted entry (first_seq - 1 if none).
  uint64_t last_seq() const { return next_seq_ - 1; }

 private:
  bool fail(const std::string& reason);

  std::string domain_;
  uint64_t next_seq_;
  hash32 head_;
  uint64_t count_ = 0;
  std::optional<break_info> broken_;
};

}  // namespace nz::chain
