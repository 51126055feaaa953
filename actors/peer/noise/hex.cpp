#include "actors/peer/noise/hex.hpp"

namespace nz::peer::noise {

namespace {

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string hex_encode(bytes_view x) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(x.size * 2);
  for (size_t i = 0; i < x.size; ++i) {
    out.push_back(digits[x.data[i] >> 4]);
    out.push_back(digits[x.data[i] & 0x0f]);
  }
  return out;
}

std::optional<std::vector<uint8_t>> hex_decode(std::string_view x) {
  if (x.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out(x.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(x[2 * i]);
    int lo = nibble(x[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace nz::peer::noise
