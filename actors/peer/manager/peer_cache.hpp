// The peer manager's journaled state: the peers we know, how to reach them and
// how their recent connection attempts went. A pure value type that meets the
// contract of runtime/persist/journaled.hpp (apply / encode / decode); every
// time is passed in by the caller and recorded inside the change, so replay is
// deterministic.
//
// Rules (docs/peer-manager.md, "Peer cache"):
// - upsert(id, key, address, source, now): a new peer is inserted with no
//   connection history. For a known peer:
//   - a different public key: ignored (a node id's key is pinned at first sight);
//   - source bootstrap: address, updated_ms = now, and the peer becomes bootstrap;
//   - source learned on a bootstrap peer: ignored (gossip cannot move a
//     configured peer);
//   - source learned on a learned peer: address, updated_ms = now.
// - connected(id, now): last_connected_ms = now, failures = 0.
// - failed(id, now): failures + 1 (saturating), last_failure_ms = now.
// - forget(id): removes the peer (bootstrap ones too).
// - connected/failed/forget of an unknown peer change nothing.
// - At most max_peers peers: after an insertion beyond that, the stalest
//   learned peer is evicted, possibly the new one. Stalest = never connected
//   before connected; then the older time (last_connected_ms, or updated_ms for
//   never-connected peers); then the smaller node id. If only bootstrap peers
//   remain, the new peer itself is dropped.
// - A snapshot holding more peers than max_peers (taken with a larger limit)
//   decodes whole; the next insertion evicts down to the limit.
//
// Formats (little-endian, storage/byte_codec.hpp):
//   change   = tag u8, node id (32 raw bytes), then by tag
//              1 upsert:    key (32 raw bytes), address (string <= 255),
//                           source u8 (0 bootstrap, 1 learned), now i64
//              2 connected: now i64     3 failed: now i64     4 forget: nothing
//   snapshot = version u8 (1), count varint (<= 100000), count records in
//              strictly ascending node id order:
//              node id (32), key (32), address (string <= 255), flags u8
//              (bit0 learned, bit1 has last_connected, bit2 has last_failure,
//              others zero), updated_ms i64, [last_connected_ms i64],
//              [last_failure_ms i64], failures varint (<= 2^32-1; > 0 only with
//              a last_failure).
//   decode accepts only this canonical form, so encode(decode(x)) == x; it
//   allocates at most one record per 71 input bytes.
//
// Thread rules: a plain value; one owner (the peer manager's actor).
#pragma once

#include "actors/peer/manager/peer_manager_error.hpp"
#include "actors/peer/manager/peer_record.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nz::peer {

struct peer_cache_limits {
  /// Peers kept (clamped to [1, peer_cache::max_snapshot_peers]).
  size_t max_peers = 1000;
};

class peer_cache {
 public:
  using bytes = std::vector<uint8_t>;

  /// The most records a snapshot may hold (a hard bound for decode).
  static constexpr size_t max_snapshot_peers = 100'000;

  peer_cache() : peer_cache(peer_cache_limits{}) {}
  explicit peer_cache(peer_cache_limits limits);

  // -- changes (journal entries) -------------------------------------------------

  /// Errors: bad_node_id, bad_address, bad_source.
  static peer_manager_result<bytes> upsert_change(std::string_view node_id,
                                                  const ed25519_public_key& key,
                                                  std::string_view address,
                                                  peer_source source, int64_t now_ms);
  /// Errors: bad_node_id.
  static peer_manager_result<bytes> connected_change(std::string_view node_id,
                                                     int64_t now_ms);
  /// Errors: bad_node_id.
  static peer_manager_result<bytes> failed_change(std::string_view node_id,
                                                  int64_t now_ms);
  /// Errors: bad_node_id.
  static peer_manager_result<bytes> forget_change(std::string_view node_id);

  /// Applies a change. Errors: malformed_change (the state is unchanged).
  [[nodiscard]] peer_manager_status try_apply(const bytes& change);

  /// try_apply for journaled<>: a malformed change (which storage's checksum
  /// and the constructors above rule out) changes nothing.
  void apply(const bytes& change);

  // -- snapshots -----------------------------------------------------------------

  bytes encode() const;
  /// Replaces `out` (keeping its limits) with the decoded snapshot; false, with
  /// `out` untouched, on anything but the canonical form.
  static bool decode(const bytes& data, peer_cache& out);

  // -- queries -------------------------------------------------------------------

  /// The peer with this node id (either case), or nullptr.
  const peer_record* find(std::string_view node_id) const;
  /// All peers by node id (lowercase hex).
  const std::map<std::string, peer_record, std::less<>>& peers() const { return peers_; }
  size_t size() const { return peers_.size(); }
  const peer_cache_limits& limits() const { return limits_; }

  /// Same peers (limits are configuration, not state).
  friend bool operator==(const peer_cache& a, const peer_cache& b) {
    return a.peers_ == b.peers_;
  }
  friend bool operator!=(const peer_cache& a, const peer_cache& b) { return !(a == b); }

 private:
  void upsert(peer_record rec);
  void evict_if_full(const std::string& inserted);

  peer_cache_limits limits_;
  std::map<std::string, peer_record, std::less<>> peers_;
};

}  // namespace nz::peer
