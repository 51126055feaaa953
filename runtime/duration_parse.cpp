#include "runtime/duration_parse.hpp"

namespace nz {

std::optional<int64_t> parse_duration_ms(std::string_view text) {
  constexpr int64_t max_ms = int64_t{100} * 366 * 24 * 3600 * 1000;
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (i >= 12) return std::nullopt;  // more digits than any sane duration
    n = n * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0 || n == 0) return std::nullopt;
  auto unit = text.substr(i);
  int64_t scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1000;
  else if (unit == "ms")
    scale = 1;
  else if (unit == "m" || unit == "min")
    scale = 60 * 1000;
  else if (unit == "h")
    scale = 3600 * 1000;
  else if (unit == "d")
    scale = 24 * 3600 * 1000;
  else if (unit == "w")
    scale = 7 * 24 * 3600 * 1000;
  else
    return std::nullopt;
  if (n > max_ms / scale) return std::nullopt;
  return n * scale;
}

}  // namespace nz
