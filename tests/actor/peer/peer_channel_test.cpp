// Channels over an established session (issue #5): send/listen in order with a
// cursor, long polls, request/reply and request timeouts on the simulated clock.
#include <doctest/doctest.h>

#include "actors/peer/channel_codec.hpp"
#include "peer_support.hpp"

namespace {

using namespace nz;
using namespace nz::test;

std::string text_of(const byte_vec& x) {
  return std::string(x.begin(), x.end());
}

}  // namespace

TEST_CASE_FIXTURE(connected_nodes,
                  "channels: sent messages arrive in order after the cursor") {
  for (int i = 1; i <= 5; ++i) {
    auto id =
        ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id, std::string{"test.chan"},
                      bytes_of("m" + std::to_string(i)), uint64_t{0});
    REQUIRE(id);
    CHECK(*id == static_cast<uint64_t>(i));
  }
  auto batch = ask<channel_batch>(b.mgr(), peer_listen_atom::value,
                                  std::string{"test.chan"}, uint64_t{0}, uint32_t{0});
  REQUIRE(batch);
  REQUIRE(batch->messages.size() == 5);
  uint64_t last_seq = 0;
  for (size_t i = 0; i < 5; ++i) {
    auto& m = batch->messages[i];
    CHECK(text_of(m.payload) == "m" + std::to_string(i + 1));
    CHECK(m.id == i + 1);
    CHECK(m.from == a.node_id);
    CHECK(m.channel == "test.chan");
    CHECK(m.reply_to == 0);
    CHECK(m.seq > last_seq);
    last_seq = m.seq;
  }
  CHECK(batch->next == last_seq);
  // Nothing after the cursor.
  auto empty = ask<channel_batch>(b.mgr(), peer_listen_atom::value,
                                  std::string{"test.chan"}, batch->next, uint32_t{0});
  REQUIRE(empty);
  CHECK(empty->messages.empty());
  CHECK(empty->next == batch->next);
  // Another channel is separate; the cursor skips what it used.
  REQUIRE(ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id, std::string{"other"},
                        bytes_of("x"), uint64_t{0}));
  REQUIRE(ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id,
                        std::string{"test.chan"}, bytes_of("m6"), uint64_t{0}));
  auto more = ask<channel_batch>(b.mgr(), peer_listen_atom::value,
                                 std::string{"test.chan"}, batch->next, uint32_t{0});
  REQUIRE(more);
  REQUIRE(more->messages.size() == 1);
  CHECK(text_of(more->messages[0].payload) == "m6");
  CHECK(more->messages[0].id == 7);
  // And the other direction.
  REQUIRE(ask<uint64_t>(b.mgr(), peer_send_atom::value, a.node_id,
                        std::string{"test.chan"}, bytes_of("back"), uint64_t{0}));
  auto at_a = ask<channel_batch>(a.mgr(), peer_listen_atom::value,
                                 std::string{"test.chan"}, uint64_t{0}, uint32_t{0});
  REQUIRE(at_a);
  REQUIRE(at_a->messages.size() == 1);
  CHECK(at_a->messages[0].from == b.node_id);
}

TEST_CASE_FIXTURE(connected_nodes, "channels: bad names and unknown peers are refused") {
  auto bad = ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id,
                           std::string{"Bad Name"}, bytes_of("x"), uint64_t{0});
  REQUIRE_FALSE(bad);
  CHECK(has_code(bad.error(), peer_errc::bad_argument));
  auto nobody = ask<uint64_t>(a.mgr(), peer_send_atom::value, std::string(64, 'f'),
                              std::string{"test.chan"}, bytes_of("x"), uint64_t{0});
  REQUIRE_FALSE(nobody);
  CHECK(has_code(nobody.error(), peer_errc::no_session));
}

TEST_CASE_FIXTURE(connected_nodes,
                  "channels: a long poll is answered by the next message "
                  "or (empty) at the end of its wait") {
  auto poll = call<channel_batch>(b.mgr(), peer_listen_atom::value, std::string{"lp"},
                                  uint64_t{0}, uint32_t{1000});
  CHECK_FALSE(poll->done());
  REQUIRE(ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id, std::string{"lp"},
                        bytes_of("wake"), uint64_t{0}));
  REQUIRE(poll->done());
  REQUIRE(poll->ok());
  REQUIRE((*poll->value)->messages.size() == 1);
  CHECK(text_of((*poll->value)->messages[0].payload) == "wake");
  auto cursor = (*poll->value)->next;
  auto idle = call<channel_batch>(b.mgr(), peer_listen_atom::value, std::string{"lp"},
                                  cursor, uint32_t{1000});
  advance(std::chrono::milliseconds(950));
  CHECK_FALSE(idle->done());
  advance(std::chrono::milliseconds(100));
  REQUIRE(idle->done());
  REQUIRE(idle->ok());
  CHECK((*idle->value)->messages.empty());
}

