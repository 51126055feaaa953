// Who may talk to a session, and what a session does with hostile records on
// its own connection (issue #5); simultaneous opens (tie-break).
//
// Threat model: a session's handle never crosses a connection, so only local
// actors can address it, and of those only its link may hand it records
// (peer_in); everything else is dropped and counted as foreign_sender. The
// connection itself is not authenticated below the sealed frames: anyone on
// the path can write records onto it, so hostile records there are dropped
// and counted, or refuse the handshake, never taken.
#include <doctest/doctest.h>

#include <caf/send.hpp>

#include "peer_support.hpp"

namespace {

using namespace nz;
using namespace nz::test;

/// A frame-shaped record: version 1, no flags, the given counter, 20 bytes of
/// "ciphertext" and a 16-byte "tag".
byte_vec fake_frame(uint64_t counter) {
  byte_vec f(10 + 20 + 16, 0x5a);
  f[0] = 1;
  f[1] = 0;
  for (int i = 0; i < 8; ++i)
    f[static_cast<size_t>(2 + i)] = static_cast<uint8_t>(counter >> (8 * (7 - i)));
  return make_record(peer::record_kind::frame, f);
}

std::string dropped(const char* reason) {
  return std::string{"nzcore_peer_dropped_total{reason=\""} + reason + "\"}";
}

std::string failures(const char* reason) {
  return std::string{"nzcore_peer_handshake_failures_total{reason=\""} + reason + "\"}";
}

}  // namespace

// -- who may talk to a session ------------------------------------------------------

TEST_CASE_FIXTURE(connected_nodes,
                  "sender checks: records and control messages from an actor that is "
                  "not the session's link are dropped and counted") {
  auto intruder = sys.spawn(bystander, 0);
  owned.push_back(intruder);
  auto a_link = link_of(a_out);
  auto b_link = link_of(b_in);
  // A genuine frame to replay: a's ping as b's link read it.
  REQUIRE(ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id));
  auto genuine = b_link->read.back();
  REQUIRE(genuine[0] == static_cast<uint8_t>(peer::record_kind::frame));
  // Another connection's link is not this session's link either.
  auto other_link = dial_raw(b);
  auto a0 = stats(a_out);
  auto b0 = stats(b_in);
  REQUIRE(a0);
  REQUIRE(b0);
  auto foreign_a0 = metric(a, dropped("foreign_sender"));
  auto foreign_b0 = metric(b, dropped("foreign_sender"));
  auto written_a0 = a_link->written.size();
  auto written_b0 = b_link->written.size();
  // To the responder: a replayed genuine frame, a fake frame with the next
  // counter, a message 3 and an abort, each in its own (peer_in); one more
  // from another link.
  caf::send_as(intruder, b_in, peer_in_atom::value, records{genuine});
  caf::send_as(intruder, b_in, peer_in_atom::value, records{fake_frame(1)});
  caf::send_as(intruder, b_in, peer_in_atom::value,
               records{make_record(peer::record_kind::handshake3, byte_vec(166, 0x11))});
  caf::send_as(intruder, b_in, peer_in_atom::value,
               records{make_record(peer::record_kind::abort)});
  caf::send_as(other_link, b_in, peer_in_atom::value, records{fake_frame(1)});
  // To the initiator: a message 2, a frame, an abort; then control messages:
  // a heartbeat tick (only its own timer may send it), a link announcement
  // naming the intruder, a dial failure (it has its link).
  caf::send_as(intruder, a_out, peer_in_atom::value,
               records{make_record(peer::record_kind::handshake2, byte_vec(198, 0x22))});
  caf::send_as(intruder, a_out, peer_in_atom::value, records{fake_frame(0)});
  caf::send_as(intruder, a_out, peer_in_atom::value,
               records{make_record(peer::record_kind::abort)});
  caf::send_as(intruder, a_out, peer_beat_atom::value);
  caf::send_as(intruder, a_out, peer_link_atom::value, intruder);
  caf::send_as(intruder, a_out, peer_dial_atom::value, std::string{"gone"});
  run();
  auto a1 = stats(a_out);
  auto b1 = stats(b_in);
  REQUIRE(a1);
  REQUIRE(b1);
  CHECK(a1->state == "established");
  CHECK(b1->state == "established");
  // Nothing was opened, sent or counted as received; no ping went out for the
  // forged beat; nothing was written on either connection.
  CHECK(a1->frames_in == a0->frames_in);
  CHECK(a1->frames_out == a0->frames_out);
  CHECK(b1->frames_in == b0->frames_in);
  CHECK(b1->frames_out == b0->frames_out);
  CHECK(a1->bytes_in == a0->bytes_in);
  CHECK(b1->bytes_in == b0->bytes_in);
  CHECK(a_link->written.size() == written_a0);
  CHECK(b_link->written.size() == written_b0);
  // Every foreign (peer_in) counts in the session's dropped; every foreign
  // message in the metric.
  CHECK(a1->dropped == a0->dropped + 3);
  CHECK(b1->dropped == b0->dropped + 5);
  CHECK(metric(a, dropped("foreign_sender")) == foreign_a0 + 6);
  CHECK(metric(b, dropped("foreign_sender")) == foreign_b0 + 5);
  // None of it reached the record rules or the cipher.
  for (auto* n : {&a, &b}) {
    CHECK(metric(*n, dropped("unexpected_record")) == 0);
    CHECK(metric(*n, dropped("unauthenticated_abort")) == 0);
    CHECK(metric(*n, dropped("replayed")) == 0);
    CHECK(metric(*n, dropped("forged")) == 0);
  }
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

