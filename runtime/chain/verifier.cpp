#include "runtime/chain/verifier.hpp"

#include <utility>

namespace nz::chain {

verifier::verifier(std::string domain, uint64_t first_seq, hash32 prev)
    : domain_(std::move(domain)), next_seq_(first_seq), head_(prev) {
  if (first_seq == 0) misuse("verifier: first_seq must be >= 1");
}

bool verifier::fail(const std::string& reason) {
  broken_ = break_info{next_seq_, "seq " + std::to_string(next_seq_) + ": " + reason};
  return false;
}

bool verifier::feed(const uint8_t* data, size_t size, entry* out) {
  if (broken_) return false;
  auto e = decode(data, size);
  if (!e) return fail("does not decode: " + e.error().message);
  if (e->seq > next_seq_)
    return fail("gap: expected seq " + std::to_string(next_seq_) + ", found "
                + std::to_string(e->seq));
  if (e->seq < next_seq_)
    return fail("out of order: expected seq " + std::to_string(next_seq_) + ", found "
                + std::to_string(e->seq) + " (replayed or reordered entry)");
  if (e->prev != head_) return fail("previous-hash mismatch");
  head_ = hash_of(domain_, *e);
  ++next_seq_;
  ++count_;
  if (out) *out = std::move(*e);
  return true;
}

}  // namespace nz::chain
