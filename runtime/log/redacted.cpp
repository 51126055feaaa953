#include "runtime/log/redacted.hpp"

#include "runtime/log/redactor.hpp"

namespace nz {

void secret_string::wipe() noexcept {
  nz::log::wipe(value_);
}

}  // namespace nz