TEST_CASE_FIXTURE(two_nodes,
                  "sender checks: records from a stranger before the link is up do not "
                  "start an initiator's handshake") {
  // An initiator whose connection is still being made (the test holds its
  // dial) takes records from nobody, and a (peer_link) must come from the link
  // it names.
  auto intruder = sys.spawn(bystander, 0);
  owned.push_back(intruder);
  caf::actor held;
  auto cred = credentials(a);
  peer_session_config cfg;
  cfg.initiator = true;
  cfg.connect = [&held](caf::actor s) { held = std::move(s); };
  cfg.static_key = cred.key;
  cfg.binding = cred.binding;
  cfg.address = "held";
  cfg.admission.policy = "open";
  cfg.manager = a.manager;
  auto waiting = spawn_peer_session(sys, a.reg, std::move(cfg));
  seen_sessions.push_back(waiting.address());
  run();
  REQUIRE(held == waiting);
  auto foreign0 = metric(a, dropped("foreign_sender"));
  caf::send_as(intruder, waiting, peer_in_atom::value,
               records{make_record(peer::record_kind::handshake2, byte_vec(198, 0x22))});
  caf::send_as(intruder, waiting, peer_link_atom::value, caf::actor{held});
  run();
  CHECK(metric(a, dropped("foreign_sender")) == foreign0 + 2);
  auto s = stats(waiting);
  REQUIRE(s);
  CHECK(s->state == "handshaking");
  CHECK(links.empty());
  // A dial failure from a local actor is what the dialler sends: it ends the
  // session as unreachable.
  sys.spawn(failed_dial_impl, waiting, std::string{"refused (test)"});
  run();
  CHECK_FALSE(alive(waiting));
  CHECK(metric(a, failures("unreachable")) == 1);
}

