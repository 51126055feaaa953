// Fault-injection seams for corruption and recovery tests and for the chaos
// tooling (nz_storage_tool). They damage records in place exactly as a bad disk
// would: the checksum is left as it was.
//
// Thread rules: opens its own environment. REQUIRES: no other process or
// journal_store has `env_dir` open (run it on a stopped node); the in-memory
// caches of an open journal_store would not see the change anyway.
#pragma once

#include <cstdint>
#include <string>

#include "storage/store_status.hpp"

namespace nz::storage {

/// Flips one byte (the last payload byte, or the last checksum byte for an
/// empty payload) of the newest snapshot of `stream`. Returns its seq.
/// Errors: invalid_argument (bad stream name, or the stream has no snapshot),
/// lmdb_failure.
store_result<uint64_t> corrupt_newest_snapshot(const std::string& env_dir,
                                               const std::string& stream);

/// Same for the journal entry of `stream` at `seq`.
/// Errors: invalid_argument (bad name or no such entry), lmdb_failure.
store_status corrupt_journal_entry(const std::string& env_dir, const std::string& stream,
                                   uint64_t seq);

}  // namespace nz::storage
