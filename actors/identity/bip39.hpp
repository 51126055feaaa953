// BIP-39 mnemonic <-> entropy with the English word list: 12/15/18/21/24 words of
// 11 bits each, the last ENT/32 bits a checksum (the first bits of
// SHA-256(entropy)). No PBKDF2 and no passphrase: NewZone derives its keys from
// the entropy itself (newzone_derivation.hpp, docs/identity.md).
//
// Mnemonics and entropy are secrets: both functions wipe their temporaries; the
// caller wipes its own buffers (sodium_memzero(s.data(), s.size()) for strings).
//
// Thread rules: pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/identity/identity_status.hpp"

namespace nz::identity {

/// Largest entropy (24 words): the size of the buffer mnemonic_to_entropy fills.
inline constexpr size_t bip39_max_entropy_bytes = 32;
/// Longest phrase mnemonic_to_entropy accepts, whitespace included (24 words of
/// at most 8 letters need 215 bytes; the rest is slack for sloppy spacing).
inline constexpr size_t bip39_max_phrase_bytes = 1000;

/// Encodes `len` bytes of entropy as lowercase English words joined by single
/// spaces; `len` is 16, 20, 24, 28 or 32 (12, 15, 18, 21 or 24 words).
/// Errors: invalid_entropy_length (`out` left empty).
[[nodiscard]] identity_status entropy_to_mnemonic(std::string& out,
                                                  const uint8_t* entropy, size_t len);

/// Decodes a phrase into its entropy; on success `out_len` is 16..32 (words * 4/3).
/// Accepts any ASCII whitespace between words and upper-case letters. Checks, in
/// this order, and returns the first failure:
///   phrase_too_long   more than bip39_max_phrase_bytes bytes
///   non_ascii         a byte >= 0x80 (message: byte value and word position)
///   invalid_character a character other than A-Z, a-z or whitespace
///   empty_phrase      no words at all
///   wrong_word_count  not 12, 15, 18, 21 or 24 words (message: allowed, given)
///   unknown_word      first word not in the list (word, position, suggestions)
///   bad_checksum      the checksum bits do not match
/// On failure `out_len` is 0 and `out` holds no entropy.
/// REQUIRES: `out` has room for bip39_max_entropy_bytes bytes.
[[nodiscard]] identity_status mnemonic_to_entropy(uint8_t* out, size_t& out_len,
                                                  std::string_view phrase);

/// The index (0..2047) of a lowercase word in the English list, or -1.
int bip39_word_index(std::string_view lowercase_word);

/// Word `index` of the English list. REQUIRES: index < 2048.
const char* bip39_word(size_t index);

}  // namespace nz::identity
