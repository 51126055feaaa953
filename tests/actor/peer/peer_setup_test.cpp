// Session setup between two nodes through their peer managers (issue #5):
// connect, list, ping, failed dials, admission under policy "trusted", trust
// sync, the bare session wiring without a manager's dial.
#include <doctest/doctest.h>

#include "peer_support.hpp"

namespace {

using namespace nz;
using namespace nz::test;

constexpr uint8_t medium = 2;

node_options trusted_policy() {
  node_options o;
  o.policy = "trusted";
  o.with_trust = true;
  return o;
}

struct trusted_nodes : two_nodes {
  trusted_nodes() : two_nodes(trusted_policy(), trusted_policy()) {}
};

node_options trusted_without_store() {
  node_options o;
  o.policy = "trusted";
  return o;
}

struct trusted_nodes_without_store : two_nodes {
  trusted_nodes_without_store()
      : two_nodes(trusted_without_store(), trusted_without_store()) {}
};

}  // namespace

TEST_CASE_FIXTURE(two_nodes,
                  "setup: connect establishes one session that both managers list") {
  REQUIRE(a.node_id != b.node_id);
  auto r = connect(a, b);
  REQUIRE(r->done());
  REQUIRE(r->ok());
  CHECK(**r->value == b.node_id);

  auto la = list(a);
  auto lb = list(b);
  REQUIRE(la);
  REQUIRE(lb);
  REQUIRE(la->size() == 1);
  REQUIRE(lb->size() == 1);
  auto& pa = la->front();
  auto& pb = lb->front();
  CHECK(pa.node_id == b.node_id);
  CHECK(pa.state == "established");
  CHECK(pa.outbound);
  CHECK(pa.address == b.address());
  CHECK(pa.rtt_us == -1);
  CHECK(pb.node_id == a.node_id);
  CHECK(pb.state == "established");
  CHECK_FALSE(pb.outbound);
  CHECK(pb.address == "inbound");
  // The responder's "ready" is the one frame so far.
  CHECK(pb.frames_out == 1);
  CHECK(pa.frames_in == 1);
  CHECK(pa.frames_out == 0);
  CHECK(pa.dropped == 0);
  CHECK(pb.dropped == 0);
  // Exactly two session actors exist, one per side.
  CHECK(live_sessions().size() == 2);
  CHECK(sessions_with(b).size() == 1);
  CHECK(sessions_with(a).size() == 1);
  CHECK(metric(a, "nzcore_peer_handshakes_total{direction=\"outbound\"}") == 1);
  CHECK(metric(b, "nzcore_peer_handshakes_total{direction=\"inbound\"}") == 1);
  CHECK(metric(a, "nzcore_peer_sessions") == 1);
  CHECK(metric(b, "nzcore_peer_sessions") == 1);

  // ping over the sealed session, from either side; the RTT comes from the
  // session's steady clock, so it is >= 0 (and usually > 0) even though the
  // simulated clock does not move. The frame counters prove the pong arrived.
  auto rtt = ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id.substr(0, 16));
  REQUIRE(rtt);
  CHECK(*rtt >= 0);
  auto sa = stats(session_of(b));
  REQUIRE(sa);
  CHECK(sa->rtt_us == *rtt);
  CHECK(sa->frames_out == 1);  // ping
  CHECK(sa->frames_in == 2);   // ready, pong
  auto back = ask<int64_t>(b.mgr(), peer_ping_atom::value, a.node_id);
  REQUIRE(back);
  CHECK(*back >= 0);
  auto sb = stats(session_of(a));
  REQUIRE(sb);
  CHECK(sb->frames_out == 3);  // ready, pong, ping
  CHECK(sb->frames_in == 2);   // ping, pong
  CHECK(sb->rtt_us == *back);
}

