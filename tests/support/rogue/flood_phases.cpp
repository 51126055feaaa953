// Connection floods and a frame flood on the peer port (phases.hpp).
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "actors/peer/session/frame_body.hpp"
#include "support/rogue/noise_client.hpp"
#include "support/rogue/phases.hpp"
#include "support/rogue/raw_conn.hpp"

namespace nz::rogue {

namespace {

/// Opens `n` connections as fast as possible (sources from `source_of(i)`),
/// then counts those the target closed within `window_ms` (refused at the
/// gate) and those still open (admitted: a link waits for their hello).
void flood(const options& o, const char* phase, int n,
           const std::function<std::string(int)>& source_of, int64_t window_ms) {
  std::vector<raw_conn> conns;
  int failed = 0;
  auto t0 = mono_ms();
  for (int i = 0; i < n; ++i) {
    std::string err;
    if (auto c = raw_conn::open(*o.peer, source_of(i), err))
      conns.push_back(std::move(*c));
    else
      ++failed;
  }
  auto took = mono_ms() - t0;
  int refused = 0;
  auto deadline = mono_ms() + window_ms;
  for (auto& c : conns)
    if (c.wait_closed(std::max<int64_t>(deadline - mono_ms(), 0)) >= 0) ++refused;
  auto admitted = static_cast<int>(conns.size()) - refused;
  say(phase, ": ", n, " connections in ", took, " ms: ", refused,
      " closed at once by the target (refused), ", admitted, " held open (admitted), ",
      failed, " connect failures");
  result(phase, " attempts=", n, " refused=", refused, " admitted=", admitted,
         " connect_failed=", failed, " open_ms=", took);
  // Closing the admitted ones frees their half-open slots.
}

}  // namespace

void phase_conn_flood(const options& o) {
  auto source = next_source(o);
  say("connflood: from ", source);
  flood(
      o, "connflood", o.flood_conns, [&](int) { return source; }, 500);
}

void phase_half_open(const options& o) {
  flood(
      o, "halfopen", o.half_open_conns, [&](int) { return next_source(o); }, 500);
}

void phase_frame_flood(const options& o) {
  auto id = rogue_identity::make(o.seed_hex);
  std::string err;
  auto conn = raw_conn::open(*o.peer, next_source(o), err);
  if (!id || !conn) {
    say("frameflood: ", err);
    result("frameflood verdict=connect_failed");
    return;
  }
  auto hs = run_handshake(*conn, *id, o.handshake_timeout_ms + 2000);
  say("frameflood: handshake as ", id->node_id().substr(0, 16), ": ", hs.verdict);
  if (hs.verdict != "admitted") {
    result("frameflood verdict=", hs.verdict);
    return;
  }
  auto& cipher = *hs.cipher;
  // Frames of a type the node does not know: each is opened, decoded and
  // dropped (nzcore_peer_dropped_total{reason="unknown_type"}).
  auto body = random_bytes(o.frame_body);
  bytes buf;
  for (int i = 0; i < o.frames; ++i) {
    auto r = sealed_frame_record(cipher, "rogue.flood", body);
    if (!r) {
      result("frameflood verdict=seal_failed");
      return;
    }
    buf.insert(buf.end(), r->begin(), r->end());
  }
  // Last: a ping; its pong shows that the session processed every frame.
  bytes nonce{0x52, 0x4f, 0x47, 0x55, 0x45, 0, 0, 1};
  auto ping = sealed_frame_record(cipher, "ping", nonce);
  buf.insert(buf.end(), ping->begin(), ping->end());
  auto t0 = mono_ms();
  size_t off = 0;
  auto deadline = t0 + 60000;
  while (off < buf.size() && mono_ms() < deadline) {
    auto k = conn->try_send(buf.data() + off, buf.size() - off);
    if (k < 0) break;
    off += static_cast<size_t>(k);
    if (!conn->poll_in()) break;  // keep reading: the node's pings and trust sync
    if (k == 0) sleep_ms(1);
  }
  auto sent_ms = mono_ms() - t0;
  int64_t drained_ms = -1;
  std::string why = "timeout";
  while (off == buf.size() && mono_ms() < deadline) {
    auto r = conn->read_record(deadline - mono_ms());
    if (!r) {
      why = conn->closed() ? "closed" : "timeout";
      break;
    }
    if ((*r)[0] != static_cast<uint8_t>(peer::record_kind::frame)) continue;
    auto plain =
        cipher.open({r->data() + 1, r->size() - 1}, static_cast<uint64_t>(mono_ms()));
    if (!plain) continue;
    auto fb = peer::decode_frame_body(*plain);
    if (fb && fb->type == "pong" && fb->body == nonce) {
      drained_ms = mono_ms() - t0;
      break;
    }
  }
  auto rate = drained_ms > 0 ? static_cast<int64_t>(o.frames) * 1000 / drained_ms : 0;
  say("frameflood: ", o.frames, " sealed frames (", buf.size(), " bytes) written in ",
      sent_ms, " ms; ",
      drained_ms >= 0 ? "the pong behind them came after " + std::to_string(drained_ms)
                            + " ms (" + std::to_string(rate) + " frames/s)"
                      : "no pong (" + why + ")");
  result("frameflood verdict=admitted frames=", o.frames, " bytes=", buf.size(),
         " written=", off == buf.size() ? "all" : std::to_string(off),
         " sent_ms=", sent_ms, " drained_ms=", drained_ms, " frames_per_s=", rate,
         " node_id=", id->node_id());
  conn->poll_in();
}

}  // namespace nz::rogue
