// Fuzzes the identity key file (runtime/crypto/key_file.hpp):
//  1. arbitrary bytes go to parse_key_file; whatever parses must re-encode to
//     the same bytes, and is opened with a fixed passphrase when its KDF
//     parameters are the minimum ones (others are skipped to keep runs fast);
//  2. the input also edits a valid minimum-cost image (pairs of position and
//     xor mask); an edited image must never open.
// Nothing may crash, read out of bounds or leak guarded memory.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "runtime/crypto/key_file.hpp"

using namespace nz::crypto;

namespace {

const secret_string& fuzz_passphrase() {
  static const secret_string pw = [] {
    secret_string s;
    if (!s.assign("fuzz passphrase")) std::abort();
    return s;
  }();
  return pw;
}

const std::vector<uint8_t>& valid_image() {
  static const std::vector<uint8_t> image = [] {
    identity_seed seed;
    {
      auto w = seed.write();
      for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(i);
    }
    std::vector<uint8_t> out;
    if (!seal_key_file(out, seed, fuzz_passphrase(), kdf_params::minimum())) std::abort();
    return out;
  }();
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  key_file_header h;
  if (parse_key_file(h, data, size)) {
    std::vector<uint8_t> again;
    encode_key_file(again, h);
    if (again.size() != size || std::memcmp(again.data(), data, size) != 0)
      std::abort();  // the parser accepted bytes it does not represent
    if (h.kdf == kdf_params::minimum()) {
      identity_seed seed;
      (void)open_key_file(seed, h, fuzz_passphrase());
    }
  }

  auto image = valid_image();
  for (size_t i = 0; i + 1 < size && i < 16; i += 2)
    image[data[i] % image.size()] ^= data[i + 1];
  if (image == valid_image()) return 0;
  if (!parse_key_file(h, image.data(), image.size())) return 0;
  if (h.kdf != kdf_params::minimum()) return 0;
  identity_seed seed;
  if (open_key_file(seed, h, fuzz_passphrase())) std::abort();  // forged
  return 0;
}