TEST_CASE_FIXTURE(two_nodes, "setup: ping needs an established session") {
  auto none = ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id);
  REQUIRE_FALSE(none);
  CHECK(has_code(none.error(), peer_errc::no_session));
  // A prefix under 8 characters never matches.
  REQUIRE(connect(a, b)->ok());
  auto short_prefix =
      ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id.substr(0, 7));
  REQUIRE_FALSE(short_prefix);
  CHECK(has_code(short_prefix.error(), peer_errc::no_session));
}

TEST_CASE_FIXTURE(two_nodes, "setup: an address where nothing listens is unreachable") {
  auto r = call<std::string>(a.mgr(), peer_connect_atom::value, std::string{"nowhere"},
                             uint16_t{7999});
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  CHECK(has_code(r->error(), peer_errc::unreachable));
  CHECK(live_sessions().empty());
  CHECK(links.empty());
  CHECK(dial_attempts["nowhere:7999"] == 1);
  CHECK(metric(a, "nzcore_peer_handshake_failures_total{reason=\"unreachable\"}") == 1);
}

TEST_CASE_FIXTURE(two_nodes,
                  "setup: a failed dial gives peers connect the unreachable error and "
                  "no session") {
  fail_dial(b.address(), "connection timed out (test)");
  auto r = connect(a, b);
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  CHECK(has_code(r->error(), peer_errc::unreachable));
  auto text = sys.render(r->error());
  INFO(text);
  CHECK(text.find(b.address()) != std::string::npos);
  CHECK(text.find("connection timed out (test)") != std::string::npos);
  CHECK(live_sessions().empty());
  CHECK(links.empty());
  CHECK(list(a)->empty());
  CHECK(list(b)->empty());
  CHECK(metric(a, "nzcore_peer_handshake_failures_total{reason=\"unreachable\"}") == 1);
  // Nothing redials an address that was never connected.
  advance(std::chrono::seconds(5), std::chrono::milliseconds(250));
  CHECK(dial_attempts[b.address()] == 1);
  // Once the address answers, the same connect succeeds.
  allow_dial(b.address());
  auto again = connect(a, b);
  REQUIRE(again->done());
  REQUIRE(again->ok());
  CHECK(**again->value == b.node_id);
  CHECK(dial_attempts[b.address()] == 2);
}

TEST_CASE_FIXTURE(two_nodes,
                  "setup: each session sends (peer_up) to its link once, when "
                  "established, and the links carry the handshake in order") {
  auto r = connect(a, b);
  REQUIRE(r->ok());
  auto la = links_of(a);
  auto lb = links_of(b);
  REQUIRE(la.size() == 1);
  REQUIRE(lb.size() == 1);
  CHECK_FALSE(la[0]->inbound);
  CHECK(lb[0]->inbound);
  CHECK(la[0]->session == session_of(b).address());
  CHECK(lb[0]->session == session_of(a).address());
  CHECK(la[0]->ups == 1);
  CHECK(lb[0]->ups == 1);
  // The inbound link handed the hello to b's manager and the rest to b's
  // session: message 3, nothing else yet.
  CHECK(lb[0]->hellos == 1);
  REQUIRE(lb[0]->read.size() == 1);
  CHECK(lb[0]->read[0][0] == static_cast<uint8_t>(peer::record_kind::handshake3));
  // a wrote hello and message 3; b wrote message 2 and its "ready" frame.
  REQUIRE(la[0]->written.size() == 2);
  CHECK(la[0]->written[0][0] == static_cast<uint8_t>(peer::record_kind::hello));
  CHECK(la[0]->written[1][0] == static_cast<uint8_t>(peer::record_kind::handshake3));
  REQUIRE(lb[0]->written.size() == 2);
  CHECK(lb[0]->written[0][0] == static_cast<uint8_t>(peer::record_kind::handshake2));
  CHECK(lb[0]->written[1][0] == static_cast<uint8_t>(peer::record_kind::frame));
  CHECK(la[0]->read == lb[0]->written);
  // Traffic and heartbeats do not repeat it.
  REQUIRE(ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id));
  advance(std::chrono::seconds(3));
  CHECK(la[0]->ups == 1);
  CHECK(lb[0]->ups == 1);
  CHECK(la[0]->written.size() > 2);
}

