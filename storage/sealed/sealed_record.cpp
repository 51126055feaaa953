#include "storage/sealed/sealed_record.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <sodium.h>

#include "storage/byte_codec.hpp"

namespace nz::storage {

namespace {

static_assert(sealed_key_size == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(sealed_nonce_size == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(sealed_tag_size == crypto_aead_xchacha20poly1305_ietf_ABYTES);

constexpr size_t max_printable_chars = 64;
constexpr size_t max_hex_bytes = 32;

void ensure_sodium() {
  // Installation error, not input error: abort like libsodium does.
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    std::abort();
  }
}

/// domain | varint len(ns) | ns | varint len(key) | key. Not secret.
std::vector<uint8_t> make_aad(record_domain domain, std::string_view ns,
                              byte_view record_key) {
  auto d = domain_string(domain);
  byte_writer w;
  w.reserve(d.size() + ns.size() + record_key.size + 20);
  w.put_raw(reinterpret_cast<const uint8_t*>(d.data()), d.size());
  w.put_string(ns);
  w.put_bytes(record_key.data, record_key.size);
  return w.take();
}

store_error corrupt(record_domain domain, std::string_view ns, byte_view record_key,
                    std::string_view why) {
  return make_store_error(
      store_errc::corrupt_record,
      fmt::format("corrupt sealed {}: {}", describe_record(domain, ns, record_key), why));
}

bool is_plain(uint8_t c) {
  return c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\';
}

}  // namespace

std::string_view domain_string(record_domain d) {
  return d == record_domain::file ? "nz.sealed.file.v1" : "nz.sealed.v1";
}

void wipe(std::vector<uint8_t>& x) {
  if (!x.empty()) {
    sodium_memzero(x.data(), x.size());
  }
  x.clear();
}

void seal(std::vector<uint8_t>& out, const uint8_t key[sealed_key_size],
          std::string_view ns, byte_view record_key, byte_view value,
          record_domain domain) {
  ensure_sodium();
  if (key == nullptr) {
    std::abort();  // programmer misuse
  }
  auto aad = make_aad(domain, ns, record_key);
  out.assign(value.size + sealed_overhead, 0);
  out[0] = sealed_version;
  uint8_t* nonce = out.data() + 1;
  randombytes_buf(nonce, sealed_nonce_size);
  unsigned long long clen = 0;
  // An empty value may come with a null pointer; libsodium wants a valid one.
  static const uint8_t empty = 0;
  const uint8_t* m = value.size > 0 ? value.data : &empty;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + 1 + sealed_nonce_size, &clen, m,
                                             value.size, aad.data(), aad.size(), nullptr,
                                             nonce, key);
}

store_status open(std::vector<uint8_t>& out, const uint8_t key[sealed_key_size],
                  std::string_view ns, byte_view record_key, byte_view sealed,
                  record_domain domain) {
  ensure_sodium();
  if (key == nullptr) {
    std::abort();  // programmer misuse
  }
  wipe(out);
  if (sealed.size < sealed_overhead) {
    return corrupt(domain, ns, record_key,
                   fmt::format("too short ({} bytes, a sealed record has at least {})",
                               sealed.size, sealed_overhead));
  }
  if (sealed.data[0] != sealed_version) {
    return corrupt(domain, ns, record_key,
                   fmt::format("unknown version {}", sealed.data[0]));
  }
  auto aad = make_aad(domain, ns, record_key);
  const uint8_t* nonce = sealed.data + 1;
  const uint8_t* c = nonce + sealed_nonce_size;
  size_t clen = sealed.size - 1 - sealed_nonce_size;
  // Exact size up front: no reallocation that would leave plaintext behind.
  out.resize(clen - sealed_tag_size);
  uint8_t scratch = 0;  // valid destination for an empty value
  unsigned long long mlen = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out.empty() ? &scratch : out.data(),
                                                      &mlen, nullptr, c, clen, aad.data(),
                                                      aad.size(), nonce, key);
  if (rc != 0 || mlen != out.size()) {
    wipe(out);
    return corrupt(domain, ns, record_key,
                   "authentication failed (wrong storage key, altered bytes, or a "
                   "record moved from another key, namespace or table)");
  }
  return {};
}

std::string printable_key(byte_view key) {
  bool plain = true;
  for (size_t i = 0; i < key.size && plain; ++i) {
    plain = is_plain(key.data[i]);
  }
  std::string out;
  size_t shown = 0;
  if (plain) {
    shown = std::min(key.size, max_printable_chars);
    out.reserve(shown + 24);
    out += '\'';
    if (shown > 0) {
      out.append(reinterpret_cast<const char*>(key.data), shown);
    }
    out += '\'';
  } else {
    static constexpr char digits[] = "0123456789abcdef";
    shown = std::min(key.size, max_hex_bytes);
    out.reserve(2 + 2 * shown + 24);
    out += "0x";
    for (size_t i = 0; i < shown; ++i) {
      out += digits[key.data[i] >> 4];
      out += digits[key.data[i] & 0x0f];
    }
  }
  if (shown < key.size) {
    out += fmt::format("...({} bytes)", key.size);
  }
  return out;
}

std::string describe_record(record_domain domain, std::string_view ns,
                            byte_view record_key) {
  byte_view n{reinterpret_cast<const uint8_t*>(ns.data()), ns.size()};
  return fmt::format("{} {}/{}", domain == record_domain::file ? "file" : "kv record",
                     printable_key(n), printable_key(record_key));
}

}  // namespace nz::storage
