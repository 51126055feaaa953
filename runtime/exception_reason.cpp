#include "runtime/exception_reason.hpp"

#include <stdexcept>
#include <string>

#include <caf/sec.hpp>

namespace nz {

caf::error exception_to_error(std::exception_ptr& eptr) {
  try {
    std::rethrow_exception(eptr);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error, std::string{e.what()});
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, std::string{"unknown exception"});
  }
}

}  // namespace nz
