#include "actors/trust/core/trust_log.hpp"

#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/signature.hpp"

namespace nz::trust {

std::vector<uint8_t> make_payload(const signed_assertion& s) {
  return encode(s);
}

trust_result<signed_assertion> parse_payload(const uint8_t* data, size_t size,
                                             const limits& l) {
  return decode_signed(data, size, l);
}

log_verifier::log_verifier(const limits& l, uint64_t first_seq, chain::hash32 prev)
    : limits_(l), chain_(std::string{log_domain}, first_seq, prev) {}

bool log_verifier::feed(const uint8_t* data, size_t size, signed_assertion* out) {
  if (broken_) return false;
  chain::entry e;
  if (!chain_.feed(data, size, &e)) {
    broken_ = chain_.broken();
    return false;
  }
  auto where = "seq " + std::to_string(e.seq) + ": ";
  auto s = parse_payload(e.payload.data(), e.payload.size(), limits_);
  if (!s) {
    broken_ = chain::break_info{e.seq, where + "payload: " + s.error().message};
    return false;
  }
  if (!verify(*s)) {
    broken_ =
        chain::break_info{e.seq, where + "bad signature by " + short_id(s->a.issuer)};
    return false;
  }
  if (out) *out = std::move(*s);
  return true;
}

log_check verify_log(const std::vector<std::vector<uint8_t>>& entries, const limits& l,
                     uint64_t first_seq, const chain::hash32& prev) {
  log_check out;
  log_verifier v{l, first_seq, prev};
  for (const auto& bytes : entries) {
    signed_assertion s;
    if (!v.feed(bytes.data(), bytes.size(), &s)) break;
    out.assertions.push_back(std::move(s));
  }
  out.broken = v.broken();
  out.last_seq = v.last_seq();
  out.head = v.head();
  return out;
}

trust_set rebuild(const std::vector<signed_assertion>& log, const pubkey& own,
                  const limits& l) {
  trust_set ts{own, l};
  for (const auto& s : log) (void)ts.apply(s);
  return ts;
}

}  // namespace nz::trust
