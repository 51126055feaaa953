// Argon2id cost parameters for the identity key file (docs/key-file-format.md).
//
// Timings on the project machine (docs: machine-limits A1): interactive 57 ms,
// moderate 361 ms, sensitive 3.4 s. moderate() is the default for new
// identities: an unlock happens once per node start, so a third of a second is
// cheap for us and expensive for an offline guesser.
//
// Thread rules: plain values.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/crypto/crypto_status.hpp"

namespace nz::crypto {

struct kdf_params {
  /// Argon2 passes (t_cost).
  uint64_t opslimit = 0;
  /// Memory in bytes (Argon2 uses memlimit / 1024 KiB).
  uint64_t memlimit = 0;

  /// ops 2, 64 MiB.
  static kdf_params interactive();
  /// ops 3, 256 MiB: the default for new identities.
  static kdf_params moderate();
  /// ops 4, 1 GiB.
  static kdf_params sensitive();
  /// ops 1, 8 KiB: crypto_pwhash_OPSLIMIT_MIN / MEMLIMIT_MIN. For tests and
  /// fuzzing only; offers no protection against guessing.
  static kdf_params minimum();

  friend bool operator==(const kdf_params& a, const kdf_params& b) {
    return a.opslimit == b.opslimit && a.memlimit == b.memlimit;
  }
  friend bool operator!=(const kdf_params& a, const kdf_params& b) { return !(a == b); }
};

/// Bounds accepted from a key file or a caller. The upper bounds keep a
/// crafted file from making us burn minutes of CPU or allocate 100 GiB.
inline constexpr uint64_t kdf_opslimit_min = 1;  // crypto_pwhash_OPSLIMIT_MIN
inline constexpr uint64_t kdf_opslimit_max = 20;
inline constexpr uint64_t kdf_memlimit_min = 8192;  // crypto_pwhash_MEMLIMIT_MIN
inline constexpr uint64_t kdf_memlimit_max = uint64_t{4} << 30;  // 4 GiB

/// Parses a preset name: "interactive", "moderate", "sensitive" or "min".
/// Errors: invalid_argument naming the accepted names.
[[nodiscard]] crypto_status parse_kdf_params(kdf_params& out, std::string_view name);

/// The preset's name ("moderate", ...) or "custom".
const char* kdf_preset_name(const kdf_params& p);

/// Checks the bounds above. Errors: kdf_params_out_of_range naming the value
/// and the bounds.
[[nodiscard]] crypto_status check_kdf_params(const kdf_params& p);

}  // namespace nz::crypto
