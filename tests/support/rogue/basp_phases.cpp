// BASP on the peer port (phases.hpp): the port used to be a CAF middleman
// port; now it speaks records only, so a BASP client must get nowhere.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/io/middleman.hpp>

#include "support/rogue/phases.hpp"
#include "support/rogue/raw_conn.hpp"

namespace nz::rogue {

namespace {

using caf::io::basp::header;
using caf::io::basp::message_type;

/// A BASP header followed by `payload_len` bytes of payload, as CAF writes it.
bytes basp_message(caf::actor_system& sys, header hdr, size_t payload_len) {
  hdr.payload_len = static_cast<uint32_t>(payload_len);
  std::vector<char> buf;
  caf::binary_serializer bs{sys, buf};
  if (bs(hdr)) return {};
  bytes out(buf.begin(), buf.end());
  auto payload = random_bytes(payload_len);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

void raw_case(caf::actor_system& sys, const options& o, const char* name, header hdr) {
  std::string err;
  auto conn = raw_conn::open(*o.peer, next_source(o), err);
  if (!conn) {
    result("basp case=", name, " closed_ms=connect_failed");
    return;
  }
  auto msg = basp_message(sys, hdr, 64);
  conn->send_bytes(msg);
  auto closed = conn->wait_closed(std::min<int64_t>(o.handshake_timeout_ms / 2, 2000));
  say("basp ", name, ": a ", msg.size(), "-byte BASP message; ",
      closed >= 0 ? "closed after " + std::to_string(closed) + " ms" : "still open",
      "; bytes received from the target: ", conn->bytes_read());
  result("basp case=", name, " closed_ms=", closed,
         " bytes_from_target=", conn->bytes_read());
}

}  // namespace

void phase_basp(caf::actor_system& sys, const options& o) {
  // 1. CAF's own client: remote_actor waits for the server handshake, which
  // never comes; the peer link closes the silent connection at its handshake
  // timeout and remote_actor fails.
  auto t0 = mono_ms();
  auto task = std::make_shared<std::packaged_task<std::string()>>([&sys, &o] {
    auto h = sys.middleman().remote_actor(o.peer->host, o.peer->port);
    return h ? std::string{"connected_to_actor_"} + std::to_string(h->id())
             : "error:" + sys.render(h.error());
  });
  auto fut = task->get_future();
  std::thread{[task] { (*task)(); }}.detach();
  std::string outcome = "no_return";
  int64_t returned = -1;
  if (fut.wait_for(std::chrono::milliseconds(o.handshake_timeout_ms + 5000))
      == std::future_status::ready) {
    outcome = fut.get();
    returned = mono_ms() - t0;
  }
  say("basp remote_actor: ", outcome, " after ", returned, " ms");
  for (auto& c : outcome)
    if (c == ' ') c = '_';
  result("basp case=remote_actor returned_ms=", returned, " outcome=", outcome);
  // 2. Raw BASP messages a client could send (any node id, any actor id).
  raw_case(sys, o, "client_handshake",
           header{message_type::client_handshake, 0, 0, 0, 0, 0});
  raw_case(sys, o, "server_handshake",
           header{message_type::server_handshake, 0, 0, 0, 0, 0});
  raw_case(sys, o, "direct_message", header{message_type::direct_message, 0, 0, 0, 1, 1});
  raw_case(sys, o, "routed_message", header{message_type::routed_message, 0, 0, 0, 1, 1});
  raw_case(sys, o, "named_receiver",
           header{message_type::direct_message, header::named_receiver_flag, 0, 0, 1, 0});
}

}  // namespace nz::rogue

namespace nz::rogue {

void phase_admin_claim(caf::actor_system& sys, const options& o) {
  std::string err;
  auto conn = raw_conn::open(*o.admin, "", err);
  if (!conn) {
    result("admin-claim outcome=connect_failed");
    return;
  }
  rss_sampler rss{o.watch_pid};
  // A client handshake header announcing 512 MiB, then nothing: held 2 s.
  header hdr{message_type::client_handshake, 0, 0, 0, 0, 0};
  auto msg = basp_message(sys, hdr, 0);
  uint32_t claim = 512u << 20;
  for (int i = 0; i < 4; ++i) msg[4 + i] = static_cast<uint8_t>(claim >> (24 - 8 * i));
  conn->send_bytes(msg);
  auto closed = conn->wait_closed(2000);
  rss.stop();
  say("admin-claim: a BASP header announcing 512 MiB on the admin port; ",
      closed >= 0 ? "closed after " + std::to_string(closed) + " ms" : "held 2000 ms",
      "; target VmRSS ", rss.before(), " -> peak ", rss.peak(), " KiB");
  result("admin-claim closed_ms=", closed, " rss_growth_kib=", rss.growth());
}

}  // namespace nz::rogue
