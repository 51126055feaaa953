// A journaled test actor around `ledger` (tests only): the workload of the
// replay property test, the kill -9 durability test and the recovery benchmark.
//   (append_atom, uint64_t value) -> uint64_t count   acknowledged once durable
//   (get_atom) -> ledger_view                          after pending changes are durable
#pragma once

#include <cstdint>
#include <memory>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "runtime/persist/journal_options.hpp"

namespace nz {
class service_registry;
}

namespace nz::test {

using ledger_actor =
    caf::typed_actor<caf::replies_to<append_atom, uint64_t>::with<uint64_t>,
                     caf::replies_to<get_atom>::with<uint64_t, uint64_t>,  // count,
                                                                           // digest
                     caf::reacts_to<tick_atom>>;

caf::expected<caf::actor> spawn_ledger(caf::actor_system& sys,
                                       std::shared_ptr<service_registry> reg,
                                       journal_options opts);

}  // namespace nz::test
