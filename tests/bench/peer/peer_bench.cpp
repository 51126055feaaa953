// Peer sessions (issue #5): sealed channel messages per second between two
// nodes, handshakes per second with their latency, and memory per session,
// each beside baselines measured in the same run.
//
//   nz_bench_peer [messages=20000] [window=128] [handshakes=200] [sessions=1000]
//                 [handshakes_in_flight=1]
//   nz_bench_peer --core <payload bytes> <messages> [handshakes]   (core only)
//
// Two processes, two nodes. This process (the sending node) starts a copy of
// itself as the receiving node (`--receiver`): the node's CAF settings
// (scheduler.max-threads 2, middleman.workers 0), an identity actor with a
// random seed, a counting metrics actor, a detached storage actor on a temp
// directory, a peer manager with admission policy "open" (no trust actor) and
// max_sessions 1,500, a peer gate on a listening socket on 127.0.0.1
// (listen_tcp + spawn_peer_gate, as the node's publish_peer_gate), and a bench
// sink actor published beside it with the middleman (the sink is only the
// counter and baseline (a)'s target; no peer traffic uses BASP). This process
// runs the same services and dials the receiver with peer_connect (the
// manager's TCP dialer, dial_peer). Each session is one TCP connection owned by
// a peer_link broker on each side.
//
// Limits: the measurements run with the peer plane's limits raised out of the
// way (peer_limits::raised, peer_node.hpp): the per-link frame rate
// (peer_link_options::frame_rate, default 20,000 records/s, burst 40,000) on
// both nodes' links, the gate's handshake admission (per_source_per_s default
// 10, max_half_open default 64) and the manager's max_half_open. One last
// phase measures at the defaults: a fresh receiver with default limits, one
// sealed 1 KiB stream long enough to outlast the burst, and `handshakes`
// sequential handshake attempts (most are refused by the per-source rate).
//
// Per repetition (3; the summary gives medians and the median of the
// per-repetition ratios):
//   sealed      `messages` channel messages (messages/4 at 16 KiB) of 64 B,
//               1 KiB and 16 KiB with peer_send to the sending node's manager
//               (manager -> session -> sealed frame -> record -> peer_link ->
//               TCP -> peer_link -> remote session -> remote manager's
//               inbox); delivery is counted at the
//               receiver by the sink, which long-polls the inbox with
//               peer_listen and a cursor, and returns credits: at most
//               `window` messages are sent and not yet counted in the inbox
//               (credit every window/4). Timed from the first send until the
//               credit for the last message arrives.
//   direct      the same, but peer_send goes straight to an initiator session
//               spawned here (no sending manager hop); the receiving side is
//               the same manager, inbox and listen.
//   routed      one-way peer_post straight to the session the sending
//               manager names for the receiver (peer_route, asked once before
//               the stream): no manager hop, the way plain (a) sends straight
//               to the remote sink handle it obtained once
//   posted      the same as sealed, but one-way (peer_post: no message id, no
//               reply), the way plain (a) sends
//   plain (a)   the same payloads and window, unencrypted, as (bdata, bytes)
//               messages from a driver actor straight to the remote sink over
//               the middleman's (BASP) connection, credited the same way.
//   raw (b)     plain C (raw_stream.c, run as `--raw` in a fresh process that
//               forks its receiver): frames of the same plaintext size as a
//               sealed chan frame, sealed with ChaCha20-Poly1305-IETF (counter
//               nonce, 10-byte header as AD), length-prefixed, batched into
//               64 KiB writes over a loopback TCP connection; the receiver
//               checks every counter and opens every frame. 10x `messages`
//               frames (`messages` at 16 KiB).
//   core        context: what both sessions compute per message, on one thread
//               without actors or sockets (encode, seal, open, decode).
//   handshakes  on a fresh receiving node (same setup) per repetition, after
//               one warm-up session: `handshakes` sessions one at a time (and
//               as many again with `handshakes_in_flight` in flight, if more
//               than 1) against its gate and manager. The initiators are
//               peer_session actors spawned here directly (spawn_peer_session),
//               each with a fresh throwaway identity (Noise static key +
//               binding signed with a libsodium Ed25519 key), because the
//               manager keeps one session per peer; each connects with
//               dial_peer (a new TCP connection and outbound peer_link) as the
//               manager's sessions do. Latency: spawn until the initiator is
//               established (the responder's "ready" frame arrived), so it
//               includes the TCP connect. Baselines: the pure handshake
//               drivers in-process (core), and the round trip of a plain
//               message to the sink over the middleman (a handshake is two
//               round trips after the TCP connect: hello/hs2 and hs3/ready).
//   memory      then, on the same node with those sessions still open, its RSS
//               (/proc/self/statm) and memory mappings, `sessions` more with
//               `handshakes_in_flight` in flight, all established on both
//               sides, 1.2 s of heartbeats, RSS again; (after - before) /
//               sessions. Each session has its own TCP connection and
//               peer_link on both sides, so that is in the figure. Sessions
//               stay open until the end of the repetition.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/system_messages.hpp>

