#include "actors/operator/admin_gate.hpp"

#include <deque>
#include <unordered_map>
#include <vector>

#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_nr.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/operator_api.hpp"
#include "runtime/supervision/service_call.hpp"
#include "runtime/wire_guard.hpp"

namespace nz {

namespace {

using promise = caf::typed_response_promise<operator_reply>;

/// At most this many answered requests, and this many bytes of their replies,
/// are remembered for retries (the oldest are forgotten first).
constexpr size_t max_remembered = 1024;
constexpr size_t max_remembered_bytes = size_t{8} << 20;

/// One request id: the reply once there is one, and everyone waiting for it.
struct request_entry {
  bool done = false;
  operator_reply reply;
  std::vector<promise> waiters;
};

struct gate_state {
  std::unordered_map<std::string, request_entry> requests;
  std::deque<std::string> order;  ///< insertion order, for eviction
  size_t reply_bytes = 0;         ///< text + JSON of the remembered replies
  static inline const char* name = "nz.admin_gate";
};

using self_ptr = operator_actor::stateful_pointer<gate_state>;

/// Retries of one request share its key: the id chosen by nzctl, the client
/// name and a digest of the token (so nobody can fetch another client's reply
/// by guessing its id without also presenting the same token).
std::string dedupe_key(const operator_request& req) {
  uint8_t h[16];
  crypto_generichash(h, sizeof(h), reinterpret_cast<const uint8_t*>(req.token.data()),
                     req.token.size(), nullptr, 0);
  std::string key = req.request_id;
  key += '\0';
  key += req.client;
  key += '\0';
  key.append(reinterpret_cast<const char*>(h), sizeof(h));
  return key;
}

size_t reply_size(const operator_reply& rep) {
  return rep.text.size() + rep.json.size();
}

/// Forgets the oldest answered requests beyond the count and byte bounds.
/// Requests still running are never forgotten (their waiters need the reply).
void evict(self_ptr self) {
  auto& st = self->state;
  while (!st.order.empty()
         && (st.order.size() > max_remembered || st.reply_bytes > max_remembered_bytes)) {
    auto i = st.requests.find(st.order.front());
    if (i != st.requests.end() && !i->second.done) break;
    if (i != st.requests.end()) {
      st.reply_bytes -= reply_size(i->second.reply);
      st.requests.erase(i);
    }
    st.order.pop_front();
  }
}

void forward(self_ptr self, std::shared_ptr<service_registry> reg, caf::timespan budget,
             operator_request req, std::function<void(operator_reply)> done) {
  call_service<operator_reply>(
      self, std::move(reg), "operator", budget,
      [done](operator_reply& rep) { done(std::move(rep)); },
      [self, done](caf::error& err) {
        operator_reply rep;
        rep.status = static_cast<int32_t>(operator_status::unavailable);
        rep.text = "operator unavailable: " + self->system().render(err);
        rep.json = "{\"error\":\"operator unavailable\"}";
        done(std::move(rep));
      },
      std::move(req));
}

operator_actor::behavior_type gate_impl(self_ptr self,
                                        std::shared_ptr<service_registry> reg,
                                        caf::timespan budget) {
  return {
      [self, reg, budget](operator_request& req) -> caf::result<operator_reply> {
        auto rp = self->make_response_promise<operator_reply>();
        if (req.request_id.empty()) {
          forward(self, reg, budget, std::move(req),
                  [rp](operator_reply rep) mutable { rp.deliver(std::move(rep)); });
          return rp;
        }
        auto key = dedupe_key(req);
        auto& st = self->state;
        if (auto i = st.requests.find(key); i != st.requests.end()) {
          // A retry: answer from the first attempt, never run the command twice.
          if (i->second.done) return i->second.reply;
          i->second.waiters.push_back(rp);
          return rp;
        }
        st.requests[key].waiters.push_back(rp);
        st.order.push_back(key);
        forward(self, reg, budget, std::move(req), [self, key](operator_reply rep) {
          auto i = self->state.requests.find(key);
          if (i == self->state.requests.end()) return;
          for (auto& w : i->second.waiters) w.deliver(rep);
          i->second.waiters.clear();
          i->second.done = true;
          self->state.reply_bytes += reply_size(rep);
          i->second.reply = std::move(rep);
          evict(self);
        });
        return rp;
      },
  };
}

/// From the network: operator requests only (nzctl sends them as requests).
struct admin_wire {
  static bool accepts(const caf::mailbox_element& x) {
    return wire_message(x, true, {caf::make_type_token<operator_request>()});
  }
};

class admin_gate_actor
    : public wire_guarded<caf::stateful_actor<gate_state, operator_actor::base>,
                          admin_wire> {
 public:
  admin_gate_actor(caf::actor_config& cfg, std::shared_ptr<service_registry> reg,
                   caf::timespan budget)
      : wire_guarded(cfg, std::move(reg)), budget_(budget) {}

  behavior_type make_behavior() override { return gate_impl(this, reg_, budget_); }

 private:
  caf::timespan budget_;
};

}  // namespace

caf::actor spawn_admin_gate(caf::actor_system& sys, std::shared_ptr<service_registry> reg,
                            caf::timespan budget) {
  return caf::actor_cast<caf::actor>(sys.spawn<admin_gate_actor>(std::move(reg), budget));
}

}  // namespace nz
