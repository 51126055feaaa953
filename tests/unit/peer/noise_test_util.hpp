// Helpers shared by the Noise core tests (tests/unit/peer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/peer/noise/hex.hpp"

namespace nz::peer::noise::test {

inline std::vector<uint8_t> unhex(std::string_view x) {
  auto out = hex_decode(x);
  return out ? *out : std::vector<uint8_t>{};
}

inline std::vector<uint8_t> bytes_of(std::string_view x) {
  return std::vector<uint8_t>(x.begin(), x.end());
}

/// A deterministic byte pattern: seed, seed+1, ...
inline std::vector<uint8_t> pattern_bytes(size_t n, uint8_t seed = 0) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i);
  return out;
}

}  // namespace nz::peer::noise::test
