#include "actors/node/node_runner.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <pthread.h>
#include <sodium.h>
#include <unistd.h>

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/identity/identity_actor.hpp"
#include "actors/node/exit_codes.hpp"
#include "actors/node/identity_cli.hpp"
#include "actors/node/node_tree.hpp"
#include "actors/operator/admin_gate.hpp"
#include "actors/peer/peer_gate.hpp"
#include "actors/peer/tcp_socket.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/node_api.hpp"
#include "messages/operator_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/register_types.hpp"
#include "runtime/crypto/process_hardening.hpp"
#include "runtime/log/log.hpp"
#include "runtime/node/data_dir.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

namespace {

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool apply_log_settings(const node_config& c) {
  auto lvl = log::parse_level(c.log_level);
  auto fmt = log::parse_format(c.log_format);
  if (!lvl || !fmt) return false;
  log::set_level(*lvl);
  log::set_format(*fmt);
  return true;
}

std::string tail_lines(const std::string& text, size_t n) {
  size_t pos = text.size();
  for (size_t k = 0; k <= n && pos > 0; ++k) {
    auto p = text.rfind('\n', pos - 1);
    if (p == std::string::npos) {
      pos = 0;
      break;
    }
    pos = p;
    if (k == n) ++pos;
  }
  return text.substr(pos);
}

// Signal handling on a dedicated thread: signals are blocked in every thread
// (the mask is set before the actor system starts its threads) and taken here
// with sigtimedwait, so no work happens in an async-signal context.
class signal_thread {
 public:
  signal_thread(std::shared_ptr<service_registry> reg, run_options& opts)
      : reg_(std::move(reg)), opts_(opts) {}

  static void block_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }

  void start(caf::actor_system& sys) {
    thread_ = std::thread{[this, &sys] { loop(sys); }};
  }

  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop(caf::actor_system& sys) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    timespec tick{0, 200 * 1000 * 1000};
    while (!done_) {
      int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig == SIGHUP) {
        reload();
      } else if (sig == SIGINT || sig == SIGTERM) {
        if (shutdown_started_ && sig == SIGINT) {
          log::error("node", "second SIGINT: forcing exit");
          std::_Exit(exit_code::forced);
        }
        if (!shutdown_started_) {
          log::info("node", "received {}; shutting down",
                    sig == SIGINT ? "SIGINT" : "SIGTERM");
          shutdown_started_ = true;
          shutdown_begin_ = std::chrono::steady_clock::now();
          pending_ = true;
        }
      }
      if (pending_) {
        if (auto coordinator = reg_->get("shutdown")) {
          caf::anon_send(coordinator, shutdown_atom::value, std::string{"signal"});
          pending_ = false;
        }
      }
      auto state = reg_->get_node_state();
      if (shutdown_started_ || state == node_state::stopping
          || state == node_state::down) {
        if (!shutdown_started_) {
          shutdown_started_ = true;
          shutdown_begin_ = std::chrono::steady_clock::now();
        }
        auto budget = opts_.config.shutdown_timeout + std::chrono::seconds(5);
        if (std::chrono::steady_clock::now() - shutdown_begin_ > budget) {
          log::error(
              "node", "shutdown did not finish within {} ms; exiting",
              std::chrono::duration_cast<std::chrono::milliseconds>(budget).count());
          std::_Exit(exit_code::shutdown_timeout);
        }
      }
    }
    (void)sys;
  }

  void reload() {
    if (opts_.config_file.empty()) {
      log::info("node",
                "SIGHUP: reload requested; no config file given, nothing to reload");
      return;
    }
    node_config fresh = opts_.config;
    if (auto err = load_node_config(opts_.config_file, fresh)) {
      log::error("node", "SIGHUP: reload failed, keeping the current settings: {}", *err);
      return;
    }
    apply_log_settings(fresh);
    opts_.config.log_level = fresh.log_level;
    opts_.config.log_format = fresh.log_format;
    log::info("node",
              "SIGHUP: configuration reloaded from {} (log-level={}, log-format={})",
              opts_.config_file, fresh.log_level, fresh.log_format);
  }

  std::shared_ptr<service_registry> reg_;
  run_options& opts_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  bool shutdown_started_ = false;
  bool pending_ = false;
  std::chrono::steady_clock::time_point shutdown_begin_;
};

