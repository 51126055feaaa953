#include "actors/peer/noise/noise_hash.hpp"

#include <cstring>

#include <sodium.h>

#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::peer::noise {

namespace {

/// An incremental hash over one of the supported algorithms; wipes its state.
class hasher {
 public:
  explicit hasher(hash_algo algo) : algo_(algo) {
    switch (algo_) {
      case hash_algo::blake2b:
        crypto_generichash_blake2b_init(&st_.b2b, nullptr, 0, 64);
        break;
      case hash_algo::sha256:
        crypto_hash_sha256_init(&st_.s256);
        break;
      case hash_algo::sha512:
        crypto_hash_sha512_init(&st_.s512);
        break;
    }
  }
  hasher(const hasher&) = delete;
  hasher& operator=(const hasher&) = delete;
  ~hasher() { sodium_memzero(&st_, sizeof(st_)); }

  void update(bytes_view x) {
    if (x.size == 0) return;
    switch (algo_) {
      case hash_algo::blake2b:
        crypto_generichash_blake2b_update(&st_.b2b, x.data, x.size);
        break;
      case hash_algo::sha256:
        crypto_hash_sha256_update(&st_.s256, x.data, x.size);
        break;
      case hash_algo::sha512:
        crypto_hash_sha512_update(&st_.s512, x.data, x.size);
        break;
    }
  }

  void final(uint8_t* out) {
    switch (algo_) {
      case hash_algo::blake2b:
        crypto_generichash_blake2b_final(&st_.b2b, out, 64);
        break;
      case hash_algo::sha256:
        crypto_hash_sha256_final(&st_.s256, out);
        break;
      case hash_algo::sha512:
        crypto_hash_sha512_final(&st_.s512, out);
        break;
    }
  }

 private:
  hash_algo algo_;
  union state {
    crypto_generichash_blake2b_state b2b;
    crypto_hash_sha256_state s256;
    crypto_hash_sha512_state s512;
  } st_;
};

constexpr size_t max_block_len = 128;

}  // namespace

size_t hash_len(hash_algo x) {
  return x == hash_algo::sha256 ? 32 : 64;
}

size_t block_len(hash_algo x) {
  return x == hash_algo::sha256 ? 64 : 128;
}

const char* to_string(hash_algo x) {
  switch (x) {
    case hash_algo::blake2b:
      return "BLAKE2b";
    case hash_algo::sha256:
      return "SHA256";
    case hash_algo::sha512:
      return "SHA512";
  }
  return "unknown";
}

std::optional<hash_algo> parse_hash_algo(std::string_view name) {
  if (name == "BLAKE2b") return hash_algo::blake2b;
  if (name == "SHA256") return hash_algo::sha256;
  if (name == "SHA512") return hash_algo::sha512;
  return std::nullopt;
}

void noise_hash(hash_algo algo, bytes_view a, bytes_view b, uint8_t* out) {
  crypto::ensure_sodium();
  hasher h{algo};
  h.update(a);
  h.update(b);
  h.final(out);
}

void noise_hmac(hash_algo algo, bytes_view key, bytes_view d1, bytes_view d2,
                uint8_t* out) {
  crypto::ensure_sodium();
  const size_t blen = block_len(algo);
  const size_t hlen = hash_len(algo);
  uint8_t k0[max_block_len] = {};
  if (key.size > blen) {
    noise_hash(algo, key, {}, k0);
  } else if (key.size > 0) {
    std::memcpy(k0, key.data, key.size);
  }
  uint8_t pad[max_block_len];
  uint8_t inner[max_hash_len];
  {
    for (size_t i = 0; i < blen; ++i) pad[i] = static_cast<uint8_t>(k0[i] ^ 0x36);
    hasher h{algo};
    h.update({pad, blen});
    h.update(d1);
    h.update(d2);
    h.final(inner);
  }
  {
    for (size_t i = 0; i < blen; ++i) pad[i] = static_cast<uint8_t>(k0[i] ^ 0x5c);
    hasher h{algo};
    h.update({pad, blen});
    h.update({inner, hlen});
    h.final(out);
  }
  sodium_memzero(k0, sizeof(k0));
  sodium_memzero(pad, sizeof(pad));
  sodium_memzero(inner, sizeof(inner));
}

void noise_hkdf(hash_algo algo, bytes_view ck, bytes_view ikm, int num_outputs,
                uint8_t* out1, uint8_t* out2, uint8_t* out3) {
  if (num_outputs != 2 && num_outputs != 3) crypto::misuse("noise_hkdf: 2 or 3 outputs");
  if (num_outputs == 3 && out3 == nullptr) crypto::misuse("noise_hkdf: out3 is null");
  const size_t hlen = hash_len(algo);
  uint8_t temp_key[max_hash_len];
  noise_hmac(algo, ck, ikm, {}, temp_key);
  const uint8_t one = 0x01;
  const uint8_t two = 0x02;
  const uint8_t three = 0x03;
  noise_hmac(algo, {temp_key, hlen}, {&one, 1}, {}, out1);
  noise_hmac(algo, {temp_key, hlen}, {out1, hlen}, {&two, 1}, out2);
  if (num_outputs == 3)
    noise_hmac(algo, {temp_key, hlen}, {out2, hlen}, {&three, 1}, out3);
  sodium_memzero(temp_key, sizeof(temp_key));
}

}  // namespace nz::peer::noise