#include "actors/peer/channel_codec.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/peer_dialer.hpp"
#include "actors/peer/peer_session.hpp"
#include "bench/peer/bench_drivers.hpp"
#include "bench/peer/bench_process.hpp"
#include "bench/peer/bench_summary.hpp"
#include "bench/peer/peer_node.hpp"
#include "bench/peer/pure_core.hpp"
#include "bench/support/bench_clock.hpp"
#include "bench/support/bench_stats.hpp"
#include "messages/peer_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace {

using namespace nz::bench;

/// Every node of the bench: room for the sessions phase (1 + 2 x 200 + 1,000).
constexpr uint64_t node_max_sessions = 1500;
constexpr auto phase_timeout = std::chrono::seconds(180);

void await_done(caf::scoped_actor& self, const char* what) {
  self->receive([](bdone_atom) {}, caf::after(phase_timeout) >>
                                       [&] { die(std::string{what} + ": timeout"); });
}

// -- measurements ---------------------------------------------------------------------

struct context {
  caf::actor_system& sys;
  node_services& node;
  std::string exe;
  receiver& r1;
  std::string peer;  ///< r1's node id
  caf::actor sink;
  caf::actor direct;  ///< an initiator session of ours with r1 (path::direct)
  uint64_t messages, window, handshakes, sessions;
  /// Handshakes in flight in the memory phase and the concurrent handshake
  /// measurement (1: none).
  uint64_t hs_in_flight;
};

std::string channel_name(int run, size_t size, path via) {
  auto c = "bench.r" + std::to_string(run) + ".s" + std::to_string(size);
  return via == path::direct   ? c + ".d"
         : via == path::posted ? c + ".p"
         : via == path::routed ? c + ".r"
                               : c;
}

double stream(context& cx, caf::scoped_actor& self, path via, size_t size, uint64_t total,
              int run, double* per_poll = nullptr, stream_result* result = nullptr,
              uint64_t mark = 0) {
  stream_params p;
  p.mark = mark;
  p.via = via;
  p.manager = caf::actor_cast<nz::peer_manager_actor>(cx.node.manager);
  p.session = cx.direct;
  if (via == path::routed) {
    // The route is asked for once, as plain (a)'s driver got its sink once.
    self->request(p.manager, request_timeout, nz::peer_route_atom::value, cx.peer)
        .receive([&](caf::actor& s) { p.session = std::move(s); },
                 [&](caf::error& err) { die("peer_route: " + cx.sys.render(err)); });
  }
  p.peer = cx.peer;
  p.sink = cx.sink;
  p.total = total;
  p.window = cx.window;
  p.size = size;
  p.channel = channel_name(run, size, via);
  auto out = std::make_shared<stream_result>();
  cx.sys.spawn(stream_driver, p, out, caf::actor{self});
  await_done(self, to_string(via));
  if (!out->error.empty()) die(out->error);
  if (out->delivered != total || out->bad != 0)
    die("stream: " + std::to_string(out->delivered) + " of " + std::to_string(total)
        + " delivered, " + std::to_string(out->bad) + " bad");
  if (result) *result = *out;
  double rate = static_cast<double>(total) / out->seconds;
  std::string extra;
  if (via != path::plain) {
    double mpp =
        out->polls ? static_cast<double>(out->seen) / static_cast<double>(out->polls) : 0;
    if (per_poll) *per_poll = mpp;
    char buf[96];
    std::snprintf(buf, sizeof buf, " listen_replies=%llu (%.1f messages each)",
                  static_cast<unsigned long long>(out->polls), mpp);
    extra = buf;
    if (out->seen != total) extra += " seen_in_listen=" + std::to_string(out->seen);
  }
  std::printf(
      "%-11s run=%d size=%zu messages=%llu window=%llu seconds=%.3f rate=%.0f/s "
      "(%.1f MB/s payload)%s\n",
      to_string(via), run, size, static_cast<unsigned long long>(total),
      static_cast<unsigned long long>(cx.window), out->seconds, rate,
      rate * static_cast<double>(size) / 1e6, extra.c_str());
  return rate;
}