TEST_CASE_FIXTURE(two_nodes,
                  "setup: a handshake that is still running sends no (peer_up)") {
  // The test speaks for a second process of a: a genuine hello, then nothing.
  auto [link, drv] = say_hello(a, b);
  auto lb = links_of(b);
  REQUIRE(lb.size() == 1);
  CHECK(lb[0]->hellos == 1);
  CHECK(lb[0]->session != caf::actor_addr{});
  CHECK(lb[0]->ups == 0);
  // Message 2 came back on the connection.
  REQUIRE(raws.size() == 1);
  CHECK(raws[0]->count(peer::record_kind::handshake2) == 1);
  auto l = list(b);
  REQUIRE(l);
  REQUIRE(l->size() == 1);
  CHECK(l->front().state == "handshaking");
}

TEST_CASE_FIXTURE(
    trusted_nodes,
    "policy trusted: the responder refuses an initiator it does not trust") {
  // a trusts b, so a (initiator) admits b after message 2; b does not trust a.
  trust_add(a, b, medium);
  auto r = connect(a, b);
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  CHECK(has_code(r->error(), peer_errc::refused));
  auto la = list(a);
  auto lb = list(b);
  REQUIRE(la);
  REQUIRE(lb);
  CHECK(la->empty());
  CHECK(lb->empty());
  CHECK(live_sessions().empty());
  // The reason is counted on the responder only; the initiator learns nothing
  // but the abort.
  CHECK(metric(b, "nzcore_peer_handshake_failures_total{reason=\"not_trusted\"}") == 1);
  CHECK(metric(a, "nzcore_peer_handshake_failures_total{reason=\"not_trusted\"}") == 0);
  CHECK(metric(a, "nzcore_peer_handshakes_total{direction=\"outbound\"}") == 0);
  CHECK(metric(b, "nzcore_peer_handshakes_total{direction=\"inbound\"}") == 0);
  // Both connections are closed; a read the abort that refused it.
  REQUIRE(links.size() == 2);
  CHECK(links[0]->ended);
  CHECK(links[1]->ended);
  CHECK(links[0]->ups + links[1]->ups == 0);
  REQUIRE_FALSE(links_of(a).front()->read.empty());
  CHECK(links_of(a).front()->read.back() == make_record(peer::record_kind::abort));

  // Once b trusts a at medium, the same connect succeeds.
  trust_add(b, a, medium);
  auto again = connect(a, b);
  REQUIRE(again->done());
  REQUIRE(again->ok());
  CHECK(**again->value == b.node_id);
  la = list(a);
  lb = list(b);
  REQUIRE(la);
  REQUIRE(lb);
  REQUIRE(la->size() == 1);
  REQUIRE(lb->size() == 1);
  CHECK(la->front().state == "established");
  CHECK(la->front().trust_level == medium);
  CHECK(lb->front().state == "established");
  CHECK(lb->front().trust_level == medium);
  CHECK(metric(b, "nzcore_peer_handshakes_total{direction=\"inbound\"}") == 1);
}

TEST_CASE_FIXTURE(trusted_nodes,
                  "policy trusted: the initiator refuses a responder it does not trust") {
  // b trusts a, a does not trust b: a refuses after message 2 and sends no
  // message 3.
  trust_add(b, a, medium);
  auto r = connect(a, b);
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  CHECK(has_code(r->error(), peer_errc::refused));
  CHECK(live_sessions().empty());
  CHECK(list(a)->empty());
  CHECK(list(b)->empty());
  CHECK(metric(a, "nzcore_peer_handshake_failures_total{reason=\"not_trusted\"}") == 1);
  CHECK(metric(b, "nzcore_peer_handshake_failures_total{reason=\"not_trusted\"}") == 0);
}

