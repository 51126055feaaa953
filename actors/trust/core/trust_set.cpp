#include "actors/trust/core/trust_set.hpp"

#include <cctype>
#include <string>

namespace nz::trust {

const char* to_string(apply_status x) {
  switch (x) {
    case apply_status::applied:
      return "applied";
    case apply_status::stale_seq:
      return "stale_seq";
    case apply_status::revoked_subject:
      return "revoked_subject";
    case apply_status::self_subject:
      return "self_subject";
    case apply_status::malformed:
      return "malformed";
  }
  return "unknown";
}

trust_set::trust_set(const pubkey& own, const limits& l) : own_(own), limits_(l) {
  learn(own_);
}

// -- mutation -----------------------------------------------------------------

apply_status trust_set::apply(const signed_assertion& s) {
  const auto& a = s.a;
  if (!validate(a, limits_)) return apply_status::malformed;
  if (a.issuer_seq <= highest_seq(a.issuer)) return apply_status::stale_seq;
  highest_[a.issuer] = a.issuer_seq;
  learn(a.issuer);
  learn(a.subject);
  if (a.issuer == a.subject) return apply_status::self_subject;
  bool own = a.issuer == own_;
  const record* existing =
      own ? own_record(a.subject) : foreign_record(a.issuer, a.subject);
  record before = existing ? *existing : record{};
  record after = before;
  switch (a.k) {
    case kind::set_level:
    case kind::delegate:
      if (before.revoke || (!own && revoked_by_self(a.subject)))
        return apply_status::revoked_subject;
      (a.k == kind::set_level ? after.set_level : after.delegate) = s;
      break;
    case kind::revoke:
      if (!before.revoke) after = record{std::nullopt, std::nullopt, s};
      break;
    case kind::remove:
      after.set_level.reset();
      after.delegate.reset();
      break;
  }
  if (after == before) return apply_status::applied;
  if (own) {
    if (after.empty())
      own_records_.erase(a.subject);
    else
      own_records_[a.subject] = after;
  } else {
    if (before.empty()) make_room(a.subject, a.created_ms);
    if (after.empty()) {
      auto i = foreign_.find(a.issuer);
      i->second.erase(a.subject);
      if (i->second.empty()) foreign_.erase(i);
    } else {
      foreign_[a.issuer][a.subject] = after;
    }
  }
  reindex(a.issuer, a.subject, before, after);
  return apply_status::applied;
}

void trust_set::make_room(const pubkey& subject, int64_t at_ms) {
  auto issuers = issuers_about(subject);
  if (!issuers || issuers->size() < limits_.max_third_party_per_subject) return;
  auto candidates = *issuers;  // reindex() edits the index while we walk
  for (const auto& issuer : candidates) {
    const record& rec = foreign_[issuer][subject];
    if (rec.revoke) continue;
    if (rec.set_level && !is_expired(rec.set_level->a, true, limits_, at_ms)) continue;
    if (rec.delegate && !is_expired(rec.delegate->a, true, limits_, at_ms)) continue;
    record gone = rec;
    auto i = foreign_.find(issuer);
    i->second.erase(subject);
    if (i->second.empty()) foreign_.erase(i);
    reindex(issuer, subject, gone, record{});
  }
}

void trust_set::learn(const pubkey& key) {
  if (known_.insert(key).second) node_ids_.emplace(node_id_of(key), key);
}

void trust_set::reindex(const pubkey& issuer, const pubkey& subject, const record& before,
                        const record& after) {
  if (issuer == own_) {
    if (before.direct() && !after.direct()) --trusted_count_;
    if (!before.direct() && after.direct()) ++trusted_count_;
    if (after.delegate)
      own_delegates_.insert(subject);
    else
      own_delegates_.erase(subject);
    return;
  }
  if (after.delegate) {
    foreign_delegates_[issuer].insert(subject);
  } else if (auto i = foreign_delegates_.find(issuer); i != foreign_delegates_.end()) {
    i->second.erase(subject);
    if (i->second.empty()) foreign_delegates_.erase(i);
  }
  if (!after.empty()) {
    issuers_about_[subject].insert(issuer);
  } else if (auto i = issuers_about_.find(subject); i != issuers_about_.end()) {
    i->second.erase(issuer);
    if (i->second.empty()) issuers_about_.erase(i);
  }
}

void trust_set::rebuild_indexes() {
  trusted_count_ = 0;
  own_delegates_.clear();
  foreign_delegates_.clear();
  issuers_about_.clear();
  for (const auto& [subject, rec] : own_records_) reindex(own_, subject, record{}, rec);
  for (const auto& [issuer, subjects] : foreign_)
    for (const auto& [subject, rec] : subjects) reindex(issuer, subject, record{}, rec);
  node_ids_.clear();
  for (const auto& key : known_) node_ids_.emplace(node_id_of(key), key);
}

trust_status trust_set::check_own(const assertion& a, int64_t now_ms) const {
  if (a.issuer != own_)
    return make_error(
        trust_errc::not_own,
        "issuer " + short_id(a.issuer) + " is not this node (" + short_id(own_) + ")");
  if (auto st = validate(a, limits_); !st) return st;
  if (a.subject == own_)
    return make_error(trust_errc::self_subject, "this node cannot assert about itself");
  if (a.issuer_seq != next_own_seq())
    return make_error(trust_errc::replayed_seq,
                      "issuer_seq " + std::to_string(a.issuer_seq)
                          + " is not the next own seq " + std::to_string(next_own_seq()));
  if (a.expires_ms != 0 && a.expires_ms <= now_ms)
    return make_error(trust_errc::expired, "expires_ms " + std::to_string(a.expires_ms)
                                               + " is not after now "
                                               + std::to_string(now_ms));
  const record* rec = own_record(a.subject);
  if (rec && rec->revoke && a.k != kind::remove)
    return make_error(
        trust_errc::revoked_subject,
        "subject " + short_id(a.subject) + " is revoked (revocation is permanent)");
  if (a.k == kind::remove && (!rec || !rec->direct()))
    return make_error(trust_errc::nothing_to_remove,
                      "no set_level or delegate about " + short_id(a.subject)
                          + " to remove (a revocation is never removed)");
  if ((a.k == kind::set_level || a.k == kind::delegate) && !(rec && rec->direct())
      && trusted_count_ >= limits_.max_trusted)
    return make_error(trust_errc::limit,
                      "max_trusted " + std::to_string(limits_.max_trusted) + " reached ("
                          + std::to_string(trusted_count_)
                          + " subjects with a direct assertion)");
  return {};
}

// -- queries ------------------------------------------------------------------

uint64_t trust_set::highest_seq(const pubkey& issuer) const {
  auto i = highest_.find(issuer);
  return i == highest_.end() ? 0 : i->second;
}

const record* trust_set::own_record(const pubkey& subject) const {
  auto i = own_records_.find(subject);
  return i == own_records_.end() ? nullptr : &i->second;
}

const record* trust_set::foreign_record(const pubkey& issuer,
                                        const pubkey& subject) const {
  auto i = foreign_.find(issuer);
  if (i == foreign_.end()) return nullptr;
  auto j = i->second.find(subject);
  return j == i->second.end() ? nullptr : &j->second;
}

bool trust_set::revoked_by_self(const pubkey& subject) const {
  auto rec = own_record(subject);
  return rec && rec->revoke;
}

const std::set<pubkey>* trust_set::delegates_of(const pubkey& issuer) const {
  auto i = foreign_delegates_.find(issuer);
  return i == foreign_delegates_.end() ? nullptr : &i->second;
}

const std::set<pubkey>* trust_set::issuers_about(const pubkey& subject) const {
  auto i = issuers_about_.find(subject);
  return i == issuers_about_.end() ? nullptr : &i->second;
}

trust_result<pubkey> trust_set::find_node_id(std::string_view id) const {
  std::string key;
  for (char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return make_error(trust_errc::unknown_node_id, "node id must be hex");
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (key.size() < 8 || key.size() > 64)
    return make_error(
        trust_errc::unknown_node_id,
        "node id must have 8 to 64 hex characters, got " + std::to_string(key.size()));
  auto i = node_ids_.lower_bound(key);
  if (i == node_ids_.end() || i->first.compare(0, key.size(), key) != 0)
    return make_error(trust_errc::unknown_node_id, "no known key has node id " + key);
  auto next = std::next(i);
  if (key.size() < 64 && next != node_ids_.end()
      && next->first.compare(0, key.size(), key) == 0)
    return make_error(trust_errc::unknown_node_id,
                      "node id prefix " + key + " is ambiguous");
  return i->second;
}

bool operator==(const trust_set& x, const trust_set& y) {
  return x.own_ == y.own_ && x.own_records_ == y.own_records_ && x.foreign_ == y.foreign_
         && x.highest_ == y.highest_ && x.known_ == y.known_;
}

}  // namespace nz::trust
