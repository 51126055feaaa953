// Scrubs secrets out of log text before it is written anywhere. Pure: no I/O.
//
// Two mechanisms, applied together by `apply`:
//   1. Registered secret values. Every occurrence of a secret, of its lower- and
//      upper-case hex form, and of its base64 form (standard and URL-safe alphabet,
//      the characters covering whole 3-byte groups) is replaced by [REDACTED].
//      Overlapping hits merge into one [REDACTED]. Secrets shorter than
//      `min_secret_size` (6) bytes are ignored: short values hit ordinary words
//      and numbers far too often.
//   2. Sensitive keys. In `key=value`, `key: value`, `"key":"value"` and
//      `key='value'`, the value is replaced by [REDACTED] when the key contains,
//      case-insensitively, token, passphrase, password, secret, mnemonic, seed,
//      private_key (or private-key), privkey. A quoted value ends at its closing
//      quote; an unquoted value ends at whitespace or one of , ; & ) ] }.
//
// Threading: not synchronized; the logger guards its instance with a lock.
// Secrets are held in memory only and overwritten with zeros on `clear` and
// destruction.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nz::log {

inline constexpr std::string_view redaction_marker = "[REDACTED]";

class redactor {
 public:
  static constexpr size_t min_secret_size = 6;

  redactor() = default;
  redactor(const redactor&) = delete;
  redactor& operator=(const redactor&) = delete;
  ~redactor();

  /// Registers a secret value. Returns false (and keeps nothing) if it is shorter
  /// than min_secret_size or already registered.
  bool add_secret(std::string_view secret);

  /// Forgets every secret, wiping the stored bytes first.
  void clear();

  /// Number of registered secrets.
  size_t size() const { return secrets_.size(); }

  /// Returns `text` with registered secrets and sensitive key values replaced.
  std::string apply(std::string_view text) const;

  /// Only the key=value scrubbing (mechanism 2).
  static std::string scrub_keys(std::string_view text);

  /// True if `key` names a sensitive value (see above).
  static bool sensitive_key(std::string_view key);

 private:
  std::string mask_secrets(std::string_view text) const;

  /// Every stored pattern: each secret and its encodings.
  std::vector<std::string> patterns_;
  std::vector<std::string> secrets_;
};

/// Overwrites the bytes of `s` with zeros in a way the compiler cannot elide.
void wipe(std::string& s) noexcept;

}  // namespace nz::log
