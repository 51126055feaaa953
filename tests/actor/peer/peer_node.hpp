// One simulated node of the deterministic peer tests, and the options it is
// started with (peer_fixture::start_node()). A node is plain data: the fixture
// spawns and owns its actors and kills them at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/timespan.hpp>

#include "messages/peer_api.hpp"
#include "peer_test_helpers.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "support/temp_dir.hpp"

namespace nz::test {

/// What one node is made of.
struct peer_node {
  std::string name;  ///< "a", "b", ...
  std::string host;  ///< "nodea": the simulated host it listens on
  uint16_t port = 0;
  std::unique_ptr<temp_dir> tmp;
  std::shared_ptr<service_registry> reg = std::make_shared<service_registry>();
  caf::actor identity;
  caf::actor storage;
  caf::actor metrics;
  caf::actor trust;  ///< only with node_options::with_trust
  caf::actor manager;
  /// The handshake timeout of its manager, and of its inbound links.
  caf::timespan handshake_timeout = std::chrono::seconds(5);
  std::string node_id;
  std::string key_hex;  ///< Ed25519 public key, 64 hex digits
  byte_vec key;

  peer_manager_actor mgr() const { return caf::actor_cast<peer_manager_actor>(manager); }
  std::string address() const { return host + ":" + std::to_string(port); }
};

struct node_options {
  std::string policy = "open";
  uint8_t min_level = 2;
  bool with_trust = false;
  caf::timespan handshake_timeout = std::chrono::seconds(5);
  caf::timespan request_timeout = std::chrono::seconds(5);
};

}  // namespace nz::test
