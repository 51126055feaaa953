#include "actors/trust/core/evaluator.hpp"

#include <algorithm>

namespace nz::trust {

namespace {

// Decides rules 1 and 2 (and this node's own key); nullopt = delegation decides.
std::optional<verdict> own_word(const trust_set& ts, const pubkey& subject,
                                int64_t now_ms) {
  if (subject == ts.own_key()) return verdict{level::ultimate, false, {}};
  const record* rec = ts.own_record(subject);
  if (!rec) return std::nullopt;
  if (rec->revoke) return verdict{level::unknown, true, {hop_of(rec->revoke->a)}};
  if (rec->set_level && !is_expired(rec->set_level->a, false, ts.bounds(), now_ms))
    return verdict{rec->set_level->a.lvl, false, {hop_of(rec->set_level->a)}};
  return std::nullopt;
}

}  // namespace

bool operator==(const hop& x, const hop& y) {
  return x.issuer == y.issuer && x.subject == y.subject && x.k == y.k && x.lvl == y.lvl
         && x.issuer_seq == y.issuer_seq;
}

hop hop_of(const assertion& a) {
  return hop{a.issuer, a.subject, a.k, a.k == kind::delegate ? a.max_level : a.lvl,
             a.issuer_seq};
}

evaluator::evaluator(const trust_set& ts, int64_t now_ms) : ts_(ts), now_(now_ms) {
  const auto max_depth = ts_.bounds().max_delegation_depth;
  std::vector<offer> layer;
  for (const auto& p : ts_.own_delegates()) {
    const auto& d = *ts_.own_record(p)->delegate;
    if (is_expired(d.a, false, ts_.bounds(), now_)) continue;
    auto remaining = std::min(d.a.depth, max_depth);
    if (remaining >= 1) layer.push_back(offer{p, remaining, d.a.max_level, 1, -1, &d});
  }
  while (!layer.empty()) {
    auto first = static_cast<int32_t>(offers_.size());
    for (auto& o : layer) {
      if (dominated(o) || !counts(o.key, o.length)) continue;
      by_key_[o.key].push_back(static_cast<int32_t>(offers_.size()));
      offers_.push_back(o);
    }
    layer.clear();
    for (auto i = first; i < static_cast<int32_t>(offers_.size()); ++i) {
      if (offers_[i].remaining >= 2) add_offers(offers_[i], i, layer);
    }
  }
}

void evaluator::add_offers(const offer& from, int32_t index,
                           std::vector<offer>& next) const {
  auto subjects = ts_.delegates_of(from.key);
  if (!subjects) return;
  for (const auto& q : *subjects) {
    if (q == ts_.own_key()) continue;
    const auto& d = *ts_.foreign_record(from.key, q)->delegate;
    if (is_expired(d.a, true, ts_.bounds(), now_)) continue;
    uint8_t r = std::min<uint8_t>(from.remaining - 1, d.a.depth);
    if (r >= 1)
      next.push_back(
          offer{q, r, min_level(from.cap, d.a.max_level), from.length + 1, index, &d});
  }
}

bool evaluator::dominated(const offer& o) const {
  auto i = by_key_.find(o.key);
  if (i == by_key_.end()) return false;
  for (auto idx : i->second) {
    const auto& e = offers_[idx];
    if (e.remaining >= o.remaining && e.cap >= o.cap) return true;
  }
  return false;
}

bool evaluator::counts(const pubkey& p, uint32_t length) const {
  if (p == ts_.own_key()) return false;
  if (const record* rec = ts_.own_record(p)) {
    if (rec->revoke) return false;
    if (rec->set_level && !is_expired(rec->set_level->a, false, ts_.bounds(), now_))
      return rec->set_level->a.lvl >= level::medium;
  }
  auto issuers = ts_.issuers_about(p);
  if (!issuers) return false;
  level best = level::unknown;
  for (const auto& issuer : *issuers) {
    auto i = by_key_.find(issuer);
    if (i == by_key_.end()) continue;
    bool closer = false;
    level cap = level::unknown;
    for (auto idx : i->second) {
      if (offers_[idx].length >= length) continue;
      closer = true;
      cap = std::max(cap, offers_[idx].cap);
    }
    if (!closer) continue;
    const record* rec = ts_.foreign_record(issuer, p);
    if (rec->revoke) return false;
    if (rec->set_level && !is_expired(rec->set_level->a, true, ts_.bounds(), now_))
      best = std::max(best, min_level(rec->set_level->a.lvl, cap));
  }
  return best >= level::medium;
}

std::vector<hop> evaluator::path_to(int32_t index) const {
  std::vector<hop> out;
  for (auto i = index; i >= 0; i = offers_[i].parent)
    out.push_back(hop_of(offers_[i].via->a));
  std::reverse(out.begin(), out.end());
  return out;
}

verdict evaluator::delegated(const pubkey& subject) const {
  auto issuers = ts_.issuers_about(subject);
  if (!issuers) return {};
  // Best revoke: shortest path, then smallest issuer (issuers iterate ascending).
  int32_t revoke_at = -1;
  const signed_assertion* revoke = nullptr;
  // Best level: highest, then shortest path, then smallest issuer.
  int32_t level_at = -1;
  const signed_assertion* set = nullptr;
  level best = level::unknown;
  for (const auto& issuer : *issuers) {
    auto i = by_key_.find(issuer);
    if (i == by_key_.end()) continue;
    const record* rec = ts_.foreign_record(issuer, subject);
    if (rec->revoke) {
      auto idx = i->second.front();  // offers are kept in path-length order
      if (revoke_at < 0 || offers_[idx].length < offers_[revoke_at].length) {
        revoke_at = idx;
        revoke = &*rec->revoke;
      }
    }
    if (!rec->set_level || is_expired(rec->set_level->a, true, ts_.bounds(), now_))
      continue;
    for (auto idx : i->second) {
      auto value = min_level(rec->set_level->a.lvl, offers_[idx].cap);
      if (level_at < 0 || value > best
          || (value == best && offers_[idx].length < offers_[level_at].length)) {
        level_at = idx;
        best = value;
        set = &*rec->set_level;
      }
    }
  }
  if (revoke) {
    auto path = path_to(revoke_at);
    path.push_back(hop_of(revoke->a));
    return verdict{level::unknown, true, std::move(path)};
  }
  if (set) {
    auto path = path_to(level_at);
    path.push_back(hop_of(set->a));
    return verdict{best, false, std::move(path)};
  }
  return {};
}

verdict evaluator::effective_trust(const pubkey& subject) const {
  if (auto v = own_word(ts_, subject, now_)) return std::move(*v);
  return delegated(subject);
}

level evaluator::delegator_cap(const pubkey& key) const {
  auto i = by_key_.find(key);
  if (i == by_key_.end()) return level::unknown;
  level out = level::unknown;
  for (auto idx : i->second) out = std::max(out, offers_[idx].cap);
  return out;
}

verdict effective_trust(const trust_set& ts, const pubkey& subject, int64_t now_ms) {
  if (auto v = own_word(ts, subject, now_ms)) return std::move(*v);
  if (!ts.issuers_about(subject)) return {};
  return evaluator{ts, now_ms}.delegated(subject);
}

}  // namespace nz::trust
