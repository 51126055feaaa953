#include "support/ledger_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/exception_reason.hpp"
#include "runtime/persist/journaled.hpp"
#include "support/ledger.hpp"

namespace nz::test {

namespace {

struct ledger_state {
  journaled<ledger> journal;
  static inline const char* name = "nz.test.ledger";
};

using self_ptr = ledger_actor::stateful_pointer<ledger_state>;

ledger_actor::behavior_type ledger_impl(self_ptr self,
                                        std::shared_ptr<service_registry> reg,
                                        journal_options opts) {
  self->set_exception_handler(exception_to_error);
  self->state.journal.recover(self, std::move(reg), std::move(opts), [] {});
  return {
      [self](append_atom, uint64_t value) -> caf::result<uint64_t> {
        auto rp = self->make_response_promise<uint64_t>();
        auto& j = self->state.journal;
        if (value != j.state.count + 1)
          return caf::make_error(caf::sec::invalid_argument, "out of order");
        j.commit(self, ledger::change(value),
                 [rp, value]() mutable { rp.deliver(value); });
        return rp;
      },
      [self](get_atom) -> caf::result<uint64_t, uint64_t> {
        auto rp = self->make_response_promise<uint64_t, uint64_t>();
        self->state.journal.after_durable([self, rp]() mutable {
          auto& l = self->state.journal.state;
          rp.deliver(l.count, l.digest);
        });
        return rp;
      },
      [self](tick_atom) { self->state.journal.on_tick(self); },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_ledger(caf::actor_system& sys,
                                       std::shared_ptr<service_registry> reg,
                                       journal_options opts) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(ledger_impl, std::move(reg), std::move(opts)));
}

}  // namespace nz::test
