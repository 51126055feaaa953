// Session teardown (issue #5): a session that dies is dropped by its manager
// (its partner only by heartbeats); heartbeats and the phi-accrual detector;
// redial; drain; handshake timeouts.
#include <doctest/doctest.h>

#include "peer_support.hpp"

namespace {

using namespace nz;
using namespace nz::test;

node_options short_handshake() {
  node_options o;
  o.handshake_timeout = std::chrono::seconds(2);
  return o;
}

struct nodes_with_short_handshake : two_nodes {
  nodes_with_short_handshake() : two_nodes(short_handshake(), short_handshake()) {}
};

}  // namespace

// Since f20b30d an established session ignores down messages and aborts (both
// unauthenticated on the wire); only its phi-accrual detector ends it when the
// peer falls silent. So killing one session ends it and its own manager drops
// it at once, while the partner stays up until its detector decides.
TEST_CASE_FIXTURE(connected_nodes,
                  "teardown: killing the responder: its manager drops it at once and the "
                  "initiator ignores the unauthenticated down") {
  self->send_exit(b_in, caf::exit_reason::kill);
  run();
  CHECK_FALSE(alive(b_in));
  auto lb = list(b);
  REQUIRE(lb);
  CHECK(lb->empty());
  CHECK(metric(b, "nzcore_peer_sessions") == 0);
  auto pb = ask<int64_t>(b.mgr(), peer_ping_atom::value, a.node_id);
  REQUIRE_FALSE(pb);
  CHECK(has_code(pb.error(), peer_errc::no_session));
  // The initiator saw the down and counted it; only heartbeats end it.
  CHECK(alive(a_out));
  CHECK(metric(a, "nzcore_peer_dropped_total{reason=\"unauthenticated_down\"}") == 1);
  CHECK(list(a)->size() == 1);
}

TEST_CASE_FIXTURE(connected_nodes,
                  "teardown: killing the initiator: its manager drops it at once and the "
                  "responder ignores the unauthenticated down") {
  self->send_exit(a_out, caf::exit_reason::kill);
  run();
  CHECK_FALSE(alive(a_out));
  CHECK(list(a)->empty());
  CHECK(metric(a, "nzcore_peer_sessions") == 0);
  CHECK(alive(b_in));
  // Counted twice today: the responder monitors its initiator at spawn and
  // again in announce(), so one death brings two down messages.
  CHECK(metric(b, "nzcore_peer_dropped_total{reason=\"unauthenticated_down\"}") >= 1);
}

// The partner of a killed session hears nothing more and must be closed by the
// phi-accrual detector (threshold 8, 1 s heartbeats), and then dropped by its
// manager. Fails on the test coordinator because the detector reads
// std::chrono::steady_clock, not the actor clock (see "heartbeats: a silent
// peer ..."). (Regression: the session now uses the actor clock.)
TEST_CASE_FIXTURE(connected_nodes,
                  "teardown: the partner of a killed session is closed by its detector "
                  "within 3.5-6.5 s") {
  self->send_exit(b_in, caf::exit_reason::kill);
  run();
  int64_t closed_after_ms = -1;
  for (int64_t t = 100; t <= 20'000; t += 100) {
    advance(std::chrono::milliseconds(100));
    if (!alive(a_out)) {
      closed_after_ms = t;
      break;
    }
  }
  INFO("a's session closed after " << closed_after_ms << " ms");
  CHECK(closed_after_ms >= 3500);
  CHECK(closed_after_ms <= 6500);
  CHECK(metric(a, "nzcore_peer_failures_detected_total") == 1);
  CHECK(list(a)->empty());
}

