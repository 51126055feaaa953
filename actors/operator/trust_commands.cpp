#include "actors/operator/trust_commands.hpp"

#include <chrono>
#include <ctime>
#include <map>
#include <optional>

#include <fmt/format.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/audit/audit_client.hpp"
#include "actors/identity/newzone_derivation.hpp"
#include "actors/operator/operator_actor.hpp"
#include "messages/audit_api.hpp"
#include "messages/core_errors.hpp"
#include "messages/trust_api.hpp"
#include "runtime/duration_parse.hpp"
#include "runtime/json_writer.hpp"
#include "runtime/supervision/service_call.hpp"

namespace nz {

namespace {

using done_fn = std::function<void(operator_reply)>;

constexpr const char* level_names[] = {"unknown", "low", "medium", "high", "ultimate"};

const char* level_name(uint8_t lvl) {
  return lvl < 5 ? level_names[lvl] : "invalid";
}

std::optional<uint8_t> parse_level(const std::string& s) {
  for (uint8_t i = 0; i < 5; ++i)
    if (s == level_names[i] || s == std::to_string(i)) return i;
  return std::nullopt;
}

const char* trust_usage =
    "usage: trust add KEY --level L [--expires DUR] [--label k=v]... |\n"
    "       trust delegate KEY --depth N --max-level L [--expires DUR] |\n"
    "       trust revoke KEY | trust remove KEY | trust list | trust show KEY |\n"
    "       trust log [--verify] [--limit N] | trust export --out F | trust import F\n"
    "KEY: Ed25519 public key (64 hex digits or base64) or a known node id;\n"
    "L: unknown|low|medium|high|ultimate or 0-4; DUR: 90s, 15m, 24h, 7d";

operator_reply error_reply(caf::actor_system& sys, const caf::error& err) {
  auto status = operator_status::failed;
  if (err.category() == trust_category) {
    auto code = static_cast<trust_errc>(err.code());
    if (code == trust_errc::invalid_argument || code == trust_errc::limit_exceeded
        || code == trust_errc::unknown_key)
      status = operator_status::bad_request;
  } else if (err.category() == core_category) {
    status = operator_status::unavailable;
  }
  return make_reply(status, sys.render(err));
}

/// UTC ISO 8601 with milliseconds.
std::string iso_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     ms % 1000);
}

std::string short_id(const std::string& id) {
  return id.size() > 16 ? id.substr(0, 16) : id;
}

void entry_json(json_writer& j, const trust_entry& e) {
  j.begin_object()
      .field("log_seq", e.log_seq)
      .field("kind", e.kind)
      .field("issuer", e.issuer)
      .field("subject", e.subject)
      .field("subject_key", e.subject_key)
      .field("level", level_name(e.level))
      .field("issuer_seq", e.issuer_seq)
      .field("created_ms", e.created_ms)
      .field("expires_ms", e.expires_ms);
  if (e.kind == "delegate")
    j.field("depth", static_cast<uint64_t>(e.depth))
        .field("max_level", level_name(e.max_level));
  j.key("labels").begin_array();
  for (auto& l : e.labels) j.value(l);
  j.end_array().end_object();
}

std::string entry_text(const trust_entry& e) {
  std::string s = fmt::format("{:<9} {}", e.kind, short_id(e.subject));
  if (e.kind == "set_level") s += fmt::format("  level={}", level_name(e.level));
  if (e.kind == "delegate")
    s += fmt::format("  depth={} max-level={}", e.depth, level_name(e.max_level));
  if (e.expires_ms != 0) s += "  expires=" + iso_time(e.expires_ms);
  for (auto& l : e.labels) s += "  " + l;
  s += fmt::format("  (by {} #{})", short_id(e.issuer), e.issuer_seq);
  return s;
}

