#include "bench/peer/bench_drivers.hpp"

#include <functional>
#include <map>

#include "actors/peer/peer_dialer.hpp"
#include "actors/peer/peer_session.hpp"
#include "bench/peer/bench_process.hpp"
#include "bench/peer/peer_node.hpp"
#include "bench/support/bench_stats.hpp"

namespace nz::bench {

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

}  // namespace nz::bench
