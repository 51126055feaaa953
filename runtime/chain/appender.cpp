#include "runtime/chain/appender.hpp"

#include <utility>

namespace nz::chain {

appender::appender(std::string domain, uint64_t last_seq, hash32 head)
    : domain_(std::move(domain)), last_seq_(last_seq), head_(head) {}

entry appender::next(int64_t time_ms, std::vector<uint8_t> payload) const {
  if (payload.size() > max_payload) misuse("appender: payload exceeds max_payload");
  entry e;
  e.seq = last_seq_ + 1;
  e.prev = head_;
  e.time_ms = time_ms;
  e.payload = std::move(payload);
  return e;
}

void appender::advance(const entry& e) {
  if (e.seq != last_seq_ + 1 || e.prev != head_)
    misuse("appender: advance with an entry that does not follow the head");
  head_ = hash_of(domain_, e);
  last_seq_ = e.seq;
}

}  // namespace nz::chain
