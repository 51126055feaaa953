#include "actors/operator/operator_commands.hpp"

#include <chrono>

#include <fmt/format.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/operator/kv_commands.hpp"
#include "actors/operator/operator_actor.hpp"
#include "actors/operator/peer_commands.hpp"
#include "actors/operator/trust_commands.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/node_api.hpp"
#include "runtime/chaos/peer_chaos.hpp"
#include "runtime/json_writer.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_call.hpp"

namespace nz {

namespace {

using done_fn = std::function<void(operator_reply)>;

int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* help_text =
    "commands:\n"
    "  status                  node state, uptime, pid, version, recovery info\n"
    "  actors                  the supervision tree: state, restarts, last exit reason\n"
    "  identity                node id, public keys, key file KDF parameters\n"
    "  kv put|get|del|list     sealed key-value records in namespaces\n"
    "  file put|get|del|list   sealed files (up to 1 MiB)\n"
    "  trust add|delegate|revoke|remove|list|show|log|export|import\n"
    "                          the trust store: signed, hash-chained trust log\n"
    "  audit [--since DUR]     the security audit log (hash-chained, sealed)\n"
    "  peers [connect H:P]     peer sessions (Noise XX, sealed frames); dial a node\n"
    "  ping PEER               round trip over the sealed session\n"
    "  send|request|listen     channel messages between peers\n"
    "  metrics                 Prometheus text exposition of all metrics\n"
    "  shutdown                graceful shutdown (same as SIGTERM)\n"
    "  chaos crash <actor>     make an actor fail (node must run with --enable-chaos)\n";

void status_reply(const command_context& ctx, const node_info_view* info,
                  const std::string& info_error, done_fn done) {
  auto& reg = *ctx.reg;
  auto uptime = (now_unix_ms() - ctx.opts->start_unix_ms) / 1000.0;
  auto warnings = reg.warnings();
  if (!info_error.empty()) warnings.push_back("node_info unavailable: " + info_error);
  json_writer j;
  j.begin_object()
      .field("state", to_string(reg.get_node_state()))
      .field("pid", static_cast<int64_t>(::getpid()))
      .field("uptime_seconds", uptime)
      .field("version", ctx.opts->version)
      .field("data_dir", ctx.opts->data_dir)
      .field("chaos_enabled", ctx.opts->chaos_enabled);
  std::string text = fmt::format(
      "state:             {}\npid:               {}\nuptime:            {:.1f} s\n"
      "version:           {}\ndata dir:          {}\n",
      to_string(reg.get_node_state()), ::getpid(), uptime, ctx.opts->version,
      ctx.opts->data_dir);
  if (info != nullptr) {
    j.field("boot_count", info->boot_count)
        .field("unclean_shutdowns", info->unclean_shutdowns)
        .field("first_start_ms", info->first_start_ms)
        .field("last_boot_ms", info->last_boot_ms)
        .field("last_recovery_ms", info->last_recovery_ms)
        .field("last_recovery", info->last_recovery);
    text += fmt::format("boots:             {}\nunclean shutdowns: {}\n",
                        info->boot_count, info->unclean_shutdowns);
    if (!info->last_recovery.empty())
      text += fmt::format("last recovery:     {}\n", info->last_recovery);
  }
  j.key("recovery").begin_array();
  for (auto& e : reg.entries()) {
    if (e.last_recovery.empty()) continue;
    j.begin_object().field("actor", e.name).field("note", e.last_recovery).end_object();
    text += fmt::format("replay {:<12}  {}\n", e.name + ":", e.last_recovery);
  }
  j.end_array();
  j.key("warnings").begin_array();
  for (auto& w : warnings) {
    j.value(w);
    text += fmt::format("WARNING: {}\n", w);
  }
  j.end_array().end_object();
  done(make_reply(operator_status::ok, std::move(text), j.str()));
}

void cmd_status(operator_actor::pointer self, const command_context& ctx, done_fn done) {
  call_service<node_info_view>(
      self, ctx.reg, "node_info", ctx.opts->request_timeout,
      [ctx, done](node_info_view& v) { status_reply(ctx, &v, {}, done); },
      [self, ctx, done](caf::error& err) {
        status_reply(ctx, nullptr, self->system().render(err), done);
      },
      get_atom::value);
}

void cmd_identity(operator_actor::pointer self, const command_context& ctx,
                  done_fn done) {
  call_service<identity_info>(
      self, ctx.reg, "identity", ctx.opts->request_timeout,
      [done](identity_info& id) {
        json_writer j;
        j.begin_object()
            .field("node_id", id.node_id)
            .field("ed25519_public", id.ed25519_public)
            .field("x25519_public", id.x25519_public)
            .key("kdf")
            .begin_object()
            .field("algorithm", "argon2id13")
            .field("preset", id.kdf)
            .field("opslimit", id.opslimit)
            .field("memlimit", id.memlimit)
            .end_object()
            .end_object();
        auto text = fmt::format(
            "node id:         {}\ned25519 public:  {}\nx25519 public:   {}\n"
            "key file KDF:    argon2id13 ({}), opslimit {}, memlimit {} bytes\n",
            id.node_id, id.ed25519_public, id.x25519_public, id.kdf, id.opslimit,
            id.memlimit);
        done(make_reply(operator_status::ok, std::move(text), j.str()));
      },
      [self, done](caf::error& err) {
        done(make_reply(operator_status::unavailable,
                        "identity unavailable: " + self->system().render(err)));
      },
      get_atom::value);
}

void cmd_actors(const command_context& ctx, done_fn done) {
  json_writer j;
  j.begin_object().key("actors").begin_array();
  std::string text = fmt::format("{:<14} {:<14} {:<11} {:<13} {:>8}  {}\n", "NAME",
                                 "PARENT", "STATE", "STRATEGY", "RESTARTS", "LAST EXIT");
  for (auto& e : ctx.reg->entries()) {
    j.begin_object()
        .field("name", e.name)
        .field("parent", e.parent)
        .field("kind", e.kind)
        .field("strategy", e.strategy)
        .field("state", to_string(e.state))
        .field("restarts", e.restarts)
        .field("last_exit_reason", e.last_exit_reason)
        .field("last_exit_unix_ms", e.last_exit_unix_ms)
        .end_object();
    text += fmt::format("{:<14} {:<14} {:<11} {:<13} {:>8}  {}\n", e.name,
                        e.parent.empty() ? "-" : e.parent, to_string(e.state),
                        e.strategy.empty() ? "-" : e.strategy, e.restarts,
                        e.last_exit_reason.empty() ? "-" : e.last_exit_reason);
  }
  j.end_array().end_object();
  done(make_reply(operator_status::ok, std::move(text), j.str()));
}

void cmd_metrics(operator_actor::pointer self, const command_context& ctx, done_fn done) {
  call_service<std::string>(
      self, ctx.reg, "metrics", ctx.opts->request_timeout,
      [done](std::string& text) {
        json_writer j;
        j.begin_object().field("exposition", text).end_object();
        done(make_reply(operator_status::ok, std::move(text), j.str()));
      },
      [self, done](caf::error& err) {
        done(make_reply(operator_status::unavailable,
                        "metrics unavailable: " + self->system().render(err)));
      },
      render_atom::value);
}

void cmd_shutdown(const command_context& ctx, done_fn done) {
  auto coordinator = ctx.reg->get("shutdown");
  if (!coordinator) {
    done(make_reply(operator_status::unavailable, "shutdown coordinator unavailable"));
    return;
  }
  log::info("operator", "shutdown requested through nzctl");
  caf::anon_send(coordinator, shutdown_atom::value, std::string{"nzctl shutdown"});
  json_writer j;
  j.begin_object().field("shutdown", "started").end_object();
  done(make_reply(operator_status::ok, "shutdown started", j.str()));
}

void cmd_chaos(operator_actor::pointer self, const command_context& ctx,
               const operator_request& req, done_fn done) {
  if (!ctx.opts->chaos_enabled) {
    done(make_reply(operator_status::forbidden,
                    "chaos commands need a node started with --enable-chaos"));
    return;
  }
  auto& a = req.args;
  if (!a.empty() && a[0] != "crash") {
    // Peer traffic faults: partition ID.. | heal | delay MS | drop P | status.
    auto& chaos = ctx.opts->chaos;
    if (!chaos) {
      done(make_reply(operator_status::failed, "no peer fault injection in this node"));
      return;
    }
    if (a[0] == "partition" && a.size() >= 2) {
      chaos->partition(std::vector<std::string>(a.begin() + 1, a.end()));
    } else if (a[0] == "heal" && a.size() == 1) {
      chaos->heal();
    } else if (a[0] == "delay" && a.size() == 2
               && a[1].find_first_not_of("0123456789") == std::string::npos
               && !a[1].empty() && a[1].size() < 7) {
      chaos->set_delay(std::chrono::milliseconds(std::stol(a[1])));
    } else if (a[0] == "drop" && a.size() == 2) {
      char* end = nullptr;
      double p = std::strtod(a[1].c_str(), &end);
      if (end == a[1].c_str() || *end != 0 || !(p >= 0 && p <= 1)) {
        done(make_reply(operator_status::bad_request, "chaos drop takes a rate in 0..1"));
        return;
      }
      chaos->set_drop(p);
    } else if (a[0] != "status" || a.size() != 1) {
      done(make_reply(
          operator_status::bad_request,
          "usage: chaos crash ACTOR | chaos partition NODE-ID.. | chaos heal | "
          "chaos delay MS | chaos drop RATE | chaos status"));
      return;
    }
    log::warn("operator", "chaos: peer traffic now {}", chaos->describe());
    json_writer j;
    j.begin_object().field("peer_chaos", chaos->describe()).end_object();
    done(make_reply(operator_status::ok, chaos->describe(), j.str()));
    return;
  }
  if (a.size() != 2) {
    done(make_reply(operator_status::bad_request, "usage: chaos crash <actor-name>"));
    return;
  }
  auto& name = req.args[1];
  auto target = ctx.reg->get(name);
  if (!target) {
    done(make_reply(operator_status::failed,
                    "no running actor named '" + name + "' (see `nzctl actors`)"));
    return;
  }
  log::warn("operator", "chaos: crashing actor '{}' on operator request", name);
  json_writer j;
  j.begin_object().field("crashed", name).end_object();
  // Reply first: the exit is processed after this handler returns, even when
  // the target is this operator or one of its supervisors.
  done(make_reply(operator_status::ok, "crashed '" + name + "'", j.str()));
  self->send_exit(target,
                  make_error(core_errc::chaos_crash, "nzctl chaos crash " + name));
}

}  // namespace

operator_reply make_reply(operator_status status, std::string text, std::string json) {
  operator_reply rep;
  rep.status = static_cast<int32_t>(status);
  if (json.empty()) {
    json_writer j;
    j.begin_object();
    if (status == operator_status::ok)
      j.field("message", text);
    else
      j.field("error", text).field("status", static_cast<int64_t>(status));
    j.end_object();
    json = j.str();
  }
  rep.text = std::move(text);
  rep.json = std::move(json);
  return rep;
}

std::string command_label(const std::string& command) {
  for (auto known :
       {"status", "actors", "identity", "kv", "file", "trust", "audit", "peers", "ping",
        "send", "request", "listen", "metrics", "shutdown", "chaos", "help"})
    if (command == known) return command;
  return "unknown";
}

std::string status_label(int32_t status) {
  switch (static_cast<operator_status>(status)) {
    case operator_status::ok:
      return "ok";
    case operator_status::failed:
      return "failed";
    case operator_status::bad_request:
      return "bad_request";
    case operator_status::unauthorized:
      return "unauthorized";
    case operator_status::locked_out:
      return "locked_out";
    case operator_status::throttled:
      return "throttled";
    case operator_status::unavailable:
      return "unavailable";
    case operator_status::forbidden:
      return "forbidden";
  }
  return "other";
}

void run_command(operator_actor::pointer self, const command_context& ctx,
                 const operator_request& req, done_fn done) {
  auto& cmd = req.command;
  if (cmd == "status")
    cmd_status(self, ctx, std::move(done));
  else if (cmd == "actors")
    cmd_actors(ctx, std::move(done));
  else if (cmd == "identity")
    cmd_identity(self, ctx, std::move(done));
  else if (cmd == "kv" || cmd == "file")
    run_kv_command(self, ctx, req, cmd == "file", std::move(done));
  else if (cmd == "trust")
    run_trust_command(self, ctx, req, std::move(done));
  else if (cmd == "audit")
    run_audit_command(self, ctx, req, std::move(done));
  else if (cmd == "peers")
    run_peers_command(self, ctx, req, std::move(done));
  else if (cmd == "ping")
    run_ping_command(self, ctx, req, std::move(done));
  else if (cmd == "send" || cmd == "request" || cmd == "listen")
    run_channel_command(self, ctx, req, std::move(done));
  else if (cmd == "metrics")
    cmd_metrics(self, ctx, std::move(done));
  else if (cmd == "shutdown")
    cmd_shutdown(ctx, std::move(done));
  else if (cmd == "chaos")
    cmd_chaos(self, ctx, req, std::move(done));
  else if (cmd == "help")
    done(make_reply(operator_status::ok, help_text));
  else
    done(make_reply(operator_status::bad_request,
                    "unknown command '" + cmd + "'\n" + help_text));
}

}  // namespace nz