// Regression: the manager's long-poll tick used to answer *every* waiting
// listener, not just those whose wait was over (fixed in ec97ca2).
TEST_CASE_FIXTURE(
    connected_nodes,
    "channels: a long poll is not cut short by another poll's shorter wait") {
  auto long_poll = call<channel_batch>(b.mgr(), peer_listen_atom::value,
                                       std::string{"slow"}, uint64_t{0}, uint32_t{10000});
  auto short_poll = call<channel_batch>(b.mgr(), peer_listen_atom::value,
                                        std::string{"fast"}, uint64_t{0}, uint32_t{1000});
  advance(std::chrono::milliseconds(1050));
  CHECK(short_poll->done());
  CHECK_FALSE(long_poll->done());
  advance(std::chrono::milliseconds(8900));  // 9.95 s
  CHECK_FALSE(long_poll->done());
  advance(std::chrono::milliseconds(100));
  REQUIRE(long_poll->done());
  REQUIRE(long_poll->ok());
  CHECK((*long_poll->value)->messages.empty());
}

TEST_CASE_FIXTURE(connected_nodes,
                  "channels: a request gets the reply sent with reply_to") {
  auto req = call<byte_vec>(a.mgr(), peer_request_atom::value, b.node_id,
                            std::string{"rpc"}, bytes_of("question"), uint32_t{2000});
  CHECK_FALSE(req->done());
  auto got = ask<channel_batch>(b.mgr(), peer_listen_atom::value, std::string{"rpc"},
                                uint64_t{0}, uint32_t{0});
  REQUIRE(got);
  REQUIRE(got->messages.size() == 1);
  auto& q = got->messages[0];
  CHECK(text_of(q.payload) == "question");
  CHECK(q.from == a.node_id);
  REQUIRE(q.id != 0);
  // An unrelated message with a reply_to that matches nothing changes nothing.
  REQUIRE(ask<uint64_t>(b.mgr(), peer_send_atom::value, a.node_id, std::string{"rpc"},
                        bytes_of("noise"), q.id + 100));
  CHECK_FALSE(req->done());
  REQUIRE(ask<uint64_t>(b.mgr(), peer_send_atom::value, a.node_id, std::string{"rpc"},
                        bytes_of("answer"), q.id));
  REQUIRE(req->done());
  REQUIRE(req->ok());
  CHECK(text_of(**req->value) == "answer");
  // The reply is in a's inbox too, marked as a reply.
  auto inbox = ask<channel_batch>(a.mgr(), peer_listen_atom::value, std::string{"rpc"},
                                  uint64_t{0}, uint32_t{0});
  REQUIRE(inbox);
  REQUIRE(inbox->messages.size() == 2);
  CHECK(inbox->messages[1].reply_to == q.id);
  // A late second reply is only an inbox message; the timer finds nothing.
  REQUIRE(ask<uint64_t>(b.mgr(), peer_send_atom::value, a.node_id, std::string{"rpc"},
                        bytes_of("late"), q.id));
  advance(std::chrono::seconds(3));
}

TEST_CASE_FIXTURE(connected_nodes,
                  "channels: a request without a reply times out after its timeout") {
  auto req = call<byte_vec>(a.mgr(), peer_request_atom::value, b.node_id,
                            std::string{"rpc"}, bytes_of("anyone?"), uint32_t{2000});
  advance(std::chrono::milliseconds(1950));
  CHECK_FALSE(req->done());
  advance(std::chrono::milliseconds(100));
  REQUIRE(req->done());
  REQUIRE_FALSE(req->ok());
  CHECK(has_code(req->error(), peer_errc::timeout));
  // A reply after the timeout is not delivered to anyone but the inbox.
  auto got = ask<channel_batch>(b.mgr(), peer_listen_atom::value, std::string{"rpc"},
                                uint64_t{0}, uint32_t{0});
  REQUIRE(got);
  REQUIRE(got->messages.size() == 1);
  REQUIRE(ask<uint64_t>(b.mgr(), peer_send_atom::value, a.node_id, std::string{"rpc"},
                        bytes_of("too late"), got->messages[0].id));
  auto inbox = ask<channel_batch>(a.mgr(), peer_listen_atom::value, std::string{"rpc"},
                                  uint64_t{0}, uint32_t{0});
  REQUIRE(inbox);
  CHECK(inbox->messages.size() == 1);
}

