// Durations typed by operators ("90s", "15m", "24h", "7d", "500ms", "2w"):
// pure, no CAF.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nz {

/// Milliseconds of `text`: a positive integer followed by one unit of ms, s, m
/// (minutes), h, d or w; a bare integer means seconds. nullopt for anything
/// else, for 0, and above 100 years (no overflow).
std::optional<int64_t> parse_duration_ms(std::string_view text);

}  // namespace nz
