// The trust log: every assertion this node makes or accepts, appended to a hash
// chain (runtime/chain) in the domain "nz-trust-log". The payload of each entry
// is one encoded signed assertion (assertion_codec.hpp). The trust set is
// derived from the log and can always be rebuilt from it.
//
// Appending (the trust actor): a = ...; check_own(a) or check_batch(...);
// entry = appender.next(now, make_payload(s)); store chain::encode(entry);
// appender.advance(entry); (void)set.apply(s).
//
// Thread rules: pure functions; log_verifier is a plain value used by one
// thread at a time.
#pragma once

#include "actors/trust/core/trust_set.hpp"
#include "runtime/chain/verifier.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace nz::trust {

constexpr std::string_view log_domain = "nz-trust-log";

/// The chain payload for `s`.
std::vector<uint8_t> make_payload(const signed_assertion& s);

/// Strict inverse of make_payload (does not verify the signature). Errors:
/// malformed, limit.
trust_result<signed_assertion> parse_payload(const uint8_t* data, size_t size,
                                             const limits& l = {});

/// Verifies stored log entries in storage order: the chain (chain::verifier),
/// then each payload's decoding and signature. Stops at the first bad entry.
class log_verifier {
 public:
  explicit log_verifier(const limits& l = {}, uint64_t first_seq = 1,
                        chain::hash32 prev = {});

  /// True and the entry's assertion in `out` (if not null) if the entry is
  /// good; false at the first bad entry and afterwards.
  [[nodiscard]] bool feed(const uint8_t* data, size_t size,
                          signed_assertion* out = nullptr);

  /// The first bad entry: its seq and why ("seq 4: previous-hash mismatch",
  /// "seq 9: bad signature by 0123456789abcdef", "seq 2: payload: ...").
  const std::optional<chain::break_info>& broken() const { return broken_; }
  uint64_t count() const { return chain_.count(); }
  uint64_t last_seq() const { return chain_.last_seq(); }
  chain::hash32 head() const { return chain_.head(); }

 private:
  limits limits_;
  chain::verifier chain_;
  std::optional<chain::break_info> broken_;
};

struct log_check {
  /// The assertions of the good entries before the first break, in order.
  std::vector<signed_assertion> assertions;
  /// nullopt if every entry is good.
  std::optional<chain::break_info> broken;
  uint64_t last_seq = 0;
  chain::hash32 head{};
};

/// Runs a log_verifier over encoded chain entries (chain::encode output).
log_check verify_log(const std::vector<std::vector<uint8_t>>& entries,
                     const limits& l = {}, uint64_t first_seq = 1,
                     const chain::hash32& prev = {});

/// The trust set derived from a whole log (apply in order; statuses other than
/// applied are part of the deterministic result).
trust_set rebuild(const std::vector<signed_assertion>& log, const pubkey& own,
                  const limits& l = {});

}  // namespace nz::trust