// Records the boot in node_info, retrying while the tree starts. Bounded.
caf::expected<node_info_view> record_boot(caf::actor_system& sys, service_registry& reg,
                                          bool unclean, const std::string& detail,
                                          std::chrono::milliseconds budget) {
  caf::scoped_actor self{sys};
  auto deadline = std::chrono::steady_clock::now() + budget;
  caf::error last = make_error(core_errc::service_unavailable, "node_info");
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto hdl = reg.get("node_info")) {
      caf::expected<node_info_view> out{caf::sec::request_timeout};
      self->request(caf::actor_cast<node_info_actor>(hdl), budget, boot_atom::value,
                    unclean, unix_ms(), detail)
          .receive([&](node_info_view& v) { out = std::move(v); },
                   [&](caf::error& err) { out = std::move(err); });
      if (out || !is_restart_race(out.error())) return out;
      last = out.error();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

std::string query_node_id(caf::actor_system& sys, service_registry& reg) {
  std::string out = "(unknown)";
  if (auto hdl = reg.get("identity")) {
    caf::scoped_actor self{sys};
    self->request(caf::actor_cast<identity_actor>(hdl), std::chrono::seconds(5),
                  get_atom::value)
        .receive([&](identity_info& info) { out = info.node_id; }, [](caf::error&) {});
  }
  return out;
}

/// The peer gate as published (docs/protocol.md).
struct peer_endpoint {
  caf::actor gate;
  uint16_t port = 0;
};

/// Opens the peer listener on the configured peer address, starts the peer gate
/// on it and writes <data>/peer.port; an error text on failure.
std::optional<std::string> publish_peer_gate(caf::actor_system& sys,
                                             const std::shared_ptr<service_registry>& reg,
                                             const run_options& opts, data_dir& dir,
                                             peer_endpoint& out) {
  auto listener = listen_tcp(opts.config.peer_address, opts.config.peer_port);
  if (!listener) return "cannot listen for peers on " + listener.error();
  auto gate = spawn_peer_gate(sys, listener->fd, reg, peer_gate_options_of(opts.config));
  out.gate = gate;
  out.port = listener->port;
  if (auto err = write_file_atomic(dir.path("peer.port"),
                                   std::to_string(listener->port) + "\n", 0644))
    return *err;
  log::info("node", "peer gate on {}:{}", opts.config.peer_address, listener->port);
  return std::nullopt;
}

}  // namespace

