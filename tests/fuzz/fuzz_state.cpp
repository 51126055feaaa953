// Fuzzes the snapshot decoders and journal-entry appliers of the stateful
// actors (auth_limiter, node_info): garbage must be rejected with false or a
// std::runtime_error, never a crash; a decoded snapshot re-encodes identically.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "actors/node_info/node_info.hpp"
#include "actors/operator/auth_limiter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  {
    nz::auth_limiter lim;
    if (nz::auth_limiter::decode(bytes, lim)) {
      nz::auth_limiter again;
      if (!nz::auth_limiter::decode(lim.encode(), again) || !(again == lim))
        __builtin_trap();
    }
    try {
      lim.apply(bytes);
    } catch (const std::runtime_error&) {
    }
  }
  {
    nz::node_info info;
    if (nz::node_info::decode(bytes, info)) {
      nz::node_info again;
      if (!nz::node_info::decode(info.encode(), again) || !(again == info))
        __builtin_trap();
    }
    try {
      info.apply(bytes);
    } catch (const std::runtime_error&) {
    }
  }
  return 0;
}