/// Parses add/delegate/revoke/remove arguments into a request; the error text
/// on failure.
std::optional<std::string> parse_assert(const std::vector<std::string>& a,
                                        trust_assert_request& req) {
  // a[0] = verb, a[1] = key, then --opt value pairs.
  static const std::map<std::string, std::string> kinds = {{"add", "set_level"},
                                                           {"delegate", "delegate"},
                                                           {"revoke", "revoke"},
                                                           {"remove", "remove"}};
  if (a.size() < 2) return std::string{trust_usage};
  req.kind = kinds.at(a[0]);
  req.subject = a[1];
  bool have_level = false, have_depth = false, have_max = false;
  for (size_t i = 2; i < a.size(); i += 2) {
    if (i + 1 >= a.size()) return "option " + a[i] + " needs a value";
    auto& opt = a[i];
    auto& val = a[i + 1];
    if (opt == "--level" && a[0] == "add") {
      auto l = parse_level(val);
      if (!l)
        return "invalid level '" + val + "' (unknown|low|medium|high|ultimate or 0-4)";
      req.level = *l;
      have_level = true;
    } else if (opt == "--max-level" && a[0] == "delegate") {
      auto l = parse_level(val);
      if (!l) return "invalid level '" + val + "'";
      req.max_level = *l;
      have_max = true;
    } else if (opt == "--depth" && a[0] == "delegate") {
      if (val.size() != 1 || val[0] < '1' || val[0] > '9')
        return "invalid depth '" + val + "' (1-9, within the configured maximum)";
      req.depth = static_cast<uint8_t>(val[0] - '0');
      have_depth = true;
    } else if (opt == "--expires" && (a[0] == "add" || a[0] == "delegate")) {
      auto ms = parse_duration_ms(val);
      if (!ms) return "invalid duration '" + val + "' (e.g. 90s, 15m, 24h, 7d)";
      req.expires_in_ms = *ms;
    } else if (opt == "--label" && a[0] == "add") {
      if (val.find('=') == std::string::npos || val.front() == '=')
        return "a label is key=value, got '" + val + "'";
      req.labels.push_back(val);
    } else {
      return "unexpected option '" + opt + "' for trust " + a[0];
    }
  }
  if (a[0] == "add" && !have_level) return std::string{"trust add needs --level L"};
  if (a[0] == "delegate" && (!have_depth || !have_max))
    return std::string{"trust delegate needs --depth N and --max-level L"};
  return std::nullopt;
}

void cmd_assert(operator_actor::pointer self, const command_context& ctx,
                const operator_request& req, done_fn done) {
  trust_assert_request tr;
  if (auto err = parse_assert(req.args, tr)) {
    done(make_reply(operator_status::bad_request, *err));
    return;
  }
  auto reg = ctx.reg;
  auto budget = ctx.opts->request_timeout;
  auto client = req.client;
  call_service<trust_entry>(
      self, ctx.reg, "trust", budget,
      [self, reg, budget, client, done](trust_entry& e) {
        audit_record(self, reg, budget, "trust_" + e.kind, client,
                     fmt::format("log #{}: {}", e.log_seq, entry_text(e)));
        json_writer j;
        entry_json(j, e);
        done(make_reply(operator_status::ok,
                        fmt::format("logged #{}: {}", e.log_seq, entry_text(e)),
                        j.str()));
      },
      [self, done](caf::error& err) { done(error_reply(self->system(), err)); },
      trust_assert_atom::value, std::move(tr));
}

void cmd_list(operator_actor::pointer self, const command_context& ctx, done_fn done) {
  call_service<std::vector<trust_entry>>(
      self, ctx.reg, "trust", ctx.opts->request_timeout,
      [done](std::vector<trust_entry>& es) {
        json_writer j;
        j.begin_object().key("entries").begin_array();
        std::string text;
        for (auto& e : es) {
          entry_json(j, e);
          text += entry_text(e) + "\n";
        }
        j.end_array().end_object();
        if (es.empty()) text = "no trust records\n";
        done(make_reply(operator_status::ok, std::move(text), j.str()));
      },
      [self, done](caf::error& err) { done(error_reply(self->system(), err)); },
      trust_list_atom::value);
}

