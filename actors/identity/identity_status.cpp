#include "actors/identity/identity_status.hpp"

namespace nz::identity {

const char* to_string(identity_errc x) {
  switch (x) {
    case identity_errc::empty_phrase:
      return "empty_phrase";
    case identity_errc::phrase_too_long:
      return "phrase_too_long";
    case identity_errc::non_ascii:
      return "non_ascii";
    case identity_errc::invalid_character:
      return "invalid_character";
    case identity_errc::wrong_word_count:
      return "wrong_word_count";
    case identity_errc::unknown_word:
      return "unknown_word";
    case identity_errc::bad_checksum:
      return "bad_checksum";
    case identity_errc::invalid_entropy_length:
      return "invalid_entropy_length";
    case identity_errc::invalid_output_length:
      return "invalid_output_length";
    case identity_errc::crypto_failure:
      return "crypto_failure";
  }
  return "unknown_identity_errc";
}

}  // namespace nz::identity
