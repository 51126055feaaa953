// Who may talk to a session (sender checks) and simultaneous opens (tie-break),
// issue #5.
#include <doctest/doctest.h>

#include <caf/send.hpp>

#include "peer_support.hpp"

namespace {

using namespace nz;
using namespace nz::test;

/// A frame-shaped byte string: version 1, no flags, counter 1, 20 bytes of
/// "ciphertext".
byte_vec fake_frame() {
  byte_vec f(10 + 20 + 16, 0x5a);
  f[0] = 1;
  f[1] = 0;
  for (int i = 2; i < 10; ++i) f[static_cast<size_t>(i)] = 0;
  f[9] = 1;
  return f;
}

}  // namespace

TEST_CASE_FIXTURE(connected_nodes,
                  "sender checks: frames / message 3 / aborts / beats from a third actor "
                  "change nothing") {
  auto intruder = sys.spawn(bystander, 0);
  owned.push_back(intruder);
  auto a0 = stats(a_out);
  auto b0 = stats(b_in);
  REQUIRE(a0);
  REQUIRE(b0);
  auto dropped_a0 = metric(a, "nzcore_peer_dropped_total{reason=\"foreign_sender\"}");
  auto dropped_b0 = metric(b, "nzcore_peer_dropped_total{reason=\"foreign_sender\"}");
  // To the responder: a frame, a message 3, an abort.
  caf::send_as(intruder, b_in, peer_frame_atom::value, fake_frame());
  caf::send_as(intruder, b_in, peer_hs3_atom::value, byte_vec(166, 0x11));
  caf::send_as(intruder, b_in, peer_abort_atom::value);
  // To the initiator: a message 2 naming the intruder, a frame, an abort, and a
  // heartbeat tick (only the session's own timer may send it).
  caf::send_as(intruder, a_out, peer_hs2_atom::value, byte_vec(198, 0x22), intruder);
  caf::send_as(intruder, a_out, peer_frame_atom::value, fake_frame());
  caf::send_as(intruder, a_out, peer_abort_atom::value);
  caf::send_as(intruder, a_out, peer_beat_atom::value);
  run();
  auto a1 = stats(a_out);
  auto b1 = stats(b_in);
  REQUIRE(a1);
  REQUIRE(b1);
  CHECK(a1->state == "established");
  CHECK(b1->state == "established");
  // No frame was opened, sent or counted as received; no ping went out for the
  // forged beat.
  CHECK(a1->frames_in == a0->frames_in);
  CHECK(a1->frames_out == a0->frames_out);
  CHECK(b1->frames_in == b0->frames_in);
  CHECK(b1->frames_out == b0->frames_out);
  CHECK(a1->bytes_in == a0->bytes_in);
  CHECK(b1->bytes_in == b0->bytes_in);
  // The foreign frames count as dropped (one each); nothing else does. An
  // abort to an established session is ignored whoever sends it (it is not
  // authenticated) and counted as such.
  CHECK(a1->dropped == a0->dropped + 1);
  CHECK(b1->dropped == b0->dropped + 1);
  CHECK(metric(b, "nzcore_peer_dropped_total{reason=\"foreign_sender\"}")
        == dropped_b0 + 2);
  CHECK(metric(a, "nzcore_peer_dropped_total{reason=\"foreign_sender\"}")
        == dropped_a0 + 3);
  CHECK(metric(b, "nzcore_peer_dropped_total{reason=\"unauthenticated_abort\"}") == 1);
  CHECK(metric(a, "nzcore_peer_dropped_total{reason=\"unauthenticated_abort\"}") == 1);
  CHECK(list(a)->size() == 1);
  CHECK(list(b)->size() == 1);
  // The cipher states are untouched: the session still carries a ping.
  auto rtt = ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id);
  REQUIRE(rtt);
  auto a2 = stats(a_out);
  REQUIRE(a2);
  CHECK(a2->frames_in == a1->frames_in + 1);
  CHECK(a2->frames_out == a1->frames_out + 1);
}

TEST_CASE_FIXTURE(connected_nodes,
                  "sender checks: a second initiator's message 3 does not reach an "
                  "established responder") {
  // A genuine second initiator of the same identity (a fresh static key bound by
  // a's key) sends its hello to b's manager; b's new responder handshakes with
  // it. Its messages never reach the old session (no frames, no drops there);
  // then b keeps one session per peer: the newer one, since two inbound
  // sessions from the same peer mean the peer reconnected.
  auto b0 = stats(b_in);
  REQUIRE(b0);
  auto hellos = std::make_shared<size_t>(0);
  auto gate = sys.spawn(test_gate, b.manager, hellos);
  owned.push_back(gate);
  auto other = direct_initiator(a, gate, a.manager);
  run();
  CHECK(*hellos == 1);
  CHECK_FALSE(alive(b_in));
  auto lb = list(b);
  REQUIRE(lb);
  REQUIRE(lb->size() == 1);
  CHECK((*lb)[0].node_id == a.node_id);
  CHECK((*lb)[0].state == "established");
  CHECK((*lb)[0].frames_out >= 1);  // its "ready" went to the new partner
}

TEST_CASE_FIXTURE(connected_nodes,
                  "sender checks: local control messages from a local actor are served") {
  // All actors here are local, so stats and ping from a bystander are
  // answered (a remote sender would get unexpected_message; that needs a
  // second CAF node and is covered by the integration test).
  auto s = stats(b_in);
  REQUIRE(s);
  CHECK(s->node_id == a.node_id);
  auto rtt = ask<int64_t>(a_out, peer_ping_atom::value);
  REQUIRE(rtt);
  CHECK(*rtt >= 0);
}

