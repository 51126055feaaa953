#include "actors/audit/audit_actor.hpp"

#include <chrono>
#include <deque>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/audit/audit_event_codec.hpp"
#include "messages/audit_api.hpp"
#include "messages/core_errors.hpp"
#include "messages/storage_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/sealed_log/sealed_log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/unix_time.hpp"

namespace nz {

namespace {

constexpr const char* audit_ns = "nz.audit";
constexpr uint32_t default_read_limit = 1000;

struct audit_state {
  std::shared_ptr<service_registry> reg;
  audit_options opts;
  storage_actor storage;
  bool ready = false;
  /// Requests that arrived before the stored chain was read.
  std::deque<std::function<void()>> deferred;
  /// Builds the next entry; advanced when an entry is handed to storage.
  chain::appender app{audit::chain_domain};
  /// Appends handed to storage and not yet durable.
  size_t in_flight = 0;
  std::deque<std::function<void()>> when_idle;
  static inline const char* name = "nz.audit";
};

using self_ptr = audit_actor::stateful_pointer<audit_state>;

void when_ready(self_ptr self, std::function<void()> fn) {
  if (self->state.ready)
    fn();
  else
    self->state.deferred.push_back(std::move(fn));
}

void append(self_ptr self, audit::event_fields f,
            caf::typed_response_promise<uint64_t> rp) {
  auto& st = self->state;
  auto e =
      st.app.next(st.opts.now_ms(), audit::encode(audit::clamp_fields(std::move(f))));
  st.app.advance(e);
  auto seq = e.seq;
  ++st.in_flight;
  sealed_log::put_record(
      self, st.storage, audit_ns, sealed_log::seq_key(seq), chain::encode(e),
      st.opts.storage_timeout,
      [self, rp, seq]() mutable {
        auto& st = self->state;
        --st.in_flight;
        rp.deliver(seq);
        if (st.in_flight == 0)
          while (!st.when_idle.empty()) {
            auto fn = std::move(st.when_idle.front());
            st.when_idle.pop_front();
            fn();
          }
      },
      [self](caf::error err) {
        // The restarted instance continues from what is durable.
        log::error("audit", "append failed: {}", self->system().render(err));
        self->quit(std::move(err));
      });
}

void start(self_ptr self) {
  auto& st = self->state;
  sealed_log::load_records(
      self, st.storage, audit_ns, st.opts.storage_timeout,
      [self](std::vector<sealed_log::stored_record> records) {
        auto& st = self->state;
        auto scan = sealed_log::scan_chain(audit::chain_domain, records);
        std::string damage;
        if (scan.broken) {
          // Continue after the last stored entry so nothing is overwritten.
          uint64_t last = 0;
          chain::hash32 head{};
          if (!records.empty()) {
            last = sealed_log::seq_of(records.back().key).value_or(0);
            if (auto e = chain::decode(records.back().value.data(),
                                       records.back().value.size()))
              head = chain::hash_of(audit::chain_domain, *e);
          }
          if (last < scan.entries.size()) last = scan.entries.size();
          st.app = chain::appender(audit::chain_domain, last, head);
          damage = scan.broken->reason;
          log::error("audit", "audit log damaged: {}", damage);
          st.reg->add_warning("audit log damaged: " + damage);
        } else {
          st.app = chain::appender(audit::chain_domain, scan.entries.size(), scan.head);
        }
        st.reg->set_recovery("audit", std::to_string(scan.entries.size())
                                          + " audit entries verified"
                                          + (damage.empty() ? "" : "; " + damage));
        st.ready = true;
        if (!damage.empty())
          append(self, {"audit_damaged", "audit", damage},
                 self->make_response_promise<uint64_t>());
        while (!st.deferred.empty()) {
          auto fn = std::move(st.deferred.front());
          st.deferred.pop_front();
          fn();
        }
      },
      [self](caf::error err) {
        log::error("audit", "cannot read the audit log: {}", self->system().render(err));
        self->quit(std::move(err));
      });
}

audit_page make_page(std::vector<sealed_log::stored_record>& records, int64_t since_ms,
                     uint32_t limit) {
  audit_page page;
  auto scan = sealed_log::scan_chain(audit::chain_domain, records);
  page.total = records.size();
  page.head = chain::to_hex(scan.head);
  if (scan.broken) page.broken = scan.broken->reason;
  // Events are shown from every record that opens, including those after a
  // break (their chain cannot be vouched for; `broken` says so).
  std::deque<audit_event> out;
  for (auto& r : records) {
    if (!r.error.empty()) continue;
    auto e = chain::decode(r.value.data(), r.value.size());
    if (!e || e->time_ms < since_ms) continue;
    auto f = audit::decode(e->payload);
    if (!f) continue;
    out.push_back({e->seq, e->time_ms, std::move(f->kind), std::move(f->source),
                   std::move(f->detail)});
    if (out.size() > limit) out.pop_front();
  }
  page.events.assign(std::make_move_iterator(out.begin()),
                     std::make_move_iterator(out.end()));
  return page;
}

audit_actor::behavior_type audit_impl(self_ptr self,
                                      std::shared_ptr<service_registry> reg,
                                      audit_options opts) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.reg = std::move(reg);
  st.opts = std::move(opts);
  if (!st.opts.now_ms) st.opts.now_ms = unix_now_ms;
  st.storage = caf::actor_cast<storage_actor>(st.reg->get("storage"));
  if (!st.storage)
    self->quit(make_error(core_errc::service_unavailable, "storage (for the audit log)"));
  else
    start(self);
  return {
      [self](audit_record_atom, std::string& kind, std::string& source,
             std::string& detail) -> caf::result<uint64_t> {
        auto rp = self->make_response_promise<uint64_t>();
        when_ready(self, [self, rp,
                          f = audit::event_fields{std::move(kind), std::move(source),
                                                  std::move(detail)}]() mutable {
          append(self, std::move(f), rp);
        });
        return rp;
      },
      [self](audit_read_atom, int64_t since_ms,
             uint32_t limit) -> caf::result<audit_page> {
        auto rp = self->make_response_promise<audit_page>();
        if (limit == 0 || limit > default_read_limit) limit = default_read_limit;
        when_ready(self, [self, rp, since_ms, limit]() mutable {
          auto& st = self->state;
          sealed_log::load_records(
              self, st.storage, audit_ns, st.opts.storage_timeout,
              [rp, since_ms,
               limit](std::vector<sealed_log::stored_record> records) mutable {
                rp.deliver(make_page(records, since_ms, limit));
              },
              [rp](caf::error err) mutable { rp.deliver(std::move(err)); });
        });
        return rp;
      },
      [self](phase_atom, uint8_t phase) -> caf::result<uint8_t> {
        auto rp = self->make_response_promise<uint8_t>();
        auto& st = self->state;
        if (st.in_flight == 0)
          rp.deliver(phase);
        else
          st.when_idle.push_back([rp, phase]() mutable { rp.deliver(phase); });
        return rp;
      },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_audit(caf::actor_system& sys,
                                      std::shared_ptr<service_registry> reg,
                                      audit_options opts) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(audit_impl, std::move(reg), std::move(opts)));
}

}  // namespace nz
