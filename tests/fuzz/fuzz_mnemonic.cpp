// Fuzzes the mnemonic parser: any input is either rejected with an error or
// decodes to entropy that encodes back to the same (normalized) phrase.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/identity/bip39.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view phrase{reinterpret_cast<const char*>(data), size};
  uint8_t entropy[nz::identity::bip39_max_entropy_bytes];
  size_t len = sizeof(entropy);
  if (!nz::identity::mnemonic_to_entropy(entropy, len, phrase)) return 0;
  std::string again;
  if (!nz::identity::entropy_to_mnemonic(again, entropy, len))
    __builtin_trap();  // decoded entropy must always encode
  uint8_t round[nz::identity::bip39_max_entropy_bytes];
  size_t len2 = sizeof(round);
  if (!nz::identity::mnemonic_to_entropy(round, len2, again) || len2 != len
      || std::string_view(reinterpret_cast<char*>(round), len)
             != std::string_view(reinterpret_cast<char*>(entropy), len))
    __builtin_trap();
  return 0;
}
