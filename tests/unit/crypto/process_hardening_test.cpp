#include <sys/resource.h>

#include <doctest/doctest.h>

#include "runtime/crypto/process_hardening.hpp"
#include "unit/crypto/crypto_test_util.hpp"

using namespace nz::crypto;
using nz::crypto::test::child_exited_ok;
using nz::crypto::test::run_in_child;

TEST_CASE("disable_core_dumps sets RLIMIT_CORE to 0 and the process undumpable") {
  // In a child: the effect is process-wide and cannot be undone.
  int status = run_in_child([] {
    if (!disable_core_dumps()) ::_exit(1);
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 || rl.rlim_max != 0)
      ::_exit(2);
    if (!core_dumps_disabled()) ::_exit(3);
    if (!disable_core_dumps()) ::_exit(4);  // idempotent
  });
  CHECK(child_exited_ok(status));
  if (WIFEXITED(status)) CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("allow_core_dumps changes nothing") {
  bool before = core_dumps_disabled();
  allow_core_dumps();
  CHECK(core_dumps_disabled() == before);
}
