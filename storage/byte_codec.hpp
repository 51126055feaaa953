// A tiny, bounds-checked binary codec for record headers and for the snapshot
// and journal payloads of other subsystems. No CAF, no allocation surprises.
//
// Encoding rules (stable; docs/storage-format.md relies on them):
// - u8/u32/u64: fixed width, little endian.
// - varint: unsigned LEB128, at most 10 bytes, canonical (no trailing 0x00 group).
// - i64: zigzag-mapped, then varint.
// - bytes/string: varint length, then the raw bytes.
//
// byte_reader never reads past its span: every get_* checks the remaining size,
// and every length prefix is checked against both the remaining bytes and a
// caller-given maximum before anything is allocated. A failed get_* returns
// nullopt/false and leaves the position unchanged.
//
// Thread rules: a writer or reader is used by one thread at a time. A reader
// does not own its bytes; REQUIRES: they outlive the reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nz::storage {

/// Appends encoded values to an owned byte buffer.
class byte_writer {
 public:
  byte_writer() = default;
  /// Appends after what `buf` already holds (take() gives it back, grown).
  explicit byte_writer(std::vector<uint8_t> buf) : buf_(std::move(buf)) {}

  void put_u8(uint8_t x);
  void put_u32(uint32_t x);
  void put_u64(uint64_t x);
  void put_varint(uint64_t x);
  void put_i64(int64_t x);
  /// Raw bytes without a length prefix.
  void put_raw(const uint8_t* data, size_t size);
  /// Varint length prefix plus the bytes.
  void put_bytes(const uint8_t* data, size_t size);
  void put_bytes(const std::vector<uint8_t>& x) { put_bytes(x.data(), x.size()); }
  void put_string(std::string_view x);

  const std::vector<uint8_t>& bytes() const { return buf_; }
  size_t size() const { return buf_.size(); }
  /// Moves the buffer out; the writer is empty afterwards.
  std::vector<uint8_t> take();
  void reserve(size_t n) { buf_.reserve(n); }

 private:
  std::vector<uint8_t> buf_;
};

/// Decodes values from a borrowed byte span.
class byte_reader {
 public:
  byte_reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit byte_reader(const std::vector<uint8_t>& x) : byte_reader(x.data(), x.size()) {}

  std::optional<uint8_t> get_u8();
  std::optional<uint32_t> get_u32();
  std::optional<uint64_t> get_u64();
  /// Fails on truncation, on more than 10 bytes, on overflow past 64 bits and
  /// on non-canonical (overlong) encodings.
  std::optional<uint64_t> get_varint();
  std::optional<int64_t> get_i64();
  /// Points `out` at the next `n` bytes (no copy) and advances.
  bool get_raw(size_t n, const uint8_t*& out);
  /// Length-prefixed bytes; fails if the length exceeds `max_len` or the
  /// remaining input.
  std::optional<std::vector<uint8_t>> get_bytes(size_t max_len);
  std::optional<std::string> get_string(size_t max_len);
  /// get_bytes without copying: points `out` at the bytes and sets `size`
  /// (same checks; on failure nothing changes).
  bool get_bytes_view(size_t max_len, const uint8_t*& out, size_t& size);

  size_t remaining() const { return size_ - pos_; }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ == size_; }

 private:
  /// Reads a length prefix and checks it against max_len and remaining().
  /// On failure the position is restored.
  std::optional<size_t> get_length(size_t max_len);

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace nz::storage
