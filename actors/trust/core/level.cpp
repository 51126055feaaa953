#include "actors/trust/core/level.hpp"

namespace nz::trust {

const char* to_string(level x) {
  switch (x) {
    case level::unknown:
      return "unknown";
    case level::low:
      return "low";
    case level::medium:
      return "medium";
    case level::high:
      return "high";
    case level::ultimate:
      return "ultimate";
  }
  return "invalid";
}

const char* to_string(kind x) {
  switch (x) {
    case kind::set_level:
      return "set_level";
    case kind::revoke:
      return "revoke";
    case kind::delegate:
      return "delegate";
    case kind::remove:
      return "remove";
  }
  return "invalid";
}

std::optional<level> parse_level(std::string_view x) {
  for (uint8_t i = 0; i <= max_level_value; ++i) {
    auto l = static_cast<level>(i);
    if (x == to_string(l) || (x.size() == 1 && x[0] == static_cast<char>('0' + i)))
      return l;
  }
  return std::nullopt;
}

}  // namespace nz::trust
