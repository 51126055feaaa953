#include "runtime/crypto/key_file.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <sodium.h>

#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::crypto {

static_assert(key_file_salt_size == crypto_pwhash_SALTBYTES);
static_assert(key_file_nonce_size == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(key_file_tag_size == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(key_file_seed_size == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(key_file_header_size == 68 && key_file_size == 116);

namespace {

using header_bytes = std::array<uint8_t, key_file_header_size>;

void put_le(uint8_t* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t get_le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

void encode_header(header_bytes& out, const key_file_header& h) {
  uint8_t* p = out.data();
  std::memcpy(p, key_file_magic.data(), 8);
  put_le(p + 8, h.version, 2);
  p[10] = h.kdf_id;
  put_le(p + 11, h.kdf.opslimit, 8);
  put_le(p + 19, h.kdf.memlimit, 8);
  std::memcpy(p + 27, h.salt.data(), key_file_salt_size);
  p[43] = h.aead_id;
  std::memcpy(p + 44, h.nonce.data(), key_file_nonce_size);
}

crypto_status check_version(uint16_t v) {
  if (v == key_file_version) return {};
  return make_crypto_error(
      crypto_errc::unsupported_version,
      fmt::format("unsupported key file version {} (this build reads version {})", v,
                  key_file_version));
}

crypto_status check_kdf_id(uint8_t id) {
  if (id == key_file_kdf_argon2id13) return {};
  return make_crypto_error(
      crypto_errc::unknown_algorithm,
      fmt::format("unknown KDF id {} in key file (expected {} = Argon2id v1.3)", id,
                  key_file_kdf_argon2id13));
}

crypto_status check_aead_id(uint8_t id) {
  if (id == key_file_aead_xchacha20poly1305) return {};
  return make_crypto_error(crypto_errc::unknown_algorithm,
                           fmt::format("unknown AEAD id {} in key file (expected {} = "
                                       "XChaCha20-Poly1305-IETF)",
                                       id, key_file_aead_xchacha20poly1305));
}

crypto_status check_header(const key_file_header& h) {
  if (auto st = check_version(h.version); !st) return st;
  if (auto st = check_kdf_id(h.kdf_id); !st) return st;
  if (auto st = check_kdf_params(h.kdf); !st) return st;
  return check_aead_id(h.aead_id);
}

/// key = Argon2id13(passphrase, salt, params), 32 bytes, in guarded memory.
crypto_status derive_key(secret<32>& key, const secret_string& passphrase,
                         const key_file_header& h) {
  auto pw = passphrase.read();
  auto k = key.write();
  if (crypto_pwhash(k.data(), k.size(), reinterpret_cast<const char*>(pw.data()),
                    pw.size(), h.salt.data(), h.kdf.opslimit,
                    static_cast<size_t>(h.kdf.memlimit), crypto_pwhash_ALG_ARGON2ID13)
      != 0)
    return make_crypto_error(
        crypto_errc::kdf_failed,
        fmt::format("Argon2id failed (out of memory for memlimit {} bytes?)",
                    h.kdf.memlimit));
  return {};
}

struct field {
  const char* name;
  size_t offset;
  size_t size;
};

constexpr field fields[] = {
    {"magic", 0, 8},     {"format version", 8, 2}, {"KDF id", 10, 1},
    {"opslimit", 11, 8}, {"memlimit", 19, 8},      {"salt", 27, 16},
    {"AEAD id", 43, 1},  {"nonce", 44, 24},        {"ciphertext", 68, 48},
};

}  // namespace

void encode_key_file(std::vector<uint8_t>& out, const key_file_header& h) {
  header_bytes hdr;
  encode_header(hdr, h);
  out.assign(hdr.begin(), hdr.end());
  out.insert(out.end(), h.ciphertext.begin(), h.ciphertext.end());
}

crypto_status parse_key_file(key_file_header& out, const uint8_t* data, size_t len) {
  if (len == 0 || data == nullptr)
    return make_crypto_error(
        crypto_errc::truncated,
        fmt::format("empty key file (0 bytes, {} expected)", key_file_size));
  // A wrong magic says more than "truncated" about a short foreign file.
  if (std::memcmp(data, key_file_magic.data(), std::min<size_t>(len, 8)) != 0)
    return make_crypto_error(crypto_errc::bad_magic,
                             "not a NewZoneCore identity key file (bad magic)");
  key_file_header h;
  for (const auto& f : fields) {
    if (len < f.offset + f.size)
      return make_crypto_error(
          crypto_errc::truncated,
          fmt::format("key file truncated in the {} (file has {} bytes, {} expected)",
                      f.name, len, key_file_size));
    const uint8_t* p = data + f.offset;
    // Each value is checked as soon as it is read, so a file of a newer
    // version is reported as such rather than as truncated or too long.
    crypto_status st;
    switch (f.offset) {
      case 8:
        h.version = static_cast<uint16_t>(get_le(p, 2));
        st = check_version(h.version);
        break;
      case 10:
        h.kdf_id = p[0];
        st = check_kdf_id(h.kdf_id);
        break;
      case 11:
        h.kdf.opslimit = get_le(p, 8);
        // Checked alone here; memlimit is checked once it has been read.
        st = check_kdf_params(kdf_params{h.kdf.opslimit, kdf_memlimit_min});
        break;
      case 19:
        h.kdf.memlimit = get_le(p, 8);
        st = check_kdf_params(h.kdf);
        break;
      case 27:
        std::memcpy(h.salt.data(), p, f.size);
        break;
      case 43:
        h.aead_id = p[0];
        st = check_aead_id(h.aead_id);
        break;
      case 44:
        std::memcpy(h.nonce.data(), p, f.size);
        break;
      case 68:
        std::memcpy(h.ciphertext.data(), p, f.size);
        break;
      default:
        break;
    }
    if (!st) return st;
  }
  if (len > key_file_size)
    return make_crypto_error(
        crypto_errc::trailing_bytes,
        fmt::format("{} trailing bytes after the ciphertext (file has {} bytes, {} "
                    "expected)",
                    len - key_file_size, len, key_file_size));
  out = h;
  return {};
}

crypto_status seal_key_file(std::vector<uint8_t>& out, const identity_seed& seed,
                            const secret_string& passphrase, kdf_params params) {
  ensure_sodium();
  key_file_header h;
  h.kdf = params;
  if (auto st = check_header(h); !st) return st;
  randombytes_buf(h.salt.data(), h.salt.size());
  randombytes_buf(h.nonce.data(), h.nonce.size());
  secret<32> key;
  if (auto st = derive_key(key, passphrase, h); !st) return st;
  header_bytes aad;
  encode_header(aad, h);
  {
    auto k = key.read();
    auto m = seed.read();
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(h.ciphertext.data(), &clen, m.data(),
                                               m.size(), aad.data(), aad.size(), nullptr,
                                               h.nonce.data(), k.data());
  }
  key.wipe();
  encode_key_file(out, h);
  return {};
}

crypto_status open_key_file(identity_seed& seed, const key_file_header& h,
                            const secret_string& passphrase) {
  ensure_sodium();
  if (auto st = check_header(h); !st) return st;
  secret<32> key;
  if (auto st = derive_key(key, passphrase, h); !st) return st;
  header_bytes aad;
  encode_header(aad, h);
  int rc;
  {
    auto k = key.read();
    auto m = seed.write();
    unsigned long long mlen = 0;
    rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        m.data(), &mlen, nullptr, h.ciphertext.data(), h.ciphertext.size(), aad.data(),
        aad.size(), h.nonce.data(), k.data());
  }
  key.wipe();
  if (rc != 0) {
    seed.wipe();
    return make_crypto_error(crypto_errc::wrong_passphrase,
                             "wrong passphrase or damaged key file");
  }
  return {};
}

}  // namespace nz::crypto
