// Snapshot encoding of trust_set (docs/trust.md, "Snapshot"):
//   "NZTS" | u8 version (1) | 32 own key |
//   varint n | n x (32 subject | record)                    -- own records
//   varint n | n x (32 issuer | varint m (>= 1) | m x (32 subject | record))
//   varint n | n x (32 issuer | varint highest seq (>= 1))
//   varint n | n x 32 known key
// record: u8 flags (1 set_level, 2 delegate, 4 revoke; non-zero; 4 alone) |
//   the present signed assertions in that order (assertion_codec.hpp).
// Every key list is strictly ascending.
#include "actors/trust/core/trust_set.hpp"

#include <algorithm>
#include <cstring>

#include "actors/trust/core/assertion_codec.hpp"

namespace nz::trust {

namespace {

constexpr uint8_t magic[4] = {'N', 'Z', 'T', 'S'};
constexpr uint8_t has_set_level = 1, has_delegate = 2, has_revoke = 4;

trust_error malformed(std::string msg) {
  return make_error(trust_errc::malformed, "snapshot: " + std::move(msg));
}

void put_key(storage::byte_writer& w, const pubkey& k) {
  w.put_raw(k.data(), k.size());
}

void put_record(storage::byte_writer& w, const record& r) {
  uint8_t flags = (r.set_level ? has_set_level : 0) | (r.delegate ? has_delegate : 0)
                  | (r.revoke ? has_revoke : 0);
  w.put_u8(flags);
  if (r.set_level) encode_to(w, *r.set_level);
  if (r.delegate) encode_to(w, *r.delegate);
  if (r.revoke) encode_to(w, *r.revoke);
}

bool get_key(storage::byte_reader& r, pubkey& out) {
  const uint8_t* p = nullptr;
  if (!r.get_raw(out.size(), p)) return false;
  std::memcpy(out.data(), p, out.size());
  return true;
}

// Reads a key that must sort after `prev` (if any).
trust_status get_sorted_key(storage::byte_reader& r, const char* what, const pubkey* prev,
                            pubkey& out) {
  if (!get_key(r, out)) return malformed(std::string{"truncated "} + what);
  if (prev && !(*prev < out))
    return malformed(std::string{what} + " keys not strictly ascending");
  return {};
}

// Reads one record whose assertions must be by `issuer` about `subject`.
trust_result<record> get_record(storage::byte_reader& r, const pubkey& issuer,
                                const pubkey& subject, const limits& l) {
  auto flags = r.get_u8();
  if (!flags) return malformed("truncated record flags");
  if (*flags == 0 || (*flags & ~(has_set_level | has_delegate | has_revoke)) != 0
      || ((*flags & has_revoke) && *flags != has_revoke))
    return malformed("bad record flags " + std::to_string(*flags));
  record rec;
  const std::pair<uint8_t, kind> slots[] = {{has_set_level, kind::set_level},
                                            {has_delegate, kind::delegate},
                                            {has_revoke, kind::revoke}};
  for (auto [bit, k] : slots) {
    if (!(*flags & bit)) continue;
    auto s = read_signed(r, l);
    if (!s) return malformed(s.error().message);
    if (s->a.k != k) return malformed("assertion of the wrong kind in a record slot");
    if (s->a.issuer != issuer || s->a.subject != subject)
      return malformed("assertion with the wrong issuer or subject in a record");
    auto& slot = k == kind::set_level  ? rec.set_level
                 : k == kind::delegate ? rec.delegate
                                       : rec.revoke;
    slot = std::move(*s);
  }
  return rec;
}

uint64_t max_seq_in(const record& rec) {
  uint64_t out = 0;
  for (const auto* s : {&rec.set_level, &rec.delegate, &rec.revoke})
    if (*s) out = std::max(out, (*s)->a.issuer_seq);
  return out;
}

}  // namespace

std::vector<uint8_t> trust_set::encode() const {
  storage::byte_writer w;
  w.put_raw(magic, sizeof(magic));
  w.put_u8(snapshot_version);
  put_key(w, own_);
  w.put_varint(own_records_.size());
  for (const auto& [subject, rec] : own_records_) {
    put_key(w, subject);
    put_record(w, rec);
  }
  w.put_varint(foreign_.size());
  for (const auto& [issuer, subjects] : foreign_) {
    put_key(w, issuer);
    w.put_varint(subjects.size());
    for (const auto& [subject, rec] : subjects) {
      put_key(w, subject);
      put_record(w, rec);
    }
  }
  w.put_varint(highest_.size());
  for (const auto& [issuer, seq] : highest_) {
    put_key(w, issuer);
    w.put_varint(seq);
  }
  w.put_varint(known_.size());
  for (const auto& key : known_) put_key(w, key);
  return w.take();
}

trust_result<trust_set> trust_set::decode(const uint8_t* data, size_t size,
                                          const pubkey& own, const limits& l) {
  storage::byte_reader r{data, size};
  const uint8_t* m = nullptr;
  if (!r.get_raw(sizeof(magic), m) || std::memcmp(m, magic, sizeof(magic)) != 0)
    return malformed("bad magic");
  auto version = r.get_u8();
  if (!version || *version != snapshot_version) return malformed("unknown version");
  trust_set ts{own, l};
  pubkey stored_own{};
  if (!get_key(r, stored_own)) return malformed("truncated own key");
  if (stored_own != own) return malformed("belongs to another node key");

  auto n_own = r.get_varint();
  if (!n_own) return malformed("truncated own record count");
  pubkey prev{};
  for (uint64_t i = 0; i < *n_own; ++i) {
    pubkey subject{};
    if (auto st = get_sorted_key(r, "own subject", i ? &prev : nullptr, subject); !st)
      return st.error();
    if (subject == own) return malformed("own record about this node");
    auto rec = get_record(r, own, subject, l);
    if (!rec) return rec.error();
    ts.own_records_.emplace(subject, std::move(*rec));
    prev = subject;
  }

  auto n_issuers = r.get_varint();
  if (!n_issuers) return malformed("truncated issuer count");
  for (uint64_t i = 0; i < *n_issuers; ++i) {
    pubkey issuer{};
    if (auto st = get_sorted_key(r, "issuer", i ? &prev : nullptr, issuer); !st)
      return st.error();
    if (issuer == own) return malformed("foreign records issued by this node");
    prev = issuer;
    auto n_subjects = r.get_varint();
    if (!n_subjects || *n_subjects == 0) return malformed("bad subject count");
    auto& subjects = ts.foreign_[issuer];
    pubkey prev_subject{};
    for (uint64_t j = 0; j < *n_subjects; ++j) {
      pubkey subject{};
      if (auto st = get_sorted_key(r, "subject", j ? &prev_subject : nullptr, subject);
          !st)
        return st.error();
      if (subject == issuer) return malformed("record of an issuer about itself");
      auto rec = get_record(r, issuer, subject, l);
      if (!rec) return rec.error();
      subjects.emplace(subject, std::move(*rec));
      prev_subject = subject;
    }
  }

  auto n_seqs = r.get_varint();
  if (!n_seqs) return malformed("truncated seq count");
  for (uint64_t i = 0; i < *n_seqs; ++i) {
    pubkey issuer{};
    if (auto st = get_sorted_key(r, "seq issuer", i ? &prev : nullptr, issuer); !st)
      return st.error();
    auto seq = r.get_varint();
    if (!seq || *seq == 0) return malformed("bad highest seq");
    ts.highest_.emplace(issuer, *seq);
    prev = issuer;
  }

  auto n_known = r.get_varint();
  if (!n_known) return malformed("truncated known key count");
  ts.known_.clear();
  for (uint64_t i = 0; i < *n_known; ++i) {
    pubkey key{};
    if (auto st = get_sorted_key(r, "known", i ? &prev : nullptr, key); !st)
      return st.error();
    ts.known_.insert(key);
    prev = key;
  }
  if (!r.at_end()) return malformed(std::to_string(r.remaining()) + " trailing bytes");

  // Cross-checks: every held seq is covered by its issuer's highest, every key
  // is known.
  auto known = [&](const pubkey& k) { return ts.known_.count(k) == 1; };
  if (!known(own)) return malformed("own key missing from the known keys");
  for (const auto& [subject, rec] : ts.own_records_) {
    if (max_seq_in(rec) > ts.highest_seq(own)) return malformed("own seq above highest");
    if (!known(subject)) return malformed("subject missing from the known keys");
  }
  for (const auto& [issuer, subjects] : ts.foreign_) {
    if (!known(issuer)) return malformed("issuer missing from the known keys");
    for (const auto& [subject, rec] : subjects) {
      if (max_seq_in(rec) > ts.highest_seq(issuer))
        return malformed("issuer seq above its highest");
      if (!known(subject)) return malformed("subject missing from the known keys");
    }
  }
  for (const auto& [issuer, seq] : ts.highest_)
    if (!known(issuer)) return malformed("seq issuer missing from the known keys");
  ts.rebuild_indexes();
  return ts;
}

}  // namespace nz::trust
