// Trust levels and assertion kinds, with their stable wire values and names.
//
// Thread rules: constants and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nz::trust {

/// How far this node trusts a key. Ordered: a higher value is more trust.
enum class level : uint8_t { unknown = 0, low = 1, medium = 2, high = 3, ultimate = 4 };

/// What an assertion says about its subject.
enum class kind : uint8_t {
  /// The issuer trusts the subject at `lvl`.
  set_level = 1,
  /// The issuer revokes the subject (permanent for this issuer and subject).
  revoke = 2,
  /// The subject may vouch for others, `depth` hops deep, capped at `max_level`.
  delegate = 3,
  /// Withdraws the issuer's set_level and delegate about the subject (never a
  /// revocation).
  remove = 4,
};

constexpr uint8_t max_level_value = 4;

/// "unknown", "low", "medium", "high", "ultimate".
const char* to_string(level x);
/// "set_level", "revoke", "delegate", "remove".
const char* to_string(kind x);

/// Parses a level name (as printed by to_string) or its digit "0".."4".
std::optional<level> parse_level(std::string_view x);

constexpr bool valid_level(uint8_t x) {
  return x <= max_level_value;
}
constexpr bool valid_kind(uint8_t x) {
  return x >= 1 && x <= 4;
}

constexpr level min_level(level a, level b) {
  return a < b ? a : b;
}

}  // namespace nz::trust
