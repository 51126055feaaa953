#include "actors/peer/noise/cipher_state.hpp"

#include <cstring>

#include <sodium.h>

#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::peer::noise {

const char* to_string(cipher_algo x) {
  return x == cipher_algo::chachapoly ? "ChaChaPoly" : "AESGCM";
}

std::optional<cipher_algo> parse_cipher_algo(std::string_view name) {
  if (name == "ChaChaPoly") return cipher_algo::chachapoly;
  if (name == "AESGCM") return cipher_algo::aesgcm;
  return std::nullopt;
}

bool cipher_available(cipher_algo x) {
  crypto::ensure_sodium();
  return x == cipher_algo::chachapoly || crypto_aead_aes256gcm_is_available() == 1;
}

cipher_state::cipher_state(cipher_algo algo, keyless mode) : algo_(algo), mode_(mode) {
  if (!cipher_available(algo)) crypto::misuse("cipher_state: AESGCM not available");
}

cipher_state::cipher_state(cipher_state&& other) noexcept
    : n_(other.n_), algo_(other.algo_), mode_(other.mode_) {
  bool pinned = other.pinned();
  other.unpin();
  k_ = std::move(other.k_);
  other.k_.reset();
  if (pinned) pin();
}

cipher_state& cipher_state::operator=(cipher_state&& other) noexcept {
  if (this == &other) return *this;
  bool pinned = this->pinned() || other.pinned();
  unpin();
  other.unpin();
  k_ = std::move(other.k_);
  other.k_.reset();
  n_ = other.n_;
  algo_ = other.algo_;
  mode_ = other.mode_;
  if (pinned) pin();
  return *this;
}

void cipher_state::pin() {
  if (k_ && !pin_) pin_.emplace(k_->read());
}

void cipher_state::initialize_key(const uint8_t* key) {
  if (!k_) k_.emplace();
  auto w = k_->write();
  std::memcpy(w.data(), key, key_len);
  n_ = 0;
}

void cipher_state::make_nonce(uint64_t n, uint8_t out[12]) const {
  std::memset(out, 0, 4);
  for (int i = 0; i < 8; ++i) {
    auto byte = static_cast<uint8_t>(n >> (8 * i));
    if (algo_ == cipher_algo::chachapoly)
      out[4 + i] = byte;  // little endian
    else
      out[11 - i] = byte;  // big endian
  }
}

void cipher_state::aead_encrypt(const uint8_t* key, uint64_t n, bytes_view ad,
                                bytes_view pt, uint8_t* out) const {
  uint8_t nonce[12];
  make_nonce(n, nonce);
  unsigned long long clen = 0;
  if (algo_ == cipher_algo::chachapoly)
    crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, pt.data, pt.size, ad.data,
                                              ad.size, nullptr, nonce, key);
  else
    crypto_aead_aes256gcm_encrypt(out, &clen, pt.data, pt.size, ad.data, ad.size, nullptr,
                                  nonce, key);
}

bool cipher_state::aead_decrypt(const uint8_t* key, uint64_t n, bytes_view ad,
                                bytes_view ct, uint8_t* out) const {
  uint8_t nonce[12];
  make_nonce(n, nonce);
  unsigned long long mlen = 0;
  int rc = algo_ == cipher_algo::chachapoly
               ? crypto_aead_chacha20poly1305_ietf_decrypt(
                   out, &mlen, nullptr, ct.data, ct.size, ad.data, ad.size, nonce, key)
               : crypto_aead_aes256gcm_decrypt(out, &mlen, nullptr, ct.data, ct.size,
                                               ad.data, ad.size, nonce, key);
  return rc == 0;
}

noise_status cipher_state::encrypt_with_ad(bytes_view ad, bytes_view plaintext,
                                           std::vector<uint8_t>& out) {
  if (!k_) {
    if (mode_ == keyless::refuse)
      return make_error(noise_errc::no_key, "cipher state has no key");
    if (plaintext.size > max_message_len)
      return make_error(noise_errc::too_long, "plaintext over 65535 bytes");
    const size_t old = out.size();
    out.resize(old + plaintext.size);
    if (plaintext.size > 0) std::memcpy(out.data() + old, plaintext.data, plaintext.size);
    return {};
  }
  if (plaintext.size > max_transport_payload_len)
    return make_error(noise_errc::too_long, "plaintext over 65519 bytes");
  if (n_ == max_nonce)
    return make_error(noise_errc::nonce_exhausted, "nonce reached 2^64-1");
  const size_t old = out.size();
  out.resize(old + plaintext.size + tag_len);
  {
    auto k = k_->read();
    aead_encrypt(k.data(), n_, ad, plaintext, out.data() + old);
  }
  ++n_;
  return {};
}

noise_status cipher_state::decrypt_with_ad(bytes_view ad, bytes_view ciphertext,
                                           std::vector<uint8_t>& out) {
  if (ciphertext.size > max_message_len)
    return make_error(noise_errc::too_long, "ciphertext over 65535 bytes");
  if (!k_) {
    if (mode_ == keyless::refuse)
      return make_error(noise_errc::no_key, "cipher state has no key");
    const size_t old = out.size();
    out.resize(old + ciphertext.size);
    if (ciphertext.size > 0)
      std::memcpy(out.data() + old, ciphertext.data, ciphertext.size);
    return {};
  }
  if (ciphertext.size < tag_len)
    return make_error(noise_errc::truncated, "ciphertext shorter than its tag");
  if (n_ == max_nonce)
    return make_error(noise_errc::nonce_exhausted, "nonce reached 2^64-1");
  const size_t old = out.size();
  out.resize(old + ciphertext.size - tag_len);
  bool ok;
  {
    auto k = k_->read();
    ok = aead_decrypt(k.data(), n_, ad, ciphertext, out.data() + old);
  }
  if (!ok) {
    sodium_memzero(out.data() + old, out.size() - old);
    out.resize(old);
    return make_error(noise_errc::decrypt_failed, "authentication failed");
  }
  ++n_;
  return {};
}

noise_status cipher_state::rekey() {
  if (!k_) return make_error(noise_errc::no_key, "rekey without a key");
  const uint8_t zeros[key_len] = {};
  uint8_t buf[key_len + tag_len];
  {
    auto k = k_->read();
    aead_encrypt(k.data(), max_nonce, {}, {zeros, key_len}, buf);
  }
  {
    auto w = k_->write();
    std::memcpy(w.data(), buf, key_len);
  }
  sodium_memzero(buf, sizeof(buf));
  return {};
}

noise_result<std::vector<uint8_t>> cipher_state::encrypt(bytes_view ad,
                                                         bytes_view plaintext) {
  std::vector<uint8_t> out;
  if (auto st = encrypt_with_ad(ad, plaintext, out); !st) return st.error();
  return out;
}

noise_result<std::vector<uint8_t>> cipher_state::decrypt(bytes_view ad,
                                                         bytes_view ciphertext) {
  std::vector<uint8_t> out;
  if (auto st = decrypt_with_ad(ad, ciphertext, out); !st) return st.error();
  return out;
}

cipher_state cipher_state::clone() const {
  cipher_state copy{algo_, mode_};
  if (k_) {
    auto k = k_->read();
    copy.initialize_key(k.data());
  }
  copy.n_ = n_;
  return copy;
}

void cipher_state::clear() {
  unpin();
  k_.reset();  // secret's destructor zeroes and frees
  n_ = 0;
}

}  // namespace nz::peer::noise
