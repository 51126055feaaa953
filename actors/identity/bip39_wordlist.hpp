// The standard BIP-39 English word list, compiled from Debian's python3-mnemonic
// at configure time (see CMakeLists.txt: count and SHA-256 are checked there).
// The list is sorted and its words are unique in their first four letters.
//
// Thread rules: immutable data.
#pragma once

#include <cstddef>

namespace nz::identity::detail {

inline constexpr size_t bip39_word_count = 2048;

/// Word i (0..2047) of the BIP-39 English list: lowercase ASCII, 3..8 letters.
extern const char* const bip39_english[bip39_word_count];

}  // namespace nz::identity::detail
