#include "actors/peer/noise/symmetric_state.hpp"

#include <cstring>

#include <sodium.h>

namespace nz::peer::noise {

namespace {

/// Stack scratch for HKDF outputs, wiped on scope exit.
struct scratch {
  uint8_t a[max_hash_len];
  uint8_t b[max_hash_len];
  ~scratch() {
    sodium_memzero(a, sizeof(a));
    sodium_memzero(b, sizeof(b));
  }
};

}  // namespace

symmetric_state::symmetric_state(hash_algo hash, cipher_algo cipher)
    : hash_(hash), cipher_(cipher), cs_(cipher, cipher_state::keyless::pass_through) {}

symmetric_state::symmetric_state(hash_algo hash, cipher_algo cipher,
                                 std::string_view protocol_name)
    : symmetric_state(hash, cipher) {
  const size_t hlen = hash_len(hash_);
  auto name = bytes_view::of(protocol_name);
  if (name.size <= hlen)
    std::memcpy(h_.data(), name.data, name.size);  // zero-padded to HASHLEN
  else
    noise_hash(hash_, name, {}, h_.data());
  auto ck = ck_.write();
  std::memcpy(ck.data(), h_.data(), hlen);
}

void symmetric_state::mix_key(bytes_view ikm) {
  const size_t hlen = hash_len(hash_);
  scratch tmp;
  {
    auto ck = ck_.write();
    noise_hkdf(hash_, {ck.data(), hlen}, ikm, 2, tmp.a, tmp.b, nullptr);
    std::memcpy(ck.data(), tmp.a, hlen);
  }
  cs_.initialize_key(tmp.b);  // first 32 bytes when HASHLEN is 64
}

void symmetric_state::mix_hash(bytes_view data) {
  const size_t hlen = hash_len(hash_);
  noise_hash(hash_, {h_.data(), hlen}, data, h_.data());
}

noise_status symmetric_state::encrypt_and_hash(bytes_view plaintext,
                                               std::vector<uint8_t>& out) {
  const size_t old = out.size();
  if (auto st = cs_.encrypt_with_ad({h_.data(), hash_len(hash_)}, plaintext, out); !st)
    return st;
  mix_hash({out.data() + old, out.size() - old});
  return {};
}

noise_status symmetric_state::decrypt_and_hash(bytes_view ciphertext,
                                               std::vector<uint8_t>& out) {
  if (auto st = cs_.decrypt_with_ad({h_.data(), hash_len(hash_)}, ciphertext, out); !st)
    return st;
  mix_hash(ciphertext);
  return {};
}

std::pair<cipher_state, cipher_state> symmetric_state::split() {
  const size_t hlen = hash_len(hash_);
  scratch tmp;
  {
    auto ck = ck_.write();
    noise_hkdf(hash_, {ck.data(), hlen}, {}, 2, tmp.a, tmp.b, nullptr);
    sodium_memzero(ck.data(), ck.size());
  }
  cipher_state c1{cipher_, cipher_state::keyless::refuse};
  cipher_state c2{cipher_, cipher_state::keyless::refuse};
  c1.initialize_key(tmp.a);
  c2.initialize_key(tmp.b);
  cs_.clear();
  return {std::move(c1), std::move(c2)};
}

std::vector<uint8_t> symmetric_state::handshake_hash() const {
  return std::vector<uint8_t>(h_.begin(), h_.begin() + hash_len(hash_));
}

symmetric_state symmetric_state::clone() const {
  symmetric_state copy{hash_, cipher_};
  {
    auto src = ck_.read();
    auto dst = copy.ck_.write();
    std::memcpy(dst.data(), src.data(), max_hash_len);
  }
  copy.h_ = h_;
  copy.cs_ = cs_.clone();
  return copy;
}

}  // namespace nz::peer::noise
