#include "runtime/crypto/kdf_params.hpp"

#include <fmt/format.h>
#include <sodium.h>

namespace nz::crypto {

static_assert(kdf_opslimit_min == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kdf_memlimit_min == crypto_pwhash_argon2id_MEMLIMIT_MIN);

kdf_params kdf_params::interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
          crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

kdf_params kdf_params::moderate() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE,
          crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

kdf_params kdf_params::sensitive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE,
          crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
}

kdf_params kdf_params::minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

crypto_status parse_kdf_params(kdf_params& out, std::string_view name) {
  if (name == "interactive")
    out = kdf_params::interactive();
  else if (name == "moderate")
    out = kdf_params::moderate();
  else if (name == "sensitive")
    out = kdf_params::sensitive();
  else if (name == "min")
    out = kdf_params::minimum();
  else
    return make_crypto_error(
        crypto_errc::invalid_argument,
        fmt::format("unknown KDF preset '{}' (expected interactive, moderate, "
                    "sensitive or min)",
                    name));
  return {};
}

const char* kdf_preset_name(const kdf_params& p) {
  if (p == kdf_params::interactive()) return "interactive";
  if (p == kdf_params::moderate()) return "moderate";
  if (p == kdf_params::sensitive()) return "sensitive";
  if (p == kdf_params::minimum()) return "min";
  return "custom";
}

crypto_status check_kdf_params(const kdf_params& p) {
  if (p.opslimit < kdf_opslimit_min || p.opslimit > kdf_opslimit_max)
    return make_crypto_error(crypto_errc::kdf_params_out_of_range,
                             fmt::format("KDF opslimit {} outside [{}, {}]", p.opslimit,
                                         kdf_opslimit_min, kdf_opslimit_max));
  if (p.memlimit < kdf_memlimit_min || p.memlimit > kdf_memlimit_max)
    return make_crypto_error(crypto_errc::kdf_params_out_of_range,
                             fmt::format("KDF memlimit {} bytes outside [{}, {}]",
                                         p.memlimit, kdf_memlimit_min, kdf_memlimit_max));
  return {};
}

}  // namespace nz::crypto
