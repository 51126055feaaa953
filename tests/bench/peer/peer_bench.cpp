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
#include "bench/peer/peer_node.hpp"
#include "bench/peer/pure_core.hpp"
#include "bench/peer/raw_stream.h"
#include "bench/support/bench_stats.hpp"
#include "messages/peer_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"

extern char** environ;

namespace {

using namespace nz::bench;

constexpr int repeats = 3;
constexpr size_t sizes[] = {64, 1024, 16384};
/// Every node of the bench: room for the sessions phase (1 + 2 x 200 + 1,000).
constexpr uint64_t node_max_sessions = 1500;
constexpr auto request_timeout = std::chrono::seconds(60);
constexpr auto phase_timeout = std::chrono::seconds(180);

/// This process's temp directory (storage), removed by die() too.
std::string g_tmp;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "nz_bench_peer: %s\n", what.c_str());
  std::fflush(stdout);
  std::error_code ec;
  if (!g_tmp.empty()) std::filesystem::remove_all(g_tmp, ec);
  std::_Exit(1);  // receivers see EOF on stdin and end themselves
}

void print_clock(const char* when) {
  char stamp[32];
  std::time_t t = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  std::string load;
  std::ifstream f{"/proc/loadavg"};
  std::getline(f, load);
  std::printf("nz_bench_peer: %s %s, /proc/loadavg: %s\n", when, stamp, load.c_str());
}

std::string self_exe() {
  char buf[4096];
  auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) die("readlink /proc/self/exe failed");
  return std::string(buf, static_cast<size_t>(n));
}

// -- child processes ------------------------------------------------------------------

/// A child process with its stdin and stdout on pipes (posix_spawn: safe while
/// the actor system's threads run).
struct child_proc {
  pid_t pid = -1;
  FILE* to = nullptr;
  FILE* from = nullptr;

