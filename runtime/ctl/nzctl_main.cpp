// nzctl: the operator CLI. Sends one authenticated request to a running node's
// admin gate over CAF's middleman on 127.0.0.1 and prints the reply.
// Exit status: the reply's operator_status (docs/cli.md); 6 when the node cannot
// be reached; 2 for usage errors.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/operator_api.hpp"
#include "messages/register_types.hpp"
#include "runtime/cli_parse.hpp"
#include "runtime/node/data_dir.hpp"

namespace {

constexpr int exit_usage = 2;
constexpr int exit_unreachable = 6;

std::string default_client() {
  auto* pw = ::getpwuid(::geteuid());
  return std::string{"nzctl:"}
         + (pw != nullptr ? pw->pw_name : std::to_string(::geteuid()));
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

const char* footer = R"(
Exit status: 0 ok, 1 failed, 2 usage or bad request, 3 wrong token, 4 client locked
out (5 failures lock a client out for 15 minutes), 5 throttled (global failure
budget), 6 node unreachable or unavailable, 7 forbidden (chaos without
--enable-chaos).)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nzctl — operate a running NewZoneCore node", "nzctl"};
  app.footer(footer);
  std::string data_dir, token_file, client = default_client();
  int port = -1;
  double timeout_s = 10;
  bool json = false;
  app.add_option("--data", data_dir,
                 "Node data directory (reads admin.port and admin.token)");
  app.add_option("--port", port, "Admin port (overrides DIR/admin.port)")
      ->check(CLI::Range(1, 65535));
  app.add_option("--token-file", token_file, "Token file (overrides DIR/admin.token)");
  app.add_option("--client", client, "Client name for the per-client lockout")
      ->capture_default_str();
  app.add_option("--timeout", timeout_s, "Seconds to wait for the reply")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app.add_flag("--json", json, "Print the reply as JSON");
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the command
  std::string command;
  std::vector<std::string> args;
  app.add_subcommand("status", "Node state, uptime, pid, version, recovery information")
      ->callback([&] { command = "status"; });
  app.add_subcommand("actors", "The supervision tree: state, restarts, last exit reason")
      ->callback([&] { command = "actors"; });
  app.add_subcommand("identity",
                     "Node id, Ed25519/X25519 public keys (base64), key file KDF")
      ->callback([&] { command = "identity"; });
  app.add_subcommand("metrics", "Prometheus text exposition of the node's metrics")
      ->callback([&] { command = "metrics"; });
  app.add_subcommand("shutdown", "Graceful shutdown (like SIGTERM)")->callback([&] {
    command = "shutdown";
  });
  auto* chaos =
      app.add_subcommand("chaos", "Fault injection (node needs --enable-chaos)");
  chaos->require_subcommand(1);
  chaos->fallthrough();
  std::string victim;
  auto* crash =
      chaos->add_subcommand("crash", "Make the named actor fail (see `nzctl actors`)");
  crash->add_option("actor", victim, "Actor name")->required();
  crash->callback([&] {
    command = "chaos";
    args = {"crash", victim};
  });
  std::vector<std::string> partition_ids;
  auto* partition =
      chaos->add_subcommand("partition", "Cut traffic with these peers (node ids)");
  partition->add_option("peers", partition_ids, "Node ids (or prefixes of 8+)")
      ->required();
  partition->callback([&] {
    command = "chaos";
    args = {"partition"};
    args.insert(args.end(), partition_ids.begin(), partition_ids.end());
  });
  chaos->add_subcommand("heal", "Clear partitions, delay and drop")->callback([&] {
    command = "chaos";
    args = {"heal"};
  });
  chaos->add_subcommand("status", "Show the peer traffic faults")->callback([&] {
    command = "chaos";
    args = {"status"};
  });
  std::string chaos_value;
  auto* cdelay = chaos->add_subcommand("delay", "Delay every frame this node sends");
  cdelay->add_option("ms", chaos_value, "Milliseconds")->required();
  cdelay->callback([&] {
    command = "chaos";
    args = {"delay", chaos_value};
  });
  auto* cdrop =
      chaos->add_subcommand("drop", "Drop application frames with this probability");
  cdrop->add_option("rate", chaos_value, "0..1")->required();
  cdrop->callback([&] {
    command = "chaos";
    args = {"drop", chaos_value};
  });
  // kv and file: the same four subcommands each.
  std::string ns, key, value, in_file, out_file, prefix;
  bool raw_output = false;
  for (auto table : {"kv", "file"}) {
    bool files = std::string{table} == "file";
    auto* t = app.add_subcommand(table, files ? "Sealed files (up to 1 MiB) in namespaces"
                                              : "Sealed key-value records in namespaces");
    t->require_subcommand(1);
    t->fallthrough();
    auto what = files ? "File name" : "Key";
    auto* put = t->add_subcommand("put", files ? "Store a file" : "Store a value");
    put->add_option("namespace", ns, "Namespace ([a-z0-9._-]{1,64})")->required();
    put->add_option("key", key, what)->required();
    if (!files) put->add_option("value", value, "The value (or --file)");
    put->add_option("--file", in_file, "Read the value from this file (binary-safe)")
        ->check(CLI::ExistingFile);
    put->callback([&, table, files] {
      command = table;
      if (files && in_file.empty())
        throw CLI::ValidationError("--file", "file put needs --file F");
      args = {"put", ns, key, value};
    });
    auto* get =
        t->add_subcommand("get", files ? "Print or save a file" : "Print a value");
    get->add_option("namespace", ns, "Namespace")->required();
    get->add_option("key", key, what)->required();
    get->add_option("--out", out_file, "Write the value to this file (mode 0600)");
    get->callback([&, table] {
      command = table;
      raw_output = true;
      args = {"get", ns, key};
    });
    auto* del = t->add_subcommand("del", "Delete");
    del->add_option("namespace", ns, "Namespace")->required();
    del->add_option("key", key, what)->required();
    del->callback([&, table] {
      command = table;
      args = {"del", ns, key};
    });
    auto* list = t->add_subcommand("list", "List keys and value sizes");
    list->add_option("namespace", ns, "Namespace")->required();
    list->add_option("--prefix", prefix, "Only keys starting with this");
    list->callback([&, table] {
      command = table;
      args = {"list", ns};
      if (!prefix.empty()) args.push_back(prefix);
    });
    for (auto* sub : {put, get, del, list}) sub->fallthrough();
  }
  // trust: the trust store; audit: the security audit log.
  auto* trust = app.add_subcommand("trust", "The trust store (signed, hash-chained log)");
  trust->require_subcommand(1);
  trust->fallthrough();
  std::string subject, level, expires, depth, max_level, bundle_file;
  std::vector<std::string> labels;
  bool verify = false;
  int log_limit = 50;
  auto* tadd = trust->add_subcommand("add", "Trust a key at a level");
  tadd->add_option("key", subject, "Ed25519 public key (hex or base64) or known node id")
      ->required();
  tadd->add_option("--level", level, "unknown|low|medium|high|ultimate or 0-4")
      ->required();
  tadd->add_option("--expires", expires, "Expire after a duration (90s, 15m, 24h, 7d)");
  tadd->add_option("--label", labels, "A label key=value (repeatable)");
  tadd->callback([&] {
    command = "trust";
    args = {"add", subject, "--level", level};
    if (!expires.empty()) args.insert(args.end(), {"--expires", expires});
    for (auto& l : labels) args.insert(args.end(), {"--label", l});
  });
  auto* tdel = trust->add_subcommand("delegate", "Let a key vouch for others");
  tdel->add_option("key", subject, "Public key or known node id")->required();
  tdel->add_option("--depth", depth, "How many hops it may delegate further (1-4)")
      ->required();
  tdel->add_option("--max-level", max_level, "The highest level it may grant")
      ->required();
  tdel->add_option("--expires", expires, "Expire after a duration");
  tdel->callback([&] {
    command = "trust";
    args = {"delegate", subject, "--depth", depth, "--max-level", max_level};
    if (!expires.empty()) args.insert(args.end(), {"--expires", expires});
  });
  for (auto verb : {"revoke", "remove"}) {
    auto* t =
        trust->add_subcommand(verb, std::string{verb} == "revoke"
                                        ? "Revoke a key (permanent)"
                                        : "Remove this node's assertions about a key");
    t->add_option("key", subject, "Public key or known node id")->required();
    t->callback([&, verb] {
      command = "trust";
      args = {verb, subject};
    });
  }
  trust->add_subcommand("list", "This node's trust records")->callback([&] {
    command = "trust";
    args = {"list"};
  });
  auto* tshow = trust->add_subcommand("show", "Effective trust and its justification");
  tshow->add_option("key", subject, "Public key or known node id")->required();
  tshow->callback([&] {
    command = "trust";
    args = {"show", subject};
  });
  auto* tlog = trust->add_subcommand("log", "The trust log; --verify checks the chain");
  tlog->add_flag("--verify", verify, "Check every hash link and signature");
  tlog->add_option("--limit", log_limit, "Show the newest N entries")
      ->capture_default_str();
  tlog->callback([&] {
    command = "trust";
    args = {"log", "--limit", std::to_string(log_limit)};
    if (verify) args.push_back("--verify");
  });
  auto* texp =
      trust->add_subcommand("export", "Write a signed bundle of this node's assertions");
  texp->add_option("--out", out_file, "Bundle file (mode 0600)")->required();
  texp->callback([&] {
    command = "trust";
    raw_output = true;
    args = {"export"};
  });
  auto* timp =
      trust->add_subcommand("import", "Verify a bundle and apply it (all or nothing)");
  timp->add_option("bundle", bundle_file, "Bundle file")
      ->required()
      ->check(CLI::ExistingFile);
  timp->callback([&] {
    command = "trust";
    args = {"import", ""};
  });
  for (auto* sub : {tadd, tdel, tshow, tlog, texp, timp}) sub->fallthrough();
  auto* audit = app.add_subcommand("audit", "The security audit log");
  std::string since;
  int audit_limit = 100;
  audit->add_option("--since", since, "Only events of the last DUR (15m, 24h, 7d)");
  audit->add_option("--limit", audit_limit, "At most N events (newest)")
      ->capture_default_str();
  audit->fallthrough();
  audit->callback([&] {
    command = "audit";
    args = {"--limit", std::to_string(audit_limit)};
    if (!since.empty()) args.insert(args.end(), {"--since", since});
  });
  auto* peers =
      app.add_subcommand("peers", "Peer sessions; `peers connect HOST:PORT` dials");
  peers->fallthrough();
  std::string peer_addr, peer_target;
  auto* pconnect = peers->add_subcommand("connect", "Dial a node's peer address");
  pconnect->add_option("address", peer_addr, "HOST:PORT")->required();
  pconnect->fallthrough();
  pconnect->callback([&] { args = {"connect", peer_addr}; });
  peers->callback([&] { command = "peers"; });
  auto* ping = app.add_subcommand("ping", "Round trip to a peer over its sealed session");
  ping->add_option("peer", peer_target, "Node id (or a unique prefix)")->required();
  ping->fallthrough();
  ping->callback([&] {
    command = "ping";
    args = {peer_target};
  });
  // Channels between peers.
  std::string ch_peer, ch_name, ch_text, ch_file;
  uint64_t reply_to = 0;
  double request_wait = 10;
  bool listen_from_start = false;
  long listen_count = 0;
  auto* send = app.add_subcommand("send", "Send a message on a channel to a peer");
  send->add_option("peer", ch_peer, "Node id (or a unique prefix)")->required();
  send->add_option("channel", ch_name, "Channel ([a-z0-9._-]{1,64})")->required();
  send->add_option("text", ch_text, "The message (or --file)");
  send->add_option("--file", ch_file, "Read the message from this file")
      ->check(CLI::ExistingFile);
  send->add_option("--reply-to", reply_to, "Answer the message with this id");
  send->callback([&] {
    command = "send";
    args = {ch_peer, ch_name, ch_text, std::to_string(reply_to)};
  });
  auto* request = app.add_subcommand("request", "Send a message and wait for one reply");
  request->add_option("peer", ch_peer, "Node id (or a unique prefix)")->required();
  request->add_option("channel", ch_name, "Channel")->required();
  request->add_option("text", ch_text, "The message (or --file)");
  request->add_option("--file", ch_file, "Read the message from this file")
      ->check(CLI::ExistingFile);
  request->add_option("--wait", request_wait, "Seconds to wait for the reply")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 55.0));
  request->callback([&] {
    command = "request";
    raw_output = true;
    args = {ch_peer, ch_name, ch_text,
            std::to_string(static_cast<uint64_t>(request_wait * 1000))};
    timeout_s = std::max(timeout_s, request_wait + 5);
  });
  auto* listen =
      app.add_subcommand("listen", "Print messages of a channel as they arrive");
  listen->add_option("channel", ch_name, "Channel")->required();
  listen->add_flag("--from-start", listen_from_start,
                   "Also print the messages already in the inbox");
  listen->add_option("--count", listen_count, "Stop after N messages");
  listen->callback([&] {
    command = "listen";
    args = {ch_name};
  });
  for (auto* sub : {send, request, listen}) sub->fallthrough();
  if (auto code = nz::parse_cli(app, argc, argv)) return *code;
  if (!ch_file.empty()) {
    auto content = nz::read_small_file(ch_file, 65000);
    if (!content) {
      std::cerr << "nzctl: cannot read " << ch_file << " (or larger than 65,000 bytes)\n";
      return 1;
    }
    args[2] = std::move(*content);
  }
  if (!in_file.empty() && !args.empty() && args[0] == "put") {
    auto content = nz::read_small_file(in_file, 2 << 20);
    if (!content) {
      std::cerr << "nzctl: cannot read " << in_file << "\n";
      return 1;
    }
    args[3] = std::move(*content);
  }
  if (!bundle_file.empty()) {
    // A bundle holds at most 8 MiB (docs/trust.md); the node checks it again.
    auto content = nz::read_small_file(bundle_file, 8 << 20);
    if (!content) {
      std::cerr << "nzctl: cannot read " << bundle_file << " (or larger than 8 MiB)\n";
      return 1;
    }
    args[1] = std::move(*content);
  }
  if (data_dir.empty() && (port < 0 || token_file.empty())) {
    std::cerr << "nzctl: give --data DIR (or both --port and --token-file)\n";
    return exit_usage;
  }
  if (port < 0) {
    auto text = nz::read_small_file(data_dir + "/admin.port", 64);
    if (!text) {
      std::cerr << "nzctl: cannot read " << data_dir
                << "/admin.port: is the node running with this data directory?\n";
      return exit_unreachable;
    }
    try {
      port = std::stoi(*text);
    } catch (...) {
      port = -1;
    }
    if (port <= 0 || port > 65535) {
      std::cerr << "nzctl: " << data_dir << "/admin.port does not hold a port number\n";
      return exit_unreachable;
    }
  }
  if (token_file.empty()) token_file = data_dir + "/admin.token";
  auto token = nz::read_small_file(token_file, 4096);
  if (!token) {
    std::cerr << "nzctl: cannot read token file " << token_file << "\n";
    return exit_unreachable;
  }

  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.max-threads", 1);
  cfg.set("middleman.workers", 0);  // see docs/adr/0005-middleman-workers.md
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  auto gate = sys.middleman().remote_actor<nz::operator_actor>(
      "127.0.0.1", static_cast<uint16_t>(port));
  if (!gate) {
    std::cerr << "nzctl: cannot reach the node at 127.0.0.1:" << port << ": "
              << sys.render(gate.error()) << "\n";
    return exit_unreachable;
  }
  // A random request id makes retries safe: the admin gate answers a repeated
  // id from the first attempt instead of running the command again. Retries
  // cover a request or reply lost or delayed past one attempt's timeout
  // (docs/adr/0005-middleman-workers.md).
  if (sodium_init() < 0) return exit_unreachable;
  auto new_id = [] {
    uint8_t raw[16];
    randombytes_buf(raw, sizeof(raw));
    char hex[sizeof(raw) * 2 + 1];
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    return std::string{hex};
  };
  caf::scoped_actor self{sys};
  using clock = std::chrono::steady_clock;
  // One request with retries under one id; the reply or nullopt (printed).
  auto call = [&](const nz::operator_request& req,
                  double seconds) -> std::optional<nz::operator_reply> {
    std::optional<nz::operator_reply> result;
    auto deadline = clock::now()
                    + std::chrono::duration_cast<clock::duration>(
                        std::chrono::duration<double>(seconds));
    auto attempt_timeout = std::chrono::milliseconds(1000);
    for (bool again = true; again;) {
      again = false;
      auto remaining =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      auto wait = std::min(attempt_timeout, remaining);
      self->request(*gate, wait, req)
          .receive([&](nz::operator_reply& rep) { result = std::move(rep); },
                   [&](caf::error& err) {
                     if (err == caf::sec::request_timeout
                         && clock::now() + std::chrono::milliseconds(50) < deadline) {
                       again = true;
                       attempt_timeout *= 2;
                       return;
                     }
                     std::cerr << "nzctl: no reply from the node: " << sys.render(err)
                               << "\n";
                   });
    }
    return result;
  };
  if (command == "listen") {
    // Long polls until --count messages arrived or the process is interrupted.
    uint64_t cursor = listen_from_start ? 0 : UINT64_MAX;
    long seen = 0;
    for (;;) {
      auto poll_args = std::vector<std::string>{
          args[0], std::to_string(cursor == UINT64_MAX ? 0 : cursor),
          cursor == UINT64_MAX ? "0" : "3000"};
      auto rep =
          call({trim(*token), client, command, poll_args, new_id()}, timeout_s + 4);
      if (!rep) return exit_unreachable;
      if (rep->status != 0) {
        std::cerr << rep->text << "\n";
        return rep->status;
      }
      auto pos = rep->json.find("\"next\":");
      uint64_t next =
          pos == std::string::npos ? 0 : std::stoull(rep->json.substr(pos + 7));
      if (cursor == UINT64_MAX) {  // the first poll only finds where "now" is
        cursor = next;
        continue;
      }
      cursor = next;
      if (rep->text.empty()) continue;
      if (json)
        std::cout << rep->json << "\n";
      else
        std::cout << rep->text;
      std::cout.flush();
      for (char c : rep->text) seen += c == '\n';
      if (listen_count > 0 && seen >= listen_count) return 0;
    }
  }
  int status = exit_unreachable;
  if (auto rep = call({trim(*token), client, command, args, new_id()}, timeout_s)) {
    status = rep->status;
    auto& out = rep->status == 0 ? std::cout : std::cerr;
    if (rep->status == 0 && raw_output && !json) {
      if (out_file.empty()) {
        std::cout.write(rep->text.data(), static_cast<std::streamsize>(rep->text.size()));
        std::cout.flush();
      } else if (auto err = nz::write_file_atomic(out_file, rep->text, 0600)) {
        std::cerr << "nzctl: " << *err << "\n";
        status = 1;
      }
    } else if (json) {
      out << rep->json << "\n";
    } else if (!rep->text.empty()) {
      out << rep->text << (rep->text.back() == '\n' ? "" : "\n");
    }
  }
  return status;
}
