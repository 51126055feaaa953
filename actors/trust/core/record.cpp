#include "actors/trust/core/record.hpp"

namespace nz::trust {

const std::optional<signed_assertion>* record::slot(kind k) const {
  switch (k) {
    case kind::set_level:
      return &set_level;
    case kind::delegate:
      return &delegate;
    case kind::revoke:
      return &revoke;
    case kind::remove:
      break;
  }
  return nullptr;
}

bool operator==(const record& x, const record& y) {
  return x.set_level == y.set_level && x.delegate == y.delegate && x.revoke == y.revoke;
}

}  // namespace nz::trust
