#include "actors/identity/newzone_derivation.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace nz::identity {

namespace {

constexpr size_t block_bytes = 128;  // BLAKE2b block size
constexpr size_t hash_bytes = 64;    // BLAKE2b-512 digest

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    std::abort();
  }
}

/// Incremental HMAC-BLAKE2b-512 (RFC 2104); wipes its state on destruction.
class hmac_state {
 public:
  hmac_state(const uint8_t* key, size_t keylen) {
    uint8_t pad[block_bytes] = {0};
    if (keylen > block_bytes) {
      crypto_generichash(pad, hash_bytes, key, keylen, nullptr, 0);
    } else if (keylen > 0) {
      std::memcpy(pad, key, keylen);
    }
    for (auto& b : pad) {
      b ^= 0x36;
    }
    crypto_generichash_init(&inner_, nullptr, 0, hash_bytes);
    crypto_generichash_update(&inner_, pad, block_bytes);
    for (auto& b : pad) {
      b ^= 0x36 ^ 0x5c;
    }
    crypto_generichash_init(&outer_, nullptr, 0, hash_bytes);
    crypto_generichash_update(&outer_, pad, block_bytes);
    sodium_memzero(pad, sizeof(pad));
  }

  ~hmac_state() {
    sodium_memzero(&inner_, sizeof(inner_));
    sodium_memzero(&outer_, sizeof(outer_));
  }

  hmac_state(const hmac_state&) = delete;
  hmac_state& operator=(const hmac_state&) = delete;

  void update(const uint8_t* data, size_t len) {
    if (len > 0) {
      crypto_generichash_update(&inner_, data, len);
    }
  }

  void final(uint8_t out[hash_bytes]) {
    uint8_t digest[hash_bytes];
    crypto_generichash_final(&inner_, digest, hash_bytes);
    crypto_generichash_update(&outer_, digest, hash_bytes);
    crypto_generichash_final(&outer_, out, hash_bytes);
    sodium_memzero(digest, sizeof(digest));
  }

 private:
  crypto_generichash_state inner_{};
  crypto_generichash_state outer_{};
};

}  // namespace

void wipe(identity_keys& keys) {
  sodium_memzero(&keys, sizeof(keys));
}

void hmac_blake2b512(uint8_t out[hmac_blake2b512_bytes], const uint8_t* key,
                     size_t keylen, const uint8_t* msg, size_t msglen) {
  ensure_sodium();
  hmac_state st(key, keylen);
  st.update(msg, msglen);
  st.final(out);
}

identity_status hkdf_blake2b512(uint8_t* out, size_t outlen, const uint8_t* ikm,
                                size_t ikmlen, const uint8_t* salt, size_t saltlen,
                                const uint8_t* info, size_t infolen) {
  if (outlen == 0 || outlen > hkdf_blake2b512_max_bytes) {
    return make_identity_error(identity_errc::invalid_output_length,
                               "HKDF output must be 1.."
                                   + std::to_string(hkdf_blake2b512_max_bytes)
                                   + " bytes, got " + std::to_string(outlen));
  }
  ensure_sodium();
  // Extract: PRK = HMAC(salt, IKM); an absent salt is hLen zero bytes.
  static const uint8_t zero_salt[hash_bytes] = {0};
  uint8_t prk[hash_bytes];
  if (saltlen == 0) {
    hmac_blake2b512(prk, zero_salt, sizeof(zero_salt), ikm, ikmlen);
  } else {
    hmac_blake2b512(prk, salt, saltlen, ikm, ikmlen);
  }
  // Expand: T(i) = HMAC(PRK, T(i-1) || info || i), OKM = T(1) || T(2) || ...
  uint8_t t[hash_bytes];
  size_t done = 0;
  for (unsigned i = 1; done < outlen; ++i) {
    hmac_state st(prk, sizeof(prk));
    if (i > 1) {
      st.update(t, sizeof(t));
    }
    st.update(info, infolen);
    const uint8_t counter = static_cast<uint8_t>(i);
    st.update(&counter, 1);
    st.final(t);
    const size_t n = (outlen - done < hash_bytes) ? outlen - done : hash_bytes;
    std::memcpy(out + done, t, n);
    done += n;
  }
  sodium_memzero(prk, sizeof(prk));
  sodium_memzero(t, sizeof(t));
  return {};
}

