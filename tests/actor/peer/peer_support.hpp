// Two (or more) nodes in one actor system on CAF's test coordinator, for the
// deterministic tests of peer sessions (issue #5). No sockets, no middleman, no
// sleeps: every message moves when run() says so, time moves with advance().
//
// What the tests include. The parts, by concept:
// - peer_test_helpers.hpp: byte helpers, has_code(), reply<T>, bystander();
// - peer_node.hpp: one simulated node and its node_options;
// - peer_fixture.hpp: peer_fixture (nodes, the simulated network, bounded runs,
//   requests, observing, the bare session wiring), defined in peer_fixture.cpp,
//   peer_fixture_nodes.cpp, peer_fixture_network.cpp and peer_fixture_wiring.cpp;
// - test_link.hpp: the in-memory connections (test links and raw peers).
// This header adds the ready-made fixtures two_nodes and connected_nodes, and
// the APIs the tests speak to the actors with.
#pragma once

#include <cstdint>

#include <doctest/doctest.h>
#include <sodium.h>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/peer/peer_session.hpp"
#include "actors/peer/session/record.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "messages/core_errors.hpp"
#include "messages/peer_api.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "peer_fixture.hpp"
#include "peer_node.hpp"
#include "peer_test_helpers.hpp"
#include "test_link.hpp"

namespace nz::test {

using namespace std::chrono_literals;

/// Two nodes, "a" (port 7001) and "b" (port 7002), both with policy open.
struct two_nodes : peer_fixture {
  peer_node& a;
  peer_node& b;
  two_nodes(node_options oa = {}, node_options ob = {}, uint8_t seed_a = 0xA0,
            uint8_t seed_b = 0xB0)
      : a(start_node("a", seed_a, 7001, oa)), b(start_node("b", seed_b, 7002, ob)) {}
};

/// One established session a -> b, made through a's manager.
struct connected_nodes : two_nodes {
  caf::actor a_out;  ///< a's session (initiator)
  caf::actor b_in;   ///< b's session (responder)
  connected_nodes() {
    auto r = connect(a, b);
    REQUIRE(r->done());
    REQUIRE(r->ok());
    a_out = session_of(b);
    b_in = session_of(a);
  }
};

}  // namespace nz::test