void cmd_show(operator_actor::pointer self, const command_context& ctx,
              const std::string& subject, done_fn done) {
  call_service<trust_verdict>(
      self, ctx.reg, "trust", ctx.opts->request_timeout,
      [done](trust_verdict& v) {
        json_writer j;
        j.begin_object()
            .field("subject", v.subject)
            .field("subject_key", v.subject_key)
            .field("level", level_name(v.level))
            .field("revoked", v.revoked)
            .key("path")
            .begin_array();
        std::string text = fmt::format("subject:   {}\nkey:       {}\nlevel:     {}{}\n",
                                       v.subject, v.subject_key, level_name(v.level),
                                       v.revoked ? " (revoked)" : "");
        text += v.path.empty() ? "path:      (none: no assertion counts)\n" : "path:\n";
        for (auto& hop : v.path) {
          entry_json(j, hop);
          text += "  " + entry_text(hop) + "\n";
        }
        j.end_array().end_object();
        done(make_reply(operator_status::ok, std::move(text), j.str()));
      },
      [self, done](caf::error& err) { done(error_reply(self->system(), err)); },
      trust_eval_atom::value, subject);
}

void cmd_log(operator_actor::pointer self, const command_context& ctx,
             const std::vector<std::string>& a, done_fn done) {
  bool verify = false;
  uint32_t limit = 50;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i] == "--verify") {
      verify = true;
    } else if (a[i] == "--limit" && i + 1 < a.size()) {
      try {
        auto n = std::stoul(a[++i]);
        limit = static_cast<uint32_t>(std::min<unsigned long>(n, 1000));
      } catch (...) {
        done(make_reply(operator_status::bad_request, "invalid --limit"));
        return;
      }
    } else {
      done(make_reply(operator_status::bad_request, trust_usage));
      return;
    }
  }
  call_service<trust_log_report>(
      self, ctx.reg, "trust", ctx.opts->request_timeout * 6,
      [done](trust_log_report& r) {
        json_writer j;
        j.begin_object()
            .field("entries", r.entries)
            .field("head", r.head)
            .field("verified", r.verified)
            .field("intact", r.broken.empty());
        if (!r.broken.empty())
          j.field("first_bad_seq", r.first_bad_seq).field("broken", r.broken);
        j.key("tail").begin_array();
        std::string text;
        for (auto& e : r.tail) {
          entry_json(j, e);
          text += fmt::format("#{:<6} {}\n", e.log_seq, entry_text(e));
        }
        j.end_array().end_object();
        text += fmt::format("{} entries, head {}\n", r.entries, r.head);
        if (!r.broken.empty()) {
          text += fmt::format("BROKEN at entry {}: {}\n", r.first_bad_seq, r.broken);
          done(make_reply(operator_status::failed, std::move(text), j.str()));
          return;
        }
        if (r.verified) text += "verified: every hash link and signature is valid\n";
        done(make_reply(operator_status::ok, std::move(text), j.str()));
      },
      [self, done](caf::error& err) { done(error_reply(self->system(), err)); },
      trust_log_atom::value, verify, limit);
}

void cmd_export(operator_actor::pointer self, const command_context& ctx, done_fn done) {
  call_service<std::vector<uint8_t>>(
      self, ctx.reg, "trust", ctx.opts->request_timeout,
      [done](std::vector<uint8_t>& bundle) {
        json_writer j;
        j.begin_object()
            .field("size", uint64_t{bundle.size()})
            .field("bundle_base64", identity::to_base64(bundle.data(), bundle.size()))
            .end_object();
        done(make_reply(operator_status::ok, std::string(bundle.begin(), bundle.end()),
                        j.str()));
      },
      [self, done](caf::error& err) { done(error_reply(self->system(), err)); },
      trust_export_atom::value);
}

void cmd_import(operator_actor::pointer self, const command_context& ctx,
                const operator_request& req, done_fn done) {
  if (req.args.size() != 2) {
    done(make_reply(operator_status::bad_request, trust_usage));
    return;
  }
  std::vector<uint8_t> bundle(req.args[1].begin(), req.args[1].end());
  auto reg = ctx.reg;
  auto budget = ctx.opts->request_timeout;
  auto client = req.client;
  call_service<trust_import_report>(
      self, ctx.reg, "trust", budget * 6,
      [self, reg, budget, client, done](trust_import_report& r) {
        audit_record(
            self, reg, budget, r.accepted ? "trust_import" : "trust_import_rejected",
            client,
            fmt::format("bundle from {}: applied {}, already known {}, rejected {}",
                        r.exporter, r.applied, r.already_known, r.rejected.size()));
        json_writer j;
        j.begin_object()
            .field("accepted", r.accepted)
            .field("exporter", r.exporter)
            .field("applied", r.applied)
            .field("already_known", r.already_known)
            .key("rejected")
            .begin_array();
        for (auto& x : r.rejected) j.value(x);
        j.end_array().end_object();
        std::string text =
            fmt::format("{}: bundle from {}: {} applied, {} already known, {} rejected\n",
                        r.accepted ? "accepted" : "REJECTED (nothing applied)",
                        r.exporter, r.applied, r.already_known, r.rejected.size());
        for (auto& x : r.rejected) text += "  " + x + "\n";
        done(make_reply(r.accepted ? operator_status::ok : operator_status::failed,
                        std::move(text), j.str()));
      },
      [self, done](caf::error& err) { done(error_reply(self->system(), err)); },
      trust_import_atom::value, std::move(bundle));
}

}  // namespace

