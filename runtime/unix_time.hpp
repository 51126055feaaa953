// The wall clock as Unix milliseconds: the default `now_ms` of actors whose tests
// inject a clock, and the timestamps shown to operators. Header-only.
#pragma once

#include <chrono>
#include <cstdint>

namespace nz {

inline int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace nz
