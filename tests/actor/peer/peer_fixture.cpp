// peer_fixture: setup and teardown, bounded runs, observing sessions and nodes.
#include "peer_fixture.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <doctest/doctest.h>
#include <sodium.h>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduled_actor.hpp>

#include "messages/metrics_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/log/log.hpp"

namespace nz::test {

peer_fixture::peer_fixture() {
  log::set_stderr(false);
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
}

peer_fixture::~peer_fixture() {
  for (auto& h : suspended) resume_actor(h);
  suspended.clear();
  for (auto& addr : seen_sessions)
    if (auto h = caf::actor_cast<caf::actor>(addr))
      self->send_exit(h, caf::exit_reason::kill);
  for (auto i = owned.rbegin(); i != owned.rend(); ++i)
    self->send_exit(*i, caf::exit_reason::kill);
  // Links and raw peers that no session owns would wait for their timers.
  for (auto& t : links)
    if (auto h = caf::actor_cast<caf::actor>(t->link))
      self->send_exit(h, caf::exit_reason::kill);
  for (auto& t : raws)
    if (auto h = caf::actor_cast<caf::actor>(t->peer))
      self->send_exit(h, caf::exit_reason::kill);
  run();
}

// -- running ----------------------------------------------------------------------

void peer_fixture::note_next_job() {
  if (sched.jobs.empty()) return;
  auto* sa = dynamic_cast<caf::scheduled_actor*>(sched.jobs.front());
  if (sa == nullptr || std::strcmp(sa->name(), "nz.peer_session") != 0) return;
  auto addr = sa->address();
  if (std::find(seen_sessions.begin(), seen_sessions.end(), addr) == seen_sessions.end())
    seen_sessions.push_back(addr);
}

void peer_fixture::run() {
  for (size_t i = 0; i < 1'000'000; ++i) {
    note_next_job();
    if (!sched.try_run_once()) return;
  }
  FAIL_CHECK("run(): the actors never went idle");
}

void peer_fixture::advance(caf::timespan d, caf::timespan step) {
  while (d.count() > 0) {
    auto s = std::min(d, step);
    sched.advance_time(s);
    run();
    d -= s;
  }
}

void peer_fixture::suspend_actor(const caf::actor& h) {
  self->send(h, peer_stats_atom::value);
  auto* ptr = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(h));
  REQUIRE(ptr != nullptr);
  auto i = std::find(sched.jobs.begin(), sched.jobs.end(), ptr);
  REQUIRE(i != sched.jobs.end());
  sched.jobs.erase(i);
  suspended.push_back(h);
}

void peer_fixture::resume_actor(const caf::actor& h) {
  auto* ptr = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(h));
  if (ptr != nullptr) sched.jobs.push_back(ptr);
}

// -- observing ----------------------------------------------------------------------

caf::expected<std::vector<peer_info>> peer_fixture::list(const peer_node& n) {
  return ask<std::vector<peer_info>>(n.mgr(), peer_list_atom::value);
}

std::vector<peer_fixture::live_session> peer_fixture::live_sessions() {
  std::vector<live_session> out;
  for (auto& addr : seen_sessions) {
    auto h = caf::actor_cast<caf::actor>(addr);
    if (!h) continue;
    if (std::find(suspended.begin(), suspended.end(), h) != suspended.end()) continue;
    auto st = ask<peer_info>(h, peer_stats_atom::value);
    if (st) out.push_back({h, std::move(*st)});
  }
  return out;
}

std::vector<peer_fixture::live_session> peer_fixture::sessions_with(
    const peer_node& peer) {
  std::vector<live_session> out;
  for (auto& s : live_sessions())
    if (s.info.node_id == peer.node_id) out.push_back(std::move(s));
  return out;
}

caf::actor peer_fixture::session_of(const peer_node& peer) {
  auto xs = sessions_with(peer);
  REQUIRE(xs.size() == 1);
  return xs.front().handle;
}

caf::expected<peer_info> peer_fixture::stats(const caf::actor& session) {
  return ask<peer_info>(session, peer_stats_atom::value);
}

double peer_fixture::metric(const peer_node& n, const std::string& series) {
  auto text = must(
      ask<std::string>(caf::actor_cast<metrics_actor>(n.metrics), render_atom::value),
      "render");
  auto key = "\n" + series + " ";
  auto i = text.find(key);
  if (i == std::string::npos) return 0;
  return std::stod(text.substr(i + key.size()));
}

std::shared_ptr<reply<std::string>> peer_fixture::connect(const peer_node& from,
                                                          const peer_node& to) {
  return call<std::string>(from.mgr(), peer_connect_atom::value, to.host, to.port);
}

bool peer_fixture::alive(const caf::actor& session) {
  return static_cast<bool>(stats(session));
}

void peer_fixture::trust_add(const peer_node& truster, const peer_node& subject,
                             uint8_t level) {
  trust_add_key(truster, subject.key_hex, level);
}

void peer_fixture::trust_add_key(const peer_node& truster, const std::string& key_hex,
                                 uint8_t level) {
  REQUIRE(truster.trust);
  trust_assert_request req;
  req.kind = "set_level";
  req.subject = key_hex;
  req.level = level;
  auto e = ask<trust_entry>(caf::actor_cast<trust_actor>(truster.trust),
                            trust_assert_atom::value, req);
  if (!e) FAIL("trust add failed: " << sys.render(e.error()));
}

}  // namespace nz::test
