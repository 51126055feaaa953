// Hostile key files: every one must be refused with a precise error, by the
// parser where the damage is visible there, else by the AEAD (the header is its
// associated data). Nothing here may crash, allocate absurdly or succeed.
#include <functional>

#include <doctest/doctest.h>

#include "runtime/crypto/key_file.hpp"
#include "unit/crypto/crypto_test_util.hpp"

using namespace nz::crypto;
using namespace nz::crypto::test;

namespace {

constexpr const char* pw = "correct horse";

const std::vector<uint8_t>& valid_image() {
  static const std::vector<uint8_t> image = seal_min(seed_pattern(), pw);
  return image;
}

void put_u64(std::vector<uint8_t>& b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

void put_u16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  b[off] = static_cast<uint8_t>(v);
  b[off + 1] = static_cast<uint8_t>(v >> 8);
}

/// Parses, then opens if it parsed; returns the first error (or none).
crypto_status parse_and_open(const std::vector<uint8_t>& bytes) {
  key_file_header h;
  if (auto st = parse_key_file(h, bytes.data(), bytes.size()); !st) return st;
  identity_seed seed;
  return open_key_file(seed, h, pass(pw));
}

struct hostile_case {
  const char* name;
  std::function<void(std::vector<uint8_t>&)> mutate;
  crypto_errc expected;
  const char* message_part;
};

using bytes_t = std::vector<uint8_t>;

const std::vector<hostile_case>& hostile_cases() {
  static const std::vector<hostile_case> cases = {
      {"empty file", [](bytes_t& b) { b.clear(); }, crypto_errc::truncated,
       "empty key file (0 bytes, 116 expected)"},
      {"one byte of magic", [](bytes_t& b) { b.resize(1); }, crypto_errc::truncated,
       "truncated in the magic (file has 1 bytes"},
      {"seven bytes of magic", [](bytes_t& b) { b.resize(7); }, crypto_errc::truncated,
       "in the magic"},
      {"ends after the magic", [](bytes_t& b) { b.resize(8); }, crypto_errc::truncated,
       "in the format version"},
      {"ends inside the version", [](bytes_t& b) { b.resize(9); }, crypto_errc::truncated,
       "in the format version"},
      {"ends before the KDF id", [](bytes_t& b) { b.resize(10); }, crypto_errc::truncated,
       "in the KDF id"},
      {"ends before the opslimit", [](bytes_t& b) { b.resize(11); },
       crypto_errc::truncated, "in the opslimit"},
      {"ends inside the memlimit", [](bytes_t& b) { b.resize(22); },
       crypto_errc::truncated, "in the memlimit"},
      {"ends inside the salt", [](bytes_t& b) { b.resize(37); }, crypto_errc::truncated,
       "truncated in the salt (file has 37 bytes, 116 expected)"},
      {"ends before the AEAD id", [](bytes_t& b) { b.resize(43); },
       crypto_errc::truncated, "in the AEAD id"},
      {"ends inside the nonce", [](bytes_t& b) { b.resize(50); }, crypto_errc::truncated,
       "in the nonce"},
      {"ends after the header", [](bytes_t& b) { b.resize(68); }, crypto_errc::truncated,
       "in the ciphertext"},
      {"last tag byte missing", [](bytes_t& b) { b.resize(115); }, crypto_errc::truncated,
       "in the ciphertext (file has 115 bytes"},
      {"one trailing byte", [](bytes_t& b) { b.push_back(0); },
       crypto_errc::trailing_bytes,
       "1 trailing bytes after the ciphertext (file has 117 bytes, 116 expected)"},
      {"a second copy appended",
       [](bytes_t& b) { b.insert(b.end(), b.begin(), b.end()); },
       crypto_errc::trailing_bytes, "116 trailing bytes"},
      {"magic of another version string", [](bytes_t& b) { b[7] = '1'; },
       crypto_errc::bad_magic, "not a NewZoneCore identity key file"},
      {"magic zeroed", [](bytes_t& b) { std::fill(b.begin(), b.begin() + 8, 0); },
       crypto_errc::bad_magic, "bad magic"},
      {"a PEM file",
       [](bytes_t& b) {
         b.assign({'-', '-', '-', '-', '-', 'B', 'E', 'G'});
       },
       crypto_errc::bad_magic, "bad magic"},
      {"short foreign file",
       [](bytes_t& b) {
         b.assign({'{', '}'});
       },
       crypto_errc::bad_magic, "bad magic"},
      {"magic in lower case", [](bytes_t& b) { b[0] = 'n'; }, crypto_errc::bad_magic,
       "bad magic"},
      {"version 0", [](bytes_t& b) { put_u16(b, 8, 0); },
       crypto_errc::unsupported_version, "unsupported key file version 0"},
      {"version 2", [](bytes_t& b) { put_u16(b, 8, 2); },
       crypto_errc::unsupported_version, "version 2 (this build reads version 1)"},
      {"version 0xffff", [](bytes_t& b) { put_u16(b, 8, 0xffff); },
       crypto_errc::unsupported_version, "version 65535"},
      {"version 1 written big-endian", [](bytes_t& b) { put_u16(b, 8, 0x0100); },
       crypto_errc::unsupported_version, "version 256"},
      {"a short file of a future version",
       [](bytes_t& b) {
         put_u16(b, 8, 2);
         b.resize(12);
       },
       crypto_errc::unsupported_version, "version 2"},
      {"KDF id 0", [](bytes_t& b) { b[10] = 0; }, crypto_errc::unknown_algorithm,
       "unknown KDF id 0"},
      {"KDF id 1 (Argon2i)", [](bytes_t& b) { b[10] = 1; },
       crypto_errc::unknown_algorithm, "unknown KDF id 1"},
      {"KDF id 255", [](bytes_t& b) { b[10] = 255; }, crypto_errc::unknown_algorithm,
       "unknown KDF id 255"},
      {"AEAD id 0", [](bytes_t& b) { b[43] = 0; }, crypto_errc::unknown_algorithm,
       "unknown AEAD id 0"},
      {"AEAD id 2", [](bytes_t& b) { b[43] = 2; }, crypto_errc::unknown_algorithm,
       "unknown AEAD id 2"},
      {"opslimit 0", [](bytes_t& b) { put_u64(b, 11, 0); },
       crypto_errc::kdf_params_out_of_range, "opslimit 0 outside [1, 20]"},
      {"opslimit 21", [](bytes_t& b) { put_u64(b, 11, 21); },
       crypto_errc::kdf_params_out_of_range, "opslimit 21"},
      {"opslimit 2^64-1", [](bytes_t& b) { put_u64(b, 11, ~uint64_t{0}); },
       crypto_errc::kdf_params_out_of_range, "opslimit 18446744073709551615"},
      {"memlimit 0", [](bytes_t& b) { put_u64(b, 19, 0); },
       crypto_errc::kdf_params_out_of_range,
       "memlimit 0 bytes outside [8192, 4294967296]"},
      {"memlimit 8191", [](bytes_t& b) { put_u64(b, 19, 8191); },
       crypto_errc::kdf_params_out_of_range, "memlimit 8191"},
      {"memlimit 1 TiB", [](bytes_t& b) { put_u64(b, 19, uint64_t{1} << 40); },
       crypto_errc::kdf_params_out_of_range, "memlimit 1099511627776"},
      {"memlimit 4 GiB + 1", [](bytes_t& b) { put_u64(b, 19, (uint64_t{4} << 30) + 1); },
       crypto_errc::kdf_params_out_of_range, "memlimit 4294967297"},
      {"memlimit 2^64-1", [](bytes_t& b) { put_u64(b, 19, ~uint64_t{0}); },
       crypto_errc::kdf_params_out_of_range, "memlimit"},
      // Parsed fine; caught by the AEAD.
      {"opslimit 2 (in range)", [](bytes_t& b) { put_u64(b, 11, 2); },
       crypto_errc::wrong_passphrase, "wrong passphrase or damaged key file"},
      {"memlimit 8193: same Argon2 cost, only the AAD differs",
       [](bytes_t& b) { put_u64(b, 19, 8193); }, crypto_errc::wrong_passphrase,
       "wrong passphrase"},
      {"salt zeroed", [](bytes_t& b) { std::fill(b.begin() + 27, b.begin() + 43, 0); },
       crypto_errc::wrong_passphrase, "wrong passphrase"},
      {"nonce zeroed", [](bytes_t& b) { std::fill(b.begin() + 44, b.begin() + 68, 0); },
       crypto_errc::wrong_passphrase, "wrong passphrase"},
      {"ciphertext zeroed", [](bytes_t& b) { std::fill(b.begin() + 68, b.end(), 0); },
       crypto_errc::wrong_passphrase, "wrong passphrase"},
      {"tag zeroed", [](bytes_t& b) { std::fill(b.begin() + 100, b.end(), 0); },
       crypto_errc::wrong_passphrase, "wrong passphrase"},
      {"ciphertext of another file spliced in",
       [](bytes_t& b) {
         auto other = seal_min(seed_pattern(), pw);
         std::copy(other.begin() + 68, other.end(), b.begin() + 68);
       },
       crypto_errc::wrong_passphrase, "wrong passphrase"},
      {"header of another file spliced in",
       [](bytes_t& b) {
         auto other = seal_min(seed_pattern(), pw);
         std::copy(other.begin(), other.begin() + 68, b.begin());
       },
       crypto_errc::wrong_passphrase, "wrong passphrase"},
  };
  return cases;
}

/// The field that holds byte `offset` in the layout.
const char* field_at(size_t offset) {
  if (offset < 8) return "magic";
  if (offset < 10) return "format version";
  if (offset < 11) return "KDF id";
  if (offset < 19) return "opslimit";
  if (offset < 27) return "memlimit";
  if (offset < 43) return "salt";
  if (offset < 44) return "AEAD id";
  if (offset < 68) return "nonce";
  return "ciphertext";
}

}  // namespace