TEST_CASE_FIXTURE(connected_nodes,
                  "sender checks: a second initiator's handshake does not reach an "
                  "established responder, and the newer session replaces it") {
  // A genuine second initiator of the same identity (a fresh static key bound by
  // a's key) connects to b; b's new responder handshakes with it over the new
  // connection. Nothing of it reaches the old session; then b keeps one
  // session per peer: the newer one, since two inbound sessions from the same
  // peer mean the peer reconnected. The old session's end closes its
  // connection, which ends a's old session too.
  auto old_b_link = link_of(b_in);
  auto read0 = old_b_link->read.size();
  auto other = direct_initiator(a, b.address(), a.manager);
  run();
  CHECK(old_b_link->read.size() == read0);
  CHECK(metric(b, dropped("unexpected_record")) == 0);
  CHECK(metric(b, dropped("foreign_sender")) == 0);
  CHECK_FALSE(alive(b_in));
  CHECK_FALSE(alive(a_out));
  auto so = stats(other);
  REQUIRE(so);
  CHECK(so->state == "established");
  auto lb = list(b);
  REQUIRE(lb);
  REQUIRE(lb->size() == 1);
  CHECK((*lb)[0].node_id == a.node_id);
  CHECK((*lb)[0].state == "established");
  CHECK((*lb)[0].frames_out >= 1);  // its "ready" went to the new partner
  // b's session is the partner of the new initiator.
  REQUIRE(ask<int64_t>(b.mgr(), peer_ping_atom::value, a.node_id));
  auto so2 = stats(other);
  REQUIRE(so2);
  CHECK(so2->frames_in == so->frames_in + 1);
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

// The session's (tick) handler (the handshake deadline) accepts the tick only
// from its own timer, like (peer_beat) and (flush).
TEST_CASE_FIXTURE(two_nodes,
                  "sender checks: a stranger's handshake timer tick does not end a "
                  "handshake") {
  auto [link, drv] = say_hello(a, b);
  auto live = live_sessions();
  REQUIRE(live.size() == 1);
  auto responder = live.front().handle;
  auto intruder = sys.spawn(bystander, 0);
  owned.push_back(intruder);
  auto foreign0 = metric(b, dropped("foreign_sender"));
  caf::send_as(intruder, responder, tick_atom::value);
  run();
  CHECK(alive(responder));
  CHECK(metric(b, failures("timeout")) == 0);
  CHECK(metric(b, dropped("foreign_sender")) == foreign0 + 1);
}

// -- hostile records on the connection ------------------------------------------------

TEST_CASE_FIXTURE(connected_nodes,
                  "hostile records: on an established connection, hellos, handshake "
                  "messages, forged, replayed and reordered frames and aborts are "
                  "dropped and counted") {
  auto b_link = link_of(b_in);
  // b has taken frame 0 from a (a ping); the next it expects is 1.
  REQUIRE(ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id));
  auto genuine = b_link->read.back();
  REQUIRE(genuine[0] == static_cast<uint8_t>(peer::record_kind::frame));
  auto b0 = stats(b_in);
  REQUIRE(b0);
  auto written0 = b_link->written.size();
  // Injected on the path into the a -> b direction of the connection.
  write_records(handle(*b_link),
                {make_record(peer::record_kind::hello, byte_vec(32, 0x01)),
                 make_record(peer::record_kind::handshake2, byte_vec(96, 0x02)),
                 make_record(peer::record_kind::handshake3, byte_vec(64, 0x03)), genuine,
                 fake_frame(1), fake_frame(7), make_record(peer::record_kind::abort)});
  run();
  auto b1 = stats(b_in);
  REQUIRE(b1);
  CHECK(b1->state == "established");
  CHECK(b1->frames_in == b0->frames_in);
  CHECK(b1->frames_out == b0->frames_out);
  CHECK(b1->dropped == b0->dropped + 3);
  CHECK(metric(b, dropped("unexpected_record")) == 3);
  CHECK(metric(b, dropped("replayed")) == 1);
  CHECK(metric(b, dropped("forged")) == 1);
  CHECK(metric(b, dropped("reordered")) == 1);
  CHECK(metric(b, dropped("unauthenticated_abort")) == 1);
  CHECK(metric(b, dropped("foreign_sender")) == 0);
  // Nothing answered them, and the session is still in step both ways.
  CHECK(b_link->written.size() == written0);
  CHECK(alive(a_out));
  REQUIRE(ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id));
  REQUIRE(ask<int64_t>(b.mgr(), peer_ping_atom::value, a.node_id));
  auto b2 = stats(b_in);
  REQUIRE(b2);
  CHECK(b2->frames_in == b1->frames_in + 2);  // a's ping, a's pong
  CHECK(list(a)->size() == 1);
  CHECK(list(b)->size() == 1);
}