// When a's outbound session dies, a's manager drops it and redials after its
// backoff. The new handshake completes, but b still holds the old inbound
// session (its partner is gone, the down was ignored), and on_up's tie-break
// keeps the OLD session when both are inbound: b kills the fresh one right
// after it sent "ready". a's new session then counts as established with a
// dead partner, b's old one likewise: both managers list one "established"
// session, the two are not partners, pings time out and channel messages are
// lost, until the detectors close both (not at all on the test coordinator).
// (Regression: the tie-break now prefers the newer authenticated
// session from the same peer in the same direction; see the report of issue #5.
TEST_CASE_FIXTURE(connected_nodes,
                  "teardown: after a's session dies the redial gives both nodes one "
                  "working session") {
  self->send_exit(a_out, caf::exit_reason::kill);
  run();
  REQUIRE(list(a)->empty());
  // The first redial is drawn from [0, 100] ms (backoff base); 2 s is well
  // before any phi-accrual decision (>= 3.5 s).
  advance(std::chrono::seconds(2));
  auto la = list(a);
  auto lb = list(b);
  REQUIRE(la);
  REQUIRE(lb);
  CHECK(la->size() == 1);
  CHECK(lb->size() == 1);
  CHECK(live_sessions().size() == 2);
  auto to_b = call<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id);
  auto to_a = call<int64_t>(b.mgr(), peer_ping_atom::value, a.node_id);
  CHECK(to_b->ok());
  CHECK(to_a->ok());
  auto id = ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id,
                          std::string{"after.redial"}, bytes_of("hello"), uint64_t{0});
  REQUIRE(id);
  auto got = ask<channel_batch>(b.mgr(), peer_listen_atom::value,
                                std::string{"after.redial"}, uint64_t{0}, uint32_t{0});
  REQUIRE(got);
  CHECK(got->messages.size() == 1);
  advance(std::chrono::seconds(6));  // let the pending pings end either way
}

TEST_CASE_FIXTURE(
    connected_nodes,
    "teardown: the drain phase closes the node's sessions without a redial") {
  auto done = ask<uint8_t>(a.mgr(), phase_atom::value,
                           static_cast<uint8_t>(shutdown_phase::drain));
  REQUIRE(done);
  run();
  CHECK_FALSE(alive(a_out));
  CHECK(list(a)->empty());
  // b learns of it only through its detector (the down is not authenticated).
  CHECK(alive(b_in));
  advance(std::chrono::seconds(40), std::chrono::milliseconds(500));
  // No redial: a dialled nothing new.
  CHECK(list(a)->empty());
  CHECK(seen_sessions.size() == 2);
}

TEST_CASE_FIXTURE(connected_nodes,
                  "heartbeats: a healthy session pings every second and stays up") {
  auto a0 = stats(a_out);
  auto b0 = stats(b_in);
  REQUIRE(a0);
  REQUIRE(b0);
  advance(std::chrono::seconds(10));
  auto a1 = stats(a_out);
  auto b1 = stats(b_in);
  REQUIRE(a1);
  REQUIRE(b1);
  CHECK(a1->state == "established");
  CHECK(b1->state == "established");
  // Each side sends one heartbeat ping per second and answers each of the
  // other's: 10 pings and 10 pongs each way in 10 s.
  CHECK(a1->frames_out - a0->frames_out == 20);
  CHECK(b1->frames_out - b0->frames_out == 20);
  CHECK(a1->frames_in - a0->frames_in == 20);
  CHECK(b1->frames_in - b0->frames_in == 20);
  CHECK(a1->rtt_us >= 0);
  CHECK(a1->phi < 8);
  CHECK(b1->phi < 8);
  CHECK(metric(a, "nzcore_peer_failures_detected_total") == 0);
  CHECK(list(a)->size() == 1);
}

// The phi-accrual detector of the sessions reads std::chrono::steady_clock
// (peer_session.cpp, mono_ms()), while their heartbeat timer runs on the actor
// clock. On the test coordinator the timer fires on simulated time but the
// detector sees (almost) no time pass, so a silent peer is never suspected
// here. (Regression: the session reads the actor clock
// (self->clock().now()); see the report of issue #5.
TEST_CASE_FIXTURE(
    connected_nodes,
    "heartbeats: a silent peer is closed by the phi detector within 3.5-6.5 s") {
  advance(std::chrono::seconds(3));
  REQUIRE(alive(a_out));
  // b's session stops running: nothing it would send reaches a any more, and
  // no down message either (it does not exit).
  suspend_actor(b_in);
  int64_t closed_after_ms = -1;
  for (int64_t t = 100; t <= 20'000; t += 100) {
    advance(std::chrono::milliseconds(100));
    if (!alive(a_out)) {
      closed_after_ms = t;
      break;
    }
  }
  INFO("a's session closed after " << closed_after_ms << " ms of silence");
  // phi >= 8 is reached at mean + acceptable pause (2 s) + ~5.2 standard
  // deviations after the last frame and seen on the next beat. With one
  // heartbeat per second that is 3.52 s; here both the peer's pings and its
  // pongs count and arrive at the same simulated instant (intervals 1 s and
  // 0 s), which puts the crossing at ~5.2 s, seen by the beat at 6 s.
  CHECK(closed_after_ms >= 3500);
  CHECK(closed_after_ms <= 6500);
  CHECK(metric(a, "nzcore_peer_failures_detected_total") == 1);
  CHECK(list(a)->empty());
}

