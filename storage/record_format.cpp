#include "storage/record_format.hpp"

#include <array>
#include <cstdlib>

#include <sodium.h>

#include "storage/byte_codec.hpp"

namespace nz::storage {

namespace {

using checksum = std::array<uint8_t, checksum_size>;

void ensure_sodium() {
  // Programmer/installation error, not input error: abort like libsodium does.
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}

checksum compute_checksum(byte_view head, std::string_view stream, byte_view payload) {
  ensure_sodium();
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, checksum_size);
  crypto_generichash_update(&st, head.data, head.size);
  if (!stream.empty())
    crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(stream.data()),
                              stream.size());
  crypto_generichash_update(&st, payload.data, payload.size);
  checksum out;
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

// Common tail of both formats: seq | length | checksum | payload. `head` is the
// part before it, which the checksum also covers.
std::vector<uint8_t> finish(byte_writer& w, std::string_view bound_stream, uint64_t seq,
                            byte_view payload) {
  w.put_u64(seq);
  w.put_u64(payload.size);
  auto sum = compute_checksum({w.bytes().data(), w.size()}, bound_stream, payload);
  w.put_raw(sum.data(), sum.size());
  w.put_raw(payload.data, payload.size);
  return w.take();
}

bool verify_tail(byte_reader& r, byte_view value, std::string_view bound_stream,
                 uint64_t key_seq, decoded_record& out, std::string& why) {
  auto seq = r.get_u64();
  auto len = r.get_u64();
  const uint8_t* sum = nullptr;
  if (!seq || !len || !r.get_raw(checksum_size, sum)) {
    why = "truncated header";
    return false;
  }
  if (*seq != key_seq) {
    why = "header seq " + std::to_string(*seq) + " does not match key seq "
          + std::to_string(key_seq);
    return false;
  }
  if (*len != r.remaining()) {
    why = "length " + std::to_string(*len) + " does not match "
          + std::to_string(r.remaining()) + " stored payload bytes";
    return false;
  }
  size_t head_size = r.position() - checksum_size;
  byte_view payload{value.data + r.position(), r.remaining()};
  auto expected = compute_checksum({value.data, head_size}, bound_stream, payload);
  if (sodium_memcmp(expected.data(), sum, checksum_size) != 0) {
    why = "checksum mismatch";
    return false;
  }
  out.seq = *seq;
  out.payload = payload;
  return true;
}

bool check_magic(byte_reader& r, uint32_t magic, std::string& why) {
  auto m = r.get_u32();
  auto v = r.get_u8();
  if (!m || !v) {
    why = "truncated header";
    return false;
  }
  if (*m != magic) {
    why = "bad magic";
    return false;
  }
  if (*v != record_version) {
    why = "unknown version " + std::to_string(*v);
    return false;
  }
  return true;
}

}  // namespace

bool valid_stream_name(std::string_view stream) {
  if (stream.empty() || stream.size() > max_stream_name) return false;
  for (char c : stream) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
              || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<uint8_t> make_key(std::string_view stream, uint64_t seq) {
  std::vector<uint8_t> key(stream.begin(), stream.end());
  key.push_back(0);
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<uint8_t>(seq >> (8 * i)));
  return key;
}

bool parse_key(byte_view key, std::string_view& stream, uint64_t& seq) {
  if (key.size < 10 || key.data[key.size - 9] != 0) return false;
  stream = std::string_view{reinterpret_cast<const char*>(key.data), key.size - 9};
  seq = 0;
  for (size_t i = key.size - 8; i < key.size; ++i) seq = (seq << 8) | key.data[i];
  return true;
}

bool key_has_stream(byte_view key, std::string_view stream) {
  std::string_view s;
  uint64_t seq = 0;
  return parse_key(key, s, seq) && s == stream;
}

std::vector<uint8_t> encode_journal_entry(std::string_view stream, uint64_t seq,
                                          byte_view payload) {
  byte_writer w;
  w.reserve(journal_header_size + payload.size);
  w.put_u32(journal_magic);
  w.put_u8(record_version);
  return finish(w, stream, seq, payload);
}

std::vector<uint8_t> encode_snapshot(std::string_view stream, uint64_t seq,
                                     byte_view payload) {
  byte_writer w;
  w.reserve(journal_header_size + 1 + stream.size() + payload.size);
  w.put_u32(snapshot_magic);
  w.put_u8(record_version);
  w.put_string(stream);
  // The stream is already in the checksummed head; do not bind it twice.
  return finish(w, {}, seq, payload);
}

bool decode_journal_entry(byte_view value, std::string_view stream, uint64_t key_seq,
                          decoded_record& out, std::string& why) {
  byte_reader r{value.data, value.size};
  return check_magic(r, journal_magic, why)
         && verify_tail(r, value, stream, key_seq, out, why);
}

bool decode_snapshot(byte_view value, std::string_view stream, uint64_t key_seq,
                     decoded_record& out, std::string& why) {
  byte_reader r{value.data, value.size};
  if (!check_magic(r, snapshot_magic, why)) return false;
  auto name = r.get_string(max_stream_name);
  if (!name) {
    why = "truncated header";
    return false;
  }
  if (*name != stream) {
    why = "header names stream '" + *name + "'";
    return false;
  }
  return verify_tail(r, value, {}, key_seq, out, why);
}

}  // namespace nz::storage
