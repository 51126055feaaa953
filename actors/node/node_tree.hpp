// The node's composition root: which actors form the supervision tree, in which
// order they start, and which shutdown steps they take part in.
//
//   root (one_for_one)
//   ├─ metrics
//   ├─ identity        secret keys in guarded memory
//   ├─ core (rest_for_one)     storage first: if it restarts, so do its users
//   │  ├─ storage  (detached; owns <data>/db)
//   │  ├─ node_info      (journaled)
//   │  └─ auth_limiter   (journaled)
//   ├─ operator
//   └─ shutdown   (coordinator)
#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/peer/peer_gate.hpp"
#include "runtime/node/node_config.hpp"
#include "runtime/shutdown/shutdown_coordinator.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace nz {

class service_registry;
struct identity_source;

/// What the admin gate publishes on; filled in once it is published.
struct admin_endpoint {
  caf::actor gate;
  uint16_t port = 0;
};

struct node_tree_options {
  node_config config;
  std::string data_dir;
  std::string token;
  bool chaos_enabled = false;
  int64_t start_unix_ms = 0;
  std::shared_ptr<admin_endpoint> admin;
  /// The unlocked seed; only the identity child spec keeps it.
  std::shared_ptr<const identity_source> identity;
};

/// The peer gate's and the peer links' settings from the config
/// (peer-handshake-timeout, peer-max-half-open, peer-handshakes-per-source,
/// peer-frame-rate).
peer_gate_options peer_gate_options_of(const node_config& cfg);

supervisor_spec make_node_tree(std::shared_ptr<service_registry> reg,
                               const node_tree_options& opts);

}  // namespace nz