TEST_CASE("hostile key files from the table are refused with a precise error") {
  CHECK(hostile_cases().size() >= 30);
  for (const auto& c : hostile_cases()) {
    std::string name = c.name;
    CAPTURE(name);
    auto bytes = valid_image();
    c.mutate(bytes);
    auto st = parse_and_open(bytes);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == c.expected);
    CAPTURE(st.error().message);
    CHECK(st.error().message.find(c.message_part) != std::string::npos);
    CHECK(st.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("a key file truncated at any byte is refused naming the field") {
  const auto& image = valid_image();
  for (size_t len = 0; len < image.size(); ++len) {
    CAPTURE(len);
    key_file_header h;
    auto st = parse_key_file(h, image.data(), len);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == crypto_errc::truncated);
    if (len == 0) continue;
    auto expected = std::string{"truncated in the "} + field_at(len) + " (file has "
                    + std::to_string(len) + " bytes, 116 expected)";
    CHECK(st.error().message.find(expected) != std::string::npos);
  }
}

TEST_CASE("every single-bit flip in the header fails the parse or the AEAD") {
  const auto& image = valid_image();
  size_t by_parser = 0;
  size_t by_aead = 0;
  for (size_t bit = 0; bit < key_file_header_size * 8; ++bit) {
    CAPTURE(bit);
    auto bytes = image;
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    key_file_header h;
    auto st = parse_key_file(h, bytes.data(), bytes.size());
    if (!st) {
      ++by_parser;
      continue;
    }
    // Header flips that parse (salt, nonce, in-range KDF values) change the
    // AAD. Some memlimit flips ask for up to 2 GiB: still inside the bounds.
    identity_seed seed;
    auto opened = open_key_file(seed, h, pass(pw));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == crypto_errc::wrong_passphrase);
    ++by_aead;
  }
  CHECK(by_parser + by_aead == 68 * 8);
  CHECK(by_parser > 0);
  CHECK(by_aead >= (16 + 24) * 8);  // every salt and nonce flip reaches the AEAD
}

TEST_CASE("every single-bit flip in the ciphertext or tag fails authentication") {
  const auto& image = valid_image();
  for (size_t bit = key_file_header_size * 8; bit < key_file_size * 8; ++bit) {
    CAPTURE(bit);
    auto bytes = image;
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto st = parse_and_open(bytes);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == crypto_errc::wrong_passphrase);
  }
}

TEST_CASE("the unmodified image opens (control for the hostile cases)") {
  CHECK(parse_and_open(valid_image()));
}
