// Node settings: defaults, the `[nzcore]` section of the config file (CAF's
// config format, e.g. config/nzcore.conf) and `--dump-config`. Unknown keys and
// values of the wrong type are errors that name the key: a typo never silently
// falls back to a default.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nz {

struct node_config {
  using ms = std::chrono::milliseconds;
  uint16_t admin_port = 0;  ///< 0: the OS picks one (written to <data>/admin.port)
  std::string log_level = "info";
  std::string log_format = "text";  ///< text | json
  ms shutdown_timeout{30000};
  uint64_t snapshot_every = 1000;
  ms snapshot_interval{60000};
  uint64_t restart_intensity = 5;
  ms restart_window{10000};
  ms restart_backoff{10};
  ms restart_backoff_max{2000};
  uint64_t auth_max_failures = 5;
  ms auth_lockout{15 * 60 * 1000};
  uint64_t auth_global_budget = 20;
  ms auth_global_window{60000};
  uint64_t lmdb_map_size = uint64_t{1} << 30;
  uint64_t kv_max_key = 256;
  uint64_t kv_max_value = 100 * 1024;
  uint64_t kv_max_file = uint64_t{1} << 20;
  ms request_timeout{5000};
  /// Trust store limits (docs/trust.md).
  uint64_t trust_max_trusted = 1000;
  uint64_t trust_max_third_party = 32;
  uint64_t trust_max_batch = 100;
  uint64_t trust_max_depth = 4;
  ms trust_default_ttl{24 * 3600 * 1000};
  /// Peer sessions (docs/protocol.md): listen address and port (0: the OS
  /// picks; written to <data>/peer.port), who may complete a handshake, nodes
  /// dialled at start ("host:port").
  std::string peer_address = "127.0.0.1";
  uint16_t peer_port = 0;
  std::string peer_policy = "trusted";
  uint64_t peer_min_level = 2;
  std::vector<std::string> peer_allow;
  std::vector<std::string> peer_bootstrap;
  uint64_t peer_max_sessions = 1000;
  ms peer_handshake_timeout{5000};
  /// Handshake admission at the peer gate: handshakes in progress at once, and
  /// connections per second (and burst) from one source address.
  uint64_t peer_max_half_open = 64;
  uint64_t peer_handshakes_per_source = 10;
  /// Records per second one peer may send (burst: two seconds' worth); above
  /// it the connection stops reading until tokens are due.
  uint64_t peer_frame_rate = 20000;
};

/// Reads `path` into `out` (keys absent from the file keep their values).
/// Returns an error message naming the file and key, or nullopt on success.
std::optional<std::string> load_node_config(const std::string& path, node_config& out);

/// The effective settings in the config file's own format.
std::string dump_node_config(const node_config& cfg);

/// Validates values that parse but make no sense (e.g. 0 restart window).
std::optional<std::string> validate_node_config(const node_config& cfg);

}  // namespace nz
