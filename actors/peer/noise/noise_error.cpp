#include "actors/peer/noise/noise_error.hpp"

#include "actors/peer/noise/noise_types.hpp"

namespace nz::peer::noise {

const char* to_string(noise_errc x) {
  switch (x) {
    case noise_errc::too_long:
      return "too_long";
    case noise_errc::truncated:
      return "truncated";
    case noise_errc::decrypt_failed:
      return "decrypt_failed";
    case noise_errc::bad_dh:
      return "bad_dh";
    case noise_errc::nonce_exhausted:
      return "nonce_exhausted";
    case noise_errc::wrong_turn:
      return "wrong_turn";
    case noise_errc::wrong_state:
      return "wrong_state";
    case noise_errc::missing_key:
      return "missing_key";
    case noise_errc::unsupported:
      return "unsupported";
    case noise_errc::no_key:
      return "no_key";
  }
  return "unknown";
}

const char* to_string(role x) {
  return x == role::initiator ? "initiator" : "responder";
}

}  // namespace nz::peer::noise
