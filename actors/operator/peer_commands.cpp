#include "actors/operator/peer_commands.hpp"

#include <optional>

#include <fmt/format.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/operator/operator_actor.hpp"
#include "messages/core_errors.hpp"
#include "messages/peer_api.hpp"
#include "runtime/json_writer.hpp"
#include "runtime/supervision/service_call.hpp"

namespace nz {

namespace {

using done_fn = std::function<void(operator_reply)>;

operator_reply failure(caf::actor_system& sys, const caf::error& err) {
  auto status = err.category() == core_category ? operator_status::unavailable
                                                : operator_status::failed;
  if (err.category() == peer_category
      && err.code() == static_cast<uint8_t>(peer_errc::bad_argument))
    status = operator_status::bad_request;
  return make_reply(status, sys.render(err));
}

void list_peers(operator_actor::pointer self, const command_context& ctx, done_fn done) {
  call_service<std::vector<peer_info>>(
      self, ctx.reg, "peers", ctx.opts->request_timeout,
      [done](std::vector<peer_info>& ps) {
        json_writer j;
        j.begin_object().key("peers").begin_array();
        std::string text =
            fmt::format("{:<18} {:<22} {:<12} {:>4} {:>10} {:>8} {:>8} {:>6}\n", "NODE",
                        "ADDRESS", "STATE", "DIR", "RTT(us)", "FR-IN", "FR-OUT", "TRUST");
        for (auto& p : ps) {
          j.begin_object()
              .field("node_id", p.node_id)
              .field("address", p.address)
              .field("state", p.state)
              .field("outbound", p.outbound)
              .field("connected_since_ms", p.connected_since_ms)
              .field("rtt_us", p.rtt_us)
              .field("frames_in", p.frames_in)
              .field("frames_out", p.frames_out)
              .field("bytes_in", p.bytes_in)
              .field("bytes_out", p.bytes_out)
              .field("dropped", p.dropped)
              .field("rekeys", p.rekeys)
              .field("trust_level", static_cast<uint64_t>(p.trust_level))
              .field("phi", p.phi)
              .end_object();
          text += fmt::format(
              "{:<18} {:<22} {:<12} {:>4} {:>10} {:>6.2f} {:>8} {:>8} {:>6}\n",
              p.node_id.substr(0, 16), p.address, p.state, p.outbound ? "out" : "in",
              p.rtt_us, p.phi, p.frames_in, p.frames_out, p.trust_level);
        }
        j.end_array().end_object();
        if (ps.empty()) text = "no peer sessions\n";
        done(make_reply(operator_status::ok, std::move(text), j.str()));
      },
      [self, done](caf::error& err) { done(failure(self->system(), err)); },
      peer_list_atom::value);
}

}  // namespace

void run_peers_command(operator_actor::pointer self, const command_context& ctx,
                       const operator_request& req, done_fn done) {
  auto& a = req.args;
  if (a.empty()) {
    list_peers(self, ctx, std::move(done));
    return;
  }
  if (a.size() == 2 && a[0] == "connect") {
    auto colon = a[1].rfind(':');
    int port = -1;
    if (colon != std::string::npos && colon > 0) {
      try {
        port = std::stoi(a[1].substr(colon + 1));
      } catch (...) {
        port = -1;
      }
    }
    if (port <= 0 || port > 65535) {
      done(make_reply(operator_status::bad_request,
                      "usage: peers connect [NODE-ID@]HOST:PORT"));
      return;
    }
    auto host = a[1].substr(0, colon);
    call_service<std::string>(
        self, ctx.reg, "peers", ctx.opts->request_timeout * 3,
        [done, addr = a[1]](std::string& node_id) {
          json_writer j;
          j.begin_object()
              .field("connected", node_id)
              .field("address", addr)
              .end_object();
          done(make_reply(operator_status::ok,
                          fmt::format("session established with {} at {}", node_id, addr),
                          j.str()));
        },
        [self, done](caf::error& err) { done(failure(self->system(), err)); },
        peer_connect_atom::value, host, static_cast<uint16_t>(port));
    return;
  }
  done(
      make_reply(operator_status::bad_request, "usage: peers | peers connect HOST:PORT"));
}

namespace {

std::string printable(const std::vector<uint8_t>& b) {
  std::string out;
  for (auto c : b) {
    if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

std::optional<uint64_t> to_u64(const std::string& s) {
  if (s.empty() || s.size() > 19
      || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(s);
}

}  // namespace

void run_channel_command(operator_actor::pointer self, const command_context& ctx,
                         const operator_request& req, done_fn done) {
  auto& a = req.args;
  auto on_error = [self, done](caf::error& err) { done(failure(self->system(), err)); };
  auto bytes_of = [](const std::string& s) {
    return std::vector<uint8_t>(s.begin(), s.end());
  };
  if (req.command == "send" && a.size() == 4 && to_u64(a[3])) {
    call_service<uint64_t>(
        self, ctx.reg, "peers", ctx.opts->request_timeout,
        [done, a](uint64_t id) {
          json_writer j;
          j.begin_object()
              .field("sent", id)
              .field("peer", a[0])
              .field("channel", a[1])
              .end_object();
          done(make_reply(operator_status::ok,
                          fmt::format("sent #{} on {} to {}", id, a[1], a[0]), j.str()));
        },
        on_error, peer_send_atom::value, a[0], a[1], bytes_of(a[2]), *to_u64(a[3]));
  } else if (req.command == "request" && a.size() == 4 && to_u64(a[3])) {
    auto wait = static_cast<uint32_t>(std::min<uint64_t>(*to_u64(a[3]), 55'000));
    call_service<std::vector<uint8_t>>(
        self, ctx.reg, "peers",
        std::chrono::milliseconds(wait) + ctx.opts->request_timeout,
        [done](std::vector<uint8_t>& reply) {
          json_writer j;
          j.begin_object()
              .field("size", uint64_t{reply.size()})
              .field("reply", printable(reply))
              .end_object();
          done(make_reply(operator_status::ok, std::string(reply.begin(), reply.end()),
                          j.str()));
        },
        on_error, peer_request_atom::value, a[0], a[1], bytes_of(a[2]), wait);
  } else if (req.command == "listen" && a.size() == 3 && to_u64(a[1]) && to_u64(a[2])) {
    auto wait = static_cast<uint32_t>(std::min<uint64_t>(*to_u64(a[2]), 30'000));
    call_service<channel_batch>(
        self, ctx.reg, "peers",
        std::chrono::milliseconds(wait) + ctx.opts->request_timeout,
        [done](channel_batch& b) {
          json_writer j;
          j.begin_object().field("next", b.next).key("messages").begin_array();
          std::string text;
          for (auto& m : b.messages) {
            j.begin_object()
                .field("seq", m.seq)
                .field("from", m.from)
                .field("channel", m.channel)
                .field("id", m.id)
                .field("reply_to", m.reply_to)
                .field("time_ms", m.time_ms)
                .field("payload", printable(m.payload))
                .end_object();
            text +=
                fmt::format("{} #{}{}: {}\n", m.from.substr(0, 16), m.id,
                            m.reply_to ? fmt::format(" (reply to #{})", m.reply_to) : "",
                            printable(m.payload));
          }
          j.end_array().end_object();
          done(make_reply(operator_status::ok, std::move(text), j.str()));
        },
        on_error, peer_listen_atom::value, a[0], *to_u64(a[1]), wait);
  } else {
    done(
        make_reply(operator_status::bad_request,
                   "usage: send PEER CHANNEL TEXT [--reply-to ID] | request PEER CHANNEL "
                   "TEXT [--wait S] | listen CHANNEL"));
  }
}

void run_ping_command(operator_actor::pointer self, const command_context& ctx,
                      const operator_request& req, done_fn done) {
  if (req.args.size() != 1) {
    done(
        make_reply(operator_status::bad_request, "usage: ping PEER (node id or prefix)"));
    return;
  }
  call_service<int64_t>(
      self, ctx.reg, "peers", ctx.opts->request_timeout,
      [done, peer = req.args[0]](int64_t rtt_us) {
        json_writer j;
        j.begin_object().field("peer", peer).field("rtt_us", rtt_us).end_object();
        done(make_reply(operator_status::ok,
                        fmt::format("pong from {}: {:.3f} ms", peer, rtt_us / 1000.0),
                        j.str()));
      },
      [self, done](caf::error& err) { done(failure(self->system(), err)); },
      peer_ping_atom::value, req.args[0]);
}

}  // namespace nz
