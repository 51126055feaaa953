#include "actors/node/node_tree.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>

#include "actors/audit/audit_actor.hpp"
#include "actors/identity/identity_actor.hpp"
#include "actors/metrics/metrics_actor.hpp"
#include "actors/node_info/node_info_actor.hpp"
#include "actors/operator/auth_limiter_actor.hpp"
#include "actors/operator/operator_actor.hpp"
#include "actors/peer/peer_manager.hpp"
#include "actors/trust/trust_actor.hpp"
#include "runtime/chaos/peer_chaos.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/storage_actor.hpp"

namespace nz {

namespace {

restart_policy policy_of(const node_config& c) {
  restart_policy p;
  p.max_restarts = c.restart_intensity;
  p.window = c.restart_window;
  p.backoff_base = c.restart_backoff;
  p.backoff_max = c.restart_backoff_max;
  return p;
}

journal_options journal_of(const node_config& c, const std::string& stream) {
  journal_options j;
  j.stream = stream;
  j.snapshot_every = c.snapshot_every;
  j.snapshot_interval = c.snapshot_interval;
  j.storage_timeout = c.request_timeout * 2;
  return j;
}

child_spec worker(std::string name,
                  std::function<caf::expected<caf::actor>(caf::actor_system&)> start) {
  child_spec cs;
  cs.name = std::move(name);
  cs.start = std::move(start);
  return cs;
}

shutdown_step unpublish_step(std::shared_ptr<admin_endpoint> admin,
                             caf::timespan timeout) {
  shutdown_step step;
  step.name = "admin gate (unpublish)";
  step.phase = shutdown_phase::stop_accepting;
  step.timeout = timeout;
  step.run = [admin, timeout](caf::event_based_actor* self,
                              std::function<void(caf::error)> done) {
    if (!admin || !admin->gate || admin->port == 0) {
      done(caf::none);
      return;
    }
    auto mm = self->system().middleman().actor_handle();
    self->request(mm, timeout, caf::unpublish_atom::value, admin->gate.address(),
                  admin->port)
        .then([done] { done(caf::none); }, [done](caf::error& err) { done(err); });
  };
  return step;
}

}  // namespace

peer_gate_options peer_gate_options_of(const node_config& cfg) {
  peer_gate_options o;
  o.link.handshake_timeout = cfg.peer_handshake_timeout;
  o.link.frame_rate.rate = cfg.peer_frame_rate;
  o.link.frame_rate.per_ms = 1000;
  o.link.frame_rate.burst = cfg.peer_frame_rate * 2;
  o.limits.max_half_open = static_cast<uint32_t>(cfg.peer_max_half_open);
  o.limits.per_source_per_s = static_cast<uint32_t>(cfg.peer_handshakes_per_source);
  o.limits.timeout_ms = cfg.peer_handshake_timeout.count();
  return o;
}

supervisor_spec make_node_tree(std::shared_ptr<service_registry> reg,
                               const node_tree_options& opts) {
  auto& cfg = opts.config;
  auto chaos = opts.chaos_enabled ? std::make_shared<peer_chaos>() : nullptr;
  auto policy = policy_of(cfg);

  supervisor_spec core;
  core.name = "core";
  core.strat = strategy::rest_for_one;
  core.policy = policy;
  core.children.push_back(
      worker("storage", [reg, opts](caf::actor_system& sys) -> caf::expected<caf::actor> {
        storage_options so;
        so.dir = opts.data_dir + "/db";
        so.map_size = opts.config.lmdb_map_size;
        so.find_metrics = [reg] { return reg->get("metrics"); };
        so.find_identity = [reg] { return reg->get("identity"); };
        so.kv_max_key = opts.config.kv_max_key;
        so.kv_max_value = opts.config.kv_max_value;
        so.kv_max_file = opts.config.kv_max_file;
        auto hdl = spawn_storage(sys, std::move(so));
        if (!hdl) return hdl.error();
        return caf::actor_cast<caf::actor>(*hdl);
      }));
  core.children.push_back(worker("audit", [reg, cfg](caf::actor_system& sys) {
    audit_options ao;
    ao.storage_timeout = cfg.request_timeout * 2;
    return spawn_audit(sys, reg, std::move(ao));
  }));
  core.children.push_back(worker("trust", [reg, cfg](caf::actor_system& sys) {
    trust_options to;
    to.max_trusted = cfg.trust_max_trusted;
    to.max_third_party = cfg.trust_max_third_party;
    to.max_batch = cfg.trust_max_batch;
    to.max_depth = cfg.trust_max_depth;
    to.default_ttl_ms = cfg.trust_default_ttl.count();
    to.storage_timeout = cfg.request_timeout * 2;
    return spawn_trust(sys, reg, std::move(to));
  }));
  // After trust (admission asks it) and storage (its peer cache is journaled);
  // before node_info and auth_limiter, whose crashes need not drop sessions.
  core.children.push_back(worker("peers", [reg, cfg, chaos](caf::actor_system& sys) {
    peer_manager_options po;
    po.admission.policy = cfg.peer_policy;
    po.admission.min_level = static_cast<uint8_t>(cfg.peer_min_level);
    po.admission.allow = cfg.peer_allow;
    po.bootstrap = cfg.peer_bootstrap;
    po.max_sessions = cfg.peer_max_sessions;
    po.handshake_timeout = cfg.peer_handshake_timeout;
    po.max_half_open = cfg.peer_max_half_open;
    po.link = peer_gate_options_of(cfg).link;
    po.request_timeout = cfg.request_timeout;
    po.journal = journal_of(cfg, "peers");
    po.chaos = chaos;
    return spawn_peer_manager(sys, reg, std::move(po));
  }));
  core.children.push_back(worker("node_info", [reg, cfg](caf::actor_system& sys) {
    return spawn_node_info(sys, reg, journal_of(cfg, "node_info"));
  }));
  core.children.push_back(worker("auth_limiter", [reg, cfg](caf::actor_system& sys) {
    auth_limiter_options ao;
    ao.limits.max_failures = static_cast<uint32_t>(cfg.auth_max_failures);
    ao.limits.lockout_ms = cfg.auth_lockout.count();
    ao.limits.global_budget = static_cast<uint32_t>(cfg.auth_global_budget);
    ao.limits.global_window_ms = cfg.auth_global_window.count();
    ao.journal = journal_of(cfg, "auth_limiter");
    return spawn_auth_limiter(sys, reg, std::move(ao));
  }));

  supervisor_spec root;
  root.name = "root";
  root.strat = strategy::one_for_one;
  root.policy = policy;
  root.children.push_back(
      worker("metrics", [opts](caf::actor_system& sys) -> caf::expected<caf::actor> {
        metrics_options mo;
        mo.start_time_unix_ms = opts.start_unix_ms;
        mo.version = NZ_VERSION;
        return caf::actor_cast<caf::actor>(spawn_metrics(sys, mo));
      }));
  root.children.push_back(worker(
      "identity",
      [id = opts.identity](caf::actor_system& sys) { return spawn_identity(sys, id); }));
  root.children.push_back(supervisor_child(core, reg, "root"));

  root.children.push_back(worker("operator", [reg, opts, chaos](caf::actor_system& sys) {
    operator_options oo;
    oo.token = opts.token;
    oo.chaos_enabled = opts.chaos_enabled;
    oo.data_dir = opts.data_dir;
    oo.version = NZ_VERSION;
    oo.start_unix_ms = opts.start_unix_ms;
    oo.request_timeout = opts.config.request_timeout;
    oo.chaos = chaos;
    return spawn_operator(sys, reg, std::move(oo));
  }));

  // Each phase gets an equal share of the shutdown budget.
  caf::timespan per_phase = cfg.shutdown_timeout / shutdown_phase_count;
  shutdown_options so;
  so.steps.push_back(unpublish_step(opts.admin, per_phase));
  for (auto phase : {shutdown_phase::drain, shutdown_phase::flush})
    for (auto svc : {"peers", "trust", "node_info", "auth_limiter", "audit"})
      so.steps.push_back(phase_step(reg, svc, phase, per_phase));
  so.steps.push_back(
      phase_step(reg, "storage", shutdown_phase::close_storage, per_phase));
  auto shutdown = worker("shutdown", [reg, so](caf::actor_system& sys) {
    return spawn_shutdown_coordinator(sys, reg, so);
  });
  root.children.push_back(shutdown);
  return root;
}

}  // namespace nz
