// Fuzzes the peer cache (actors/peer/manager/peer_cache): snapshot decode and
// change application on hostile bytes. Checks, trapping on any violation:
// - a snapshot that decodes re-encodes to exactly the input (canonical form);
// - a change that try_apply refuses leaves the state unchanged;
// - after every change the state round-trips through encode/decode and stays
//   within max_peers (or within the size of an oversized decoded snapshot).
// Input layout for the structured part: limit byte, snapshot length (u16 LE),
// snapshot, then changes as (length u8, bytes). The whole input is also tried
// as one snapshot and as one change.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "actors/peer/manager/peer_cache.hpp"

using nz::peer::peer_cache;
using nz::peer::peer_cache_limits;
using bytes = std::vector<uint8_t>;

namespace {

void check_round_trip(const peer_cache& c) {
  auto snap = c.encode();
  peer_cache again{c.limits()};
  if (!peer_cache::decode(snap, again) || !(again == c) || again.encode() != snap)
    __builtin_trap();
}

void apply_checked(peer_cache& c, const bytes& change, size_t bound) {
  auto before = c;
  auto st = c.try_apply(change);
  if (!st && !(c == before)) __builtin_trap();
  if (c.size() > bound) __builtin_trap();
  check_round_trip(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bytes all(data, data + size);
  {
    peer_cache c;
    if (peer_cache::decode(all, c) && c.encode() != all) __builtin_trap();
    peer_cache fresh;
    apply_checked(fresh, all, 1000);
  }
  if (size < 3) return 0;
  peer_cache_limits limits{1 + data[0] % 16u};
  size_t snap_len = std::min<size_t>(data[1] | (size_t{data[2]} << 8), size - 3);
  bytes snap(data + 3, data + 3 + snap_len);
  peer_cache c{limits};
  if (peer_cache::decode(snap, c) && c.encode() != snap) __builtin_trap();
  size_t bound = std::max(limits.max_peers, c.size());
  for (size_t pos = 3 + snap_len; pos < size;) {
    size_t len = std::min<size_t>(data[pos], size - pos - 1);
    bytes change(data + pos + 1, data + pos + 1 + len);
    apply_checked(c, change, bound);
    pos += 1 + len;
  }
  return 0;
}
