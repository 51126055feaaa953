#include "actors/trust/core/trust_error.hpp"

namespace nz::trust {

const char* to_string(trust_errc x) {
  switch (x) {
    case trust_errc::malformed:
      return "malformed";
    case trust_errc::bad_signature:
      return "bad_signature";
    case trust_errc::unknown_issuer:
      return "unknown_issuer";
    case trust_errc::replayed_seq:
      return "replayed_seq";
    case trust_errc::expired:
      return "expired";
    case trust_errc::batch_too_large:
      return "batch_too_large";
    case trust_errc::subject_flooded:
      return "subject_flooded";
    case trust_errc::revoked_subject:
      return "revoked_subject";
    case trust_errc::self_subject:
      return "self_subject";
    case trust_errc::limit:
      return "limit";
    case trust_errc::not_own:
      return "not_own";
    case trust_errc::nothing_to_remove:
      return "nothing_to_remove";
    case trust_errc::unknown_node_id:
      return "unknown_node_id";
  }
  return "unknown";
}

}  // namespace nz::trust
