// Turns an exception escaping an actor handler into the actor's exit reason,
// keeping what() so that `nzctl actors` and the log show why it failed.
#pragma once

#include <exception>

#include <caf/error.hpp>

namespace nz {

caf::error exception_to_error(std::exception_ptr& eptr);

}  // namespace nz