void seed32_from_entropy(uint8_t out[seed32_bytes], const uint8_t* entropy, size_t len) {
  ensure_sodium();
  uint8_t digest[hash_bytes];
  crypto_generichash(digest, hash_bytes, entropy, len, nullptr, 0);
  std::memcpy(out, digest, seed32_bytes);
  sodium_memzero(digest, sizeof(digest));
}

identity_status derive_identity(identity_keys& out, const uint8_t seed32[seed32_bytes]) {
  static const uint8_t info_identity[] = {'i', 'd', 'e', 'n', 't', 'i', 't', 'y'};
  static const uint8_t info_ecdh[] = {'e', 'c', 'd', 'h'};
  uint8_t ed_seed[crypto_sign_SEEDBYTES];
  bool ok = hkdf_blake2b512(ed_seed, sizeof(ed_seed), seed32, seed32_bytes, nullptr, 0,
                            info_identity, sizeof(info_identity))
            && crypto_sign_seed_keypair(out.ed25519_pk, out.ed25519_sk, ed_seed) == 0
            && hkdf_blake2b512(out.x25519_sk, sizeof(out.x25519_sk), seed32, seed32_bytes,
                               nullptr, 0, info_ecdh, sizeof(info_ecdh))
            && crypto_scalarmult_base(out.x25519_pk, out.x25519_sk) == 0;
  sodium_memzero(ed_seed, sizeof(ed_seed));
  if (!ok) {
    wipe(out);
    return make_identity_error(identity_errc::crypto_failure,
                               "libsodium failed to derive the identity key pairs");
  }
  return {};
}

identity_status derive_identity_from_entropy(identity_keys& out, const uint8_t* entropy,
                                             size_t len) {
  uint8_t seed[seed32_bytes];
  seed32_from_entropy(seed, entropy, len);
  auto st = derive_identity(out, seed);
  sodium_memzero(seed, sizeof(seed));
  return st;
}

const char* subkey_context(subkey_purpose p) {
  switch (p) {
    case subkey_purpose::storage:
      return "nzstore1";
    case subkey_purpose::trust_log:
      return "nztrust1";
    case subkey_purpose::backup:
      return "nzbackup";
    case subkey_purpose::tokens:
      return "nztoken1";
  }
  std::abort();  // not a subkey_purpose: programmer misuse
}

identity_status derive_subkey(uint8_t* out, size_t len,
                              const uint8_t seed32[seed32_bytes], subkey_purpose p) {
  static_assert(crypto_kdf_KEYBYTES == seed32_bytes);
  static_assert(crypto_kdf_CONTEXTBYTES == 8);
  if (len < crypto_kdf_BYTES_MIN || len > crypto_kdf_BYTES_MAX) {
    return make_identity_error(identity_errc::invalid_output_length,
                               "subkey must be " + std::to_string(crypto_kdf_BYTES_MIN)
                                   + ".." + std::to_string(crypto_kdf_BYTES_MAX)
                                   + " bytes, got " + std::to_string(len));
  }
  ensure_sodium();
  if (crypto_kdf_derive_from_key(out, len, 1, subkey_context(p), seed32) != 0) {
    return make_identity_error(identity_errc::crypto_failure,
                               "crypto_kdf_derive_from_key failed");
  }
  return {};
}

std::string node_id_hex(const uint8_t ed25519_pk[32]) {
  ensure_sodium();
  uint8_t digest[32];
  crypto_generichash(digest, sizeof(digest), ed25519_pk, 32, nullptr, 0);
  char hex[2 * sizeof(digest) + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(hex, 2 * sizeof(digest));
}

std::string to_base64(const uint8_t* data, size_t len) {
  const size_t cap =
      sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);  // incl. NUL
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, data, len, sodium_base64_VARIANT_ORIGINAL);
  out.resize(cap - 1);
  return out;
}

}  // namespace nz::identity
