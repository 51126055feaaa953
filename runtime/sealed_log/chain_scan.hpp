// Reading a hash chain back from sealed storage: pure, no CAF.
//
// A chain (runtime/chain/) is stored one entry per sealed kv
// record of its own namespace, keyed by the entry's sequence number as 8
// big-endian bytes, so that the storage's key order is the chain order.
// scan_chain() walks such records in key order and stops at the first one that
// breaks the chain: a record that failed to open (storage reported it
// corrupt: a flipped byte, or a record moved under another key, since the
// sealing binds the key), a key that is not the next sequence number (a dropped
// or an inserted entry), or an entry the chain verifier rejects (wrong
// previous hash, wrong seq, does not decode). Everything before the break is
// returned and usable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/chain/appender.hpp"
#include "runtime/chain/entry.hpp"
#include "runtime/chain/verifier.hpp"

namespace nz::sealed_log {

/// One record as the storage returned it.
struct stored_record {
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
  /// Non-empty when the record failed to open; the storage's message.
  std::string error;
};

struct chain_scan {
  /// The valid prefix of the chain, in order.
  std::vector<chain::entry> entries;
  /// Hash of each entry of `entries` (same index).
  std::vector<chain::hash32> hashes;
  /// The first break, if any.
  std::optional<chain::break_info> broken;
  /// Head of the valid prefix (zeros when empty).
  chain::hash32 head{};
};

/// The record key of sequence number `seq`.
std::vector<uint8_t> seq_key(uint64_t seq);

/// The sequence number a record key names; nullopt unless it is 8 bytes.
std::optional<uint64_t> seq_of(const std::vector<uint8_t>& key);

/// Walks `records` (ascending key order, as listed) as a chain with `domain`.
chain_scan scan_chain(const std::string& domain,
                      const std::vector<stored_record>& records);

}  // namespace nz::sealed_log
