#include "runtime/crypto/process_hardening.hpp"

#include <cerrno>

#include <sys/prctl.h>
#include <sys/resource.h>

namespace nz::crypto {

crypto_status disable_core_dumps() {
  std::string failed;
  struct rlimit rl {};
  rl.rlim_cur = 0;
  rl.rlim_max = 0;
  if (::setrlimit(RLIMIT_CORE, &rl) != 0)
    failed = errno_message("setrlimit(RLIMIT_CORE, 0)", "", errno);
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    if (!failed.empty()) failed += "; ";
    failed += errno_message("prctl(PR_SET_DUMPABLE, 0)", "", errno);
  }
  if (!failed.empty())
    return make_crypto_error(crypto_errc::system_error,
                             "cannot disable core dumps: " + failed);
  return {};
}

void allow_core_dumps() {
  // Intentionally empty: see the header.
}

bool core_dumps_disabled() {
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_CORE, &rl) != 0) return false;
  return rl.rlim_cur == 0 && rl.rlim_max == 0
         && ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
}

}  // namespace nz::crypto
