#include <doctest/doctest.h>

#include "runtime/crypto/key_file.hpp"
#include "unit/crypto/crypto_test_util.hpp"

using namespace nz::crypto;
using namespace nz::crypto::test;

TEST_CASE("a key file sealed at minimum cost opens to the same seed") {
  auto seed = seed_pattern();
  auto bytes = seal_min(seed, "correct horse battery");
  CHECK(bytes.size() == key_file_size);
  CHECK(bytes.size() == 116);

  key_file_header h;
  REQUIRE(parse_key_file(h, bytes.data(), bytes.size()));
  CHECK(h.version == 1);
  CHECK(h.kdf_id == 2);
  CHECK(h.aead_id == 1);
  CHECK(h.kdf == kdf_params::minimum());

  identity_seed out;
  REQUIRE(open_key_file(out, h, pass("correct horse battery")));
  CHECK(out.equals(seed));
  CHECK(out.open_views() == 0);
}

TEST_CASE("the file image has the documented byte layout") {
  auto bytes = seal_min(seed_pattern(), "pw");
  CHECK(std::memcmp(bytes.data(), "NZIDKEY\0", 8) == 0);
  CHECK(bytes[8] == 1);  // version, u16 LE
  CHECK(bytes[9] == 0);
  CHECK(bytes[10] == 2);  // Argon2id13
  CHECK(bytes[11] == 1);  // opslimit 1, u64 LE
  for (int i = 12; i < 19; ++i) CHECK(bytes[i] == 0);
  CHECK(bytes[19] == 0x00);  // memlimit 8192 = 0x2000, u64 LE
  CHECK(bytes[20] == 0x20);
  for (int i = 21; i < 27; ++i) CHECK(bytes[i] == 0);
  CHECK(bytes[43] == 1);  // XChaCha20-Poly1305-IETF

  key_file_header h;
  REQUIRE(parse_key_file(h, bytes.data(), bytes.size()));
  std::vector<uint8_t> again;
  encode_key_file(again, h);
  CHECK(again == bytes);
}

TEST_CASE("every seal draws a fresh salt and nonce") {
  auto seed = seed_pattern();
  auto a = seal_min(seed, "pw");
  auto b = seal_min(seed, "pw");
  key_file_header ha;
  key_file_header hb;
  REQUIRE(parse_key_file(ha, a.data(), a.size()));
  REQUIRE(parse_key_file(hb, b.data(), b.size()));
  CHECK(ha.salt != hb.salt);
  CHECK(ha.nonce != hb.nonce);
  CHECK(ha.ciphertext != hb.ciphertext);
}

TEST_CASE("a wrong passphrase fails with one clear error and wipes the output seed") {
  auto bytes = seal_min(seed_pattern(), "correct horse");
  const auto before = bytes;
  key_file_header h;
  REQUIRE(parse_key_file(h, bytes.data(), bytes.size()));
  identity_seed out;
  out.write()[0] = 0xaa;
  auto st = open_key_file(out, h, pass("correct hors"));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::wrong_passphrase);
  CHECK(st.error().message == "wrong passphrase or damaged key file");
  CHECK(out.equals(identity_seed{}));
  CHECK(bytes == before);
  CHECK(to_string(st.error().code) == std::string{"wrong_passphrase"});
}

TEST_CASE("an empty passphrase is a passphrase like any other at this layer") {
  auto seed = seed_pattern();
  auto bytes = seal_min(seed, "");
  key_file_header h;
  REQUIRE(parse_key_file(h, bytes.data(), bytes.size()));
  identity_seed out;
  REQUIRE(open_key_file(out, h, pass("")));
  CHECK(out.equals(seed));
  CHECK_FALSE(open_key_file(out, h, pass(" ")));
}

TEST_CASE("the moderate default round-trips (about a third of a second per Argon2id)") {
  auto seed = seed_pattern(9);
  std::vector<uint8_t> bytes;
  REQUIRE(seal_key_file(bytes, seed, pass("pw"), kdf_params::moderate()));
  key_file_header h;
  REQUIRE(parse_key_file(h, bytes.data(), bytes.size()));
  CHECK(h.kdf == kdf_params::moderate());
  identity_seed out;
  REQUIRE(open_key_file(out, h, pass("pw")));
  CHECK(out.equals(seed));
}

TEST_CASE("seal refuses KDF parameters outside the bounds") {
  std::vector<uint8_t> bytes;
  auto st = seal_key_file(bytes, seed_pattern(), pass("pw"), kdf_params{0, 8192});
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::kdf_params_out_of_range);
  st = seal_key_file(bytes, seed_pattern(), pass("pw"), kdf_params{1, uint64_t{1} << 40});
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::kdf_params_out_of_range);
  CHECK(bytes.empty());
}

TEST_CASE("open refuses a hand-built header with unknown ids before deriving") {
  auto bytes = seal_min(seed_pattern(), "pw");
  key_file_header h;
  REQUIRE(parse_key_file(h, bytes.data(), bytes.size()));
  identity_seed out;
  h.aead_id = 7;
  auto st = open_key_file(out, h, pass("pw"));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::unknown_algorithm);
  h.aead_id = 1;
  h.kdf.memlimit = uint64_t{100} << 30;
  st = open_key_file(out, h, pass("pw"));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::kdf_params_out_of_range);
}

TEST_CASE("KDF presets parse by name and have the documented costs") {
  kdf_params p;
  REQUIRE(parse_kdf_params(p, "interactive"));
  CHECK(p == kdf_params{2, uint64_t{64} << 20});
  REQUIRE(parse_kdf_params(p, "moderate"));
  CHECK(p == kdf_params{3, uint64_t{256} << 20});
  REQUIRE(parse_kdf_params(p, "sensitive"));
  CHECK(p == kdf_params{4, uint64_t{1} << 30});
  REQUIRE(parse_kdf_params(p, "min"));
  CHECK(p == kdf_params{1, 8192});
  CHECK(std::string{kdf_preset_name(p)} == "min");
  CHECK(std::string{kdf_preset_name(kdf_params{5, 8192})} == "custom");
  auto st = parse_kdf_params(p, "paranoid");
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::invalid_argument);
  CHECK(st.error().message.find("paranoid") != std::string::npos);
  CHECK(check_kdf_params(kdf_params::sensitive()));
  CHECK(check_kdf_params(kdf_params{20, uint64_t{4} << 30}));
  CHECK_FALSE(check_kdf_params(kdf_params{21, 8192}));
}
