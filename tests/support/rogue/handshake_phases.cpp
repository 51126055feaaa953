// Handshake-level attacks and slow connections on the peer port (phases.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include "actors/peer/noise/x25519.hpp"
#include "support/rogue/noise_client.hpp"
#include "support/rogue/phases.hpp"
#include "support/rogue/raw_conn.hpp"

namespace nz::rogue {

namespace {

using peer::record_kind;

std::optional<raw_conn> connect(const options& o, const std::string& what) {
  std::string err;
  auto conn = raw_conn::open(*o.peer, next_source(o), err);
  if (!conn) say(what, ": ", err);
  return conn;
}

std::string kinds(const raw_conn& c) {
  return c.kinds_seen().empty() ? "-" : c.kinds_seen();
}

/// A real message 1 from a fresh initiator driver (kept for message 3).
struct started {
  peer::handshake_driver driver;
  bytes msg1;
};

std::optional<started> start(const rogue_identity& id) {
  auto drv = id.initiator();
  if (!drv) return std::nullopt;
  auto msg1 = drv->start();
  if (!msg1) return std::nullopt;
  return started{std::move(*drv), std::move(*msg1)};
}

/// Sends a hello carrying `msg1`, then (if `after_msg2` is set) waits for
/// message 2 and sends `after_msg2`. Reports how the target ends it.
void hello_case(const options& o, const std::string& name, const bytes& msg1,
                const std::optional<bytes>& after_msg2) {
  auto conn = connect(o, name);
  if (!conn) {
    result("handshake case=", name, " closed_ms=connect_failed");
    return;
  }
  conn->send_record(record_kind::hello, msg1);
  if (after_msg2) {
    auto r2 = conn->read_record(o.handshake_timeout_ms);
    if (r2) conn->send_bytes(*after_msg2);
  }
  auto closed = conn->wait_closed(o.handshake_timeout_ms + 3000);
  say("handshake ", name, ": ",
      closed >= 0 ? "closed after " + std::to_string(closed) + " ms" : "still open",
      "; records received: ", kinds(*conn));
  result("handshake case=", name, " closed_ms=", closed, " kinds=", kinds(*conn));
}

}  // namespace

void phase_whoami(const options& o) {
  auto id = rogue_identity::make(o.seed_hex);
  if (!id) return;
  say("identity: key ", id->key_hex(), ", node id ", id->node_id());
  result("whoami key=", id->key_hex(), " node_id=", id->node_id());
}

void phase_handshake(const options& o) {
  auto id = rogue_identity::make("");
  auto eph = peer::noise::keypair::generate();
  bytes key(eph.public_key_bytes.begin(), eph.public_key_bytes.end());
  // Message 1 too short for a key; with a payload (XX message 1 has none);
  // the largest record a hello may be.
  hello_case(o, "hello_short", random_bytes(10), std::nullopt);
  auto with_payload = key;
  with_payload.resize(key.size() + 20, 0x55);
  hello_case(o, "hello_payload", with_payload, std::nullopt);
  hello_case(o, "hello_huge", random_bytes(peer::max_record_len - 1), std::nullopt);
  // A real message 1, then garbage as message 3.
  if (auto s = start(*id)) {
    auto garbage =
        *peer::encode_record(record_kind::handshake3, random_bytes(96).data(), 96);
    hello_case(o, "garbage_handshake3", s->msg1, garbage);
  }
  // A valid handshake by an identity the target does not trust.
  auto conn = connect(o, "untrusted");
  if (!conn) {
    result("handshake case=untrusted verdict=connect_failed");
    return;
  }
  auto t0 = mono_ms();
  auto out = run_handshake(*conn, *id, o.handshake_timeout_ms + 2000);
  auto closed = conn->wait_closed(3000);
  say("handshake untrusted: node ", id->node_id().substr(0, 16), " -> ", out.verdict,
      " after ", mono_ms() - t0, " ms; records received: ", kinds(*conn),
      closed >= 0 ? "; then closed" : "; still open");
  result("handshake case=untrusted verdict=", out.verdict, " closed_ms=", closed,
         " kinds=", kinds(*conn), " node_id=", id->node_id());
}

void phase_slowloris(const options& o) {
  struct slow {
    std::string name;
    std::optional<raw_conn> conn;
    int64_t closed_ms = -1;
  };
  auto id = rogue_identity::make("");
  std::vector<slow> xs;
  auto t0 = mono_ms();
  auto add = [&](const std::string& name) -> std::optional<raw_conn>& {
    xs.push_back(slow{name, connect(o, name)});
    return xs.back().conn;
  };
  add("idle");
  if (auto& c = add("partial_header"); c) c->send_bytes(bytes{0x00, 0x00});
  if (auto& c = add("partial_record"); c)
    c->send_bytes(raw_conn::raw_record(100, 1, random_bytes(10)));
  auto s1 = start(*id);
  if (auto& c = add("hello_then_silence"); c && s1)
    c->send_record(record_kind::hello, s1->msg1);
  auto s2 = start(*id);
  if (auto& c = add("second_hello"); c && s2) {
    c->send_record(record_kind::hello, s2->msg1);
    if (c->read_record(o.handshake_timeout_ms))
      c->send_record(record_kind::hello, s2->msg1);
  }
  auto s3 = start(*id);
  if (auto& c = add("frame_before_handshake3"); c && s3) {
    c->send_record(record_kind::hello, s3->msg1);
    if (c->read_record(o.handshake_timeout_ms))
      c->send_record(record_kind::frame, random_bytes(48));
  }
  // Everything is in flight; now wait for each to be closed.
  auto deadline = t0 + o.handshake_timeout_ms + 4000;
  for (auto& x : xs) {
    if (!x.conn) continue;
    auto left = std::max<int64_t>(deadline - mono_ms(), 0);
    if (x.conn->wait_closed(left) >= 0) x.closed_ms = mono_ms() - t0;
  }
  for (auto& x : xs) {
    auto k = x.conn ? kinds(*x.conn) : std::string{"connect_failed"};
    say("slow ", x.name, ": ",
        x.closed_ms >= 0 ? "closed " + std::to_string(x.closed_ms) + " ms after the start"
                         : "still open at the deadline",
        "; records received: ", k);
    result("slow case=", x.name, " closed_ms=", x.closed_ms, " kinds=", k);
  }
}

}  // namespace nz::rogue
