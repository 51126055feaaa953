// Typed interface of the storage actor: durable journals and checksummed
// snapshots for stateful actors (see docs/architecture.md, "Replay").
//
// Contract:
// - `append(stream, seq, data)` replies with `seq` only once the entry is durable
//   (committed and fsynced). Entries of a stream must arrive with consecutive
//   sequence numbers starting at 1; a gap is answered with storage_errc::sequence_gap.
//   Appends that arrive together share one commit (group commit).
// - `snapshot(stream, seq, data)` stores a snapshot of the state after entry `seq`
//   (all earlier pending appends are committed first, in the same transaction),
//   keeps the previous snapshot for fallback and drops journal entries that no
//   retained snapshot needs. Replies with the number of bytes stored.
// - `load(stream)` commits pending appends, then returns the newest snapshot whose
//   checksum verifies plus every journal entry after it. A snapshot that fails its
//   checksum is skipped and named in `warnings`; if no usable base remains
//   (entries were truncated that only the corrupt snapshot covered) the reply is
//   core_errc::recovery_failed, never an empty state.
// - `phase(p)` takes part in the shutdown coordinator's phases; in the storage
//   close phase it commits everything pending and closes the environment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/kv_api.hpp"

namespace nz {

using bytes = std::vector<uint8_t>;

/// One journal entry of a stream.
struct journal_record {
  uint64_t seq = 0;
  bytes data;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journal_record& x) {
  return f(caf::meta::type_name("nz.journal_record"), x.seq, x.data);
}

/// What a stateful actor needs to rebuild its state.
struct load_result {
  std::string stream;
  /// Sequence number the snapshot covers; 0 when there is no snapshot.
  uint64_t snapshot_seq = 0;
  bytes snapshot;
  /// Entries with seq > snapshot_seq, ascending and consecutive.
  std::vector<journal_record> journal;
  /// Human-readable notes about recovery, e.g. a corrupt snapshot skipped.
  std::vector<std::string> warnings;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_result& x) {
  return f(caf::meta::type_name("nz.load_result"), x.stream, x.snapshot_seq, x.snapshot,
           x.journal, x.warnings);
}

/// Shutdown phases, run in this order by the shutdown coordinator.
enum class shutdown_phase : uint8_t {
  stop_accepting = 0,  ///< refuse new operator/API requests
  drain = 1,           ///< finish in-flight work
  flush = 2,           ///< make journals durable and write final snapshots
  close_storage = 3,   ///< close the LMDB environment
};
inline constexpr uint8_t shutdown_phase_count = 4;
const char* to_string(shutdown_phase x);

using storage_actor = caf::typed_actor<
    caf::replies_to<append_atom, std::string, uint64_t, bytes>::with<uint64_t>,
    caf::replies_to<snapshot_atom, std::string, uint64_t, bytes>::with<uint64_t>,
    caf::replies_to<load_atom, std::string>::with<load_result>,
    caf::reacts_to<flush_atom>, caf::replies_to<phase_atom, uint8_t>::with<uint8_t>,
    // sealed kv and files (messages/kv_api.hpp): table, namespace, key, ...
    caf::replies_to<kv_put_atom, uint8_t, std::string, bytes, bytes>::with<bool>,
    caf::replies_to<kv_get_atom, uint8_t, std::string, bytes>::with<bytes>,
    caf::replies_to<kv_del_atom, uint8_t, std::string, bytes>::with<bool>,
    /// prefix, limit (0 = the configured maximum), cursor
    caf::replies_to<kv_list_atom, uint8_t, std::string, bytes, uint32_t,
                    bytes>::with<kv_listing>,
    /// keys -> found flags (1/0) and values, in key order (messages/kv_api.hpp)
    caf::replies_to<kv_get_many_atom, uint8_t, std::string,
                    std::vector<bytes>>::with<bytes, std::vector<bytes>>,
    /// writes -> one byte per write: 1 for a delete that removed a record
    caf::replies_to<kv_batch_atom, std::vector<kv_write>>::with<bytes>>;

}  // namespace nz