namespace {

struct tie_break : two_nodes {
  explicit tie_break(uint8_t seed_a = 0xA0, uint8_t seed_b = 0xB0)
      : two_nodes({}, {}, seed_a, seed_b) {}
  const peer_node& smaller() const { return a.node_id < b.node_id ? a : b; }
  const peer_node& larger() const { return a.node_id < b.node_id ? b : a; }

  void check_one_session_each() {
    auto la = list(a);
    auto lb = list(b);
    REQUIRE(la);
    REQUIRE(lb);
    REQUIRE(la->size() == 1);
    REQUIRE(lb->size() == 1);
    CHECK(la->front().state == "established");
    CHECK(lb->front().state == "established");
    CHECK(la->front().node_id == b.node_id);
    CHECK(lb->front().node_id == a.node_id);
    // The session initiated by the smaller node id survives on both sides.
    bool a_smaller = a.node_id < b.node_id;
    CHECK(la->front().outbound == a_smaller);
    CHECK(lb->front().outbound == !a_smaller);
    // Exactly two session actors are left, and they are partners: a ping from
    // each side arrives at the other.
    auto live = live_sessions();
    CHECK(live.size() == 2);
    auto to_b = sessions_with(b);
    auto to_a = sessions_with(a);
    REQUIRE(to_b.size() == 1);
    REQUIRE(to_a.size() == 1);
    auto in0 = to_a.front().info.frames_in;
    REQUIRE(ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id));
    auto s = stats(to_a.front().handle);
    REQUIRE(s);
    CHECK(s->frames_in == in0 + 1);  // a's ping went through it
    REQUIRE(ask<int64_t>(b.mgr(), peer_ping_atom::value, a.node_id));
  }
};

/// Both managers dial each other before either runs; `a_first` decides whose
/// request is queued first.
void simultaneous_opens(tie_break& f, bool a_first) {
  auto& a = f.a;
  auto& b = f.b;
  auto first = a_first ? &a : &b;
  auto second = a_first ? &b : &a;
  auto r1 = f.call_later<std::string>(first->mgr(), peer_connect_atom::value,
                                      second->host, second->port);
  auto r2 = f.call_later<std::string>(second->mgr(), peer_connect_atom::value,
                                      first->host, first->port);
  f.run();
  // Both dials went out: four session actors, two of them closed by the
  // tie-break. Redials (if any) happen within the first backoff window.
  CHECK(f.seen_sessions.size() == 4);
  f.advance(std::chrono::seconds(2));
  f.check_one_session_each();
  // The smaller node's connect succeeded. (The larger node's connect is
  // checked in its own test case below.)
  auto& from_smaller = f.smaller().name == first->name ? r1 : r2;
  auto& from_larger = f.smaller().name == first->name ? r2 : r1;
  REQUIRE(from_smaller->done());
  CHECK(from_smaller->ok());
  REQUIRE(from_larger->done());
  // Nothing changes later: no redial flaps the session.
  f.advance(std::chrono::seconds(60), std::chrono::milliseconds(250));
  f.check_one_session_each();
}

/// The same nodes with swapped seeds: the other node id is the smaller one.
struct tie_break_swapped : tie_break {
  tie_break_swapped() : tie_break(0xB0, 0xA0) {}
};

}  // namespace

TEST_CASE_FIXTURE(tie_break,
                  "tie-break: simultaneous opens leave one session: the one initiated by "
                  "the smaller node id") {
  REQUIRE(&smaller() == &a);  // seeds 0xA0.. / 0xB0..: a has the smaller node id
  bool a_first = true;
  SUBCASE("a's connect first") {
    a_first = true;
  }
  SUBCASE("b's connect first") {
    a_first = false;
  }
  simultaneous_opens(*this, a_first);
}

TEST_CASE_FIXTURE(tie_break_swapped,
                  "tie-break: simultaneous opens with the other node id smaller") {
  REQUIRE(&smaller() == &b);  // swapped seeds: b has the smaller node id
  bool a_first = true;
  SUBCASE("a's connect first") {
    a_first = true;
  }
  SUBCASE("b's connect first") {
    a_first = false;
  }
  simultaneous_opens(*this, a_first);
}

// The node whose own session loses the tie-break answers its `connect` with
// "refused" although it ends up connected to that peer (through the session
// the peer initiated): on_up closes the loser, and on_session_down hands the
// loser's pending connect promise peer_errc::refused. A connect to a node that
// is already connected answers with its node id (dial()), so the loser should
// too. (Regression: fixed.)
TEST_CASE_FIXTURE(
    tie_break, "tie-break: the losing side's connect answers with the peer's node id") {
  auto ra = call_later<std::string>(a.mgr(), peer_connect_atom::value, b.host, b.port);
  auto rb = call_later<std::string>(b.mgr(), peer_connect_atom::value, a.host, a.port);
  run();
  REQUIRE(ra->done());
  REQUIRE(rb->done());
  auto& loser = &larger() == &a ? ra : rb;
  INFO("larger node's connect: " << (loser->ok() ? std::string{"ok"}
                                                 : sys.render(loser->error())));
  CHECK(loser->ok());
  if (loser->ok()) CHECK(**loser->value == smaller().node_id);
}

TEST_CASE_FIXTURE(tie_break,
                  "tie-break: a second connect to a connected peer keeps one "
                  "session") {
  REQUIRE(connect(a, b)->ok());
  auto again = connect(b, a);
  REQUIRE(again->done());
  CHECK(seen_sessions.size() == 4);
  advance(std::chrono::seconds(2));
  check_one_session_each();
}
