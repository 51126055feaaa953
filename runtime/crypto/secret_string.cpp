#include "runtime/crypto/secret_string.hpp"

#include <cstring>
#include <utility>

#include <sodium.h>

#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::crypto {

secret_string::secret_string(size_t max_size) : buf_(max_size) {}

secret_string::secret_string(secret_string&& other) noexcept
    : buf_(std::move(other.buf_)), size_(std::exchange(other.size_, 0)) {}

secret_string& secret_string::operator=(secret_string&& other) noexcept {
  buf_ = std::move(other.buf_);
  size_ = std::exchange(other.size_, 0);
  return *this;
}

read_view secret_string::read() const {
  if (buf_.empty()) misuse("read() on a moved-from secret_string");
  return read_view{&buf_, size_};
}

void secret_string::resize(size_t n) {
  if (n > buf_.size()) misuse("secret_string::resize beyond max_size");
  if (n < size_) {
    auto w = buf_.write();
    sodium_memzero(w.data() + n, size_ - n);
  }
  size_ = n;
}

crypto_status secret_string::assign(std::string_view s) {
  if (s.size() > buf_.size()) {
    clear();
    return make_crypto_error(
        crypto_errc::bad_passphrase,
        "passphrase longer than " + std::to_string(buf_.size()) + " bytes");
  }
  {
    auto w = buf_.write();
    sodium_memzero(w.data(), w.size());
    if (!s.empty()) std::memcpy(w.data(), s.data(), s.size());
  }
  size_ = s.size();
  return {};
}

void secret_string::clear() {
  buf_.wipe();
  size_ = 0;
}

bool secret_string::equals(const secret_string& other) const {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  auto a = read();
  auto b = other.read();
  return sodium_memcmp(a.data(), b.data(), size_) == 0;
}

}  // namespace nz::crypto