std::vector<peer_identity> fresh_identities(uint64_t n) {
  std::vector<peer_identity> ids;
  ids.reserve(n);
  for (uint64_t i = 0; i < n; ++i) ids.push_back(make_peer_identity());
  return ids;
}

/// `n` handshakes against the gate on 127.0.0.1:port with `window` in flight
/// (links with the bench's raised limits). `expect_refusals`: failures are
/// counted, not fatal.
std::shared_ptr<hs_result> handshakes(context& cx, caf::scoped_actor& self, uint16_t port,
                                      uint64_t n, uint64_t window, receiver* rcv,
                                      bool expect_refusals = false) {
  auto ids = std::make_shared<const std::vector<peer_identity>>(fresh_identities(n));
  auto out = std::make_shared<hs_result>();
  out->collector =
      cx.sys.spawn(hs_collector, port, bench_link_options(peer_limits::raised), ids,
                   window, cx.node.reg, out, caf::actor{self}, expect_refusals);
  auto t0 = clock_type::now();
  for (bool done = false; !done;) {
    self->receive(
        [&](bdone_atom) { done = true; },
        caf::after(std::chrono::seconds(5)) >>
            [&] {
              std::fprintf(stderr,
                           "nz_bench_peer: handshakes after %.0f s: %llu launched, "
                           "%llu established, %llu failed\n",
                           seconds_since(t0),
                           static_cast<unsigned long long>(out->launched.load()),
                           static_cast<unsigned long long>(out->established.load()),
                           static_cast<unsigned long long>(out->failures.load()));
              if (rcv && out->failures.load() > 0 && !expect_refusals) {
                int status = 0;
                if (::waitpid(rcv->proc.pid, &status, WNOHANG) == rcv->proc.pid)
                  die("the receiving process ended: "
                      + (WIFSIGNALED(status)
                             ? "signal " + std::to_string(WTERMSIG(status))
                             : "exit " + std::to_string(WEXITSTATUS(status))));
                auto [e, a] = rcv->sessions();
                std::fprintf(stderr,
                             "nz_bench_peer: receiver: %llu established, %llu "
                             "sessions; %s\n",
                             static_cast<unsigned long long>(e),
                             static_cast<unsigned long long>(a), rcv->metrics().c_str());
              }
              if (seconds_since(t0) > 60) die("handshakes: timeout");
            });
  }
  if (!expect_refusals && (out->failed != 0 || out->lat_us.size() != n))
    die("handshakes: " + std::to_string(out->failed) + " of " + std::to_string(n)
        + " failed");
  return out;
}

hs_figures hs_stats(const hs_result& r) {
  return {static_cast<double>(r.lat_us.size()) / r.seconds, percentile(r.lat_us, 0.5),
          percentile(r.lat_us, 0.99)};
}

void close_sessions(const hs_result& r) {
  for (auto& s : r.sessions) caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(r.collector, caf::exit_reason::user_shutdown);
}

