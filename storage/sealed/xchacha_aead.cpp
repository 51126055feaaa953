#include "storage/sealed/xchacha_aead.hpp"

#include <atomic>
#include <climits>
#include <cstring>
#include <memory>

#include <openssl/evp.h>
#include <sodium.h>

namespace nz::storage::aead {

namespace {

static_assert(key_size == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(nonce_size == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(tag_size == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(crypto_core_hchacha20_OUTPUTBYTES == key_size);

/// OpenSSL's ChaCha20-Poly1305, fetched once per process (explicit fetch: the
/// implicit one behind EVP_chacha20_poly1305() repeats the lookup per init).
const EVP_CIPHER* openssl_cipher() {
  static EVP_CIPHER* const cipher =
      EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  return cipher;
}

struct ctx_free {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

/// This thread's context, or nullptr if OpenSSL cannot give one.
EVP_CIPHER_CTX* thread_ctx() {
  thread_local std::unique_ptr<EVP_CIPHER_CTX, ctx_free> ctx{EVP_CIPHER_CTX_new()};
  return ctx.get();
}

/// The per-nonce subkey and the RFC 8439 IV of XChaCha20 (draft-irtf-cfrg-xchacha
/// 2.3): HChaCha20(key, nonce[0..16)) and 0x00000000 | nonce[16..24).
/// Wipes the subkey when it goes out of scope.
class subkey {
 public:
  subkey(const uint8_t nonce[nonce_size], const uint8_t key[key_size]) {
    crypto_core_hchacha20(key_, nonce, key, nullptr);
    std::memset(iv_, 0, 4);
    std::memcpy(iv_ + 4, nonce + 16, 8);
  }
  ~subkey() { sodium_memzero(key_, sizeof key_); }
  subkey(const subkey&) = delete;
  subkey& operator=(const subkey&) = delete;

  const uint8_t* key() const { return key_; }
  const uint8_t* iv() const { return iv_; }

 private:
  uint8_t key_[key_size];
  uint8_t iv_[12];
};

std::atomic<uint64_t> openssl_count{0};

/// Resets (and so cleanses) the context when the call ends, however it ends.
class ctx_guard {
 public:
  explicit ctx_guard(EVP_CIPHER_CTX* c) : c_(c) {}
  ~ctx_guard() { EVP_CIPHER_CTX_reset(c_); }
  ctx_guard(const ctx_guard&) = delete;
  ctx_guard& operator=(const ctx_guard&) = delete;

 private:
  EVP_CIPHER_CTX* c_;
};

bool use_openssl(engine which, size_t mlen, size_t adlen) {
  if (which == engine::sodium || mlen > INT_MAX || adlen > INT_MAX) {
    return false;
  }
  if (which == engine::automatic && mlen < fast_min_bytes) {
    return false;
  }
  return openssl_available() && thread_ctx() != nullptr;
}

/// Keys this thread's context for one record (`enc` 1: encrypt, 0: decrypt)
/// and runs the AAD and the n-byte body from `in` to `out`. False if OpenSSL
/// itself fails.
bool run_body(EVP_CIPHER_CTX* ctx, int enc, const subkey& sk, const uint8_t* ad,
              size_t adlen, const uint8_t* in, uint8_t* out, size_t n) {
  int len = 0;
  if (EVP_CipherInit_ex2(ctx, openssl_cipher(), sk.key(), sk.iv(), enc, nullptr) != 1) {
    return false;
  }
  if (adlen > 0
      && EVP_CipherUpdate(ctx, nullptr, &len, ad, static_cast<int>(adlen)) != 1) {
    return false;
  }
  return n == 0 || EVP_CipherUpdate(ctx, out, &len, in, static_cast<int>(n)) == 1;
}

/// OpenSSL encryption; false only if OpenSSL itself fails (then the caller
/// falls back to libsodium, which overwrites everything written here).
bool openssl_encrypt(uint8_t* c, const uint8_t* m, size_t mlen, const uint8_t* ad,
                     size_t adlen, const uint8_t nonce[nonce_size],
                     const uint8_t key[key_size]) {
  EVP_CIPHER_CTX* ctx = thread_ctx();
  ctx_guard reset{ctx};
  subkey sk{nonce, key};
  int len = 0;
  bool ok = run_body(ctx, 1, sk, ad, adlen, m, c, mlen)
            && EVP_EncryptFinal_ex(ctx, c + mlen, &len) == 1
            && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size),
                                   c + mlen)
                   == 1;
  openssl_count.fetch_add(ok ? 1 : 0, std::memory_order_relaxed);
  return ok;
}

/// OpenSSL decryption: 1 authentic, 0 not authentic, -1 OpenSSL failed.
/// Leaves whatever it wrote in m; the caller zeroes m unless it returns 1.
int openssl_decrypt(uint8_t* m, const uint8_t* c, size_t mlen, const uint8_t* ad,
                    size_t adlen, const uint8_t nonce[nonce_size],
                    const uint8_t key[key_size]) {
  EVP_CIPHER_CTX* ctx = thread_ctx();
  ctx_guard reset{ctx};
  subkey sk{nonce, key};
  // The tag is only read by the call; OpenSSL's prototype is not const-correct.
  uint8_t tag[tag_size];
  std::memcpy(tag, c + mlen, tag_size);
  if (!run_body(ctx, 0, sk, ad, adlen, c, m, mlen)
      || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size), tag)
             != 1) {
    return -1;
  }
  openssl_count.fetch_add(1, std::memory_order_relaxed);
  int len = 0;
  return EVP_DecryptFinal_ex(ctx, m + mlen, &len) == 1 ? 1 : 0;
}

// libsodium wants valid pointers even for empty inputs.
const uint8_t empty_byte = 0;

const uint8_t* nonnull(const uint8_t* p) {
  return p != nullptr ? p : &empty_byte;
}

}  // namespace

bool openssl_available() {
  return openssl_cipher() != nullptr;
}

uint64_t openssl_calls() {
  return openssl_count.load(std::memory_order_relaxed);
}

void encrypt(uint8_t* c, const uint8_t* m, size_t mlen, const uint8_t* ad, size_t adlen,
             const uint8_t nonce[nonce_size], const uint8_t key[key_size], engine which) {
  if (use_openssl(which, mlen, adlen)
      && openssl_encrypt(c, nonnull(m), mlen, ad, adlen, nonce, key)) {
    return;
  }
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(c, &clen, nonnull(m), mlen, nonnull(ad),
                                             adlen, nullptr, nonce, key);
}

bool decrypt(uint8_t* m, const uint8_t* c, size_t clen, const uint8_t* ad, size_t adlen,
             const uint8_t nonce[nonce_size], const uint8_t key[key_size], engine which) {
  if (clen < tag_size) {
    return false;
  }
  size_t mlen = clen - tag_size;
  if (use_openssl(which, mlen, adlen)) {
    int rc = openssl_decrypt(m, c, mlen, ad, adlen, nonce, key);
    if (rc == 1) {
      return true;
    }
    if (mlen > 0) {
      sodium_memzero(m, mlen);
    }
    if (rc == 0) {
      return false;
    }
    // OpenSSL failed outright (not an authentication failure): libsodium decides.
  }
  uint8_t scratch = 0;  // valid destination for an empty message
  unsigned long long out_len = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(mlen > 0 ? m : &scratch, &out_len,
                                                      nullptr, c, clen, nonnull(ad),
                                                      adlen, nonce, key);
  if (rc != 0 || out_len != mlen) {
    if (mlen > 0) {
      sodium_memzero(m, mlen);
    }
    return false;
  }
  return true;
}

}  // namespace nz::storage::aead
