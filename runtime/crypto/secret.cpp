#include "runtime/crypto/secret.hpp"

#include <utility>

#include <sodium.h>

#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::crypto {

// -- views --------------------------------------------------------------------

read_view::read_view(const secret_buffer* owner, size_t size)
    : owner_(owner), data_(owner->ptr_), size_(size) {
  owner_->acquire(false);
}

read_view::read_view(read_view&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

read_view::~read_view() {
  if (owner_ != nullptr) owner_->release(false);
}

uint8_t read_view::operator[](size_t i) const {
  if (i >= size_) misuse("read_view index out of range");
  return data_[i];
}

write_view::write_view(secret_buffer* owner)
    : owner_(owner), data_(owner->ptr_), size_(owner->size_) {
  owner_->acquire(true);
}

write_view::write_view(write_view&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

write_view::~write_view() {
  if (owner_ != nullptr) owner_->release(true);
}

uint8_t& write_view::operator[](size_t i) const {
  if (i >= size_) misuse("write_view index out of range");
  return data_[i];
}

// -- secret_buffer ------------------------------------------------------------

secret_buffer::secret_buffer(size_t size) {
  if (size == 0) misuse("secret_buffer of size 0");
  ensure_sodium();
  ptr_ = static_cast<uint8_t*>(sodium_malloc(size));
  if (ptr_ == nullptr) misuse("sodium_malloc failed (out of memory)");
  size_ = size;
  sodium_memzero(ptr_, size_);  // sodium_malloc fills with 0xdb
  prot_ = protection::read_write;
  apply();  // -> no_access
}

secret_buffer::secret_buffer(secret_buffer&& other) noexcept {
  if (other.open_views() != 0) misuse("moving a secret while a view is open");
  ptr_ = std::exchange(other.ptr_, nullptr);
  size_ = std::exchange(other.size_, 0);
  prot_ = std::exchange(other.prot_, protection::no_access);
}

secret_buffer& secret_buffer::operator=(secret_buffer&& other) noexcept {
  if (this == &other) return *this;
  if (other.open_views() != 0) misuse("moving a secret while a view is open");
  release_storage();
  ptr_ = std::exchange(other.ptr_, nullptr);
  size_ = std::exchange(other.size_, 0);
  prot_ = std::exchange(other.prot_, protection::no_access);
  return *this;
}

secret_buffer::~secret_buffer() {
  release_storage();
}

void secret_buffer::release_storage() {
  if (open_views() != 0) misuse("destroying a secret while a view is open");
  if (ptr_ != nullptr) sodium_free(ptr_);  // makes it writable, zeroes, frees
  ptr_ = nullptr;
  size_ = 0;
  prot_ = protection::no_access;
}

read_view secret_buffer::read() const {
  if (ptr_ == nullptr) misuse("read() on a moved-from secret");
  return read_view{this, size_};
}

write_view secret_buffer::write() {
  if (ptr_ == nullptr) misuse("write() on a moved-from secret");
  return write_view{this};
}

void secret_buffer::wipe() {
  if (ptr_ == nullptr) return;
  auto w = write();
  sodium_memzero(w.data(), w.size());
}

bool secret_buffer::equals(const secret_buffer& other) const {
  if (size_ != other.size_) return false;
  if (ptr_ == nullptr || other.ptr_ == nullptr) return ptr_ == other.ptr_;
  auto a = read();
  auto b = other.read();
  return sodium_memcmp(a.data(), b.data(), size_) == 0;
}

void secret_buffer::acquire(bool writable) const {
  ++(writable ? writers_ : readers_);
  apply();
}

void secret_buffer::release(bool writable) const {
  auto& n = writable ? writers_ : readers_;
  if (n == 0) misuse("view count underflow");
  --n;
  apply();
}

void secret_buffer::apply() const {
  auto want = writers_ > 0   ? protection::read_write
              : readers_ > 0 ? protection::read_only
                             : protection::no_access;
  if (want == prot_) return;
  // sodium_mprotect_* take a non-const pointer; the bytes are not modified.
  void* p = ptr_;
  int rc = want == protection::read_write  ? sodium_mprotect_readwrite(p)
           : want == protection::read_only ? sodium_mprotect_readonly(p)
                                           : sodium_mprotect_noaccess(p);
  if (rc != 0) misuse("sodium_mprotect failed");
  prot_ = want;
}

}  // namespace nz::crypto
