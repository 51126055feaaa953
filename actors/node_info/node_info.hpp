// Durable facts about the node's life (first start, boots, unclean shutdowns,
// last recovery): the pure state behind the node_info actor. Changes are encoded
// as journal entries and replayed by nz::journaled (runtime/persist).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nz {

class node_info {
 public:
  int64_t first_start_ms = 0;
  uint64_t boot_count = 0;
  uint64_t unclean_shutdowns = 0;
  int64_t last_boot_ms = 0;
  int64_t last_recovery_ms = 0;
  std::string last_recovery;

  /// The journal entry for one boot at `now_ms`; `detail` describes the recovery
  /// when `unclean` (bounded to 1 KiB).
  static std::vector<uint8_t> boot_change(bool unclean, int64_t now_ms,
                                          std::string detail);

  void apply(const std::vector<uint8_t>& change);
  std::vector<uint8_t> encode() const;
  static bool decode(const std::vector<uint8_t>& data, node_info& out);

  friend bool operator==(const node_info& a, const node_info& b);
};

}  // namespace nz
