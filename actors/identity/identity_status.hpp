// Errors as values for the CAF-free identity core (BIP-39 and the NewZone
// derivation). An identity actor maps them onto its own error type.
//
// Caveat: the message of an `unknown_word` error quotes the word the user typed,
// which is part of a (possibly almost correct) secret mnemonic. Show it to the
// user who typed it; never log it.
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace nz::identity {

/// Failure classes of the identity core. Codes up to bad_checksum are caused by
/// the input (a typed mnemonic); the rest are misuse by the caller.
enum class identity_errc : uint8_t {
  /// The phrase holds no words (empty or whitespace only).
  empty_phrase = 1,
  /// The phrase exceeds bip39_max_phrase_bytes; the message names limit and size.
  phrase_too_long = 2,
  /// A byte >= 0x80 (non-ASCII, e.g. an accented letter or a Unicode space).
  non_ascii = 3,
  /// An ASCII character that is neither a letter nor whitespace (digit,
  /// punctuation, control character); the message names it and its word.
  invalid_character = 4,
  /// Not 12, 15, 18, 21 or 24 words; the message names the count given.
  wrong_word_count = 5,
  /// A word is not in the BIP-39 English list; the message names it, its
  /// 1-based position and, when there are any, the closest valid words.
  unknown_word = 6,
  /// All words are valid but the checksum bits do not match SHA-256(entropy):
  /// usually a wrong or swapped word.
  bad_checksum = 7,
  /// Entropy length not 16, 20, 24, 28 or 32 bytes.
  invalid_entropy_length = 8,
  /// A requested output length is outside the function's range.
  invalid_output_length = 9,
  /// libsodium reported a failure that its contract says cannot happen.
  crypto_failure = 10,
};

/// The code's name, e.g. "unknown_word".
const char* to_string(identity_errc x);

/// An error code plus a human-readable message.
struct identity_error {
  identity_errc code;
  std::string message;
  /// For unknown_word, invalid_character and non_ascii: the 1-based position of
  /// the offending word; 0 otherwise.
  uint32_t word_position = 0;
};

/// Success or an identity_error (output arguments carry the results);
/// code() gives the error code or nullopt (messages/result.hpp).
using identity_status = basic_result<void, identity_error>;

inline identity_error make_identity_error(identity_errc code, std::string message,
                                          uint32_t word_position = 0) {
  return identity_error{code, std::move(message), word_position};
}

}  // namespace nz::identity
