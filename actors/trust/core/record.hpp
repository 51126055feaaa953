// The assertions of one issuer about one subject that make up trust state: the
// latest set_level, the latest delegate and the (permanent) revoke. A remove is
// not kept: it empties the set_level and delegate slots.
//
// Invariant kept by trust_set: a record with a revoke holds nothing else.
//
// Thread rules: plain value.
#pragma once

#include "actors/trust/core/assertion.hpp"

#include <optional>

namespace nz::trust {

struct record {
  std::optional<signed_assertion> set_level;
  std::optional<signed_assertion> delegate;
  std::optional<signed_assertion> revoke;

  bool empty() const { return !set_level && !delegate && !revoke; }
  /// Holds a set_level or a delegate (counts towards max_trusted when own).
  bool direct() const { return set_level || delegate; }
  /// The slot for kind k (nullptr for remove).
  const std::optional<signed_assertion>* slot(kind k) const;
};

bool operator==(const record& x, const record& y);
inline bool operator!=(const record& x, const record& y) {
  return !(x == y);
}

}  // namespace nz::trust