TEST_CASE_FIXTURE(trusted_nodes,
                  "policy trusted: a trust level below min-level is refused") {
  trust_add(a, b, medium);
  trust_add(b, a, 1);  // low
  auto r = connect(a, b);
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  CHECK(live_sessions().empty());
  CHECK(metric(b, "nzcore_peer_handshake_failures_total{reason=\"not_trusted\"}") == 1);
}

TEST_CASE_FIXTURE(trusted_nodes_without_store,
                  "policy trusted without a trust store fails closed") {
  auto r = connect(a, b);
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  CHECK(has_code(r->error(), peer_errc::refused));
  CHECK(live_sessions().empty());
  CHECK(metric(a, "nzcore_peer_handshake_failures_total{reason=\"trust_unavailable\"}")
        == 1);
}

TEST_CASE_FIXTURE(two_nodes,
                  "direct wiring: a test-spawned initiator handshakes over its own "
                  "connection and only the manager that spawned a session lists it") {
  auto init = direct_initiator(a, b.address(), a.manager);
  run();
  auto lb_links = links_of(b);
  REQUIRE(lb_links.size() == 1);
  CHECK(lb_links[0]->hellos == 1);
  CHECK(link_of(init)->ups == 1);
  auto si = stats(init);
  REQUIRE(si);
  CHECK(si->state == "established");
  CHECK(si->node_id == b.node_id);
  CHECK(si->outbound);
  auto lb = list(b);
  REQUIRE(lb);
  REQUIRE(lb->size() == 1);
  CHECK(lb->front().node_id == a.node_id);
  CHECK(lb->front().state == "established");
  // a's manager got peer_up from a session it did not spawn and ignored it.
  auto la = list(a);
  REQUIRE(la);
  CHECK(la->empty());
  // The session works all the same.
  auto rtt = ask<int64_t>(b.mgr(), peer_ping_atom::value, a.node_id);
  REQUIRE(rtt);
  CHECK(*rtt >= 0);
}

TEST_CASE_FIXTURE(trusted_nodes,
                  "trust sync: each side sends its own assertions once established and "
                  "again after they change") {
  trust_add(a, b, medium);
  trust_add(b, a, medium);
  REQUIRE(connect(a, b)->ok());
  CHECK(metric(a, "nzcore_trust_syncs_total{result=\"accepted\"}") == 1);
  CHECK(metric(b, "nzcore_trust_syncs_total{result=\"accepted\"}") == 1);
  CHECK(metric(a, "nzcore_trust_syncs_total{result=\"rejected\"}") == 0);
  CHECK(metric(b, "nzcore_trust_syncs_total{result=\"rejected\"}") == 0);
  auto has = [&](const peer_node& at, const peer_node& issuer, const std::string& key) {
    auto xs = ask<std::vector<trust_entry>>(caf::actor_cast<trust_actor>(at.trust),
                                            trust_list_atom::value);
    REQUIRE(xs);
    for (auto& e : *xs)
      if (e.issuer == issuer.node_id && e.subject_key == key) return true;
    return false;
  };
  CHECK(has(b, a, b.key_hex));
  CHECK(has(a, b, a.key_hex));
  // a new assertion by a reaches b within two heartbeats (the trust log head is
  // checked every other beat).
  std::array<uint8_t, 32> pk{};
  std::array<uint8_t, 64> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  char hex[65];
  sodium_bin2hex(hex, sizeof(hex), pk.data(), pk.size());
  trust_add_key(a, hex, 3);
  CHECK_FALSE(has(b, a, hex));
  advance(std::chrono::milliseconds(2500));
  CHECK(has(b, a, hex));
  CHECK(metric(b, "nzcore_trust_syncs_total{result=\"accepted\"}") == 2);
  // Unchanged assertions are not sent again.
  advance(std::chrono::seconds(5));
  CHECK(metric(b, "nzcore_trust_syncs_total{result=\"accepted\"}") == 2);
}