  static child_proc spawn(const std::vector<std::string>& args) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) die("pipe2 failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    child_proc c;
    if (posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), environ) != 0)
      die("posix_spawn " + args[0] + " failed");
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    c.to = ::fdopen(in[1], "w");
    c.from = ::fdopen(out[0], "r");
    return c;
  }

  std::string read_line() {
    char buf[512];
    if (!std::fgets(buf, sizeof buf, from)) return {};
    std::string s{buf};
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  std::string ask(const std::string& cmd) {
    std::fprintf(to, "%s\n", cmd.c_str());
    std::fflush(to);
    return read_line();
  }

  int wait() {
    if (to) std::fclose(to);
    to = nullptr;
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (from) std::fclose(from);
    from = nullptr;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

struct receiver {
  child_proc proc;
  uint16_t gate_port = 0;
  uint16_t sink_port = 0;

  /// (resident bytes, memory mappings) of the receiving process.
  std::pair<uint64_t, uint64_t> rss() {
    unsigned long long x = 0, m = 0;
    auto line = proc.ask("rss");
    if (std::sscanf(line.c_str(), "rss %llu %llu", &x, &m) != 2)
      die("receiver rss: " + line);
    return {x, m};
  }

  /// (established, all) sessions of the receiving node's manager.
  std::pair<uint64_t, uint64_t> sessions() {
    unsigned long long e = 0, a = 0;
    auto line = proc.ask("sessions");
    if (std::sscanf(line.c_str(), "sessions %llu %llu", &e, &a) != 2)
      die("receiver sessions: " + line);
    return {e, a};
  }

  /// Polls until the receiver has `established` established sessions and no
  /// others.
  void await_sessions(uint64_t established) {
    auto t0 = clock_type::now();
    for (;;) {
      auto [e, a] = sessions();
      if (e == established && a == established) return;
      if (seconds_since(t0) > 60)
        die("receiver: " + std::to_string(e) + " established / " + std::to_string(a)
            + " sessions, expected " + std::to_string(established));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::string metrics() { return proc.ask("metrics"); }

  void quit() {
    auto bye = proc.ask("quit");
    int rc = proc.wait();
    if (bye != "bye" || rc != 0)
      die("receiver did not quit cleanly (" + bye + ", rc " + std::to_string(rc) + ")");
  }
};

receiver start_receiver(const std::string& exe, uint64_t max_sessions, peer_limits lim) {
  receiver r;
  r.proc = child_proc::spawn(
      {exe, "--receiver", std::to_string(max_sessions), to_string(lim)});
  auto line = r.proc.read_line();
  unsigned g = 0, s = 0;
  int pid = 0;
  if (std::sscanf(line.c_str(), "ready %u %u %d", &g, &s, &pid) != 3)
    die("receiver did not start: '" + line + "'");
  r.gate_port = static_cast<uint16_t>(g);
  r.sink_port = static_cast<uint16_t>(s);
  return r;
}

struct raw_result {
  double seconds = 0;
  uint64_t opened = 0;
};

raw_result run_raw(const std::string& exe, size_t plain, uint64_t frames) {
  auto c =
      child_proc::spawn({exe, "--raw", std::to_string(plain), std::to_string(frames)});
  auto line = c.read_line();
  int rc = c.wait();
  raw_result r;
  unsigned long long opened = 0;
  if (rc != 0 || std::sscanf(line.c_str(), "raw %lf %llu", &r.seconds, &opened) != 2)
    die("raw baseline failed: '" + line + "', rc " + std::to_string(rc));
  r.opened = opened;
  return r;
}

// -- drivers --------------------------------------------------------------------------

/// How a stream's messages travel.
enum class path : uint8_t {
  sealed,  ///< peer_send to the sending node's manager (the node's API)
  direct,  ///< peer_send straight to an initiator session of ours (no manager hop)
  posted,  ///< peer_post to the sending node's manager: one-way, like plain (a)
  routed,  ///< peer_post straight to the manager's session (peer_route)
  plain,   ///< baseline (a): (bdata, bytes) straight to the remote sink
};

const char* to_string(path x) {
  switch (x) {
    case path::sealed:
      return "sealed";
    case path::direct:
      return "direct";
    case path::posted:
      return "posted";
    case path::routed:
      return "routed";
    default:
      return "plain (a)";
  }
}

struct stream_params {
  path via = path::plain;
  nz::peer_manager_actor manager;
  caf::actor session;  ///< path::direct
  std::string peer;    ///< the receiving node's id
  caf::actor sink;
  uint64_t total = 0;
  uint64_t window = 0;
  size_t size = 0;
  std::string channel;
  /// If > 0: note when the delivered count first reaches it (the rate after
  /// a burst).
  uint64_t mark = 0;
};

struct stream_result {
  double seconds = 0;
  double mark_seconds = 0;  ///< when the credit reaching stream_params::mark came
  uint64_t mark_delivered = 0;
  uint64_t delivered = 0;
  uint64_t bad = 0;
  uint64_t seen = 0;
  uint64_t polls = 0;
  uint64_t acked = 0;
  std::string error;
};

/// Keeps at most `window` messages sent and not yet credited by the sink.
caf::behavior stream_driver(caf::event_based_actor* self, stream_params p,
                            std::shared_ptr<stream_result> out, caf::actor report) {
  struct state {
    uint64_t sent = 0;
    uint64_t credited = 0;
    clock_type::time_point t0;
    bool done = false;
  };
  auto st = std::make_shared<state>();
  auto payload = std::make_shared<const std::vector<uint8_t>>(p.size, uint8_t{0x5a});
  auto finish = [self, st, out, report](std::string err) {
    if (st->done) return;
    st->done = true;
    out->seconds = seconds_since(st->t0);
    out->error = std::move(err);
    self->send(report, bdone_atom::value);
    self->quit();
  };
  auto fill = [self, st, p, payload, out, finish] {
    while (!st->done && st->sent < p.total && st->sent - st->credited < p.window) {
      ++st->sent;
      auto on_error = [self, finish](caf::error& err) {
        finish("peer_send: " + self->system().render(err));
      };
      if (p.via == path::sealed) {
        self->request(p.manager, request_timeout, nz::peer_send_atom::value, p.peer,
                      p.channel, *payload, uint64_t{0})
            .then([out](uint64_t) { ++out->acked; }, on_error);
      } else if (p.via == path::posted) {
        self->send(p.manager, nz::peer_post_atom::value, p.peer, p.channel, *payload);
        ++out->acked;
      } else if (p.via == path::routed) {
        self->send(p.session, nz::peer_post_atom::value, p.channel, *payload);
        ++out->acked;
      } else if (p.via == path::direct) {
        self->request(p.session, request_timeout, nz::peer_send_atom::value, p.channel,
                      *payload, uint64_t{0})
            .then([out](uint64_t) { ++out->acked; }, on_error);
      } else {
        self->send(p.sink, bdata_atom::value, *payload);
      }
    }
  };
  self->request(p.sink, request_timeout, barm_atom::value,
                caf::actor_cast<caf::actor>(self), p.total,
                std::max<uint64_t>(1, p.window / 4), p.via != path::plain, p.channel,
                static_cast<uint64_t>(p.size))
      .then(
          [st, fill](uint64_t) {
            st->t0 = clock_type::now();
            fill();
          },
          [self, finish](caf::error& err) {
            finish("arm: " + self->system().render(err));
          });
  return {
      [st, p, out, fill, finish](bcredit_atom, uint64_t delivered, uint64_t bad,
                                 uint64_t seen, uint64_t polls) {
        st->credited = delivered;
        if (p.mark > 0 && out->mark_delivered == 0 && delivered >= p.mark) {
          out->mark_delivered = delivered;
          out->mark_seconds = seconds_since(st->t0);
        }
        out->delivered = delivered;
        out->bad = bad;
        out->seen = seen;
        out->polls = polls;
        if (delivered >= p.total)
          finish("");
        else
          fill();
      },
  };
}

struct hs_result {
  std::vector<double> lat_us;
  std::vector<caf::actor> sessions;
  /// Stands in for the sessions' manager: they end when it does.
  caf::actor collector;
  uint64_t failed = 0;
  double seconds = 0;
  /// Progress, read by the waiting thread when a phase takes long.
  std::atomic<uint64_t> launched{0}, established{0}, failures{0};
};

/// Spawns one initiator session per identity, `window` handshaking at a time,
/// each dialling 127.0.0.1:port (dial_peer with `link`); stands in for the
/// manager of those sessions (they report peer_up to it, and end when it
/// ends: it stays alive after reporting bdone, until close_sessions).
/// `quiet_failures`: a failed handshake is expected (refused by the limits)
/// and not printed.
caf::behavior hs_collector(caf::event_based_actor* self, uint16_t port,
                           nz::peer_link_options link,
                           std::shared_ptr<const std::vector<peer_identity>> ids,
                           uint64_t window, std::shared_ptr<nz::service_registry> reg,
                           std::shared_ptr<hs_result> out, caf::actor report,
                           bool quiet_failures) {
  struct state {
    size_t next = 0;
    size_t done = 0;
    std::map<caf::actor_addr, clock_type::time_point> pending;
    clock_type::time_point t0;
  };
  auto st = std::make_shared<state>();
  auto launch = [self, st, port, link, ids, reg, out] {
    const auto& id = (*ids)[st->next++];
    nz::peer_session_config cfg;
    cfg.initiator = true;
    cfg.connect = [sys = &self->system(), port, reg, link,
                   timeout = cfg.handshake_timeout](caf::actor session) {
      nz::dial_peer(*sys, "127.0.0.1", port, timeout, std::move(session), reg, link);
    };
    cfg.static_key = id.static_key;
    cfg.binding = id.binding;
    cfg.address = "127.0.0.1:" + std::to_string(port);
    cfg.admission.policy = "open";
    cfg.manager = caf::actor_cast<caf::actor>(self);
    auto t0 = clock_type::now();
    auto s = nz::spawn_peer_session(self->system(), reg, std::move(cfg));
    ++out->launched;
    self->monitor(s);
    st->pending[s.address()] = t0;
  };
  auto one_done = [self, st, ids, out, report, launch] {
    ++st->done;
    if (st->next < ids->size()) {
      launch();
    } else if (st->done == ids->size()) {
      out->seconds = seconds_since(st->t0);
      self->send(report, bdone_atom::value);
    }
  };
  self->set_down_handler([self, st, out, one_done, quiet_failures](caf::down_msg& dm) {
    auto i = st->pending.find(dm.source);
    if (i == st->pending.end()) return;
    st->pending.erase(i);
    ++out->failures;
    if (++out->failed <= 3 && !quiet_failures)
      std::fprintf(stderr, "nz_bench_peer: handshake failed: %s\n",
                   self->system().render(dm.reason).c_str());
    one_done();
  });
  auto on_up = [self, st, out, one_done](const caf::actor& s) {
    auto i = st->pending.find(s.address());
    if (i == st->pending.end()) return;
    out->lat_us.push_back(us_since(i->second));
    ++out->established;
    st->pending.erase(i);
    self->demonitor(s);
    out->sessions.push_back(s);
    one_done();
  };
  st->t0 = clock_type::now();
  for (uint64_t i = 0; i < window && st->next < ids->size(); ++i) launch();
  return {
      // peer_up as peer_session sends it (with and without the peer's key).
      [on_up](nz::peer_up_atom, std::string&, caf::actor& s, bool, std::string&) {
        on_up(s);
      },
      [on_up](nz::peer_up_atom, std::string&, caf::actor& s, bool, std::string&,
              std::vector<uint8_t>&) { on_up(s); },
      [](nz::peer_deliver_atom, nz::channel_message&) {},
  };
}

/// `n` sequential round trips to the sink; each in µs.
caf::behavior ping_driver(caf::event_based_actor* self, caf::actor sink, uint64_t n,
                          std::shared_ptr<std::vector<double>> lat, caf::actor report) {
  // The behavior owns the step function; the function refers to itself weakly.
  auto step = std::make_shared<std::function<void(uint64_t)>>();
  std::weak_ptr<std::function<void(uint64_t)>> weak = step;
  *step = [self, sink, n, lat, report, weak](uint64_t i) {
    if (i == n) {
      self->send(report, bdone_atom::value);
      self->quit();
      return;
    }
    auto t0 = clock_type::now();
    self->request(sink, request_timeout, bping_atom::value, i)
        .then(
            [lat, weak, t0, i](uint64_t) {
              lat->push_back(us_since(t0));
              if (auto f = weak.lock()) (*f)(i + 1);
            },
            [self](caf::error& err) { die("ping: " + self->system().render(err)); });
  };
  (*step)(0);
  return {[step](caf::unit_t) {}};
}

void await_done(caf::scoped_actor& self, const char* what) {
  self->receive([](bdone_atom) {}, caf::after(phase_timeout) >>
                                       [&] { die(std::string{what} + ": timeout"); });
}

// -- measurements ---------------------------------------------------------------------

struct size_figures {
  double sealed = 0, direct = 0, plain = 0, raw = 0, core = 0;  ///< messages per second
  double posted = 0;    ///< sealed one-way (peer_post)
  double routed = 0;    ///< sealed one-way straight to the session (peer_route)
  double per_poll = 0;  ///< sealed: messages per listen reply
};

struct hs_figures {
  double rate = 0, p50 = 0, p99 = 0;
};

struct repetition {
  size_figures by_size[3];
  hs_figures seq, conc, mem_hs;  ///< conc: only with hs_in_flight > 1
  double core_hs = 0;
  double rtt_p50 = 0, rtt_p99 = 0;
  double recv_per_session = 0, send_per_session = 0;  ///< bytes
  double recv_before = 0, recv_after = 0;             ///< bytes
  double maps_per_session = 0;                        ///< receiver memory mappings
};

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

/// At the node's default limits (once, after the repetitions): a sealed 1 KiB
/// stream long enough to outlast the frame-rate burst, and handshake attempts
/// one at a time against the default admission limits.
struct defaults_figures {
  uint64_t messages = 0;
  double rate = 0;       ///< whole stream
  double sustained = 0;  ///< after the first defaults_mark messages
  double throttled = 0;  ///< receiver's nzcore_peer_throttled_total
  uint64_t attempts = 0, established = 0;
  double refused = 0;  ///< receiver's handshake failures {rate_per_source}
  double half_open_refused = 0;
  hs_figures hs;
  double hs_seconds = 0;
};

/// Sealed messages in the defaults stream, and where its sustained rate starts:
/// past the 40,000-record burst of the default frame-rate bucket.
constexpr uint64_t defaults_messages = 100000;
constexpr uint64_t defaults_mark = 50000;

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

template <class F>
double med(const std::vector<repetition>& reps, F f) {
  std::vector<double> xs;
  for (auto& r : reps) xs.push_back(f(r));
  return median(xs);
}

std::string runs(const std::vector<repetition>& reps,
                 const std::function<double(const repetition&)>& f, const char* fmt) {
  std::string s;
  char buf[64];
  for (auto& r : reps) {
    std::snprintf(buf, sizeof buf, fmt, f(r));
    if (!s.empty()) s += " / ";
    s += buf;
  }
  return s;
}

void summary(const std::vector<repetition>& reps, uint64_t hs_in_flight,
             const defaults_figures& d) {
  std::printf(
      "\nsummary: median of %d repetitions (each run's figures in brackets); peer "
      "limits raised: frame rate 100 M records/s per link (default 20,000), "
      "handshakes 1 M/s per source (default 10), half-open 100,000 at the gate "
      "(default 64) and 10,000 at the manager (default 64)\n",
      repeats);
  for (size_t k = 0; k < 3; ++k) {
    auto size = static_cast<double>(sizes[k]);
    auto row = [&](const char* name, double size_figures::*m) {
      auto f = [k, m](const repetition& r) { return r.by_size[k].*m; };
      double x = med(reps, f);
      std::printf("  %5zu B %-10s %9.0f msg/s %8.1f MB/s   [%s]\n", sizes[k], name, x,
                  x * size / 1e6, runs(reps, f, "%.0f").c_str());
    };
    row("sealed", &size_figures::sealed);
    row("direct", &size_figures::direct);
    row("posted", &size_figures::posted);
    row("routed", &size_figures::routed);
    row("plain (a)", &size_figures::plain);
    row("raw (b)", &size_figures::raw);
    row("core", &size_figures::core);
    auto ratio = [&](const char* name, double size_figures::*a, double size_figures::*b) {
      auto f = [k, a, b](const repetition& r) {
        return r.by_size[k].*a / r.by_size[k].*b;
      };
      std::printf("  %5zu B ratio %-18s %.3f   [%s]\n", sizes[k], name, med(reps, f),
                  runs(reps, f, "%.3f").c_str());
    };
    ratio("sealed/plain(a)", &size_figures::sealed, &size_figures::plain);
    ratio("sealed/raw(b)", &size_figures::sealed, &size_figures::raw);
    ratio("plain(a)/raw(b)", &size_figures::plain, &size_figures::raw);
    ratio("direct/plain(a)", &size_figures::direct, &size_figures::plain);
    ratio("posted/plain(a)", &size_figures::posted, &size_figures::plain);
    ratio("routed/plain(a)", &size_figures::routed, &size_figures::plain);
    ratio("sealed/direct", &size_figures::sealed, &size_figures::direct);
    ratio("sealed/core", &size_figures::sealed, &size_figures::core);
    auto mpp = [k](const repetition& r) { return r.by_size[k].per_poll; };
    std::printf("  %5zu B sealed: messages per listen reply %.1f   [%s]\n", sizes[k],
                med(reps, mpp), runs(reps, mpp, "%.1f").c_str());
  }
  auto hs_row = [&](const char* name, hs_figures repetition::*m) {
    auto rate = [m](const repetition& r) { return (r.*m).rate; };
    auto p50 = [m](const repetition& r) { return (r.*m).p50; };
    auto p99 = [m](const repetition& r) { return (r.*m).p99; };
    std::printf("  %-24s %6.0f/s   p50 %6.0f us   p99 %6.0f us   [rates %s]\n", name,
                med(reps, rate), med(reps, p50), med(reps, p99),
                runs(reps, rate, "%.0f").c_str());
  };
  hs_row("handshakes, 1 in flight", &repetition::seq);
  auto label = std::to_string(hs_in_flight) + " in flight";
  if (hs_in_flight > 1) hs_row(("handshakes, " + label).c_str(), &repetition::conc);
  hs_row(("memory phase, " + label).c_str(), &repetition::mem_hs);
  auto core = [](const repetition& r) { return r.core_hs; };
  std::printf("  %-24s %6.0f/s   (%.0f us each)   [%s]\n", "core handshake (pure)",
              med(reps, core), 1e6 / med(reps, core), runs(reps, core, "%.0f").c_str());
  std::printf("  %-24s p50 %6.0f us   p99 %6.0f us\n", "plain round trip",
              med(reps, [](const repetition& r) { return r.rtt_p50; }),
              med(reps, [](const repetition& r) { return r.rtt_p99; }));
  auto seq_core = [](const repetition& r) { return r.seq.rate / r.core_hs; };
  auto p50_rtt = [](const repetition& r) { return r.seq.p50 / r.rtt_p50; };
  std::printf(
      "  ratio handshakes(1)/core %.3f [%s]; handshake p50 / round trip p50 %.2f [%s]\n",
      med(reps, seq_core), runs(reps, seq_core, "%.3f").c_str(), med(reps, p50_rtt),
      runs(reps, p50_rtt, "%.2f").c_str());
  auto recv = [](const repetition& r) { return r.recv_per_session; };
  auto send = [](const repetition& r) { return r.send_per_session; };
  auto maps = [](const repetition& r) { return r.maps_per_session; };
  std::printf(
      "  memory per session: receiver %.0f B [%s], initiator side %.0f B [%s]; receiver "
      "RSS before %.1f MiB; receiver memory mappings per session %.1f [%s]\n",
      med(reps, recv), runs(reps, recv, "%.0f").c_str(), med(reps, send),
      runs(reps, send, "%.0f").c_str(),
      med(reps, [](const repetition& r) { return r.recv_before; }) / 1048576.0,
      med(reps, maps), runs(reps, maps, "%.1f").c_str());
  std::printf(
      "  at the default limits (once): sealed 1 KiB %.0f msg/s over %llu messages "
      "(%.0f/s after the first %llu; throttled %.0f times); handshakes %llu of %llu "
      "established (%.1f/s), %.0f refused by rate_per_source\n",
      d.rate, static_cast<unsigned long long>(d.messages), d.sustained,
      static_cast<unsigned long long>(defaults_mark), d.throttled,
      static_cast<unsigned long long>(d.established),
      static_cast<unsigned long long>(d.attempts),
      static_cast<double>(d.established) / d.hs_seconds, d.refused);
}

int raw_main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: nz_bench_peer --raw <plaintext bytes> <frames>\n");
    return 2;
  }
  auto plain = static_cast<size_t>(std::strtoull(argv[2], nullptr, 10));
  auto frames = std::strtoull(argv[3], nullptr, 10);
  double seconds = 0;
  uint64_t opened = 0;
  if (plain == 0 || frames == 0
      || nz_raw_sealed_stream(plain, frames, &seconds, &opened) != 0)
    return 1;
  std::printf("raw %.9f %llu\n", seconds, static_cast<unsigned long long>(opened));
  return 0;
}

/// `--core <payload bytes> <messages> [handshakes]`: the pure core baselines
/// alone, for profiling (no actors, no sockets).
int core_main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: nz_bench_peer --core <payload bytes> <messages> [handshakes]\n");
    return 2;
  }
  if (sodium_init() < 0) die("sodium_init failed");
  auto size = static_cast<size_t>(std::strtoull(argv[2], nullptr, 10));
  auto n = std::strtoull(argv[3], nullptr, 10);
  uint64_t bad = 0;
  double rate = core_frame_rate(size, n, bad);
  std::printf("core size=%zu frames=%llu rate=%.0f/s bad=%llu\n", size,
              static_cast<unsigned long long>(n), rate,
              static_cast<unsigned long long>(bad));
  if (argc > 4) {
    auto h = std::strtoull(argv[4], nullptr, 10);
    double hr = core_handshake_rate(h);
    std::printf("core_hs handshakes=%llu rate=%.0f/s (%.0f us each)\n",
                static_cast<unsigned long long>(h), hr, 1e6 / hr);
  }
  return bad == 0 ? 0 : 1;
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
  print_clock("start");
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
  g_tmp = node.tmp->str();
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
  print_clock("end");
  std::printf("nz_bench_peer: %.1f s\n", seconds_since(t_start));
  std::fflush(stdout);
  // Live sessions and remote proxies would make ~actor_system wait (CAF 0.17);
  // everything is measured, so the process ends here.
  node.tmp.reset();
  std::_Exit(0);
}
