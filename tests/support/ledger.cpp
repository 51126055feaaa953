#include "support/ledger.hpp"

#include <stdexcept>
#include <string>

#include "storage/byte_codec.hpp"

namespace nz::test {

namespace {

uint64_t mix(uint64_t digest, uint64_t value) {
  uint64_t z = digest ^ (value + 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<uint8_t> ledger::change(uint64_t value) {
  storage::byte_writer w;
  w.put_u64(value);
  return w.take();
}

void ledger::apply(const std::vector<uint8_t>& change) {
  storage::byte_reader r{change};
  auto v = r.get_u64();
  if (!v || !r.at_end()) throw std::runtime_error("ledger: malformed entry");
  if (*v != count + 1)
    throw std::runtime_error("ledger: entry " + std::to_string(*v) + " after "
                             + std::to_string(count));
  count = *v;
  digest = mix(digest, *v);
}

std::vector<uint8_t> ledger::encode() const {
  storage::byte_writer w;
  w.put_u64(count);
  w.put_u64(digest);
  return w.take();
}

bool ledger::decode(const std::vector<uint8_t>& data, ledger& out) {
  storage::byte_reader r{data};
  auto c = r.get_u64();
  auto d = r.get_u64();
  if (!c || !d || !r.at_end()) return false;
  out.count = *c;
  out.digest = *d;
  return true;
}

ledger ledger::after(uint64_t n) {
  ledger l;
  for (uint64_t i = 1; i <= n; ++i) l.apply(change(i));
  return l;
}

}  // namespace nz::test
