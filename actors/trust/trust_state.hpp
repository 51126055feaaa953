// Internals of the trust actor (actors/trust/trust_actor.hpp), shared by its
// files: trust_actor.cpp (requests and the behaviour), trust_durability.cpp
// (readiness, one change at a time, durability, snapshots, appends) and
// trust_load.cpp (start: read, verify, replay). Not for use outside
// actors/trust/.
#pragma once

#include "actors/trust/trust_actor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>

#include <fmt/format.h>
#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/trust/core/assertion.hpp"
#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/bundle.hpp"
#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/keys.hpp"
#include "actors/trust/core/signature.hpp"
#include "actors/trust/core/sync_rules.hpp"
#include "actors/trust/core/trust_set.hpp"
#include "actors/trust/trust_snapshot.hpp"
#include "actors/trust/trust_views.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/sealed_log/sealed_log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/unix_time.hpp"

namespace nz::trust_actor_detail {

inline constexpr const char* log_ns = "nz.trust.log";
/// Chain domain of the trust log; an entry's payload is one encoded signed
/// assertion (docs/trust.md).
inline constexpr const char* log_domain = "nz-trust-log";
inline constexpr const char* state_ns = "nz.trust.state";

using thunk = std::function<void()>;

struct trust_state {
  std::shared_ptr<service_registry> reg;
  trust_options opts;
  trust::limits limits;
  storage_actor storage;
  identity_actor identity;
  std::optional<trust::trust_set> set;
  bool ready = false;
  /// Set when the stored log failed verification at start: nothing is served.
  std::optional<chain::break_info> damage;
  std::deque<thunk> deferred;
  chain::appender app{log_domain};
  /// Changes are serialised: each runs to the point where it is applied in
  /// memory and handed to storage before the next starts.
  std::deque<thunk> ops;
  bool op_running = false;
  uint64_t durable_seq = 0;
  std::deque<std::pair<uint64_t, thunk>> waiters;
  /// Reads that arrived while changes were queued or running: they wait until
  /// those changes have been handed to storage, then for their durability.
  std::deque<thunk> blocked_reads;
  uint64_t snapshot_seq = 0;
  bool snapshot_in_flight = false;
  /// The evaluator of the last lookup (it walks the delegation graph once),
  /// reused while the set is unchanged (same log position) and no assertion
  /// has expired since it was built.
  std::optional<trust::evaluator> eval_cache;
  uint64_t eval_seq = 0;
  int64_t eval_valid_from = 0;
  int64_t eval_valid_until = 0;
  static inline const char* name = "nz.trust";
};

using self_ptr = trust_actor::stateful_pointer<trust_state>;

int64_t now_ms(self_ptr self);

/// Limits for decoding stored log entries: the largest any configuration allows,
/// so that lowering a configured limit never makes an intact log unreadable
/// (trust_set::apply then ignores entries beyond the current limits,
/// deterministically).
trust::limits decode_limits();

caf::error core_error(const trust::trust_error& e);

caf::error damaged_error(const trust_state& st);

void when_ready(self_ptr self, thunk fn);

void run_next_op(self_ptr self);

/// Queues a change; it must call op_done(self) once it has handed its entries
/// to storage (or failed).
void enqueue_op(self_ptr self, thunk fn);

/// Runs fn once every change queued or applied so far is durable. A change
/// that ends without appending (its signing failed) releases the reads queued
/// behind it too (op_done).
void after_durable(self_ptr self, thunk fn);

void op_done(self_ptr self);

void run_waiters(self_ptr self);

void write_snapshot(self_ptr self, thunk on_done);

/// Appends one signed assertion to the log: applies it in memory, hands it to
/// storage, and calls on_durable(log seq) once it is durable.
void append(self_ptr self, const trust::signed_assertion& sa,
            std::function<void(uint64_t)> on_durable);

void become_ready(self_ptr self, std::string note);

void mark_damaged(self_ptr self, chain::break_info info);

void replay(self_ptr self, std::vector<sealed_log::stored_record> records,
            std::optional<trust::snapshot_record> snap, std::string snap_note);

bool is_storage_error(const caf::error& err, storage_errc code);

/// Reads the snapshot (meta record, then its chunks); on_done gets it, or
/// nullopt with a note when there is none or it is unusable.
void load_snapshot(
    self_ptr self,
    std::function<void(std::optional<trust::snapshot_record>, std::string)> on_done);

void load(self_ptr self);

}  // namespace nz::trust_actor_detail
