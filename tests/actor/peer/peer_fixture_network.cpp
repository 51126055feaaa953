// peer_fixture: the simulated network. Dials, listeners, test links and raw
// peers (tests/actor/peer/test_link.hpp), and what the test writes onto a
// connection.
#include "peer_fixture.hpp"

#include <doctest/doctest.h>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace nz::test {

void peer_fixture::open_connection(const peer_node& from, const std::string& host,
                                   uint16_t port, caf::actor session) {
  auto addr = host + ":" + std::to_string(port);
  ++dial_attempts[addr];
  auto l = listeners.find(addr);
  auto f = dial_failures.find(addr);
  if (f != dial_failures.end() || l == listeners.end()) {
    auto why = f != dial_failures.end() ? f->second : std::string{"connection refused"};
    sys.spawn(failed_dial_impl, std::move(session), std::move(why));
    return;
  }
  auto remote = l->second.node ? spawn_inbound_link(*l->second.node) : spawn_raw_peer();
  link_setup out;
  out.reg = from.reg;
  out.trace = std::make_shared<link_trace>();
  out.trace->node = from.name;
  out.session = std::move(session);
  links.push_back(out.trace);
  auto local = sys.spawn(test_link_impl, std::move(out));
  pair(local, remote);
}

void peer_fixture::pair(const caf::actor& x, const caf::actor& y) {
  caf::anon_send(x, test_pair_atom::value, y);
  caf::anon_send(y, test_pair_atom::value, x);
}

caf::actor peer_fixture::spawn_inbound_link(const peer_node& n) {
  link_setup in;
  in.reg = n.reg;
  in.trace = std::make_shared<link_trace>();
  in.trace->node = n.name;
  in.inbound = true;
  in.handshake_timeout = n.handshake_timeout;
  links.push_back(in.trace);
  return sys.spawn(test_link_impl, std::move(in));
}

caf::actor peer_fixture::spawn_raw_peer() {
  auto t = std::make_shared<raw_trace>();
  raws.push_back(t);
  return sys.spawn(raw_peer_impl, t);
}

void peer_fixture::fail_dial(const std::string& address, std::string why) {
  dial_failures[address] = std::move(why);
}

void peer_fixture::allow_dial(const std::string& address) {
  dial_failures.erase(address);
}

void peer_fixture::listen_raw(const std::string& host, uint16_t port) {
  listeners[host + ":" + std::to_string(port)] = listener{nullptr};
}

caf::actor peer_fixture::dial_raw(const peer_node& to) {
  auto link = spawn_inbound_link(to);
  auto raw = spawn_raw_peer();
  pair(link, raw);
  run();
  return link;
}

void peer_fixture::write_records(const caf::actor& link, const records& rs) {
  self->send(link, test_wire_atom::value, encode_wire(rs));
}

void peer_fixture::write_bytes(const caf::actor& link, wire_bytes bytes) {
  self->send(link, test_wire_atom::value, std::move(bytes));
}

std::vector<std::shared_ptr<link_trace>> peer_fixture::links_of(const peer_node& n) {
  std::vector<std::shared_ptr<link_trace>> out;
  for (auto& t : links)
    if (t->node == n.name) out.push_back(t);
  return out;
}

std::shared_ptr<link_trace> peer_fixture::link_of(const caf::actor& session) {
  for (auto& t : links)
    if (t->session == session.address()) return t;
  FAIL("no link is bound to this session");
  return nullptr;
}

caf::actor peer_fixture::handle(const link_trace& t) {
  auto h = caf::actor_cast<caf::actor>(t.link);
  REQUIRE(h);
  return h;
}

}  // namespace nz::test
