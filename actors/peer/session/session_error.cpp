#include "actors/peer/session/session_error.hpp"

namespace nz::peer {

const char* to_string(session_errc x) {
  switch (x) {
    case session_errc::too_long:
      return "too_long";
    case session_errc::malformed:
      return "malformed";
    case session_errc::bad_message:
      return "bad_message";
    case session_errc::bad_binding:
      return "bad_binding";
    case session_errc::replayed:
      return "replayed";
    case session_errc::reordered:
      return "reordered";
    case session_errc::forged:
      return "forged";
    case session_errc::wrong_turn:
      return "wrong_turn";
    case session_errc::aborted:
      return "aborted";
    case session_errc::wrong_state:
      return "wrong_state";
    case session_errc::exhausted:
      return "exhausted";
    case session_errc::payload_too_long:
      return "payload_too_long";
    case session_errc::invalid_argument:
      return "invalid_argument";
    case session_errc::internal:
      return "internal";
  }
  return "unknown";
}

}  // namespace nz::peer
