// peer_fixture: starting a node (identity, metrics, storage, optionally trust,
// and a peer manager whose dials go to the simulated network).
#include "peer_fixture.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>

#include <doctest/doctest.h>
#include <sodium.h>

#include <caf/actor_cast.hpp>

#include "actors/identity/identity_actor.hpp"
#include "actors/metrics/metrics_actor.hpp"
#include "actors/peer/peer_manager.hpp"
#include "actors/trust/trust_actor.hpp"
#include "messages/identity_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "storage/storage_actor.hpp"

namespace nz::test {

peer_node& peer_fixture::start_node(const std::string& name, uint8_t seed_tag,
                                    uint16_t port, node_options o) {
  auto n = std::make_unique<peer_node>();
  n->name = name;
  n->host = "node" + name;
  n->port = port;
  n->tmp = std::make_unique<temp_dir>("nz-peer-actor-" + name);
  auto reg = n->reg;
  // identity
  auto source = std::make_shared<identity_source>();
  {
    auto w = source->seed.write();
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(seed_tag + i);
  }
  source->kdf = "none (test)";
  n->identity = must(spawn_identity(sys, source), "spawn_identity");
  owned.push_back(n->identity);
  reg->declare("identity", "", "worker");
  reg->set_running("identity", n->identity);
  // metrics
  auto m = spawn_metrics(sys, metrics_options{1'700'000'000'000, "test", 64,
                                              [] { return int64_t{1'700'000'000'000}; }});
  n->metrics = caf::actor_cast<caf::actor>(m);
  owned.push_back(n->metrics);
  reg->declare("metrics", "", "worker");
  reg->set_running("metrics", n->metrics);
  // storage
  storage_options so;
  so.dir = n->tmp->str() + "/db";
  so.map_size = size_t{64} << 20;
  so.detached = false;
  so.kv_commit_linger = std::chrono::microseconds{0};
  so.find_identity = [reg] { return reg->get("identity"); };
  so.find_metrics = [reg] { return reg->get("metrics"); };
  n->storage =
      caf::actor_cast<caf::actor>(must(spawn_storage(sys, std::move(so)), "storage"));
  owned.push_back(n->storage);
  reg->declare("storage", "", "worker");
  reg->set_running("storage", n->storage);
  run();
  // trust
  if (o.with_trust) {
    trust_options to;
    to.now_ms = [] { return int64_t{1'700'000'000'000}; };
    n->trust = must(spawn_trust(sys, reg, std::move(to)), "spawn_trust");
    owned.push_back(n->trust);
    reg->declare("trust", "", "worker");
    reg->set_running("trust", n->trust);
    run();
  }
  // peer manager
  peer_manager_options po;
  po.admission.policy = o.policy;
  po.admission.min_level = o.min_level;
  po.handshake_timeout = o.handshake_timeout;
  po.request_timeout = o.request_timeout;
  po.journal.stream = "peers";
  po.connect = [this, from = n.get()](caf::actor_system&, const std::string& host,
                                      uint16_t port, caf::actor session) {
    open_connection(*from, host, port, std::move(session));
  };
  n->handshake_timeout = o.handshake_timeout;
  n->manager = must(spawn_peer_manager(sys, reg, std::move(po)), "spawn_peer_manager");
  owned.push_back(n->manager);
  reg->declare("peers", "", "worker");
  reg->set_running("peers", n->manager);
  listeners[n->address()] = listener{n.get()};
  run();
  auto info = must(
      ask<identity_info>(caf::actor_cast<identity_actor>(n->identity), get_atom::value),
      "identity get");
  n->node_id = info.node_id;
  std::array<uint8_t, 32> pk{};
  size_t len = 0;
  if (sodium_base642bin(pk.data(), pk.size(), info.ed25519_public.data(),
                        info.ed25519_public.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL)
          != 0
      || len != pk.size())
    throw std::runtime_error("identity key is not base64 of 32 bytes");
  n->key.assign(pk.begin(), pk.end());
  char hex[65];
  sodium_bin2hex(hex, sizeof(hex), pk.data(), pk.size());
  n->key_hex = hex;
  // The manager has replayed its (empty) peer cache and made its binding.
  REQUIRE(ask<std::vector<peer_info>>(n->mgr(), peer_list_atom::value));
  nodes.push_back(std::move(n));
  return *nodes.back();
}

}  // namespace nz::test
