// Guarded memory for secrets: `secret_buffer` (runtime size) and `secret<N>`
// (fixed size, e.g. a 32-byte seed or key).
//
// Storage comes from sodium_malloc: the bytes sit right before a guard page,
// behind another, with a canary checked on free, and are mlock'ed where the
// limit allows. While no view is open the pages are PROT_NONE, so a stray read
// (an overflowing neighbour, a debugger-free memory scan of our own process,
// a use-after-move) faults instead of leaking. Access only through short-lived
// RAII views:
//
//   auto r = seed.read();   // PROT_READ until r is destroyed
//   auto w = seed.write();  // PROT_READ|PROT_WRITE until w is destroyed
//
// Views may nest and overlap; the object counts them and keeps the weakest
// protection that every open view needs (any writer: read-write; only readers:
// read-only; none: no access). Destruction zeroes and frees (sodium_free).
//
// Thread rules: one object is used by one thread at a time (in the node: one
// actor owns it). The view counters are not atomic; concurrent views from two
// threads are undefined. Different objects are independent.
//
// Misuse aborts: moving or destroying a secret while a view is open, opening a
// view on a moved-from secret, indexing past the end of a view.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nz::crypto {

class secret_buffer;
class secret_string;

/// The page protection a secret currently has.
enum class protection : uint8_t { no_access, read_only, read_write };

/// A read-only window on a secret's bytes; the secret is readable while it lives.
/// REQUIRES: does not outlive the secret (destroying the secret first aborts).
class read_view {
 public:
  read_view(read_view&& other) noexcept;
  read_view(const read_view&) = delete;
  read_view& operator=(const read_view&) = delete;
  read_view& operator=(read_view&&) = delete;
  ~read_view();

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  /// REQUIRES: i < size() (aborts otherwise).
  uint8_t operator[](size_t i) const;

 private:
  friend class secret_buffer;
  friend class secret_string;
  read_view(const secret_buffer* owner, size_t size);

  const secret_buffer* owner_;
  const uint8_t* data_;
  size_t size_;
};

/// A read-write window on a secret's bytes; the secret is writable while it lives.
/// REQUIRES: does not outlive the secret.
class write_view {
 public:
  write_view(write_view&& other) noexcept;
  write_view(const write_view&) = delete;
  write_view& operator=(const write_view&) = delete;
  write_view& operator=(write_view&&) = delete;
  ~write_view();

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  /// REQUIRES: i < size() (aborts otherwise).
  uint8_t& operator[](size_t i) const;

 private:
  friend class secret_buffer;
  write_view(secret_buffer* owner);

  secret_buffer* owner_;
  uint8_t* data_;
  size_t size_;
};

/// A guarded, runtime-sized secret. Move-only. Starts zero-filled.
class secret_buffer {
 public:
  /// Allocates `size` guarded bytes. REQUIRES: size > 0. Aborts if sodium_malloc
  /// fails (out of memory or address space: there is no safe fallback).
  explicit secret_buffer(size_t size);
  /// REQUIRES: `other` has no open view. Leaves `other` empty.
  secret_buffer(secret_buffer&& other) noexcept;
  /// REQUIRES: neither side has an open view. Frees our old storage.
  secret_buffer& operator=(secret_buffer&& other) noexcept;
  secret_buffer(const secret_buffer&) = delete;
  secret_buffer& operator=(const secret_buffer&) = delete;
  /// Zeroes and frees. REQUIRES: no open view.
  ~secret_buffer();

  /// Bytes of storage; 0 once moved from.
  size_t size() const { return size_; }
  /// True once moved from (no storage).
  bool empty() const { return ptr_ == nullptr; }

  /// REQUIRES: !empty().
  read_view read() const;
  /// REQUIRES: !empty().
  write_view write();

  /// Zeroes the contents (sodium_memzero). No-op when empty().
  void wipe();
  /// Constant-time comparison of sizes and contents (sodium_memcmp).
  bool equals(const secret_buffer& other) const;

  /// Open read views plus open write views.
  unsigned open_views() const { return readers_ + writers_; }
  protection current_protection() const { return prot_; }

 private:
  friend class read_view;
  friend class write_view;
  friend class secret_string;

  void acquire(bool writable) const;
  void release(bool writable) const;
  void apply() const;
  void release_storage();

  uint8_t* ptr_ = nullptr;
  size_t size_ = 0;
  mutable unsigned readers_ = 0;
  mutable unsigned writers_ = 0;
  mutable protection prot_ = protection::no_access;
};

/// A guarded secret of exactly N bytes (seeds, derived keys). Move-only.
template <size_t N>
class secret {
 public:
  static_assert(N > 0, "a secret holds at least one byte");
  static constexpr size_t size_bytes = N;

  secret() : buf_(N) {}
  secret(secret&&) noexcept = default;
  secret& operator=(secret&&) noexcept = default;

  static constexpr size_t size() { return N; }
  /// True once moved from.
  bool empty() const { return buf_.empty(); }

  /// REQUIRES: !empty().
  read_view read() const { return buf_.read(); }
  /// REQUIRES: !empty().
  write_view write() { return buf_.write(); }
  void wipe() { buf_.wipe(); }
  /// Constant time in N.
  bool equals(const secret& other) const { return buf_.equals(other.buf_); }

  unsigned open_views() const { return buf_.open_views(); }
  protection current_protection() const { return buf_.current_protection(); }

 private:
  secret_buffer buf_;
};

}  // namespace nz::crypto