void streams(context& cx, caf::scoped_actor& self, repetition& rep, int run) {
  for (size_t k = 0; k < 3; ++k) {
    auto size = sizes[k];
    uint64_t n = size >= 16384 ? cx.messages / 4 : cx.messages;
    uint64_t raw_n = size >= 16384 ? cx.messages : cx.messages * 10;
    auto& f = rep.by_size[k];
    f.sealed = stream(cx, self, path::sealed, size, n, run, &f.per_poll);
    f.direct = stream(cx, self, path::direct, size, n, run);
    f.posted = stream(cx, self, path::posted, size, n, run);
    f.routed = stream(cx, self, path::routed, size, n, run);
    f.plain = stream(cx, self, path::plain, size, n, run);
    auto plain_len =
        chan_plaintext_size(size, channel_name(run, size, path::sealed).c_str());
    auto raw = run_raw(cx.exe, plain_len, raw_n);
    f.raw = static_cast<double>(raw.opened) / raw.seconds;
    std::printf(
        "raw (b)     run=%d size=%zu frames=%llu plaintext=%zu B seconds=%.3f "
        "rate=%.0f/s (%.1f MB/s payload)\n",
        run, size, static_cast<unsigned long long>(raw_n), plain_len, raw.seconds, f.raw,
        f.raw * static_cast<double>(size) / 1e6);
    uint64_t bad = 0;
    f.core = core_frame_rate(size, n, bad);
    if (bad != 0) die("core: " + std::to_string(bad) + " frames failed");
    std::printf("core        run=%d size=%zu frames=%llu rate=%.0f/s (one thread)\n", run,
                size, static_cast<unsigned long long>(n), f.core);
    std::printf(
        "ratios      run=%d size=%zu sealed/plain(a)=%.3f sealed/raw(b)=%.3f "
        "plain(a)/raw(b)=%.3f direct/plain(a)=%.3f sealed/core=%.3f "
        "posted/plain(a)=%.3f routed/plain(a)=%.3f\n",
        run, size, f.sealed / f.plain, f.sealed / f.raw, f.plain / f.raw,
        f.direct / f.plain, f.sealed / f.core, f.posted / f.plain, f.routed / f.plain);
  }
}

