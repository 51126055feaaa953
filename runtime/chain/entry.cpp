#include "runtime/chain/entry.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/byte_codec.hpp"

namespace nz::chain {

namespace {

constexpr char hash_prefix[] = "nz-chain-v1";  // hashed with its NUL

}  // namespace

void misuse(const char* what) {
  std::fprintf(stderr, "nz::chain misuse: %s\n", what);
  std::abort();
}

bool operator==(const entry& a, const entry& b) {
  return a.seq == b.seq && a.prev == b.prev && a.time_ms == b.time_ms
         && a.payload == b.payload;
}

std::vector<uint8_t> encode(const entry& e) {
  if (e.payload.size() > max_payload) misuse("chain entry payload exceeds max_payload");
  storage::byte_writer w;
  w.reserve(1 + 10 + e.prev.size() + 10 + 3 + e.payload.size());
  w.put_u8(entry_version);
  w.put_varint(e.seq);
  w.put_raw(e.prev.data(), e.prev.size());
  w.put_i64(e.time_ms);
  w.put_bytes(e.payload);
  return w.take();
}

chain_result<entry> decode(const uint8_t* data, size_t size) {
  storage::byte_reader r{data, size};
  auto version = r.get_u8();
  if (!version) return chain_error{"empty entry"};
  if (*version != entry_version)
    return chain_error{"unknown entry version " + std::to_string(*version)};
  entry e;
  auto seq = r.get_varint();
  if (!seq) return chain_error{"truncated or overlong seq"};
  if (*seq == 0) return chain_error{"seq 0 is not a valid position"};
  e.seq = *seq;
  const uint8_t* prev = nullptr;
  if (!r.get_raw(e.prev.size(), prev)) return chain_error{"truncated previous hash"};
  std::copy(prev, prev + e.prev.size(), e.prev.begin());
  auto time = r.get_i64();
  if (!time) return chain_error{"truncated or overlong time"};
  e.time_ms = *time;
  auto payload = r.get_bytes(max_payload);
  if (!payload)
    return chain_error{"payload truncated or longer than max_payload ("
                       + std::to_string(max_payload) + " bytes)"};
  e.payload = std::move(*payload);
  if (!r.at_end())
    return chain_error{std::to_string(r.remaining()) + " trailing bytes after entry"};
  return e;
}

hash32 hash_of(std::string_view domain, const entry& e) {
  storage::byte_writer w;
  w.put_raw(reinterpret_cast<const uint8_t*>(hash_prefix), sizeof(hash_prefix));
  w.put_string(domain);
  auto body = encode(e);
  hash32 out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  crypto_generichash_update(&st, w.bytes().data(), w.size());
  crypto_generichash_update(&st, body.data(), body.size());
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string to_hex(const hash32& h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(h.size() * 2);
  for (auto b : h) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

}  // namespace nz::chain
