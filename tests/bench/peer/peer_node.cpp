#include "bench/peer/peer_node.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <utility>

#include <sodium.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/identity/identity_actor.hpp"
#include "actors/peer/peer_gate.hpp"
#include "actors/peer/peer_manager.hpp"
#include "actors/peer/tcp_socket.hpp"
#include "messages/identity_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/register_types.hpp"
#include "messages/storage_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/storage_actor.hpp"

namespace nz::bench {

namespace {

constexpr auto setup_timeout = std::chrono::seconds(30);

[[noreturn]] void node_die(const std::string& what) {
  std::fprintf(stderr, "nz_bench_peer: %s\n", what.c_str());
  std::exit(1);
}

/// The peer cache journal (stream "peers"), where the manager has one.
template <class Options>
auto set_peer_journal(Options& o, int) -> decltype(o.journal.stream = "", void()) {
  o.journal.stream = "peers";
}
template <class Options>
void set_peer_journal(Options&, long) {}

// -- metrics --------------------------------------------------------------------------

/// Sums the counters the actors report (family{labels} -> total); renders them
/// one per line, sorted. Gauges keep their last value; observations are
/// counted.
metrics_actor::behavior_type counting_metrics(
    std::shared_ptr<std::map<std::string, double>> sums) {
  auto key = [](const std::string& f, const label_values& ls) {
    std::string k = f;
    for (auto& l : ls) k += (k.size() == f.size() ? "{" : ",") + l;
    return ls.empty() ? k : k + "}";
  };
  return {
      [sums, key](add_atom, std::string& f, label_values& ls, double v) {
        (*sums)[key(f, ls)] += v;
      },
      [sums, key](set_atom, std::string& f, label_values& ls, double v) {
        (*sums)[key(f, ls)] = v;
      },
      [sums, key](observe_atom, std::string& f, label_values& ls, double) {
        (*sums)[key(f, ls) + "_count"] += 1;
      },
      [sums](render_atom) {
        std::string out;
        for (auto& [k, v] : *sums) out += k + " " + std::to_string(v) + " ";
        return out;
      },
  };
}

// -- the sink -----------------------------------------------------------------------

struct sink_state {
  peer_manager_actor manager;
  caf::actor driver;
  std::string channel;
  uint64_t total = 0;
  uint64_t step = 1;
  uint64_t size = 0;
  bool sealed = false;
  bool active = false;
  uint64_t base = 0;    ///< inbox cursor when armed (sealed)
  uint64_t cursor = 0;  ///< inbox cursor of the next listen (sealed)
  uint64_t delivered = 0;
  uint64_t credited = 0;
  uint64_t bad = 0;
  uint64_t seen = 0;   ///< messages actually handed to the sink
  uint64_t polls = 0;  ///< listen replies (sealed)
  static inline const char* name = "nz.bench_sink";
};

using sink_ptr = caf::stateful_actor<sink_state>*;

void maybe_credit(sink_ptr self) {
  auto& st = self->state;
  if (st.delivered - st.credited < st.step && st.delivered < st.total) return;
  st.credited = st.delivered;
  self->send(st.driver, bcredit_atom::value, st.delivered, st.bad, st.seen, st.polls);
  if (st.delivered >= st.total) st.active = false;
}

/// Sealed: one long poll of the inbox after the cursor; again until all arrived.
void poll(sink_ptr self) {
  auto& st = self->state;
  self->request(st.manager, std::chrono::seconds(60), peer_listen_atom::value, st.channel,
                st.cursor, uint32_t{1000})
      .then(
          [self](channel_batch& b) {
            auto& st = self->state;
            if (!st.active) return;
            ++st.polls;
            for (auto& m : b.messages)
              if (m.payload.size() != st.size || m.channel != st.channel) ++st.bad;
            st.seen += b.messages.size();
            if (b.next > st.cursor) st.cursor = b.next;
            st.delivered = st.cursor - st.base;
            maybe_credit(self);
            if (st.active) poll(self);
          },
          [self](caf::error& err) {
            std::fprintf(stderr, "nz_bench_peer: receiver: listen: %s\n",
                         self->system().render(err).c_str());
          });
}

caf::behavior sink_impl(sink_ptr self, peer_manager_actor manager) {
  self->state.manager = std::move(manager);
  return {
      [self](barm_atom, caf::actor& driver, uint64_t total, uint64_t step, bool sealed,
             std::string& channel, uint64_t size) -> caf::result<uint64_t> {
        auto& st = self->state;
        st.driver = driver;
        st.total = total;
        st.step = step == 0 ? 1 : step;
        st.sealed = sealed;
        st.channel = channel;
        st.size = size;
        st.delivered = st.credited = st.bad = st.seen = st.polls = 0;
        st.active = !sealed;
        if (!sealed) return uint64_t{0};
        // A fresh channel: an empty listen returns the cursor after everything
        // delivered so far.
        auto rp = self->make_response_promise<uint64_t>();
        self->request(st.manager, setup_timeout, peer_listen_atom::value, channel,
                      uint64_t{0}, uint32_t{0})
            .then(
                [self, rp](channel_batch& b) mutable {
                  auto& st = self->state;
                  st.base = st.cursor = b.next;
                  st.active = true;
                  rp.deliver(st.base);
                  poll(self);
                },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [self](bdata_atom, std::vector<uint8_t>& payload) {
        auto& st = self->state;
        if (!st.active || st.sealed) return;
        ++st.delivered;
        ++st.seen;
        if (payload.size() != st.size) ++st.bad;
        maybe_credit(self);
      },
      [](bping_atom, uint64_t x) { return x; },
  };
}

}  // namespace

const char* to_string(peer_limits x) {
  return x == peer_limits::raised ? "raised" : "defaults";
}

peer_link_options bench_link_options(peer_limits x) {
  peer_link_options o;
  if (x == peer_limits::raised) o.frame_rate = {100000000, 1000, 200000000};
  return o;
}

peer_gate_options bench_gate_options(peer_limits x) {
  peer_gate_options o;
  o.link = bench_link_options(x);
  if (x == peer_limits::raised) {
    o.limits.per_source_per_s = 1000000;
    o.limits.max_half_open = 100000;
  }
  return o;
}

void configure_node(caf::actor_system_config& cfg) {
  register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.max-threads", 2);
  cfg.set("middleman.workers", 0);
  cfg.set("logger.verbosity", caf::atom("quiet"));
}

node_services start_node(caf::actor_system& sys, uint64_t max_sessions, peer_limits lim) {
  node_services n;
  n.reg = std::make_shared<service_registry>();
  n.tmp = std::make_unique<test::temp_dir>("nz-bench-peer");
  auto source = std::make_shared<identity_source>();
  {
    auto w = source->seed.write();
    randombytes_buf(w.data(), w.size());
  }
  source->kdf = "none (benchmark)";
  auto id = spawn_identity(sys, source);
  if (!id) node_die("spawn_identity: " + sys.render(id.error()));
  n.identity = *id;
  n.reg->declare("identity", "", "worker");
  n.reg->set_running("identity", n.identity);
  n.metrics = caf::actor_cast<caf::actor>(
      sys.spawn(counting_metrics, std::make_shared<std::map<std::string, double>>()));
  n.reg->declare("metrics", "", "worker");
  n.reg->set_running("metrics", n.metrics);

  storage_options so;
  so.dir = n.tmp->str() + "/db";
  so.map_size = size_t{256} << 20;
  auto reg = n.reg;
  so.find_identity = [reg] { return reg->get("identity"); };
  so.find_metrics = [reg] { return reg->get("metrics"); };
  auto st = spawn_storage(sys, so);
  if (!st) node_die("spawn_storage: " + sys.render(st.error()));
  n.storage = caf::actor_cast<caf::actor>(*st);
  n.reg->declare("storage", "", "worker");
  n.reg->set_running("storage", n.storage);

  peer_manager_options po;
  po.admission.policy = "open";
  po.max_sessions = max_sessions;
  po.link = bench_link_options(lim);
  if (lim == peer_limits::raised) po.max_half_open = 10000;
  set_peer_journal(po, 0);
  n.reg->declare("peers", "", "worker");
  auto mgr = spawn_peer_manager(sys, n.reg, po);
  if (!mgr) node_die("spawn_peer_manager: " + sys.render(mgr.error()));
  n.manager = *mgr;
  n.reg->set_running("peers", n.manager);

  caf::scoped_actor self{sys};
  self->request(caf::actor_cast<identity_actor>(n.identity), setup_timeout,
                get_atom::value)
      .receive([&](identity_info& info) { n.node_id = info.node_id; },
               [&](caf::error& err) { node_die("identity get: " + sys.render(err)); });
  self->request(caf::actor_cast<peer_manager_actor>(n.manager), setup_timeout,
                peer_list_atom::value)
      .receive([](std::vector<peer_info>&) {},
               [&](caf::error& err) { node_die("peer manager: " + sys.render(err)); });
  return n;
}

uint64_t map_count() {
  FILE* f = std::fopen("/proc/self/maps", "r");
  if (!f) return 0;
  uint64_t n = 0;
  for (int c; (c = std::fgetc(f)) != EOF;)
    if (c == '\n') ++n;
  std::fclose(f);
  return n;
}

uint64_t rss_bytes() {
  unsigned long long size = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (std::fscanf(f, "%llu %llu", &size, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

int receiver_main(uint64_t max_sessions, peer_limits lim) {
  if (sodium_init() < 0) node_die("sodium_init failed");
  log::set_level(log::level::error);
  caf::actor_system_config cfg;
  configure_node(cfg);
  caf::actor_system sys{cfg};
  auto node = start_node(sys, max_sessions, lim);
  // As the node does it (actors/node/node_runner.cpp, publish_peer_gate).
  auto listener = listen_tcp("127.0.0.1", 0);
  if (!listener) node_die("listen for peers: " + listener.error());
  auto gate = spawn_peer_gate(sys, listener->fd, node.reg, bench_gate_options(lim));
  (void)gate;
  auto gate_port = listener->port;
  auto sink = sys.spawn(sink_impl, caf::actor_cast<peer_manager_actor>(node.manager));
  auto sink_port = sys.middleman().publish(sink, 0, "127.0.0.1", true);
  if (!sink_port) node_die("publish the sink: " + sys.render(sink_port.error()));
  std::printf("ready %u %u %d\n", static_cast<unsigned>(gate_port),
              static_cast<unsigned>(*sink_port), static_cast<int>(::getpid()));
  std::fflush(stdout);
  caf::scoped_actor self{sys};
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "rss") {
      std::printf("rss %llu %llu\n", static_cast<unsigned long long>(rss_bytes()),
                  static_cast<unsigned long long>(map_count()));
    } else if (line == "sessions") {
      uint64_t established = 0, all = 0;
      self->request(caf::actor_cast<peer_manager_actor>(node.manager), setup_timeout,
                    peer_list_atom::value)
          .receive(
              [&](std::vector<peer_info>& xs) {
                all = xs.size();
                for (auto& p : xs)
                  if (p.state == "established") ++established;
              },
              [&](caf::error& err) { node_die("peer_list: " + sys.render(err)); });
      std::printf("sessions %llu %llu\n", static_cast<unsigned long long>(established),
                  static_cast<unsigned long long>(all));
    } else if (line == "metrics") {
      std::string text;
      self->request(caf::actor_cast<metrics_actor>(node.metrics), setup_timeout,
                    render_atom::value)
          .receive([&](std::string& t) { text = t; },
                   [&](caf::error& err) { text = "error " + sys.render(err); });
      std::printf("metrics %s\n", text.c_str());
    } else if (line == "quit") {
      break;
    } else {
      std::printf("error unknown command\n");
    }
    std::fflush(stdout);
  }
  std::printf("bye\n");
  std::fflush(stdout);
  // Published actors and live sessions would make ~actor_system wait forever
  // (CAF 0.17); the process only measured, so it ends here.
  node.tmp.reset();
  std::_Exit(0);
}

}  // namespace nz::bench