TEST_CASE_FIXTURE(connected_nodes,
                  "hostile records: a record of an unknown kind on the connection "
                  "closes it and ends the session") {
  auto b_link = link_of(b_in);
  // Length 2, kind 9, one byte: the record reader refuses it.
  write_bytes(handle(*b_link), wire_bytes{0, 0, 0, 2, 9, 0});
  run();
  CHECK(b_link->ended);
  CHECK(b_link->closed == "bad_record");
  CHECK(metric(b, dropped("bad_record")) == 1);
  CHECK_FALSE(alive(b_in));
  CHECK_FALSE(alive(a_out));
  CHECK(list(b)->empty());
}

TEST_CASE_FIXTURE(connected_nodes,
                  "hostile records: a record kind the link would never deliver is "
                  "dropped and counted by the session") {
  auto b_link = link_of(b_in);
  auto b0 = stats(b_in);
  REQUIRE(b0);
  self->send(handle(*b_link), test_read_atom::value, records{byte_vec{9, 1, 2, 3}});
  run();
  CHECK(metric(b, dropped("unexpected_record")) == 1);
  auto b1 = stats(b_in);
  REQUIRE(b1);
  CHECK(b1->state == "established");
  CHECK(b1->frames_in == b0->frames_in);
  REQUIRE(ask<int64_t>(a.mgr(), peer_ping_atom::value, b.node_id));
}

TEST_CASE_FIXTURE(two_nodes,
                  "hostile records: a first record that is not a hello closes the "
                  "connection before any session exists") {
  auto link = dial_raw(b);
  write_records(link, {fake_frame(0)});
  run();
  REQUIRE(links.size() == 1);
  CHECK(links[0]->ended);
  CHECK(links[0]->closed == "protocol");
  CHECK(links[0]->hellos == 0);
  CHECK(metric(b, failures("bad_message")) == 1);
  CHECK(seen_sessions.empty());
  CHECK(list(b)->empty());
}

TEST_CASE_FIXTURE(two_nodes,
                  "hostile records: records right behind the hello, before a session "
                  "owns the connection, close it and fail the handshake") {
  auto link = dial_raw(b);
  auto drv = driver_for(a, peer::noise::role::initiator);
  auto msg1 = drv.start();
  REQUIRE(msg1);
  write_records(link, {make_record(peer::record_kind::hello, *msg1), fake_frame(0)});
  run();
  REQUIRE(links.size() == 1);
  CHECK(links[0]->hellos == 1);
  CHECK(links[0]->closed == "protocol");
  CHECK(metric(b, dropped("early_record")) == 1);
  // b's manager had spawned a responder for the hello; it found its
  // connection closed.
  CHECK(seen_sessions.size() == 1);
  CHECK(live_sessions().empty());
  CHECK(list(b)->empty());
  CHECK(metric(b, failures("closed")) == 1);
}

TEST_CASE_FIXTURE(two_nodes,
                  "hostile records: a responder drops out-of-turn records and refuses a "
                  "tampered message 3") {
  auto link = dial_raw(b);
  auto drv = driver_for(a, peer::noise::role::initiator);
  auto msg1 = drv.start();
  REQUIRE(msg1);
  write_records(link, {make_record(peer::record_kind::hello, *msg1)});
  run();
  auto& raw = *raws.back();
  REQUIRE(raw.received.size() == 1);
  REQUIRE(raw.received[0][0] == static_cast<uint8_t>(peer::record_kind::handshake2));
  // A second hello, a message 2 (the responder's own step) and a frame before
  // the handshake finished.
  write_records(link, {make_record(peer::record_kind::hello, *msg1),
                       make_record(peer::record_kind::handshake2, byte_vec(96, 0x02)),
                       fake_frame(0)});
  run();
  CHECK(metric(b, dropped("unexpected_record")) == 3);
  auto lb = list(b);
  REQUIRE(lb);
  REQUIRE(lb->size() == 1);
  CHECK(lb->front().state == "handshaking");
  CHECK(raw.received.size() == 1);
  // A genuine message 2 gives a genuine message 3; one flipped bit makes it
  // fail authentication.
  auto reply = drv.on_msg2(
      peer::noise::bytes_view{raw.received[0].data() + 1, raw.received[0].size() - 1});
  REQUIRE(reply);
  auto bad = reply->msg3;
  bad[bad.size() / 2] ^= 0x01;
  write_records(link, {make_record(peer::record_kind::handshake3, bad)});
  run();
  CHECK(list(b)->empty());
  CHECK(metric(b, failures("bad_message")) == 1);
  CHECK(metric(b, "nzcore_peer_handshakes_total{direction=\"inbound\"}") == 0);
  // The refusal is an abort record, then the connection closes.
  REQUIRE(raw.received.size() == 2);
  CHECK(raw.received[1] == make_record(peer::record_kind::abort));
  CHECK(raw.ended);
}