int run_node(int argc, char** argv, run_options opts) {
  (void)argc;
  (void)argv;
  if (sodium_init() < 0) {
    std::cerr << "nzcore: libsodium failed to initialise\n";
    return exit_code::runtime_error;
  }
  if (!opts.allow_core_dumps) {
    if (auto st = crypto::disable_core_dumps(); !st)
      std::cerr << "nzcore: warning: " << st.error().message << "\n";
  }
  if (!apply_log_settings(opts.config)) {
    std::cerr << "nzcore: bad log settings\n";
    return exit_code::usage;
  }
  data_dir dir{opts.data_dir};
  bool locked = false;
  if (auto err = dir.open(locked)) {
    std::cerr << "nzcore: " << *err << "\n";
    return locked ? exit_code::data_dir_locked : exit_code::runtime_error;
  }
  std::shared_ptr<const identity_source> identity;
  if (auto rc = unlock_identity(identity, opts.data_dir, opts.passphrase_file)) return rc;
  auto log_path = dir.path("logs/nzcore.log");
  auto previous_log = read_small_file(log_path, 1 << 20);
  if (auto ec = log::open_file(log_path))
    std::cerr << "nzcore: cannot open log file " << log_path << ": " << ec.message()
              << "\n";

  // Unclean-shutdown detection.
  auto start_ms = unix_ms();
  auto previous = dir.previous_marker();
  bool unclean = previous.has_value();
  std::string recovery_detail;
  if (unclean) {
    std::string report =
        "NewZoneCore crash report\n\ndetected_at_ms=" + std::to_string(start_ms)
        + "\ndetected_by_pid=" + std::to_string(::getpid())
        + "\n\n-- marker of the run that did not shut down cleanly --\n" + *previous
        + "\n-- last lines of its log --\n"
        + (previous_log ? tail_lines(*previous_log, 60) : std::string{});
    auto report_path = dir.write_crash_report(report);
    recovery_detail = "unclean shutdown detected at start; crash report " + report_path;
    log::warn("node",
              "the previous run did not shut down cleanly; crash report written to {}",
              report_path);
  }
  std::string marker = "pid=" + std::to_string(::getpid()) + "\nstarted_ms="
                       + std::to_string(start_ms) + "\nversion=" NZ_VERSION "\n";
  if (auto err = dir.write_marker(marker)) {
    std::cerr << "nzcore: " << *err << "\n";
    return exit_code::runtime_error;
  }
  std::string token, token_note;
  if (auto err = dir.load_or_create_token(token, token_note)) {
    std::cerr << "nzcore: " << *err << "\n";
    return exit_code::runtime_error;
  }
  log::add_secret(token);
  if (!token_note.empty()) log::warn("node", "{}", token_note);

  signal_thread::block_signals();
  caf::actor_system_config cfg;
  register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.max-threads", 2);
  // CAF 0.17.6's BASP worker threads lose about 1 in 1,000 replies when many
  // clients connect at once (measured; docs/adr/0005-middleman-workers.md).
  cfg.set("middleman.workers", 0);
  // Middleman limits, explicitly (CAF 0.17.6 has no option for a maximum message
  // size, a connection limit, or to turn off the spawn server; see issue #5):
  // - no automatic connections: else the BASP broker opens an extra port on
  //   every interface and announces it (basp_broker.cpp, make_behavior);
  // - heartbeats and a connection timeout: a connection that went quiet is
  //   closed (only connections that sent at least one byte are tracked);
  // - at most this many reads per connection per event loop round.
  cfg.set("middleman.enable-automatic-connections", false);
  cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(5)});
  cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(30)});
  cfg.set("middleman.max-consecutive-reads", 50);
  cfg.set("middleman.attach-utility-actors", false);
  // Remote spawn needs actor types added with add_actor_type: none, ever.
  cfg.actor_factories.clear();
  cfg.set("logger.verbosity", caf::atom("quiet"));
  if (!opts.config_file.empty()) {
    if (auto err = cfg.parse(std::vector<std::string>{}, opts.config_file.c_str())) {
      std::cerr << "nzcore: config: " << caf::to_string(err) << "\n";
      return exit_code::usage;
    }
  }
  int code = exit_code::ok;
  {
    caf::actor_system sys{cfg};
    // CAF registers its spawn server and config server under fixed names that
    // every connected node can address (BASP named receivers): remote spawn and
    // an unbounded remote key-value store. Nobody here uses them.
    // Kept here so that they are still stopped before ~actor_system, which can
    // no longer find them by name.
    auto spawn_serv = sys.registry().get(caf::atom("SpawnServ"));
    auto config_serv = sys.registry().get(caf::atom("ConfigServ"));
    sys.registry().erase(caf::atom("SpawnServ"));
    sys.registry().erase(caf::atom("ConfigServ"));
    auto reg = std::make_shared<service_registry>();
    auto admin = std::make_shared<admin_endpoint>();
    peer_endpoint peer;
    node_tree_options tree;
    tree.config = opts.config;
    tree.data_dir = opts.data_dir;
    tree.token = token;
    tree.chaos_enabled = opts.chaos_enabled;
    tree.start_unix_ms = start_ms;
    tree.admin = admin;
    tree.identity = identity;
    identity.reset();  // from here on only the identity child spec holds the seed
    auto root = spawn_supervisor(sys, make_node_tree(reg, tree), reg);
    caf::scoped_actor self{sys};
    self->monitor(root);

    signal_thread signals{reg, opts};
    signals.start(sys);

    auto boot =
        record_boot(sys, *reg, unclean, recovery_detail, opts.config.request_timeout * 4);
    bool started = false;
    if (!boot) {
      log::error("node", "could not record the boot: {}", sys.render(boot.error()));
      code = exit_code::runtime_error;
    } else {
      // The gate's budget bounds commands that wait on purpose (`request`,
      // `listen`: up to a minute); each command bounds its own calls.
      auto gate = spawn_admin_gate(sys, reg, opts.config.request_timeout * 12);
      auto port = sys.middleman().publish(caf::actor_cast<operator_actor>(gate),
                                          opts.config.admin_port, "127.0.0.1", true);
      if (!port) {
        log::error("node", "cannot publish the admin gate on 127.0.0.1:{}: {}",
                   opts.config.admin_port, sys.render(port.error()));
        caf::anon_send_exit(gate, caf::exit_reason::user_shutdown);
        code = exit_code::runtime_error;
      } else if (auto err = dir.write_port(*port)) {
        log::error("node", "{}", *err);
        code = exit_code::runtime_error;
      } else if (auto perr = publish_peer_gate(sys, reg, opts, dir, peer)) {
        log::error("node", "{}", *perr);
        admin->gate = gate;
        admin->port = *port;
        code = exit_code::runtime_error;
      } else {
        admin->gate = gate;
        admin->port = *port;
        reg->set_node_state(node_state::running);
        started = true;
        auto node_id = query_node_id(sys, *reg);
        log::info("node", "node {} running: pid {}, boot {}, admin port 127.0.0.1:{}",
                  node_id, ::getpid(), boot->boot_count, *port);
        std::cout << "nzcore: node running (pid " << ::getpid() << ", boot "
                  << boot->boot_count << ")\nnzcore: node id " << node_id
                  << "\nnzcore: admin port 127.0.0.1:" << *port
                  << "\nnzcore: peer address " << opts.config.peer_address << ":"
                  << peer.port << "\nnzcore: try: nzctl --data " << opts.data_dir
                  << " status" << std::endl;
      }
    }
    if (!started) {
      if (auto coordinator = reg->get("shutdown"))
        self->send(coordinator, shutdown_atom::value, std::string{"startup failed"});
      else
        self->send_exit(root, caf::exit_reason::user_shutdown);
    }
    caf::error reason;
    self->receive([&](caf::down_msg& dm) { reason = dm.reason; });
    // The tree is gone: calls still retrying a service give up now (service_call.hpp).
    reg->set_node_state(node_state::down);
    signals.stop();
    if (admin->gate) {
      sys.middleman().unpublish(admin->gate, admin->port);
      caf::anon_send_exit(admin->gate, caf::exit_reason::user_shutdown);
    }
    if (peer.gate) {
      // Inbound links end with the gate; outbound ones ended with their sessions.
      caf::anon_send_exit(peer.gate, caf::exit_reason::user_shutdown);
      ::unlink(dir.path("peer.port").c_str());
    }
    dir.remove_port();
    for (auto& serv : {spawn_serv, config_serv})
      if (serv) caf::anon_send_exit(serv, caf::exit_reason::user_shutdown);
    if (reason && reason != caf::exit_reason::user_shutdown
        && reason != caf::exit_reason::normal) {
      log::error("node", "the supervision tree failed: {}", sys.render(reason));
      code = exit_code::supervisor_gave_up;
      // The tree is gone; an actor that outlives it (a detached helper, a
      // session of a peer still sending) would keep ~actor_system waiting and
      // the process up. Exit with the tree's status after a bounded wait: LMDB
      // commits are atomic, so nothing durable is lost.
      auto grace =
          std::min<caf::timespan>(opts.config.shutdown_timeout, std::chrono::seconds(5));
      std::thread([grace] {
        std::this_thread::sleep_for(grace);
        log::error("node", "actors still running {} ms after the tree failed; exiting",
                   std::chrono::duration_cast<std::chrono::milliseconds>(grace).count());
        log::close_file();
        std::_Exit(exit_code::supervisor_gave_up);
      }).detach();
    }
  }
  if (code == exit_code::ok) {
    dir.remove_marker();
    log::info("node", "clean shutdown");
  }
  log::close_file();
  return code;
}

}  // namespace nz
