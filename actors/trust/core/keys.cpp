#include "actors/trust/core/keys.hpp"

#include <sodium.h>

namespace nz::trust {

std::string to_hex(const uint8_t* data, size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

std::string node_id_of(const pubkey& pk) {
  std::array<uint8_t, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), pk.data(), pk.size(), nullptr, 0);
  return to_hex(digest.data(), digest.size());
}

std::string short_id(const pubkey& pk) {
  return node_id_of(pk).substr(0, 16);
}

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace nz::trust
