#include "runtime/crypto/sodium_runtime.hpp"

#include <cstdio>
#include <cstdlib>

#include <sodium.h>

namespace nz::crypto {

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) misuse("sodium_init failed");
}

void misuse(const char* what) {
  std::fprintf(stderr, "nz::crypto misuse: %s\n", what);
  std::fflush(stderr);
  std::abort();
}

}  // namespace nz::crypto
