// Fuzzes the storage record decoders: arbitrary bytes as a journal entry or a
// snapshot must be rejected cleanly (never crash, never read out of bounds), and
// a valid record with one byte changed must never decode to different content.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/byte_codec.hpp"
#include "storage/record_format.hpp"

using namespace nz::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string why;
  decoded_record out;
  byte_view raw{data, size};
  (void)decode_journal_entry(raw, "fuzz", 1, out, why);
  (void)decode_snapshot(raw, "fuzz", 1, out, why);

  // Codec: read a sequence of values until failure.
  byte_reader r{data, size};
  while (!r.at_end()) {
    auto tag = r.get_u8();
    if (!tag) break;
    bool ok = true;
    switch (*tag % 5) {
      case 0:
        ok = r.get_varint().has_value();
        break;
      case 1:
        ok = r.get_i64().has_value();
        break;
      case 2:
        ok = r.get_bytes(1024).has_value();
        break;
      case 3:
        ok = r.get_string(64).has_value();
        break;
      default:
        ok = r.get_u64().has_value();
        break;
    }
    if (!ok) break;
  }

  // A record built from the input, with one byte flipped, must not verify
  // unless the flip is a no-op.
  if (size >= 2) {
    auto pos = data[0];
    std::vector<uint8_t> payload(data + 1, data + size);
    auto rec = encode_journal_entry("fuzz", 7, byte_view{payload.data(), payload.size()});
    auto i = static_cast<size_t>(pos) % rec.size();
    rec[i] ^= 0x01;
    decoded_record d;
    if (decode_journal_entry(byte_view{rec.data(), rec.size()}, "fuzz", 7, d, why)) {
      std::vector<uint8_t> back(d.payload.data, d.payload.data + d.payload.size);
      if (back == payload && d.seq == 7)
        __builtin_trap();  // a flipped bit went unnoticed
    }
  }
  return 0;
}
