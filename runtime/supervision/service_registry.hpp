// The registry of named services that supervisors keep current across restarts.
//
// Callers find a service by name at the moment they need it, so nobody holds a
// stale handle after a restart. The registry also records what `nzctl actors`
// shows: the tree (parent names), state, restart count and last exit reason.
// Thread-safe: supervisors on scheduler threads write, anyone reads.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>

namespace nz {

enum class service_state : uint8_t {
  starting,
  running,
  restarting,
  stopping,
  stopped,
  failed
};
const char* to_string(service_state x);

struct service_entry {
  std::string name;
  /// Name of the supervising actor; empty for the root.
  std::string parent;
  /// "supervisor" or "worker".
  std::string kind;
  /// For supervisors: the strategy name.
  std::string strategy;
  service_state state = service_state::starting;
  uint64_t restarts = 0;
  /// Rendered reason of the last exit; empty if it never exited.
  std::string last_exit_reason;
  int64_t last_exit_unix_ms = 0;
  /// Last recovery note (e.g. "replayed 12 entries after snapshot 40").
  std::string last_recovery;
  caf::actor handle;
};

/// Process-wide state of the node, shown by `nzctl status`. `down`: the
/// supervision tree has ended (cleanly or not); nothing will be restarted.
enum class node_state : uint8_t { starting, running, stopping, down };
const char* to_string(node_state x);

class service_registry {
 public:
  /// Adds `name` (or updates its static facts) in state `starting`.
  void declare(const std::string& name, const std::string& parent,
               const std::string& kind, const std::string& strategy = {});

  void set_running(const std::string& name, caf::actor handle);
  /// Records an exit; `restarting` when a restart follows.
  void set_exited(const std::string& name, service_state next, const std::string& reason,
                  int64_t unix_ms);
  void set_state(const std::string& name, service_state state);
  void add_restart(const std::string& name);
  void set_recovery(const std::string& name, const std::string& note);

  /// The running actor for `name`, or an invalid handle.
  caf::actor get(const std::string& name) const;

  /// All entries in declaration order (parents before children).
  std::vector<service_entry> entries() const;

  /// Adds a node-level warning (e.g. a snapshot fallback) shown by `nzctl status`.
  /// Keeps the newest 50.
  void add_warning(const std::string& text);
  std::vector<std::string> warnings() const;

  void set_node_state(node_state s) { node_state_ = s; }
  node_state get_node_state() const { return node_state_; }

 private:
  service_entry* find(const std::string& name);

  mutable std::mutex mtx_;
  std::vector<service_entry> entries_;
  std::vector<std::string> warnings_;
  std::atomic<node_state> node_state_{node_state::starting};
};

}  // namespace nz
