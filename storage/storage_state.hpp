// Internals of the storage actor (storage/storage_actor.hpp), shared by its
// files: storage_actor.cpp (journals and snapshots, the flush, shutdown phases,
// start-up and the behaviour) and storage_kv.cpp (sealed kv: group-committed
// writes, batched reads, multi-gets, batches, listings). Not for use outside
// storage/.
#pragma once

#include "storage/storage_actor.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "messages/core_errors.hpp"
#include "messages/metrics_api.hpp"
#include "storage/journal_store.hpp"
#include "storage/kv_session.hpp"

namespace nz::storage_actor_detail {

using storage::journal_store;
using storage::store_errc;
using storage::stream_record;

struct storage_state {
  std::shared_ptr<journal_store> store;
  /// Buffered appends and their requesters, in arrival order.
  std::vector<stream_record> pending;
  std::vector<caf::typed_response_promise<uint64_t>> promises;
  /// Highest buffered seq per stream (the next append must follow it).
  std::map<std::string, uint64_t> pending_last;
  bool flush_scheduled = false;
  std::function<caf::actor()> find_metrics;
  /// Sealed kv/files; null without a storage key.
  std::unique_ptr<storage::kv_session> kv;
  /// Buffered kv writes and their requesters (group commit, like appends).
  std::vector<storage::kv_op> kv_pending;
  std::vector<caf::typed_response_promise<bool>> kv_promises;
  /// Group commit of kv writes (see kv_ready): after a commit, the next one
  /// waits until `kv_target` writes are pending (the writers just answered
  /// plus those that arrived during the commit) or until `kv_deadline`.
  bool kv_counting = false;  ///< the flush sent after a commit is still queued
  size_t kv_answered = 0;    ///< writes answered by the last commit
  size_t kv_target = 0;
  caf::actor_clock::time_point kv_deadline;
  caf::timespan kv_linger{0};  ///< longest wait; 0 commits at every flush
  caf::timespan kv_last_commit{0};
  bool kv_timer_armed = false;  ///< a deadline flush is on its way
  /// Buffered kv reads: served together in one read transaction at the flush.
  std::vector<bool> read_files;
  std::vector<std::string> read_ns;
  std::vector<bytes> read_keys;
  std::vector<caf::typed_response_promise<bytes>> read_promises;
  /// Buffered multi-gets (those that arrived while kv writes were pending).
  struct multi_read {
    bool files = false;
    std::string ns;
    std::vector<bytes> keys;
    caf::typed_response_promise<bytes, std::vector<bytes>> promise;
  };
  std::vector<multi_read> multi_reads;
  static inline const char* name = "nz.storage";
};

using self_ptr = storage_actor::stateful_pointer<storage_state>;

// -- shared helpers (storage_actor.cpp) ----------------------------------------

/// The storage error as the caf::error requesters get (storage_errc).
caf::error to_caf(const storage::store_error& e);
caf::error closed_error();
bool is_open(self_ptr self);
/// Sends the actor a flush unless one is queued; it goes to the back of the
/// mailbox, so requests already queued are handled first.
void schedule_flush(self_ptr self);

template <class Atom>
void report(self_ptr self, Atom atom, const char* family, label_values labels,
            double value) {
  if (!self->state.find_metrics) return;
  auto m = self->state.find_metrics();
  if (!m) return;
  caf::anon_send(caf::actor_cast<metrics_actor>(m), atom, std::string{family},
                 std::move(labels), value);
}

/// nzcore_journal_commits_total and nzcore_journal_commit_seconds of one commit.
void report_commit_time(self_ptr self, double seconds);

// -- sealed kv (storage_kv.cpp) -------------------------------------------------

caf::error no_kv_error();
/// Applies every buffered kv write in one transaction and answers the
/// requesters (puts: true; deletes: whether the record existed).
void commit_kv_pending(self_ptr self);
/// Whether the buffered kv writes should be committed now: the group is as
/// large as the last one in flight, or waiting longer is not worth it.
bool kv_ready(self_ptr self);
/// Makes sure a flush arrives at kv_deadline (at most one such timer).
void arm_kv_timer(self_ptr self);
/// Serves every buffered read in one read transaction (after the writes of the
/// same flush, so a read queued behind a write sees it).
void serve_reads(self_ptr self);

caf::result<bool> on_kv_write(self_ptr self, storage::kv_op op);
caf::result<bytes, std::vector<bytes>> on_kv_get_many(self_ptr self, uint8_t table,
                                                      std::string& ns,
                                                      std::vector<bytes>& keys);
caf::result<bytes> on_kv_get(self_ptr self, uint8_t table, std::string& ns, bytes& key);
caf::result<bytes> on_kv_batch(self_ptr self, std::vector<kv_write>& writes);
caf::result<kv_listing> on_kv_list(self_ptr self, uint8_t table, const std::string& ns,
                                   const bytes& prefix, uint32_t limit,
                                   const bytes& cursor);

}  // namespace nz::storage_actor_detail
