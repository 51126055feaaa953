#include "actors/operator/operator_actor.hpp"

#include <chrono>

#include <sodium.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/audit/audit_client.hpp"
#include "actors/operator/operator_commands.hpp"
#include "messages/core_errors.hpp"
#include "messages/node_api.hpp"
#include "messages/operator_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/supervision/service_call.hpp"

namespace nz {

namespace {

using token_digest = std::array<uint8_t, crypto_generichash_BYTES>;

token_digest digest(const std::string& token) {
  token_digest out{};
  crypto_generichash(out.data(), out.size(),
                     reinterpret_cast<const uint8_t*>(token.data()), token.size(),
                     nullptr, 0);
  return out;
}

struct operator_state {
  std::shared_ptr<service_registry> reg;
  operator_options opts;
  token_digest expected{};
  static inline const char* name = "nz.operator";
};

using self_ptr = operator_actor::stateful_pointer<operator_state>;
using promise = caf::typed_response_promise<operator_reply>;

/// Constant time: both sides are hashed to equal length first.
bool token_matches(const operator_state& st, const std::string& presented) {
  auto got = digest(presented);
  return sodium_memcmp(got.data(), st.expected.data(), got.size()) == 0;
}

void finish(self_ptr self, promise rp, const std::string& command, operator_reply rep) {
  metric_add(*self->state.reg, "nzcore_operator_requests_total",
             {command_label(command), status_label(rep.status)});
  rp.deliver(std::move(rep));
}

void deny(self_ptr self, promise rp, const operator_request& req, operator_status status,
          std::string text) {
  finish(self, std::move(rp), req.command, make_reply(status, std::move(text)));
}

void authenticated(self_ptr self, promise rp, operator_request req) {
  auto& st = self->state;
  if (auto lim = st.reg->get("auth_limiter"))
    caf::anon_send(caf::actor_cast<auth_limiter_actor>(lim), auth_ok_atom::value,
                   req.client);
  command_context ctx{st.reg, &st.opts};
  run_command(self, ctx, req,
              [self, rp, command = req.command](operator_reply rep) mutable {
                finish(self, std::move(rp), command, std::move(rep));
              });
}

void on_bad_token(self_ptr self, promise rp, operator_request req) {
  auto& st = self->state;
  metric_add(*st.reg, "nzcore_auth_failures_total", {"bad_token"});
  log::warn("operator", "authentication failed for client '{}' (command '{}')",
            req.client, command_label(req.command));
  // Failures are bounded by the global budget, so recording each cannot flood
  // the audit log; refusals of locked-out or throttled clients are not recorded.
  audit_record(self, st.reg, st.opts.request_timeout, "auth_failure", req.client,
               "wrong token (command '" + command_label(req.command) + "')");
  call_service<auth_verdict>(
      self, st.reg, "auth_limiter", st.opts.request_timeout,
      [self, rp, req](auth_verdict& v) mutable {
        // The failure that triggers a lockout is still answered as a wrong
        // token; the lockout applies from the next attempt on.
        if (v.kind == auth_verdict::locked_out) {
          log::warn("operator", "client '{}' locked out for {} s after repeated failures",
                    req.client, v.retry_after_ms / 1000);
          audit_record(self, self->state.reg, self->state.opts.request_timeout, "lockout",
                       req.client,
                       "locked out for " + std::to_string(v.retry_after_ms / 1000)
                           + " s after " + std::to_string(v.failures) + " failures");
          deny(self, rp, req, operator_status::unauthorized,
               "wrong token; too many failures: client '" + req.client
                   + "' is now locked out for " + std::to_string(v.retry_after_ms / 1000)
                   + " s");
          return;
        }
        deny(self, rp, req, operator_status::unauthorized,
             "wrong token (" + std::to_string(v.failures) + " consecutive failures)");
      },
      [self, rp, req](caf::error& err) mutable {
        log::error("operator", "could not record an auth failure: {}",
                   self->system().render(err));
        deny(self, rp, req, operator_status::unauthorized, "wrong token");
      },
      auth_fail_atom::value, req.client);
}

void handle(self_ptr self, promise rp, operator_request req) {
  auto& st = self->state;
  if (req.client.empty()) req.client = "anonymous";
  if (st.reg->get_node_state() == node_state::stopping && req.command != "status") {
    deny(self, rp, req, operator_status::unavailable, "the node is shutting down");
    return;
  }
  call_service<auth_verdict>(
      self, st.reg, "auth_limiter", st.opts.request_timeout,
      [self, rp, req](auth_verdict& v) mutable {
        auto& st = self->state;
        if (v.kind == auth_verdict::locked_out) {
          metric_add(*st.reg, "nzcore_auth_failures_total", {"locked_out"});
          deny(self, rp, req, operator_status::locked_out,
               "client '" + req.client + "' is locked out for another "
                   + std::to_string((v.retry_after_ms + 999) / 1000) + " s");
          return;
        }
        if (v.kind == auth_verdict::throttled) {
          metric_add(*st.reg, "nzcore_auth_failures_total", {"throttled"});
          deny(self, rp, req, operator_status::throttled,
               "too many failed attempts from all clients; retry in "
                   + std::to_string((v.retry_after_ms + 999) / 1000) + " s");
          return;
        }
        if (!token_matches(st, req.token))
          on_bad_token(self, rp, std::move(req));
        else
          authenticated(self, rp, std::move(req));
      },
      [self, rp, req](caf::error& err) mutable {
        // Fail closed: without the limiter nobody is let in.
        deny(self, rp, req, operator_status::unavailable,
             "auth limiter unavailable: " + self->system().render(err));
      },
      auth_check_atom::value, req.client);
}

operator_actor::behavior_type operator_impl(self_ptr self,
                                            std::shared_ptr<service_registry> reg,
                                            operator_options opts) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.reg = std::move(reg);
  st.expected = digest(opts.token);
  st.opts = std::move(opts);
  return {
      [self](operator_request& req) -> caf::result<operator_reply> {
        auto rp = self->make_response_promise<operator_reply>();
        handle(self, rp, std::move(req));
        return rp;
      },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_operator(caf::actor_system& sys,
                                         std::shared_ptr<service_registry> reg,
                                         operator_options opts) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(operator_impl, std::move(reg), std::move(opts)));
}

}  // namespace nz