void run_trust_command(operator_actor::pointer self, const command_context& ctx,
                       const operator_request& req, done_fn done) {
  auto& a = req.args;
  auto verb = a.empty() ? std::string{} : a[0];
  if (verb == "add" || verb == "delegate" || verb == "revoke" || verb == "remove")
    cmd_assert(self, ctx, req, std::move(done));
  else if (verb == "list" && a.size() == 1)
    cmd_list(self, ctx, std::move(done));
  else if (verb == "show" && a.size() == 2)
    cmd_show(self, ctx, a[1], std::move(done));
  else if (verb == "log")
    cmd_log(self, ctx, a, std::move(done));
  else if (verb == "export" && a.size() == 1)
    cmd_export(self, ctx, std::move(done));
  else if (verb == "import")
    cmd_import(self, ctx, req, std::move(done));
  else
    done(make_reply(operator_status::bad_request, trust_usage));
}

void run_audit_command(operator_actor::pointer self, const command_context& ctx,
                       const operator_request& req, done_fn done) {
  // args: [--since DUR] [--limit N]
  int64_t since_ms = 0;
  uint32_t limit = 100;
  auto& a = req.args;
  for (size_t i = 0; i < a.size(); i += 2) {
    if (i + 1 >= a.size()) {
      done(make_reply(operator_status::bad_request,
                      "usage: audit [--since DUR] [--limit N]"));
      return;
    }
    if (a[i] == "--since") {
      auto ms = parse_duration_ms(a[i + 1]);
      if (!ms) {
        done(make_reply(operator_status::bad_request,
                        "invalid --since '" + a[i + 1] + "' (e.g. 15m, 24h, 7d)"));
        return;
      }
      since_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count()
                 - *ms;
    } else if (a[i] == "--limit") {
      try {
        limit =
            static_cast<uint32_t>(std::min<unsigned long>(std::stoul(a[i + 1]), 1000));
      } catch (...) {
        done(make_reply(operator_status::bad_request, "invalid --limit"));
        return;
      }
    } else {
      done(make_reply(operator_status::bad_request,
                      "usage: audit [--since DUR] [--limit N]"));
      return;
    }
  }
  call_service<audit_page>(
      self, ctx.reg, "audit", ctx.opts->request_timeout * 6,
      [done](audit_page& p) {
        json_writer j;
        j.begin_object()
            .field("total", p.total)
            .field("head", p.head)
            .field("intact", p.broken.empty());
        if (!p.broken.empty()) j.field("broken", p.broken);
        j.key("events").begin_array();
        std::string text;
        for (auto& e : p.events) {
          j.begin_object()
              .field("seq", e.seq)
              .field("time_ms", e.time_ms)
              .field("kind", e.kind)
              .field("source", e.source)
              .field("detail", e.detail)
              .end_object();
          text += fmt::format("#{:<6} {}  {:<22} {:<16} {}\n", e.seq, iso_time(e.time_ms),
                              e.kind, e.source, e.detail);
        }
        j.end_array().end_object();
        text += fmt::format("{} events in the log, head {}\n", p.total, p.head);
        if (!p.broken.empty()) {
          text += "AUDIT LOG DAMAGED: " + p.broken + "\n";
          done(make_reply(operator_status::failed, std::move(text), j.str()));
          return;
        }
        done(make_reply(operator_status::ok, std::move(text), j.str()));
      },
      [self, done](caf::error& err) {
        done(make_reply(operator_status::unavailable, self->system().render(err)));
      },
      audit_read_atom::value, since_ms, limit);
}

}  // namespace nz
