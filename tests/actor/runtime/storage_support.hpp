// A child spec that runs the storage actor undetached on the test coordinator,
// so that journaled actors can be supervised next to it.
#pragma once

#include <string>

#include <caf/actor_cast.hpp>

#include "runtime/supervision/supervisor.hpp"
#include "storage/storage_actor.hpp"

namespace nz::test {

inline child_spec storage_spec(const std::string& dir) {
  child_spec cs;
  cs.name = "storage";
  cs.start = [dir](caf::actor_system& sys) -> caf::expected<caf::actor> {
    storage_options so;
    so.dir = dir;
    so.map_size = size_t{64} << 20;
    so.detached = false;
    auto h = spawn_storage(sys, std::move(so));
    if (!h) return h.error();
    return caf::actor_cast<caf::actor>(*h);
  };
  return cs;
}

}  // namespace nz::test