TEST_CASE_FIXTURE(connected_nodes,
                  "channels: posts arrive in order between sends and get no reply; "
                  "refused posts are counted") {
  const std::string post_refused = "nzcore_peer_dropped_total{reason=\"post_refused\"}";
  auto refused0 = metric(a, post_refused);
  REQUIRE(ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id, std::string{"post.ch"},
                        bytes_of("s1"), uint64_t{0}));
  for (int i = 1; i <= 3; ++i)
    self->send(a.mgr(), peer_post_atom::value, b.node_id, std::string{"post.ch"},
               bytes_of("p" + std::to_string(i)));
  run();
  REQUIRE(ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id, std::string{"post.ch"},
                        bytes_of("s2"), uint64_t{0}));
  auto batch = ask<channel_batch>(b.mgr(), peer_listen_atom::value,
                                  std::string{"post.ch"}, uint64_t{0}, uint32_t{0});
  REQUIRE(batch);
  REQUIRE(batch->messages.size() == 5);
  const char* want[] = {"s1", "p1", "p2", "p3", "s2"};
  for (size_t i = 0; i < 5; ++i) {
    CHECK(text_of(batch->messages[i].payload) == want[i]);
    CHECK(batch->messages[i].id == i + 1);  // one id sequence for sends and posts
  }
  // Nothing came back to the poster.
  CHECK(self->mailbox().empty());
  // Unknown peer, bad channel name, oversized payload: counted, nothing sent.
  self->send(a.mgr(), peer_post_atom::value, std::string{"0123456789abcdef"},
             std::string{"post.ch"}, bytes_of("x"));
  self->send(a.mgr(), peer_post_atom::value, b.node_id, std::string{"Bad Name"},
             bytes_of("x"));
  self->send(a.mgr(), peer_post_atom::value, b.node_id, std::string{"post.ch"},
             byte_vec(peer::max_channel_payload + 1, 0));
  run();
  CHECK(metric(a, post_refused) == refused0 + 3);
  auto after = ask<channel_batch>(b.mgr(), peer_listen_atom::value,
                                  std::string{"post.ch"}, batch->next, uint32_t{0});
  REQUIRE(after);
  CHECK(after->messages.empty());
}

TEST_CASE_FIXTURE(connected_nodes,
                  "channels: a route is the session; posts and sends to it keep one "
                  "order and one id sequence with the manager's") {
  auto route = ask<caf::actor>(a.mgr(), peer_route_atom::value, b.node_id.substr(0, 12));
  REQUIRE(route);
  REQUIRE(*route);
  REQUIRE(ask<uint64_t>(a.mgr(), peer_send_atom::value, b.node_id,
                        std::string{"route.ch"}, bytes_of("m1"), uint64_t{0}));
  self->send(*route, peer_post_atom::value, std::string{"route.ch"}, bytes_of("r2"));
  self->send(a.mgr(), peer_post_atom::value, b.node_id, std::string{"route.ch"},
             bytes_of("m3"));
  run();
  auto id = ask<uint64_t>(*route, peer_send_atom::value, std::string{"route.ch"},
                          bytes_of("r4"), uint64_t{0});
  REQUIRE(id);
  CHECK(*id == 4);
  auto batch = ask<channel_batch>(b.mgr(), peer_listen_atom::value,
                                  std::string{"route.ch"}, uint64_t{0}, uint32_t{0});
  REQUIRE(batch);
  REQUIRE(batch->messages.size() == 4);
  const char* want[] = {"m1", "r2", "m3", "r4"};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(text_of(batch->messages[i].payload) == want[i]);
    CHECK(batch->messages[i].id == i + 1);
    CHECK(batch->messages[i].from == a.node_id);
  }
  // No session, no route.
  auto none = ask<caf::actor>(a.mgr(), peer_route_atom::value, std::string(64, 'e'));
  REQUIRE_FALSE(none);
  CHECK(has_code(none.error(), peer_errc::no_session));
}
