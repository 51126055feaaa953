#include "runtime/sealed_log/chain_scan.hpp"

#include <fmt/format.h>

namespace nz::sealed_log {

std::vector<uint8_t> seq_key(uint64_t seq) {
  std::vector<uint8_t> k(8);
  for (int i = 7; i >= 0; --i) {
    k[static_cast<size_t>(i)] = static_cast<uint8_t>(seq & 0xff);
    seq >>= 8;
  }
  return k;
}

std::optional<uint64_t> seq_of(const std::vector<uint8_t>& key) {
  if (key.size() != 8) return std::nullopt;
  uint64_t seq = 0;
  for (auto b : key) seq = (seq << 8) | b;
  return seq;
}

chain_scan scan_chain(const std::string& domain,
                      const std::vector<stored_record>& records) {
  chain_scan out;
  chain::verifier v(domain);
  for (auto& r : records) {
    auto expected = v.last_seq() + 1;
    auto seq = seq_of(r.key);
    if (!seq) {
      out.broken =
          chain::break_info{expected, fmt::format("entry {}: a record with a "
                                                  "{}-byte key is not a chain entry",
                                                  expected, r.key.size())};
      break;
    }
    if (*seq != expected) {
      out.broken = chain::break_info{
          expected, *seq > expected
                        ? fmt::format("entry {}: missing (the next stored entry is {})",
                                      expected, *seq)
                        : fmt::format("entry {}: stored out of order (key says {})",
                                      expected, *seq)};
      break;
    }
    if (!r.error.empty()) {
      out.broken = chain::break_info{
          expected,
          fmt::format("entry {}: sealed record failed to open: {}", expected, r.error)};
      break;
    }
    chain::entry e;
    if (!v.feed(r.value.data(), r.value.size(), &e)) {
      out.broken = v.broken();
      break;
    }
    out.entries.push_back(std::move(e));
    out.hashes.push_back(v.head());
  }
  out.head = v.head();
  return out;
}

}  // namespace nz::sealed_log
