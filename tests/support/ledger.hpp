// A test-only journaled state: an append-only ledger of numbered entries with a
// running digest. Entry n must carry value n (so replay proves no entry was lost,
// duplicated or reordered), and the digest makes states with the same count but
// different histories compare unequal.
#pragma once

#include <cstdint>
#include <vector>

namespace nz::test {

struct ledger {
  uint64_t count = 0;
  uint64_t digest = 0;

  static std::vector<uint8_t> change(uint64_t value);
  /// Throws std::runtime_error on a malformed or out-of-order entry.
  void apply(const std::vector<uint8_t>& change);
  std::vector<uint8_t> encode() const;
  static bool decode(const std::vector<uint8_t>& data, ledger& out);

  /// The state after appending 1..n.
  static ledger after(uint64_t n);

  friend bool operator==(const ledger& a, const ledger& b) {
    return a.count == b.count && a.digest == b.digest;
  }
};

}  // namespace nz::test
