// libFuzzer target: the record reader of a peer connection
// (actors/peer/session/record.hpp). data[0] picks the chunk size the stream is
// fed in (1..128) and, by its low bit, the limit (max or 300 bytes); the rest is the
// stream. Checks: the reader never buffers more than one record (header + max_len), every
// record it yields has a valid kind and at most max_len bytes, and re-encoding the
// yielded records gives back a prefix of the input (nothing invented, nothing reordered).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "actors/peer/session/record.hpp"

using namespace nz::peer;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t chunk = static_cast<size_t>(data[0] >> 1) + 1;
  record_reader rd(data[0] % 2 == 0 ? max_record_len : 300);
  data += 1;
  size -= 1;
  std::vector<record_bytes> got;
  bool failed = false;
  for (size_t i = 0; i < size && !failed; i += chunk) {
    auto n = std::min(chunk, size - i);
    failed = !rd.feed(data + i, n, got);
    check(rd.buffered() <= record_header_len + rd.max_len());
  }
  std::vector<uint8_t> again;
  for (auto& r : got) {
    check(!r.empty() && r.size() <= rd.max_len());
    check(valid_record_kind(r[0]));
    auto e = encode_record(static_cast<record_kind>(r[0]), r.data() + 1, r.size() - 1);
    check(static_cast<bool>(e));
    again.insert(again.end(), e->begin(), e->end());
  }
  check(again.size() <= size);
  for (size_t i = 0; i < again.size(); ++i) check(again[i] == data[i]);
  return 0;
}
