#include <filesystem>

#include <sys/stat.h>

#include <doctest/doctest.h>

#include "runtime/crypto/key_file_io.hpp"
#include "support/temp_dir.hpp"
#include "unit/crypto/crypto_test_util.hpp"

using namespace nz::crypto;
using namespace nz::crypto::test;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat sb {};
  REQUIRE(::stat(path.c_str(), &sb) == 0);
  return sb.st_mode & 07777;
}

size_t entries_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

bool opens_with(const std::string& path, std::string_view pw, const identity_seed& want) {
  identity_seed seed;
  return load_key_file(seed, path, pass(pw)) && seed.equals(want);
}

}  // namespace

TEST_CASE("write_key_file creates a 0600 file and leaves no temporary behind") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/identity.key";
  auto bytes = seal_min(seed_pattern(), "pw");
  REQUIRE(write_key_file(path, bytes));
  CHECK(read_bytes(path) == bytes);
  CHECK(mode_of(path) == 0600);
  CHECK(entries_in(dir.str()) == 1);
}

TEST_CASE("write_key_file refuses to overwrite an identity unless asked to replace") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/identity.key";
  auto first = seal_min(seed_pattern(1), "pw");
  auto second = seal_min(seed_pattern(2), "pw");
  REQUIRE(write_key_file(path, first));
  auto st = write_key_file(path, second);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::file_exists);
  CHECK(st.error().message.find(path) != std::string::npos);
  CHECK(read_bytes(path) == first);
  CHECK(entries_in(dir.str()) == 1);

  REQUIRE(write_key_file(path, second, existing_file::replace));
  CHECK(read_bytes(path) == second);
  CHECK(entries_in(dir.str()) == 1);
}

TEST_CASE("write_key_file into a directory that does not exist is an io_error") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/missing/identity.key";
  auto st = write_key_file(path, seal_min(seed_pattern(), "pw"));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::io_error);
  CHECK(st.error().message.find(dir.str() + "/missing/identity.key.tmp-")
        != std::string::npos);
  CHECK(st.error().message.find("No such file or directory") != std::string::npos);
}

TEST_CASE("read_key_file names the path in its errors") {
  nz::test::temp_dir dir{"nzcrypto"};
  key_file_header h;
  auto missing = dir.str() + "/identity.key";
  auto st = read_key_file(h, missing);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::not_found);
  CHECK(st.error().message.find(missing) != std::string::npos);

  st = read_key_file(h, dir.str());
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::io_error);

  auto bytes = seal_min(seed_pattern(), "pw");
  write_bytes(missing, bytes.data(), 37);
  st = read_key_file(h, missing);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::truncated);
  CHECK(st.error().message
        == missing
               + ": key file truncated in the salt (file has 37 bytes, 116 expected)");

  std::vector<uint8_t> big(1 << 20, 0);
  write_bytes(missing, big.data(), big.size());
  st = read_key_file(h, missing);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::trailing_bytes);
}

TEST_CASE(
    "create_key_file and load_key_file round-trip and create refuses to overwrite") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/identity.key";
  auto seed = seed_pattern(3);
  REQUIRE(create_key_file(path, seed, pass("pw"), kdf_params::minimum()));
  CHECK(opens_with(path, "pw", seed));
  auto before = read_bytes(path);
  auto st = create_key_file(path, seed_pattern(4), pass("pw"), kdf_params::minimum());
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::file_exists);
  CHECK(read_bytes(path) == before);
}

TEST_CASE(
    "change_passphrase keeps the seed and parameters, with a fresh salt and nonce") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/identity.key";
  auto seed = seed_pattern(5);
  REQUIRE(create_key_file(path, seed, pass("old passphrase"), kdf_params::minimum()));
  ::chmod(path.c_str(), 0644);
  key_file_header before;
  REQUIRE(read_key_file(before, path));

  REQUIRE(change_passphrase(path, pass("old passphrase"), pass("new passphrase")));
  CHECK(opens_with(path, "new passphrase", seed));
  CHECK_FALSE(opens_with(path, "old passphrase", seed));
  key_file_header after;
  REQUIRE(read_key_file(after, path));
  CHECK(after.kdf == before.kdf);
  CHECK(after.salt != before.salt);
  CHECK(after.nonce != before.nonce);
  CHECK(mode_of(path) == 0600);
  CHECK(entries_in(dir.str()) == 1);
}

TEST_CASE("change_passphrase can move the file to other KDF parameters") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/identity.key";
  auto seed = seed_pattern(6);
  REQUIRE(create_key_file(path, seed, pass("a"), kdf_params::minimum()));
  kdf_params custom{2, 16384};
  REQUIRE(change_passphrase(path, pass("a"), pass("b"), custom));
  key_file_header h;
  REQUIRE(read_key_file(h, path));
  CHECK(h.kdf == custom);
  CHECK(opens_with(path, "b", seed));

  auto st = change_passphrase(path, pass("b"), pass("c"), kdf_params{0, 0});
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::kdf_params_out_of_range);
  CHECK(opens_with(path, "b", seed));
}

TEST_CASE(
    "change_passphrase with a wrong old passphrase leaves the file byte-identical") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/identity.key";
  REQUIRE(create_key_file(path, seed_pattern(), pass("right"), kdf_params::minimum()));
  auto before = read_bytes(path);
  auto st = change_passphrase(path, pass("wrong"), pass("new passphrase"));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::wrong_passphrase);
  CHECK(read_bytes(path) == before);
  CHECK(entries_in(dir.str()) == 1);
}

TEST_CASE("change_passphrase leaves the old file intact when the new write fails") {
  nz::test::temp_dir dir{"nzcrypto"};
  auto path = dir.str() + "/identity.key";
  auto seed = seed_pattern(7);
  REQUIRE(create_key_file(path, seed, pass("old"), kdf_params::minimum()));
  auto before = read_bytes(path);

  SUBCASE("the writer's directory does not exist") {
    auto elsewhere = dir.str() + "/gone/identity.key";
    auto st =
        change_passphrase(path, pass("old"), pass("new"), std::nullopt,
                          [&](const std::string&, const std::vector<uint8_t>& b) {
                            return write_key_file(elsewhere, b, existing_file::replace);
                          });
    REQUIRE_FALSE(st);
    CHECK(st.error().code == crypto_errc::io_error);
  }
  SUBCASE("the write dies half way, leaving a partial temporary file") {
    auto st = change_passphrase(
        path, pass("old"), pass("new"), std::nullopt,
        [&](const std::string& p, const std::vector<uint8_t>& b) -> crypto_status {
          write_bytes(p + ".tmp-crash1", b.data(), b.size() / 2);
          return make_crypto_error(crypto_errc::io_error, "injected: disk full");
        });
    REQUIRE_FALSE(st);
    CHECK(st.error().message == "injected: disk full");
  }
  CHECK(read_bytes(path) == before);
  CHECK(opens_with(path, "old", seed));
  CHECK_FALSE(opens_with(path, "new", seed));
}