/// Handshakes and memory per session, on a fresh receiving node: one warm-up
/// session; `handshakes` one at a time (and as many with hs_in_flight in
/// flight, if more than 1); then RSS, `sessions` more, RSS again. Sessions stay
/// open until the end: a session established once is closed by its own side
/// or by the heartbeat detector only, not by a down message of the peer.
void sessions_phase(context& cx, caf::scoped_actor& self, repetition& rep, int run) {
  auto lat = std::make_shared<std::vector<double>>();
  cx.sys.spawn(ping_driver, cx.sink, cx.handshakes, lat, caf::actor{self});
  await_done(self, "ping");
  rep.rtt_p50 = percentile(*lat, 0.5);
  rep.rtt_p99 = percentile(*lat, 0.99);
  std::printf("rtt         run=%d plain round trips=%llu p50=%.0f us p99=%.0f us\n", run,
              static_cast<unsigned long long>(cx.handshakes), rep.rtt_p50, rep.rtt_p99);
  rep.core_hs = core_handshake_rate(cx.handshakes);
  std::printf(
      "core_hs     run=%d handshakes=%llu rate=%.0f/s (%.0f us each, one thread)\n", run,
      static_cast<unsigned long long>(cx.handshakes), rep.core_hs, 1e6 / rep.core_hs);

  auto r2 = start_receiver(cx.exe, node_max_sessions, peer_limits::raised);
  std::vector<std::shared_ptr<hs_result>> open;
  uint64_t up = 0;
  auto add = [&](uint64_t n, uint64_t window) {
    open.push_back(handshakes(cx, self, r2.gate_port, n, window, &r2));
    up += n;
    r2.await_sessions(up);
    return open.back();
  };
  add(1, 1);  // warm-up: the connection, the first proxies, the first session
  std::vector<uint64_t> windows{1};
  if (cx.hs_in_flight > 1) windows.push_back(cx.hs_in_flight);
  for (uint64_t window : windows) {
    auto r = add(cx.handshakes, window);
    auto f = hs_stats(*r);
    (window == 1 ? rep.seq : rep.conc) = f;
    std::printf(
        "handshake   run=%d in_flight=%llu sessions=%llu seconds=%.3f rate=%.0f/s "
        "p50=%.0f us p99=%.0f us\n",
        run, static_cast<unsigned long long>(window),
        static_cast<unsigned long long>(cx.handshakes), r->seconds, f.rate, f.p50, f.p99);
  }
  // Every session has sent and answered heartbeats by now.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto [recv0, maps0] = r2.rss();
  auto send0 = rss_bytes();
  auto before = up;
  auto r = add(cx.sessions, cx.hs_in_flight);
  rep.mem_hs = hs_stats(*r);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto [recv1, maps1] = r2.rss();
  auto send1 = rss_bytes();
  auto n = static_cast<double>(cx.sessions);
  rep.recv_before = static_cast<double>(recv0);
  rep.recv_after = static_cast<double>(recv1);
  rep.recv_per_session = (static_cast<double>(recv1) - static_cast<double>(recv0)) / n;
  rep.send_per_session = (static_cast<double>(send1) - static_cast<double>(send0)) / n;
  rep.maps_per_session = (static_cast<double>(maps1) - static_cast<double>(maps0)) / n;
  std::printf(
      "memory      run=%d sessions=%llu (on top of %llu) in_flight=%llu rate=%.0f/s "
      "p50=%.0f us p99=%.0f us; receiver RSS %.1f -> %.1f MiB = %.0f B/session, "
      "mappings %llu -> %llu; initiator side %.0f B/session\n",
      run, static_cast<unsigned long long>(cx.sessions),
      static_cast<unsigned long long>(before),
      static_cast<unsigned long long>(cx.hs_in_flight), rep.mem_hs.rate, rep.mem_hs.p50,
      rep.mem_hs.p99, rep.recv_before / 1048576.0, rep.recv_after / 1048576.0,
      rep.recv_per_session, static_cast<unsigned long long>(maps0),
      static_cast<unsigned long long>(maps1), rep.send_per_session);
  for (auto& o : open) close_sessions(*o);
  r2.quit();
}

repetition run_once(context& cx, int run) {
  repetition rep;
  caf::scoped_actor self{cx.sys};
  streams(cx, self, rep, run);
  sessions_phase(cx, self, rep, run);
  return rep;
}

/// The receiver's counter `key` (family{labels}) from a "metrics" answer; 0
/// if absent.
double metric_value(const std::string& text, const std::string& key) {
  auto at = text.find(" " + key + " ");
  if (at == std::string::npos) return 0;
  return std::strtod(text.c_str() + at + key.size() + 2, nullptr);
}

/// Sealed messages in the defaults stream (its sustained rate starts at
/// defaults_mark).
constexpr uint64_t defaults_messages = 100000;

