// peer_fixture: the bare session wiring, without a manager's dial. Credentials
// bound by a node's identity, the test's own handshake driver and hello on a
// raw connection, and initiator sessions that the test spawns itself.
#include "peer_fixture.hpp"

#include <algorithm>

#include <doctest/doctest.h>

#include <caf/actor_cast.hpp>

#include "actors/peer/peer_session.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/record.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "messages/identity_api.hpp"

namespace nz::test {

peer_credentials peer_fixture::credentials(const peer_node& of) {
  peer_credentials c;
  c.key = std::make_shared<peer::noise::keypair>(peer::noise::keypair::generate());
  auto msg = peer::binding_message(c.key->public_key_bytes, peer::protocol_version);
  auto sig =
      ask<byte_vec>(caf::actor_cast<identity_actor>(of.identity), sign_atom::value, msg);
  REQUIRE(sig);
  REQUIRE(sig->size() == 64);
  peer::ed25519_public_key pk{};
  std::copy(of.key.begin(), of.key.end(), pk.begin());
  peer::ed25519_signature s{};
  std::copy(sig->begin(), sig->end(), s.begin());
  c.binding = peer::encode_binding(pk, s, peer::protocol_version, 0);
  return c;
}

peer_fixture::raw_hello peer_fixture::say_hello(const peer_node& as,
                                                const peer_node& to) {
  auto link = dial_raw(to);
  auto drv = driver_for(as, peer::noise::role::initiator);
  auto msg1 = drv.start();
  REQUIRE(msg1);
  write_records(link, {make_record(peer::record_kind::hello, *msg1)});
  run();
  return {link, std::move(drv)};
}

peer::handshake_driver peer_fixture::driver_for(const peer_node& of,
                                                peer::noise::role r) {
  auto c = credentials(of);
  auto d = peer::handshake_driver::create(r, c.key->clone(), c.binding);
  REQUIRE(d);
  return std::move(*d);
}

caf::actor peer_fixture::direct_initiator(const peer_node& from,
                                          const std::string& address,
                                          const caf::actor& manager,
                                          caf::timespan handshake_timeout,
                                          std::string policy) {
  auto cred = credentials(from);
  auto colon = address.rfind(':');
  REQUIRE(colon != std::string::npos);
  auto host = address.substr(0, colon);
  auto port = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
  peer_session_config c;
  c.initiator = true;
  c.connect = [this, from = &from, host, port](caf::actor session) {
    open_connection(*from, host, port, std::move(session));
  };
  c.static_key = cred.key;
  c.binding = cred.binding;
  c.address = "direct";
  c.admission.policy = std::move(policy);
  c.handshake_timeout = handshake_timeout;
  c.manager = manager;
  auto h = spawn_peer_session(sys, from.reg, std::move(c));
  seen_sessions.push_back(h.address());
  return h;
}

}  // namespace nz::test
