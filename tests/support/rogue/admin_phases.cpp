// BASP attacks on the admin port (127.0.0.1; phases.hpp, admin_probe.hpp).
// The admin gate is the only actor published there; its wire guard
// (runtime/wire_guard.hpp) lets nothing but operator requests in.
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/system_messages.hpp>

#include "messages/audit_api.hpp"
#include "messages/identity_api.hpp"
#include "messages/kv_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/node_api.hpp"
#include "messages/operator_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "support/rogue/admin_probe.hpp"
#include "support/rogue/phases.hpp"
#include "support/rogue/rogue_util.hpp"

namespace nz::rogue {

namespace {

operator_request op(std::string token, std::string client, std::string command,
                    std::vector<std::string> args = {}) {
  operator_request r;
  r.token = std::move(token);
  r.client = std::move(client);
  r.command = std::move(command);
  r.args = std::move(args);
  return r;
}

/// One message of each interface of the node (as a local actor would send
/// it), and two operator requests with a wrong and an empty token.
std::vector<caf::message> content_messages(const caf::actor& me) {
  using records = std::vector<std::vector<uint8_t>>;
  auto trust_cmd = [](std::string token) {
    return op(std::move(token), "rogue", "trust",
              {"add", std::string(64, 'a'), "--level", "high"});
  };
  trust_assert_request tr;
  tr.kind = "set_level";
  tr.subject = std::string(64, 'b');
  tr.level = 4;
  bytes k{'k'};
  return {
      caf::make_message(trust_cmd(std::string(64, 'f'))),
      caf::make_message(trust_cmd("")),
      caf::make_message(peer_hello_atom::value, random_bytes(32), me),
      caf::make_message(peer_in_atom::value, records{{4, 1, 2, 3}}),
      caf::make_message(peer_out_atom::value, records{{5}}),
      caf::make_message(peer_link_atom::value, me),
      caf::make_message(peer_up_atom::value),
      caf::make_message(peer_list_atom::value),
      caf::make_message(peer_connect_atom::value, std::string{"127.0.0.1"}, uint16_t{9}),
      caf::make_message(peer_ping_atom::value, std::string(64, '0')),
      caf::make_message(peer_beat_atom::value),
      caf::make_message(tick_atom::value),
      caf::make_message(phase_atom::value, uint8_t{1}),
      caf::make_message(shutdown_atom::value, std::string{"rogue"}),
      caf::make_message(restart_atom::value, uint64_t{0}),
      caf::make_message(kv_put_atom::value, uint8_t{0}, std::string{"rogue"}, k, k),
      caf::make_message(kv_del_atom::value, uint8_t{0}, std::string{"keep"}, k),
      caf::make_message(trust_assert_atom::value, tr),
      caf::make_message(append_atom::value, std::string{"nz.audit"}, uint64_t{1},
                        random_bytes(16)),
      caf::make_message(audit_record_atom::value, std::string{"rogue"},
                        std::string{"rogue"}, std::string{"rogue"}),
      caf::make_message(auth_ok_atom::value, std::string{"harness"}),
      caf::make_message(auth_fail_atom::value, std::string{"harness"}),
      caf::make_message(sign_atom::value, random_bytes(32)),
      caf::make_message(add_atom::value, std::string{"nzcore_peer_dropped_total"},
                        label_values{"wire_filter"}, -1e9),
  };
}

void phase_content(caf::actor_system& sys, const admin_target& t, const caf::actor& me,
                   const options& o) {
  auto batch = content_messages(me);
  auto sender = caf::actor_cast<caf::strong_actor_ptr>(me);
  size_t n = 0;
  for (auto& m : batch)
    for (auto aid = o.first_id; aid <= o.last_id; ++aid, ++n)
      send_to(sys, t.node, aid, sender, caf::make_message_id(), m);
  sleep_ms(o.settle_ms);
  say("admin-content: ", batch.size(), " message kinds to ids ", o.first_id, "-",
      o.last_id);
  result("admin-content sent=", n, " kinds=", batch.size());
}

void phase_system(caf::actor_system& sys, const admin_target& t, const caf::actor& me,
                  const options& o) {
  size_t n = 0;
  auto each = [&](const caf::message& m, const caf::strong_actor_ptr& sender) {
    for (auto aid = o.first_id; aid <= o.last_id; ++aid, ++n)
      send_to(sys, t.node, aid, sender, caf::make_message_id(), m);
  };
  each(caf::make_message(caf::make_error(caf::sec::runtime_error, "rogue")), nullptr);
  each(caf::make_message(caf::exit_msg{me.address(), caf::exit_reason::user_shutdown}),
       nullptr);
  each(caf::make_message(caf::exit_msg{me.address(), caf::exit_reason::kill}), nullptr);
  // A forged response (response id 1..8) with a plausible reply, and an
  // unhandled message whose sender is the receiver itself (error reflection).
  for (auto& [aid, name] : t.alive) {
    for (uint64_t k = 1; k <= 8; ++k, ++n)
      send_to(sys, t.node, aid, nullptr, caf::make_message_id(k).response_id(),
              caf::make_message(operator_reply{0, "forged", "{}"}));
    send_to(sys, t.node, aid, caf::actor_cast<caf::strong_actor_ptr>(me),
            caf::make_message_id(), caf::make_message(caf::ok_atom::value));
    ++n;
  }
  sleep_ms(o.settle_ms);
  say("admin-system: error, exit(user_shutdown), exit(kill) to ids ", o.first_id, "-",
      o.last_id, "; forged responses to the reachable ones");
  result("admin-system sent=", n);
}

/// Five wrong-token requests in the name of another client: the per-client
/// lockout is the admin gate's design, and anyone on the host can ask.
void phase_lockout(caf::actor_system& sys, const admin_target& t, const caf::actor& me,
                   const options& o) {
  for (int i = 0; i < 5; ++i)
    send_to(sys, t.node, t.gate->id(), caf::actor_cast<caf::strong_actor_ptr>(me),
            caf::make_message_id(),
            caf::make_message(op(std::string(64, static_cast<char>('0' + i)),
                                 o.lockout_client, "status")));
  sleep_ms(o.settle_ms);
  say("admin-lockout: 5 wrong-token requests as client '", o.lockout_client, "'");
  result("admin-lockout sent=5 client=", o.lockout_client);
}

}  // namespace

bool run_admin_phases(caf::actor_system& sys, const options& o) {
  auto gate = sys.middleman().remote_actor<operator_actor>(o.admin->host, o.admin->port);
  if (!gate) {
    say("cannot reach the admin gate: ", sys.render(gate.error()));
    return false;
  }
  admin_target t;
  t.node = gate->node();
  t.gate = caf::actor_cast<caf::strong_actor_ptr>(*gate);
  say("admin port: node ", caf::to_string(t.node), ", admin gate is actor ",
      t.gate->id());
  auto tl = std::make_shared<tally>();
  auto me = spawn_collector(sys, tl);
  t.alive = census(sys, t, o, "admin census");
  result("reachable port=admin count=", t.alive.size(), " actors=", id_list(t.alive));
  for (auto& phase : o.phases) {
    if (phase == "admin-content")
      phase_content(sys, t, me, o);
    else if (phase == "admin-system")
      phase_system(sys, t, me, o);
    else if (phase == "admin-lockout")
      phase_lockout(sys, t, me, o);
    else
      continue;
    auto after = census(sys, t, o, "admin census");
    actor_names gone;
    for (auto& [aid, name] : t.alive)
      if (!after.count(aid)) gone.emplace(aid, name);
    result("gone phase=", phase, " before=", t.alive.size(), " after=", after.size(),
           " count=", gone.size(), " actors=", id_list(gone));
    t.alive = std::move(after);
  }
  {
    std::lock_guard<std::mutex> guard{tl->mtx};
    std::string kinds;
    for (auto& [k, v] : tl->by_kind) {
      auto key = k;
      for (auto& c : key)
        if (c == ' ' || c == '=') c = '_';
      kinds += " [" + key + "]=" + std::to_string(v);
    }
    result("replies total=", tl->total, kinds);
  }
  caf::anon_send_exit(me, caf::exit_reason::kill);
  return true;
}

}  // namespace nz::rogue