TEST_CASE_FIXTURE(two_nodes,
                  "hostile records: the genuine handshake of a raw initiator "
                  "establishes a session") {
  // The counterpart of the refusals above: the same steps, untampered.
  auto [link, drv] = say_hello(a, b);
  auto& raw = *raws.back();
  REQUIRE(raw.received.size() == 1);
  auto reply = drv.on_msg2(
      peer::noise::bytes_view{raw.received[0].data() + 1, raw.received[0].size() - 1});
  REQUIRE(reply);
  CHECK(reply->remote.node_id == b.node_id);
  write_records(link, {make_record(peer::record_kind::handshake3, reply->msg3)});
  run();
  auto lb = list(b);
  REQUIRE(lb);
  REQUIRE(lb->size() == 1);
  CHECK(lb->front().state == "established");
  CHECK(lb->front().node_id == a.node_id);
  // The first sealed frame ("ready") came back.
  REQUIRE(raw.received.size() == 2);
  CHECK(raw.received[1][0] == static_cast<uint8_t>(peer::record_kind::frame));
  CHECK(links.back()->ups == 1);
}

TEST_CASE_FIXTURE(two_nodes,
                  "hostile records: an abort during the handshake ends the responder "
                  "without a session") {
  auto [link, drv] = say_hello(a, b);
  REQUIRE(list(b)->size() == 1);
  write_records(link, {make_record(peer::record_kind::abort)});
  run();
  CHECK(list(b)->empty());
  CHECK(live_sessions().empty());
  CHECK(raws.back()->ended);
  CHECK(metric(b, dropped("unauthenticated_abort")) == 0);
}

TEST_CASE_FIXTURE(two_nodes,
                  "hostile records: an initiator drops out-of-turn records and refuses a "
                  "bad message 2") {
  listen_raw("nodec", 7003);
  auto r = call<std::string>(a.mgr(), peer_connect_atom::value, std::string{"nodec"},
                             uint16_t{7003});
  REQUIRE(raws.size() == 1);
  auto& raw = *raws[0];
  REQUIRE(raw.count(peer::record_kind::hello) == 1);
  auto link = caf::actor_cast<caf::actor>(raw.link);
  REQUIRE(link);
  // A hello, a message 3 and a frame: not the initiator's next step.
  write_records(link, {make_record(peer::record_kind::hello, byte_vec(32, 0x01)),
                       make_record(peer::record_kind::handshake3, byte_vec(64, 0x03)),
                       fake_frame(0)});
  run();
  CHECK(metric(a, dropped("unexpected_record")) == 3);
  CHECK_FALSE(r->done());
  auto la = list(a);
  REQUIRE(la);
  REQUIRE(la->size() == 1);
  CHECK(la->front().state == "handshaking");
  // A message 2 that is not one.
  write_records(link, {make_record(peer::record_kind::handshake2, byte_vec(96, 0x02))});
  run();
  REQUIRE(r->done());
  REQUIRE_FALSE(r->ok());
  CHECK(has_code(r->error(), peer_errc::refused));
  CHECK(metric(a, failures("bad_message")) == 1);
  CHECK(list(a)->empty());
  CHECK(raw.count(peer::record_kind::abort) == 1);
  CHECK(raw.ended);
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
