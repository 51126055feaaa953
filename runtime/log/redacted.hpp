// Wrapper types that keep secrets out of formatted output: formatting a
// nz::redacted<T> or a nz::secret_string with fmt prints "<redacted>", whatever
// the value. Use them for any field that holds key material, passphrases or
// tokens, so a log call or error message cannot print it by accident.
//
// secret_string additionally wipes its bytes (explicit_bzero) when destroyed,
// reassigned or moved from. It does not lock memory against swapping.
// Threading: plain values; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace nz {

/// Any value, shown as "<redacted>" when formatted.
template <class T>
struct redacted {
  T value;
};

template <class T>
redacted(T) -> redacted<T>;

/// An owned secret string, wiped on destruction, shown as "<redacted>".
class secret_string {
 public:
  secret_string() = default;
  explicit secret_string(std::string_view s) : value_(s) {}
  secret_string(const secret_string& other) : value_(other.value_) {}
  secret_string(secret_string&& other) noexcept : value_(std::move(other.value_)) {
    other.wipe();
  }
  secret_string& operator=(const secret_string& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  secret_string& operator=(secret_string&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
      other.wipe();
    }
    return *this;
  }
  ~secret_string() { wipe(); }

  /// The secret itself: hand it only to code that needs the bytes.
  std::string_view reveal() const { return value_; }
  size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }

  /// Overwrites the bytes with zeros and empties the string.
  void wipe() noexcept;

 private:
  std::string value_;
};

}  // namespace nz

template <class T>
struct fmt::formatter<nz::redacted<T>> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const nz::redacted<T>&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format("<redacted>", ctx);
  }
};

template <>
struct fmt::formatter<nz::secret_string> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const nz::secret_string&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format("<redacted>", ctx);
  }
};
