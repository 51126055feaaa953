#include "actors/trust/core/assertion.hpp"

#include <limits>
#include <string>

namespace nz::trust {

namespace {

trust_error malformed(std::string msg) {
  return make_error(trust_errc::malformed, std::move(msg));
}

trust_error over_limit(const char* name, size_t value, size_t limit) {
  return make_error(trust_errc::limit, std::string{name} + " " + std::to_string(value)
                                           + " exceeds limit " + std::to_string(limit));
}

}  // namespace

bool operator==(const assertion& x, const assertion& y) {
  return x.k == y.k && x.issuer == y.issuer && x.subject == y.subject && x.lvl == y.lvl
         && x.depth == y.depth && x.max_level == y.max_level
         && x.issuer_seq == y.issuer_seq && x.created_ms == y.created_ms
         && x.expires_ms == y.expires_ms && x.labels == y.labels;
}

bool operator==(const signed_assertion& x, const signed_assertion& y) {
  return x.a == y.a && x.sig == y.sig;
}

trust_status validate(const assertion& a, const limits& l) {
  if (!valid_kind(static_cast<uint8_t>(a.k)))
    return malformed("unknown kind " + std::to_string(static_cast<int>(a.k)));
  if (!valid_level(static_cast<uint8_t>(a.lvl)))
    return malformed("level " + std::to_string(static_cast<int>(a.lvl)) + " > 4");
  if (!valid_level(static_cast<uint8_t>(a.max_level)))
    return malformed("max_level " + std::to_string(static_cast<int>(a.max_level))
                     + " > 4");
  switch (a.k) {
    case kind::set_level:
      if (a.depth != 0 || a.max_level != level::unknown)
        return malformed("set_level must have depth 0 and max_level 0");
      break;
    case kind::delegate:
      if (a.lvl != level::unknown) return malformed("delegate must have level 0");
      if (a.depth == 0) return malformed("delegate depth must be >= 1");
      if (a.max_level == level::unknown)
        return malformed("delegate max_level must be 1..4");
      if (a.depth > l.max_delegation_depth)
        return over_limit("delegation depth", a.depth, l.max_delegation_depth);
      break;
    case kind::revoke:
    case kind::remove:
      if (a.lvl != level::unknown || a.depth != 0 || a.max_level != level::unknown)
        return malformed(std::string{to_string(a.k)}
                         + " must have level, depth and max_level 0");
      if (a.expires_ms != 0)
        return malformed(std::string{to_string(a.k)} + " cannot expire");
      break;
  }
  if (a.issuer_seq == 0) return malformed("issuer_seq must be >= 1");
  if (a.created_ms < 0) return malformed("created_ms must be >= 0");
  if (a.expires_ms != 0 && a.expires_ms <= a.created_ms)
    return malformed("expires_ms must be 0 or after created_ms");
  if (a.labels.size() > l.max_labels)
    return over_limit("label count", a.labels.size(), l.max_labels);
  size_t total = 0;
  for (size_t i = 0; i < a.labels.size(); ++i) {
    const auto& [key, value] = a.labels[i];
    if (key.empty()) return malformed("empty label key");
    if (i > 0 && !(a.labels[i - 1].first < key))
      return malformed("label keys not sorted and unique at \"" + key + "\"");
    if (key.size() > l.max_label_key)
      return over_limit("label key size", key.size(), l.max_label_key);
    if (value.size() > l.max_label_value)
      return over_limit("label value size", value.size(), l.max_label_value);
    total += key.size() + value.size();
  }
  if (total > l.max_metadata)
    return over_limit("label metadata size", total, l.max_metadata);
  return {};
}

int64_t expiry_of(const assertion& a, bool foreign, const limits& l) {
  if (a.k == kind::revoke || a.k == kind::remove) return 0;
  if (a.expires_ms != 0 || !foreign) return a.expires_ms;
  if (l.default_ttl_ms <= 0) return 0;
  if (a.created_ms > std::numeric_limits<int64_t>::max() - l.default_ttl_ms)
    return std::numeric_limits<int64_t>::max();
  return a.created_ms + l.default_ttl_ms;
}

bool is_expired(const assertion& a, bool foreign, const limits& l, int64_t now_ms) {
  auto at = expiry_of(a, foreign, l);
  return at != 0 && at <= now_ms;
}

}  // namespace nz::trust
