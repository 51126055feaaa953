// A passphrase in guarded memory: `secret_buffer` storage of a fixed capacity
// (`max_size`, 1 KiB by default) plus the current length. Readers of prompts
// and files write straight into it, so the passphrase never passes through an
// std::string or a stdio buffer of ours.
//
// The length is not secret (it leaks through timing anyway); the bytes are.
// Bytes past size() are kept zero.
//
// Thread rules: as for secret_buffer -- one thread (actor) at a time.
#pragma once

#include <cstddef>
#include <string_view>

#include "runtime/crypto/crypto_status.hpp"
#include "runtime/crypto/secret.hpp"

namespace nz::crypto {

class secret_string {
 public:
  /// Longest passphrase we accept from any source, in bytes.
  static constexpr size_t default_max_size = 1024;

  /// An empty passphrase with room for `max_size` bytes. REQUIRES: max_size > 0.
  explicit secret_string(size_t max_size = default_max_size);
  /// REQUIRES: `other` has no open view. Leaves `other` with size and
  /// max_size 0.
  secret_string(secret_string&& other) noexcept;
  secret_string& operator=(secret_string&& other) noexcept;

  size_t size() const { return size_; }
  size_t max_size() const { return buf_.size(); }
  bool empty() const { return size_ == 0; }

  /// The first size() bytes. REQUIRES: max_size() > 0 (not moved from).
  read_view read() const;
  /// All max_size() bytes, for a reader to fill; then call resize().
  /// REQUIRES: max_size() > 0.
  write_view write() { return buf_.write(); }

  /// Sets the length; bytes past it are zeroed. REQUIRES: n <= max_size().
  void resize(size_t n);
  /// Copies `s` in. Errors: bad_passphrase when s is longer than max_size()
  /// (the old contents are then wiped).
  [[nodiscard]] crypto_status assign(std::string_view s);
  /// Wipes the contents; size() becomes 0.
  void clear();
  /// Same length and bytes; constant time in the length (sodium_memcmp).
  bool equals(const secret_string& other) const;

  unsigned open_views() const { return buf_.open_views(); }
  protection current_protection() const { return buf_.current_protection(); }

 private:
  secret_buffer buf_;
  size_t size_ = 0;
};

}  // namespace nz::crypto
