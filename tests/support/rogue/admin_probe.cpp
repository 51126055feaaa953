#include "support/rogue/admin_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/message_view.hpp>
#include <caf/proxy_registry.hpp>
#include <caf/scoped_actor.hpp>

#include "support/rogue/rogue_util.hpp"

namespace nz::rogue {

namespace {

/// The proxy registry of our BASP broker: get_or_put(node, id) gives a
/// forwarding proxy for any actor id on a connected node.
caf::proxy_registry& proxies(caf::actor_system& sys) {
  auto bb = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  auto ptr =
      static_cast<caf::io::basp_broker*>(caf::actor_cast<caf::abstract_actor*>(bb));
  return ptr->instance.proxies();
}

bool read_all(int fd, std::vector<char>& buf) {
  size_t got = 0;
  while (got < buf.size()) {
    auto n = ::recv(fd, buf.data() + got, buf.size() - got, 0);
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

std::string clip(std::string s, size_t n = 200) {
  if (s.size() > n) s = s.substr(0, n) + "...";
  return s;
}

}  // namespace

std::vector<std::string> peek_app_ids(const endpoint& e) {
  std::vector<std::string> out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(e.port);
  ::inet_pton(AF_INET, e.host.c_str(), &sa.sin_addr);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::vector<char> hdr_buf(caf::io::basp::header_size);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0
      && read_all(fd, hdr_buf)) {
    caf::io::basp::header hdr;
    caf::binary_deserializer hd{static_cast<caf::execution_unit*>(nullptr), hdr_buf};
    if (!hd(hdr) && hdr.payload_len > 0 && hdr.payload_len < (1u << 20)) {
      std::vector<char> payload(hdr.payload_len);
      if (read_all(fd, payload)) {
        caf::binary_deserializer pd{static_cast<caf::execution_unit*>(nullptr), payload};
        caf::node_id nid;
        std::vector<std::string> ids;
        if (!pd(nid, ids)) out = std::move(ids);
      }
    }
  }
  if (fd >= 0) ::close(fd);
  return out;
}

void send_to(caf::actor_system& sys, const caf::node_id& nid, uint64_t aid,
             const caf::strong_actor_ptr& sender, caf::message_id mid,
             const caf::message& msg) {
  if (auto p = proxies(sys).get_or_put(nid, aid)) p->enqueue(sender, mid, msg, nullptr);
}

actor_names census(caf::actor_system& sys, const admin_target& t, const options& o,
                   const char* label) {
  auto& reg = proxies(sys);
  for (auto aid = o.first_id; aid <= o.last_id; ++aid) reg.get_or_put(t.node, aid);
  sleep_ms(std::max(o.settle_ms, 500));
  actor_names out;
  caf::scoped_actor self{sys};
  for (auto aid = o.first_id; aid <= o.last_id; ++aid) {
    auto p = reg.get(t.node, aid);
    if (!p) continue;
    out[aid] = "?";
    p->enqueue(caf::strong_actor_ptr{self->ctrl()}, caf::make_message_id(),
               caf::make_message(caf::sys_atom::value, caf::get_atom::value,
                                 std::string{"info"}),
               nullptr);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  for (bool done = false; !done;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    self->receive(
        [&](caf::ok_atom, std::string&, caf::strong_actor_ptr& who, std::string& n) {
          if (who && out.count(who->id())) out[who->id()] = n.empty() ? "?" : n;
        },
        [&](caf::message&) {}, caf::after(left) >> [&] { done = true; });
  }
  if (t.gate && out.count(t.gate->id()) && out[t.gate->id()] == "?")
    out[t.gate->id()] = "admin_gate";
  std::ostringstream os;
  for (auto& [aid, name] : out) os << " " << aid << "=" << name;
  say(label, ": ", out.size(), " reachable actor(s) among ids ", o.first_id, "-",
      o.last_id, ":", os.str());
  return out;
}

std::string id_list(const actor_names& xs) {
  std::string out;
  for (auto& [aid, name] : xs) {
    if (!out.empty()) out += ',';
    out += std::to_string(aid) + ':' + (name.find(' ') == std::string::npos ? name : "?");
  }
  return out;
}

caf::actor spawn_collector(caf::actor_system& sys, std::shared_ptr<tally> t) {
  return sys.spawn([t](caf::event_based_actor* self) -> caf::behavior {
    self->set_default_handler(
        [t](caf::scheduled_actor* s, caf::message_view& x) -> caf::result<caf::message> {
          auto text = caf::to_string(x.copy_content_to_message());
          auto src = s->current_sender();
          say("reply from actor ", src ? src->id() : 0, ": ", clip(text));
          std::lock_guard<std::mutex> guard{t->mtx};
          ++t->total;
          ++t->by_kind[text.substr(0, text.find_first_of(",)"))];
          return caf::delegated<caf::message>{};
        });
    self->set_error_handler([t](caf::error& e) {
      std::lock_guard<std::mutex> guard{t->mtx};
      ++t->total;
      ++t->by_kind["error " + caf::to_string(e)];
    });
    self->set_down_handler([](caf::down_msg& dm) {
      say("down message received: ", caf::to_string(dm.reason));
    });
    self->set_exit_handler([](caf::exit_msg& em) {
      say("exit message received: ", caf::to_string(em.reason));
    });
    return {[](caf::ok_atom) {}};
  });
}

}  // namespace nz::rogue
