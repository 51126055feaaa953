// The materialised trust state of one node, derived from its trust log: what
// this node says about other keys (own records), what other issuers said that
// this node accepted (foreign records), and the replay-protection counters.
// A value type: deterministic, copyable, comparable; rebuild(log) equals the
// incrementally maintained set (tests/unit/trust/property_test.cpp).
//
// Rules applied here (admission rules for new input are in check_own and
// sync_rules.hpp; evaluation is in evaluator.hpp):
// - Revocation is keyed on the subject's 32-byte key, never on signature bytes,
//   and is permanent per (issuer, subject): a revoke empties the record's
//   set_level/delegate, later set_level/delegate about the key from that issuer
//   are ignored, and a remove never deletes it. A revoke by this node also makes
//   foreign set_level/delegate about the key ignored.
// - issuer_seq is strictly increasing per issuer; an assertion at or below the
//   highest seen is ignored (stale_seq), whatever its bytes.
// - Flooding: a subject keeps foreign records from at most
//   max_third_party_per_subject issuers. sync_rules refuses more (at `now`); when
//   a new foreign issuer is applied to a full subject, apply() first drops that
//   subject's records that hold no revoke and whose assertions are all expired
//   at the new assertion's created_ms (deterministic: a function of the log).
// - Own next issuer_seq = highest own seq + 1.
//
// Thread rules: one thread at a time (the trust actor owns it). Not a cache:
// nothing mutable behind const.
#pragma once

#include "actors/trust/core/record.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nz::trust {

/// What apply() did with a log entry. Every value but `applied` means the entry
/// changed nothing except, for revoked_subject and self_subject, the issuer's
/// highest seq (the issuer did issue that seq).
enum class apply_status : uint8_t {
  applied = 0,
  /// issuer_seq <= highest seen for the issuer.
  stale_seq = 1,
  /// set_level/delegate about a key revoked by this node or by the same issuer.
  revoked_subject = 2,
  /// issuer == subject.
  self_subject = 3,
  /// Fails validate() with this set's limits.
  malformed = 4,
};

/// "applied", "stale_seq", "revoked_subject", "self_subject", "malformed".
const char* to_string(apply_status x);

class trust_set {
 public:
  /// Snapshot format version (encode/decode).
  static constexpr uint8_t snapshot_version = 1;

  trust_set(const pubkey& own, const limits& l = {});

  // -- mutation ---------------------------------------------------------------

  /// Applies an assertion that was accepted into the log (by check_own or
  /// check_batch). Does not verify the signature (the log was verified).
  /// Deterministic: the same sequence gives the same set.
  [[nodiscard]] apply_status apply(const signed_assertion& s);

  /// Validates a new own assertion before it is signed and logged. Errors:
  /// not_own (issuer is not this node), malformed, limit (labels, depth,
  /// max_trusted), self_subject, replayed_seq (issuer_seq != next_own_seq()),
  /// expired (expires_ms <= now_ms), revoked_subject (the subject is revoked:
  /// set_level, delegate and a second revoke are refused), nothing_to_remove.
  [[nodiscard]] trust_status check_own(const assertion& a, int64_t now_ms) const;

  // -- queries ----------------------------------------------------------------

  const pubkey& own_key() const { return own_; }
  const limits& bounds() const { return limits_; }
  /// Replaces the limits (configuration reload). Existing state is kept even
  /// if it exceeds the new limits; they apply to new input.
  void set_bounds(const limits& l) { limits_ = l; }

  uint64_t next_own_seq() const { return highest_seq(own_) + 1; }
  /// Highest issuer_seq seen from `issuer`; 0 if none.
  uint64_t highest_seq(const pubkey& issuer) const;

  /// This node's record about `subject`, or nullptr.
  const record* own_record(const pubkey& subject) const;
  /// `issuer`'s record about `subject` (foreign issuers only), or nullptr.
  const record* foreign_record(const pubkey& issuer, const pubkey& subject) const;
  bool revoked_by_self(const pubkey& subject) const;
  /// Subjects with a direct set_level or delegate by this node.
  size_t trusted_count() const { return trusted_count_; }

  const std::map<pubkey, record>& own_records() const { return own_records_; }
  /// issuer -> subject -> record.
  const std::map<pubkey, std::map<pubkey, record>>& foreign_records() const {
    return foreign_;
  }
  const std::map<pubkey, uint64_t>& highest_seqs() const { return highest_; }

  // -- indexes (derived; for the evaluator) -------------------------------------

  /// Subjects this node holds a delegate about.
  const std::set<pubkey>& own_delegates() const { return own_delegates_; }
  /// Subjects the foreign `issuer` holds a delegate about, or nullptr.
  const std::set<pubkey>* delegates_of(const pubkey& issuer) const;
  /// Foreign issuers holding a record about `subject`, or nullptr.
  const std::set<pubkey>* issuers_about(const pubkey& subject) const;

  // -- node ids ---------------------------------------------------------------

  /// Every key this set has seen (own, issuers, subjects).
  const std::set<pubkey>& known_keys() const { return known_; }
  /// The known key whose node id (keys.hpp) is `id`, or starts with `id` if
  /// `id` has 8..63 characters. Case-insensitive. Errors: unknown_node_id (no
  /// match, an ambiguous prefix, fewer than 8 or non-hex characters).
  trust_result<pubkey> find_node_id(std::string_view id) const;

  // -- snapshot (docs/trust.md, "Snapshot") -------------------------------------

  std::vector<uint8_t> encode() const;
  /// Strict inverse of encode: truncation, trailing bytes, unsorted or duplicate
  /// keys, empty records, assertions in the wrong slot or with the wrong
  /// issuer/subject, a record holding a revoke and more, seqs above the issuer's
  /// recorded highest, keys missing from the known set, and an own key other
  /// than `own` are errors (malformed). Signatures are not re-verified: a
  /// snapshot is local state protected by storage checksums; the log is the
  /// authority (trust_log.hpp verifies it). encode(decode(b)) == b.
  static trust_result<trust_set> decode(const uint8_t* data, size_t size,
                                        const pubkey& own, const limits& l = {});

  /// Compares the state (not the limits, not derived indexes).
  friend bool operator==(const trust_set& x, const trust_set& y);
  friend bool operator!=(const trust_set& x, const trust_set& y) { return !(x == y); }

 private:
  void learn(const pubkey& key);
  void reindex(const pubkey& issuer, const pubkey& subject, const record& before,
               const record& after);
  void make_room(const pubkey& subject, int64_t at_ms);
  void rebuild_indexes();

  pubkey own_;
  limits limits_;
  std::map<pubkey, record> own_records_;
  std::map<pubkey, std::map<pubkey, record>> foreign_;
  std::map<pubkey, uint64_t> highest_;
  std::set<pubkey> known_;
  // -- derived --
  size_t trusted_count_ = 0;
  std::set<pubkey> own_delegates_;
  std::map<pubkey, std::set<pubkey>> foreign_delegates_;
  std::map<pubkey, std::set<pubkey>> issuers_about_;
  std::map<std::string, pubkey> node_ids_;
};

}  // namespace nz::trust
