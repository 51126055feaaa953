#include "storage/byte_codec.hpp"

namespace nz::storage {

// -- byte_writer --------------------------------------------------------------

void byte_writer::put_u8(uint8_t x) {
  buf_.push_back(x);
}

void byte_writer::put_u32(uint32_t x) {
  for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

void byte_writer::put_u64(uint64_t x) {
  for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

void byte_writer::put_varint(uint64_t x) {
  while (x >= 0x80) {
    buf_.push_back(static_cast<uint8_t>(x | 0x80));
    x >>= 7;
  }
  buf_.push_back(static_cast<uint8_t>(x));
}

void byte_writer::put_i64(int64_t x) {
  auto ux = static_cast<uint64_t>(x);
  put_varint((ux << 1) ^ (x < 0 ? ~uint64_t{0} : uint64_t{0}));
}

void byte_writer::put_raw(const uint8_t* data, size_t size) {
  if (size > 0) buf_.insert(buf_.end(), data, data + size);
}

void byte_writer::put_bytes(const uint8_t* data, size_t size) {
  put_varint(size);
  put_raw(data, size);
}

void byte_writer::put_string(std::string_view x) {
  put_bytes(reinterpret_cast<const uint8_t*>(x.data()), x.size());
}

std::vector<uint8_t> byte_writer::take() {
  std::vector<uint8_t> out;
  out.swap(buf_);
  return out;
}

// -- byte_reader --------------------------------------------------------------

std::optional<uint8_t> byte_reader::get_u8() {
  if (remaining() < 1) return std::nullopt;
  return data_[pos_++];
}

std::optional<uint32_t> byte_reader::get_u32() {
  if (remaining() < 4) return std::nullopt;
  uint32_t x = 0;
  for (int i = 0; i < 4; ++i) x |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 4;
  return x;
}

std::optional<uint64_t> byte_reader::get_u64() {
  if (remaining() < 8) return std::nullopt;
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 8;
  return x;
}

std::optional<uint64_t> byte_reader::get_varint() {
  uint64_t x = 0;
  size_t p = pos_;
  for (int i = 0; i < 10; ++i) {
    if (p >= size_) return std::nullopt;
    uint8_t b = data_[p++];
    // The tenth group may only carry the 64th bit.
    if (i == 9 && b > 1) return std::nullopt;
    x |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      if (b == 0 && i > 0)  // overlong: a trailing zero group
        return std::nullopt;
      pos_ = p;
      return x;
    }
  }
  return std::nullopt;
}

std::optional<int64_t> byte_reader::get_i64() {
  auto ux = get_varint();
  if (!ux) return std::nullopt;
  return static_cast<int64_t>((*ux >> 1) ^ (~(*ux & 1) + 1));
}

bool byte_reader::get_raw(size_t n, const uint8_t*& out) {
  if (remaining() < n) return false;
  out = data_ + pos_;
  pos_ += n;
  return true;
}

std::optional<size_t> byte_reader::get_length(size_t max_len) {
  auto start = pos_;
  auto len = get_varint();
  if (!len || *len > max_len || *len > remaining()) {
    pos_ = start;
    return std::nullopt;
  }
  return static_cast<size_t>(*len);
}

std::optional<std::vector<uint8_t>> byte_reader::get_bytes(size_t max_len) {
  const uint8_t* p = nullptr;
  size_t n = 0;
  if (!get_bytes_view(max_len, p, n)) return std::nullopt;
  return std::vector<uint8_t>(p, p + n);
}

bool byte_reader::get_bytes_view(size_t max_len, const uint8_t*& out, size_t& size) {
  auto len = get_length(max_len);
  if (!len) return false;
  out = data_ + pos_;
  size = *len;
  pos_ += *len;
  return true;
}

std::optional<std::string> byte_reader::get_string(size_t max_len) {
  auto len = get_length(max_len);
  if (!len) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(data_ + pos_), *len);
  pos_ += *len;
  return out;
}

}  // namespace nz::storage
