// A minimal `expected` for C++17, shared by the CAF-free cores (storage,
// crypto, identity): either a value or an error, and `basic_result<void, E>`
// for success-or-error. Each core names its own alias (store_result,
// crypto_result, identity_status) over its own error struct. Header-only; no
// dependencies.
#pragma once

#include <optional>
#include <utility>
#include <variant>

namespace nz {

template <class T, class E>
class [[nodiscard]] basic_result {
 public:
  // Two overloads (not one by-value) so that `return local;` moves in C++17.
  basic_result(T&& value) : v_(std::move(value)) {}
  basic_result(const T& value) : v_(value) {}
  basic_result(E err) : v_(std::move(err)) {}

  explicit operator bool() const { return v_.index() == 0; }
  T& operator*() & { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  /// REQUIRES: !*this
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

/// Success or an error.
template <class E>
class [[nodiscard]] basic_result<void, E> {
 public:
  basic_result() = default;
  basic_result(E err) : err_(std::move(err)) {}

  explicit operator bool() const { return !err_.has_value(); }
  /// REQUIRES: !*this
  const E& error() const { return *err_; }
  /// The error's code, or nullopt on success (E must have a member `code`).
  auto code() const -> std::optional<decltype(std::declval<E>().code)> {
    if (err_) return err_->code;
    return std::nullopt;
  }

 private:
  std::optional<E> err_;
};

}  // namespace nz