defaults_figures defaults_phase(context& cx, caf::scoped_actor& self) {
  defaults_figures d;
  auto r3 = start_receiver(cx.exe, node_max_sessions, peer_limits::defaults);
  std::string peer;
  self->request(caf::actor_cast<nz::peer_manager_actor>(cx.node.manager), request_timeout,
                nz::peer_connect_atom::value, std::string{"127.0.0.1"}, r3.gate_port)
      .receive([&](std::string& id) { peer = id; },
               [&](caf::error& err) {
                 die("peer_connect (defaults): " + cx.sys.render(err));
               });
  auto sink = cx.sys.middleman().remote_actor("127.0.0.1", r3.sink_port);
  if (!sink) die("remote sink (defaults): " + cx.sys.render(sink.error()));
  context c3 = cx;
  c3.peer = peer;
  c3.sink = *sink;
  stream_result res;
  d.messages = defaults_messages;
  std::printf(
      "defaults    receiver with the node's default limits (frame rate 20000/s, "
      "burst 40000; 10 handshakes/s per source; 64 half-open)\n");
  d.rate = stream(c3, self, path::sealed, 1024, defaults_messages, 0, nullptr, &res,
                  defaults_mark);
  if (res.mark_seconds > 0 && res.seconds > res.mark_seconds)
    d.sustained = static_cast<double>(defaults_messages - res.mark_delivered)
                  / (res.seconds - res.mark_seconds);
  auto m = r3.metrics();
  d.throttled = metric_value(m, "nzcore_peer_throttled_total");
  d.attempts = cx.handshakes;
  auto h = handshakes(c3, self, r3.gate_port, d.attempts, 1, &r3, true);
  d.established = h->lat_us.size();
  d.hs = hs_stats(*h);
  d.hs_seconds = h->seconds;
  m = r3.metrics();
  d.refused = metric_value(m, "nzcore_peer_handshake_failures_total{rate_per_source}");
  d.half_open_refused =
      metric_value(m, "nzcore_peer_handshake_failures_total{too_many_half_open}");
  std::printf(
      "defaults    sealed 1 KiB messages=%llu rate=%.0f/s, after the first %llu: "
      "%.0f/s; receiver throttled its link %.0f times\n",
      static_cast<unsigned long long>(d.messages), d.rate,
      static_cast<unsigned long long>(defaults_mark), d.sustained, d.throttled);
  std::printf(
      "defaults    handshakes attempted=%llu (1 in flight) established=%llu in %.3f s "
      "(%.1f/s); refused: rate_per_source %.0f, too_many_half_open %.0f; "
      "established p50=%.0f us p99=%.0f us\n",
      static_cast<unsigned long long>(d.attempts),
      static_cast<unsigned long long>(d.established), d.hs_seconds,
      static_cast<double>(d.established) / d.hs_seconds, d.refused, d.half_open_refused,
      d.hs.p50, d.hs.p99);
  close_sessions(*h);
  r3.quit();
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--receiver") == 0)
    return receiver_main(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000,
                         argc > 3 && std::strcmp(argv[3], "defaults") == 0
                             ? peer_limits::defaults
                             : peer_limits::raised);
  if (argc >= 2 && std::strcmp(argv[1], "--raw") == 0) return raw_main(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "--core") == 0) return core_main(argc, argv);
  auto arg = [&](int i, uint64_t def) {
    return argc > i ? std::strtoull(argv[i], nullptr, 10) : def;
  };
  uint64_t messages = arg(1, 20000);
  uint64_t window = arg(2, 128);
  uint64_t hs = arg(3, 200);
  uint64_t sessions = arg(4, 1000);
  uint64_t hs_in_flight = arg(5, 1);
  if (messages < 4 || window == 0 || window > 900 || hs == 0 || sessions == 0
      || sessions > 1000 || hs_in_flight == 0 || hs_in_flight > 60
      || 1 + hs * (hs_in_flight > 1 ? 2 : 1) + sessions > node_max_sessions) {
    std::fprintf(stderr,
                 "usage: nz_bench_peer [messages>=4] [window 1..900] [handshakes>0] "
                 "[sessions 1..1000] [handshakes_in_flight 1..60]; at most %llu "
                 "sessions in all\n",
                 static_cast<unsigned long long>(node_max_sessions));
    return 2;
  }
  if (sodium_init() < 0) die("sodium_init failed");
  std::signal(SIGPIPE, SIG_IGN);  // a receiver that died shows up as an error
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  auto t_start = clock_type::now();
  print_clock("nz_bench_peer", "start");
  nz::log::set_level(nz::log::level::error);
  auto exe = self_exe();
  // Each session is a TCP connection on both sides: make room for the
  // sessions phase (and for the receivers, which inherit the limit).
  struct rlimit nofile {};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &nofile);
  }
  auto r1 = start_receiver(exe, node_max_sessions, peer_limits::raised);

  caf::actor_system_config cfg;
  configure_node(cfg);
  caf::actor_system sys{cfg};
  auto node = start_node(sys, node_max_sessions, peer_limits::raised);
  set_cleanup_dir(node.tmp->str());
  caf::scoped_actor self{sys};
  std::string peer;
  auto t0 = clock_type::now();
  self->request(caf::actor_cast<nz::peer_manager_actor>(node.manager), request_timeout,
                nz::peer_connect_atom::value, std::string{"127.0.0.1"}, r1.gate_port)
      .receive([&](std::string& id) { peer = id; },
               [&](caf::error& err) { die("peer_connect: " + sys.render(err)); });
  double connect_ms = ms_since(t0);
  auto sink = sys.middleman().remote_actor("127.0.0.1", r1.sink_port);
  if (!sink) die("remote sink: " + sys.render(sink.error()));
  std::printf(
      "nz_bench_peer: messages=%llu (%llu at 16 KiB) window=%llu handshakes=%llu "
      "sessions=%llu handshakes_in_flight=%llu repeats=%d; sender pid %d, receiver pid "
      "%d; peer_connect took %.1f ms (node %s...)\n",
      static_cast<unsigned long long>(messages),
      static_cast<unsigned long long>(messages / 4),
      static_cast<unsigned long long>(window), static_cast<unsigned long long>(hs),
      static_cast<unsigned long long>(sessions),
      static_cast<unsigned long long>(hs_in_flight), repeats,
      static_cast<int>(::getpid()), static_cast<int>(r1.proc.pid), connect_ms,
      peer.substr(0, 16).c_str());
  std::printf(
      "nz_bench_peer: peer transport: TCP on 127.0.0.1 (listen_tcp + spawn_peer_gate, "
      "dial_peer, one peer_link per connection); peer limits RAISED for the "
      "measurements: frame rate 100 M records/s per link (default 20,000, burst "
      "40,000), handshakes 1 M/s per source (default 10), half-open 100,000 at the "
      "gate and 10,000 at the manager (default 64 each); a last phase runs at the "
      "defaults\n");
  context cx{sys,          node,     exe,    r1, peer,     *sink,
             caf::actor{}, messages, window, hs, sessions, hs_in_flight};
  // An initiator session of our own with the receiver, for path::direct.
  auto direct = handshakes(cx, self, r1.gate_port, 1, 1, &r1);
  cx.direct = direct->sessions.at(0);
  r1.await_sessions(2);

  // NZ_BENCH_PEER_PROFILE=<sealed|direct|posted|routed|plain>:<bytes>: only that stream
  // (`messages` messages), for a profiler attached to both processes.
  if (auto* only = std::getenv("NZ_BENCH_PEER_PROFILE")) {
    std::string spec{only};
    auto colon = spec.find(':');
    auto name = spec.substr(0, colon);
    size_t size = colon == std::string::npos
                      ? 1024
                      : std::strtoull(spec.c_str() + colon + 1, nullptr, 10);
    path via = name == "sealed"   ? path::sealed
               : name == "direct" ? path::direct
               : name == "posted" ? path::posted
               : name == "routed" ? path::routed
                                  : path::plain;
    if (size == 0 || size > nz::peer::max_channel_payload)
      die("NZ_BENCH_PEER_PROFILE: bad size");
    stream(cx, self, via, size, messages, 1);
    r1.quit();
    node.tmp.reset();
    std::_Exit(0);
  }
  std::vector<repetition> reps;
  for (int r = 1; r <= repeats; ++r) reps.push_back(run_once(cx, r));
  auto defaults = defaults_phase(cx, self);
  summary(reps, hs_in_flight, defaults);
  r1.quit();
  print_clock("nz_bench_peer", "end");
  std::printf("nz_bench_peer: %.1f s\n", seconds_since(t_start));
  std::fflush(stdout);
  // Live sessions and remote proxies would make ~actor_system wait (CAF 0.17);
  // everything is measured, so the process ends here.
  node.tmp.reset();
  std::_Exit(0);
}
