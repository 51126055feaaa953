// What the peer manager remembers about one peer, and the validation rules for
// the fields that arrive from outside (configuration, gossip).
//
// - node id: 64 hexadecimal digits, the BLAKE2b-256 of the Ed25519 public key
//   (docs/identity.md). Stored in lowercase; parse_node_id accepts either case.
//   This layer does not hash: the caller checks id == BLAKE2b(pk) before it
//   creates an upsert change.
// - address: "host:port", at most 255 bytes. host is non-empty printable ASCII
//   without spaces; a host containing ':' (IPv6) must be bracketed, "[::1]:7000".
//   port is decimal 1..65535 without leading zeros.
//
// Thread rules: plain values and pure functions.
#pragma once

#include "actors/peer/manager/peer_manager_error.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nz::peer {

/// How we learned about a peer. Bootstrap peers come from the configuration and
/// are never evicted to make room; learned peers come from other peers.
enum class peer_source : uint8_t { bootstrap = 0, learned = 1 };

/// "bootstrap" or "learned".
const char* to_string(peer_source x);

/// A canonical (32-byte) Ed25519 public key.
using ed25519_public_key = std::array<uint8_t, 32>;

struct peer_record {
  /// 64 lowercase hex digits.
  std::string node_id;
  ed25519_public_key public_key{};
  /// "host:port", valid_peer_address.
  std::string address;
  peer_source source = peer_source::learned;
  /// Time of the last upsert (first learned, or last confirmed by config/gossip).
  int64_t updated_ms = 0;
  /// Time of the last successful connection, if any.
  std::optional<int64_t> last_connected_ms;
  /// Time of the last failed attempt, if any.
  std::optional<int64_t> last_failure_ms;
  /// Consecutive failed attempts since the last successful connection: the
  /// reconnect backoff's failure count (backoff::ceiling_ms). Saturates.
  uint32_t failures = 0;

  friend bool operator==(const peer_record& a, const peer_record& b);
  friend bool operator!=(const peer_record& a, const peer_record& b) { return !(a == b); }
};

/// The longest accepted address.
constexpr size_t max_peer_address_size = 255;

/// True if `address` follows the rules above.
bool valid_peer_address(std::string_view address);

/// The node id in lowercase; bad_node_id unless it has 64 hex digits.
peer_manager_result<std::string> parse_node_id(std::string_view node_id);

}  // namespace nz::peer
