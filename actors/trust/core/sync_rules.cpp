#include "actors/trust/core/sync_rules.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/signature.hpp"

namespace nz::trust {

namespace {

bool live(const record& rec, const limits& l, int64_t now_ms) {
  if (rec.revoke) return true;
  if (rec.set_level && !is_expired(rec.set_level->a, true, l, now_ms)) return true;
  return rec.delegate && !is_expired(rec.delegate->a, true, l, now_ms);
}

// Everything the checks remember within one batch.
struct batch_state {
  std::map<pubkey, uint64_t> last_seq;             // issuer -> last accepted seq
  std::map<pubkey, std::set<pubkey>> new_issuers;  // subject -> issuers new to it
  std::set<pubkey> new_trusted;                    // own direct subjects added
  std::set<pubkey> own_revoked;                    // subjects this node revokes
  std::set<std::pair<pubkey, pubkey>> revoked;     // (issuer, subject) revoked
};

class checker {
 public:
  checker(const trust_set& ts, int64_t now_ms)
      : ts_(ts), now_(now_ms), eval_(ts, now_ms) {}

  /// The rejection, or nullopt if `s` passes (known: it is already applied and
  /// is to be skipped).
  std::optional<trust_error> check(const signed_assertion& s, bool& known) {
    const auto& a = s.a;
    const auto& l = ts_.bounds();
    known = false;
    if (auto st = validate(a, l); !st) return st.error();
    if (!verify(s))
      return make_error(trust_errc::bad_signature,
                        "signature by " + short_id(a.issuer) + " does not verify");
    bool own = a.issuer == ts_.own_key();
    const record* rec =
        own ? ts_.own_record(a.subject) : ts_.foreign_record(a.issuer, a.subject);
    if (rec) {
      auto slot = rec->slot(a.k);
      if (slot && *slot && **slot == s) {
        known = true;
        return std::nullopt;
      }
    }
    if (a.issuer == a.subject)
      return make_error(trust_errc::self_subject, "issuer and subject are the same key");
    auto highest = ts_.highest_seq(a.issuer);
    if (auto i = state_.last_seq.find(a.issuer); i != state_.last_seq.end())
      highest = std::max(highest, i->second);
    if (a.issuer_seq <= highest)
      return make_error(trust_errc::replayed_seq,
                        "issuer_seq " + std::to_string(a.issuer_seq) + " of "
                            + short_id(a.issuer) + " is not above "
                            + std::to_string(highest));
    if (!own) {
      auto v = eval_.effective_trust(a.issuer);
      if (v.revoked || v.lvl < level::medium)
        return make_error(trust_errc::unknown_issuer,
                          "issuer " + short_id(a.issuer) + " is trusted at "
                              + (v.revoked ? std::string{"revoked"} : to_string(v.lvl))
                              + ", below medium");
    }
    if (is_expired(a, !own, l, now_))
      return make_error(trust_errc::expired, "expired at "
                                                 + std::to_string(expiry_of(a, !own, l))
                                                 + " (now " + std::to_string(now_) + ")");
    bool grants = a.k == kind::set_level || a.k == kind::delegate;
    if (grants
        && (ts_.revoked_by_self(a.subject) || (rec && rec->revoke)
            || state_.own_revoked.count(a.subject)
            || state_.revoked.count({a.issuer, a.subject})))
      return make_error(trust_errc::revoked_subject,
                        "subject " + short_id(a.subject) + " is revoked");
    if (!own && !rec && a.k != kind::remove) {
      auto& fresh = state_.new_issuers[a.subject];
      if (!fresh.count(a.issuer)
          && live_issuers(a.subject) + fresh.size() >= l.max_third_party_per_subject)
        return make_error(trust_errc::subject_flooded,
                          "subject " + short_id(a.subject) + " already has "
                              + std::to_string(l.max_third_party_per_subject)
                              + " foreign issuers (max_third_party_per_subject)");
    }
    if (own && grants && !(rec && rec->direct()) && !state_.new_trusted.count(a.subject)
        && ts_.trusted_count() + state_.new_trusted.size() >= l.max_trusted)
      return make_error(trust_errc::limit,
                        "max_trusted " + std::to_string(l.max_trusted) + " reached");
    return std::nullopt;
  }

  /// Records an accepted assertion in the batch state.
  void accept(const signed_assertion& s) {
    const auto& a = s.a;
    state_.last_seq[a.issuer] = a.issuer_seq;
    if (a.k == kind::revoke) {
      state_.revoked.insert({a.issuer, a.subject});
      if (a.issuer == ts_.own_key()) state_.own_revoked.insert(a.subject);
    }
    if (a.issuer == ts_.own_key()) {
      if (a.k == kind::set_level || a.k == kind::delegate)
        state_.new_trusted.insert(a.subject);
    } else if (!ts_.foreign_record(a.issuer, a.subject) && a.k != kind::remove) {
      state_.new_issuers[a.subject].insert(a.issuer);
    }
  }

 private:
  size_t live_issuers(const pubkey& subject) {
    auto issuers = ts_.issuers_about(subject);
    if (!issuers) return 0;
    size_t n = 0;
    for (const auto& issuer : *issuers)
      if (live(*ts_.foreign_record(issuer, subject), ts_.bounds(), now_)) ++n;
    return n;
  }

  const trust_set& ts_;
  int64_t now_;
  evaluator eval_;
  batch_state state_;
};

}  // namespace

batch_verdict check_batch(const trust_set& ts, const std::vector<signed_assertion>& batch,
                          int64_t now_ms) {
  batch_verdict out;
  const auto& l = ts.bounds();
  if (batch.size() > l.max_batch) {
    out.rejected.push_back(rejection{l.max_batch, to_string(trust_errc::batch_too_large),
                                     "batch of " + std::to_string(batch.size())
                                         + " assertions exceeds max_batch "
                                         + std::to_string(l.max_batch)});
    return out;
  }
  checker c{ts, now_ms};
  for (size_t i = 0; i < batch.size(); ++i) {
    bool known = false;
    if (auto err = c.check(batch[i], known)) {
      out.rejected.push_back(rejection{i, to_string(err->code), std::move(err->message)});
    } else if (known) {
      ++out.already_known;
    } else {
      c.accept(batch[i]);
      out.to_apply.push_back(batch[i]);
    }
  }
  out.accepted = out.rejected.empty();
  if (!out.accepted) out.to_apply.clear();
  return out;
}

std::vector<std::pair<std::string, size_t>> count_by_reason(const batch_verdict& v) {
  std::map<std::string, size_t> counts;
  for (const auto& r : v.rejected) ++counts[r.reason_code];
  return {counts.begin(), counts.end()};
}

}  // namespace nz::trust