TEST_CASE_FIXTURE(
    two_nodes,
    "handshake timeout: an initiator whose gate never answers ends after the "
    "configured timeout") {
  auto hellos = std::make_shared<size_t>(0);
  auto black_hole = sys.spawn(test_gate, caf::actor{}, hellos);
  owned.push_back(black_hole);
  auto init = direct_initiator(a, black_hole, a.manager, std::chrono::seconds(2));
  run();
  CHECK(*hellos == 1);
  advance(std::chrono::milliseconds(1950));
  auto s = stats(init);
  REQUIRE(s);
  CHECK(s->state == "handshaking");
  advance(std::chrono::milliseconds(100));
  CHECK_FALSE(alive(init));
  CHECK(metric(a, "nzcore_peer_handshake_failures_total{reason=\"timeout\"}") == 1);
}

TEST_CASE_FIXTURE(nodes_with_short_handshake,
                  "handshake timeout: connect to a gate that never answers fails after "
                  "the manager's handshake timeout") {
  auto hellos = std::make_shared<size_t>(0);
  auto black_hole = sys.spawn(test_gate, caf::actor{}, hellos);
  owned.push_back(black_hole);
  publish(black_hole, "nodec", 7003);
  auto r = call<std::string>(a.mgr(), peer_connect_atom::value, std::string{"nodec"},
                             uint16_t{7003});
  CHECK(*hellos == 1);
  CHECK_FALSE(r->done());
  auto la = list(a);
  REQUIRE(la);
  REQUIRE(la->size() == 1);
  CHECK(la->front().state == "handshaking");
  CHECK(la->front().address == "nodec:7003");
  advance(std::chrono::milliseconds(1950));
  CHECK_FALSE(r->done());
  advance(std::chrono::milliseconds(100));
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  // The manager reports every failed handshake as "refused" (it cannot tell a
  // timeout from a refusal); peer_api.hpp lists "timeout" among connect's
  // errors. Either is accepted here.
  CHECK((has_code(r->error(), peer_errc::refused)
         || has_code(r->error(), peer_errc::timeout)));
  CHECK(list(a)->empty());
  CHECK(metric(a, "nzcore_peer_handshake_failures_total{reason=\"timeout\"}") == 1);
}

TEST_CASE_FIXTURE(nodes_with_short_handshake,
                  "handshake timeout: a responder whose initiator never sends message 3 "
                  "ends after the timeout") {
  // The initiator is suspended right after its hello reached b, so b's
  // responder waits for message 3 in vain.
  auto hellos = std::make_shared<size_t>(0);
  auto gate = sys.spawn(test_gate, b.manager, hellos);
  owned.push_back(gate);
  auto init = direct_initiator(a, gate, a.manager);
  // Let the initiator send its hello, then take it off the scheduler.
  sched.prioritize(init);
  sched.run_once();
  suspend_actor(init);
  run();
  CHECK(*hellos == 1);
  auto lb = list(b);
  REQUIRE(lb);
  REQUIRE(lb->size() == 1);
  CHECK(lb->front().state == "handshaking");
  advance(std::chrono::milliseconds(1950));
  CHECK(list(b)->size() == 1);
  advance(std::chrono::milliseconds(100));
  CHECK(list(b)->empty());
  CHECK(metric(b, "nzcore_peer_handshake_failures_total{reason=\"timeout\"}") == 1);
}
