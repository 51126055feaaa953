// Errors as values for the CAF-free storage core (byte codec, LMDB wrapper,
// journal store). The storage actor maps them onto nz::storage_errc and
// nz::core_errc (messages/core_errors.hpp); the codes mirror storage_errc.
//
// Thread rules: plain values, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace nz::storage {

/// Failure classes of the storage core.
enum class store_errc : uint8_t {
  /// LMDB returned an error; the message names the call and mdb_strerror.
  lmdb_failure = 1,
  /// A record failed its checksum or header check; the message names it.
  corrupt_record = 2,
  /// An append or snapshot did not continue the stream's sequence.
  sequence_gap = 3,
  /// An argument exceeded a configured limit; the message names limit and size.
  limit_exceeded = 4,
  /// The environment is closed.
  closed = 5,
  /// A malformed argument, e.g. a stream name outside [a-z0-9._-]{1,64}.
  invalid_argument = 6,
  /// No usable base for a stream's state remains (corrupt snapshot whose
  /// journal was truncated); never answered with an empty state.
  recovery_failed = 7,
};

const char* to_string(store_errc x);

/// An error code plus a human-readable context.
struct store_error {
  store_errc code;
  std::string message;
};

/// Either a T or a store_error (a minimal `expected` for C++17).
template <class T>
class [[nodiscard]] store_result {
 public:
  // Two overloads (not one by-value) so that `return local;` moves in C++17.
  store_result(T&& value) : v_(std::move(value)) {}
  store_result(const T& value) : v_(value) {}
  store_result(store_error err) : v_(std::move(err)) {}

  explicit operator bool() const { return v_.index() == 0; }
  T& operator*() & { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  /// REQUIRES: !*this
  const store_error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, store_error> v_;
};

/// Success or a store_error.
template <>
class [[nodiscard]] store_result<void> {
 public:
  store_result() = default;
  store_result(store_error err) : err_(std::move(err)) {}

  explicit operator bool() const { return !err_.has_value(); }
  /// REQUIRES: !*this
  const store_error& error() const { return *err_; }

 private:
  std::optional<store_error> err_;
};

using store_status = store_result<void>;

inline store_error make_store_error(store_errc code, std::string message) {
  return store_error{code, std::move(message)};
}

}  // namespace nz::storage
