// Fuzzes the sealed-record opener: arbitrary bytes opened as a sealed record
// (under namespace/key variations chosen by the first byte) must be rejected
// cleanly with corrupt_record and an empty output, never crash; a valid record
// with one byte changed, or opened for another place, must never open. Also
// runs the LMDB key splitter and the safe key printer on the input, and
// checks that the two XChaCha20-Poly1305 engines (libsodium, OpenSSL; see
// storage/sealed/xchacha_aead.hpp) produce the same bytes for the input and
// open each other's output, and that both reject it once a byte changes.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sealed/kv_keys.hpp"
#include "storage/sealed/sealed_record.hpp"
#include "storage/sealed/xchacha_aead.hpp"

using namespace nz::storage;

namespace {

constexpr std::array<uint8_t, sealed_key_size> storage_key{
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54,
    0x76, 0x98, 0xba, 0xdc, 0xfe, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

constexpr std::string_view namespaces[] = {"app", "a", std::string_view{}, "x.y-z_0"};

/// The input as a message (and its first bytes as AAD and nonce) through both
/// engines: identical ciphertexts, each opens the other's, both reject a
/// changed byte and leave zeros.
void check_engines(const uint8_t* data, size_t size) {
  namespace aead = nz::storage::aead;
  uint8_t nonce[aead::nonce_size] = {};
  std::copy(data, data + std::min(size, sizeof nonce), nonce);
  size_t adlen = size > 0 ? data[0] % 64 : 0;
  adlen = std::min(adlen, size);
  std::vector<uint8_t> a(size + aead::tag_size), b(size + aead::tag_size);
  aead::encrypt(a.data(), data, size, data, adlen, nonce, storage_key.data(),
                aead::engine::sodium);
  aead::encrypt(b.data(), data, size, data, adlen, nonce, storage_key.data(),
                aead::engine::openssl);
  if (a != b) __builtin_trap();
  std::vector<uint8_t> m(size);
  for (auto e : {aead::engine::sodium, aead::engine::openssl}) {
    if (!aead::decrypt(m.data(), a.data(), a.size(), data, adlen, nonce,
                       storage_key.data(), e))
      __builtin_trap();
    if (!std::equal(m.begin(), m.end(), data)) __builtin_trap();
    auto bad = a;
    bad[(size * 31) % bad.size()] ^= 0x40;
    if (aead::decrypt(m.data(), bad.data(), bad.size(), data, adlen, nonce,
                      storage_key.data(), e))
      __builtin_trap();
    if (std::any_of(m.begin(), m.end(), [](uint8_t x) { return x != 0; }))
      __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  byte_view raw{data, size};
  std::vector<uint8_t> out;
  if (open(out, storage_key.data(), "fuzz", byte_view{}, raw)) __builtin_trap();
  if (!out.empty()) __builtin_trap();
  (void)printable_key(raw);
  std::string_view ns;
  byte_view key;
  if (split_kv_key(raw, ns, key) && !valid_namespace(ns)) __builtin_trap();
  check_engines(data, size);
  if (size == 0) return 0;

  // First byte: namespace, key shape and table; the rest is the record.
  uint8_t sel = data[0];
  auto chosen_ns = namespaces[sel & 3];
  byte_view rest{data + 1, size - 1};
  byte_view chosen_key = (sel & 4) ? rest : byte_view{data, std::min<size_t>(size, 3)};
  auto domain = (sel & 8) ? record_domain::file : record_domain::kv;
  auto st = open(out, storage_key.data(), chosen_ns, chosen_key, rest, domain);
  if (st) __builtin_trap();  // forging a tag by chance is not expected
  if (st.error().code != store_errc::corrupt_record || !out.empty()) __builtin_trap();
  (void)describe_record(domain, chosen_ns, chosen_key);

  // A record sealed from the input opens only for exactly its own place and
  // stops opening when any byte changes.
  std::vector<uint8_t> rec;
  seal(rec, storage_key.data(), chosen_ns, chosen_key, rest, domain);
  if (!open(out, storage_key.data(), chosen_ns, chosen_key,
            byte_view{rec.data(), rec.size()}, domain))
    __builtin_trap();
  std::vector<uint8_t> plain(rest.data, rest.data + rest.size);
  if (out != plain) __builtin_trap();
  auto other = domain == record_domain::kv ? record_domain::file : record_domain::kv;
  if (open(out, storage_key.data(), chosen_ns, chosen_key,
           byte_view{rec.data(), rec.size()}, other))
    __builtin_trap();
  size_t pos = (static_cast<size_t>(sel) * 7 + size) % rec.size();
  rec[pos] ^= static_cast<uint8_t>(1u << (sel % 8));
  if (open(out, storage_key.data(), chosen_ns, chosen_key,
           byte_view{rec.data(), rec.size()}, domain))
    __builtin_trap();
  wipe(out);
  return 0;
}
