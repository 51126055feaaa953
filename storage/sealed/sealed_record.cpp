#include "storage/sealed/sealed_record.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <sodium.h>

#include "storage/sealed/xchacha_aead.hpp"

namespace nz::storage {

namespace {

static_assert(sealed_key_size == aead::key_size);
static_assert(sealed_nonce_size == aead::nonce_size);
static_assert(sealed_tag_size == aead::tag_size);

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
/// Built on the stack: every AAD of a key the store accepts fits (17 + 2 + 64 +
/// 2 + 446 bytes); a longer one (open() of a foreign key) goes to the heap.
class aad {
 public:
  aad(record_domain domain, std::string_view ns, byte_view record_key) {
    auto d = domain_string(domain);
    size_t need = d.size() + ns.size() + record_key.size + 2 * max_varint;
    uint8_t* p = small_;
    if (need > sizeof(small_)) {
      big_.resize(need);
      p = big_.data();
    }
    data_ = p;
    p = put_raw(p, reinterpret_cast<const uint8_t*>(d.data()), d.size());
    p = put_varint(p, ns.size());
    p = put_raw(p, reinterpret_cast<const uint8_t*>(ns.data()), ns.size());
    p = put_varint(p, record_key.size);
    p = put_raw(p, record_key.data, record_key.size);
    size_ = static_cast<size_t>(p - data_);
  }
  aad(const aad&) = delete;
  aad& operator=(const aad&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  static constexpr size_t max_varint = 10;

  static uint8_t* put_raw(uint8_t* p, const uint8_t* x, size_t n) {
    if (n > 0) std::memcpy(p, x, n);
    return p + n;
  }

  /// Canonical unsigned LEB128, as storage/byte_codec writes it.
  static uint8_t* put_varint(uint8_t* p, uint64_t x) {
    while (x >= 0x80) {
      *p++ = static_cast<uint8_t>(x | 0x80);
      x >>= 7;
    }
    *p++ = static_cast<uint8_t>(x);
    return p;
  }

  uint8_t small_[576];
  std::vector<uint8_t> big_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

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

namespace {

/// The record with out[1..25) already holding its nonce.
void seal_in_place(std::vector<uint8_t>& out, const uint8_t key[sealed_key_size],
                   std::string_view ns, byte_view record_key, byte_view value,
                   record_domain domain) {
  aad ad{domain, ns, record_key};
  out[0] = sealed_version;
  const uint8_t* nonce = out.data() + 1;
  aead::encrypt(out.data() + 1 + sealed_nonce_size, value.data, value.size, ad.data(),
                ad.size(), nonce, key);
}

}  // namespace

void seal(std::vector<uint8_t>& out, const uint8_t key[sealed_key_size],
          std::string_view ns, byte_view record_key, byte_view value,
          record_domain domain) {
  ensure_sodium();
  if (key == nullptr) {
    std::abort();  // programmer misuse
  }
  out.resize(value.size + sealed_overhead);
  randombytes_buf(out.data() + 1, sealed_nonce_size);
  seal_in_place(out, key, ns, record_key, value, domain);
}

void seal_with_nonce(std::vector<uint8_t>& out, const uint8_t key[sealed_key_size],
                     const uint8_t nonce[sealed_nonce_size], std::string_view ns,
                     byte_view record_key, byte_view value, record_domain domain) {
  ensure_sodium();
  if (key == nullptr || nonce == nullptr) {
    std::abort();  // programmer misuse
  }
  out.resize(value.size + sealed_overhead);
  std::memcpy(out.data() + 1, nonce, sealed_nonce_size);
  seal_in_place(out, key, ns, record_key, value, domain);
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
  aad ad{domain, ns, record_key};
  const uint8_t* nonce = sealed.data + 1;
  const uint8_t* c = nonce + sealed_nonce_size;
  size_t clen = sealed.size - 1 - sealed_nonce_size;
  // Exact size up front: no reallocation that would leave plaintext behind.
  out.resize(clen - sealed_tag_size);
  if (!aead::decrypt(out.data(), c, clen, ad.data(), ad.size(), nonce, key)) {
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
