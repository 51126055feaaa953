// Lower-case hexadecimal for test vectors and diagnostics. Not for secrets:
// the Noise core never formats key material.
//
// Thread rules: stateless functions.
#pragma once

#include "actors/peer/noise/noise_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nz::peer::noise {

/// "00ff..." for the bytes.
std::string hex_encode(bytes_view x);
/// The bytes of an even-length string of hex digits (either case); nullopt on
/// an odd length or any other character.
std::optional<std::vector<uint8_t>> hex_decode(std::string_view x);

}  // namespace nz::peer::noise
