// The storage actor: journals and snapshots, the flush, shutdown phases,
// start-up and the behaviour; the sealed kv requests are in storage_kv.cpp
// (storage_state.hpp).
#include "storage/storage_actor.hpp"

#include <algorithm>

#include <sodium.h>
#include <caf/actor_system.hpp>

#include "messages/identity_api.hpp"
#include "storage/storage_state.hpp"

namespace nz::storage_actor_detail {

caf::error to_caf(const storage::store_error& e) {
  switch (e.code) {
    case store_errc::lmdb_failure:
      return make_error(storage_errc::lmdb_failure, e.message);
    case store_errc::corrupt_record:
      return make_error(storage_errc::corrupt_record, e.message);
    case store_errc::sequence_gap:
      return make_error(storage_errc::sequence_gap, e.message);
    case store_errc::limit_exceeded:
    case store_errc::invalid_argument:
      return make_error(storage_errc::limit_exceeded, e.message);
    case store_errc::closed:
      return make_error(storage_errc::closed, e.message);
    case store_errc::recovery_failed:
      return make_error(core_errc::recovery_failed, e.message);
  }
  return make_error(storage_errc::lmdb_failure, e.message);
}

caf::error closed_error() {
  return make_error(storage_errc::closed, "storage environment is closed");
}

bool is_open(self_ptr self) {
  return self->state.store && self->state.store->is_open();
}

void report_commit_time(self_ptr self, double seconds) {
  report(self, add_atom::value, "nzcore_journal_commits_total", {}, 1.0);
  report(self, observe_atom::value, "nzcore_journal_commit_seconds", {}, seconds);
}

void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (!st.flush_scheduled) {
    // Goes to the back of the mailbox: requests already queued join this commit.
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

}  // namespace nz::storage_actor_detail

namespace nz {

namespace {

using namespace storage_actor_detail;

// -- metrics ------------------------------------------------------------------

void report_commit(self_ptr self, const std::vector<stream_record>& batch,
                   const stream_record* snap, const storage::commit_info& info,
                   double seconds) {
  report_commit_time(self, seconds);
  std::map<std::string, size_t> per_stream;
  for (auto& r : batch) ++per_stream[r.stream];
  for (auto& [stream, n] : per_stream)
    report(self, add_atom::value, "nzcore_journal_entries_total", {stream},
           static_cast<double>(n));
  if (snap) {
    report(self, add_atom::value, "nzcore_snapshots_written_total", {snap->stream}, 1.0);
    report(self, set_atom::value, "nzcore_snapshot_bytes", {snap->stream},
           static_cast<double>(info.snapshot_bytes));
  }
}

// -- group commit -------------------------------------------------------------

/// Commits every buffered append (and `snap`, if any) in one transaction and
/// answers the buffered requesters with their seq or the commit's error.
storage::store_result<storage::commit_info> commit_pending(self_ptr self,
                                                           const stream_record* snap) {
  auto& st = self->state;
  std::vector<stream_record> batch;
  std::vector<caf::typed_response_promise<uint64_t>> promises;
  batch.swap(st.pending);
  promises.swap(st.promises);
  st.pending_last.clear();
  if (batch.empty() && snap == nullptr) return storage::commit_info{};
  auto t0 = std::chrono::steady_clock::now();
  auto res = st.store->commit(batch, snap);
  std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
  if (!res) {
    auto err = to_caf(res.error());
    for (auto& rp : promises) rp.deliver(err);
    return res;
  }
  for (size_t i = 0; i < batch.size(); ++i) promises[i].deliver(batch[i].seq);
  report_commit(self, batch, snap, *res, dt.count());
  return res;
}

// -- handlers -----------------------------------------------------------------

caf::result<uint64_t> on_append(self_ptr self, std::string& stream, uint64_t seq,
                                bytes& data) {
  auto& st = self->state;
  if (!is_open(self)) return closed_error();
  uint64_t prev = 0;
  if (auto i = st.pending_last.find(stream); i != st.pending_last.end()) {
    prev = i->second;
  } else {
    auto last = st.store->last_seq(stream);
    if (!last) return to_caf(last.error());
    prev = *last;
  }
  stream_record rec{std::move(stream), seq, std::move(data)};
  if (auto ok = st.store->check_append(rec, prev); !ok) return to_caf(ok.error());
  st.pending_last[rec.stream] = seq;
  st.pending.push_back(std::move(rec));
  auto rp = self->make_response_promise<uint64_t>();
  st.promises.push_back(rp);
  if (!st.flush_scheduled) {
    // Goes to the back of the mailbox: appends already queued join this commit.
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
  return rp;
}

caf::result<uint64_t> on_snapshot(self_ptr self, std::string& stream, uint64_t seq,
                                  bytes& data) {
  auto& st = self->state;
  if (!is_open(self)) return closed_error();
  stream_record snap{std::move(stream), seq, std::move(data)};
  // Buffered appends were checked one by one, so an error here is the
  // snapshot's; the appends stay buffered for the scheduled flush.
  if (auto ok = st.store->validate(st.pending, &snap); !ok) return to_caf(ok.error());
  auto res = commit_pending(self, &snap);
  if (!res) return to_caf(res.error());
  return static_cast<uint64_t>(res->snapshot_bytes);
}

caf::result<load_result> on_load(self_ptr self, const std::string& stream) {
  auto& st = self->state;
  if (!is_open(self)) return closed_error();
  // A failed commit has answered its own requesters; the load still reads
  // what is durable.
  static_cast<void>(commit_pending(self, nullptr));
  auto loaded = st.store->load(stream);
  if (!loaded) return to_caf(loaded.error());
  if (loaded->fallbacks > 0)
    report(self, add_atom::value, "nzcore_snapshot_fallbacks_total", {stream},
           static_cast<double>(loaded->fallbacks));
  load_result out;
  out.stream = std::move(loaded->stream);
  out.snapshot_seq = loaded->snapshot_seq;
  out.snapshot = std::move(loaded->snapshot);
  out.journal.reserve(loaded->journal.size());
  for (auto& e : loaded->journal)
    out.journal.push_back(journal_record{e.seq, std::move(e.payload)});
  out.warnings = std::move(loaded->warnings);
  return out;
}

/// The flush: commits buffered appends, then the buffered kv writes once their
/// group is ready (else it waits for kv_deadline), then serves the buffered
/// reads, which must see every write that arrived before them.
void on_flush(self_ptr self) {
  auto& st = self->state;
  if (self->current_sender() == nullptr)
    st.kv_timer_armed = false;  // the group-commit deadline (arm_kv_timer)
  else
    st.flush_scheduled = false;
  if (!is_open(self)) return;
  static_cast<void>(commit_pending(self, nullptr));
  if (st.kv_counting) {
    // The first flush after a kv commit: the writes buffered now arrived during
    // that commit; the writers it answered may come back next.
    st.kv_counting = false;
    st.kv_target = st.kv_answered + st.kv_pending.size();
    st.kv_deadline = self->clock().now() + std::min(st.kv_last_commit, st.kv_linger);
  }
  if (!st.kv_pending.empty()) {
    if (kv_ready(self))
      commit_kv_pending(self);
    else
      arm_kv_timer(self);
  }
  if (st.kv_pending.empty()) serve_reads(self);
}

caf::result<uint8_t> on_phase(self_ptr self, uint8_t phase) {
  if (phase >= shutdown_phase_count)
    return caf::make_error(caf::sec::invalid_argument,
                           "unknown shutdown phase " + std::to_string(phase));
  bool closing = phase == static_cast<uint8_t>(shutdown_phase::close_storage);
  if (!is_open(self))
    return closing ? caf::result<uint8_t>{phase} : caf::result<uint8_t>{closed_error()};
  auto res = commit_pending(self, nullptr);
  commit_kv_pending(self);
  if (self->state.kv) serve_reads(self);
  if (closing) {
    self->state.kv.reset();
    self->state.store->close();
  }
  if (!res) return to_caf(res.error());
  return phase;
}

/// Asks the identity for the storage subkey (before anything else is served)
/// and opens the sealed store with it.
void open_sealed_store(self_ptr self, const storage_options& opts) {
  auto id = opts.find_identity ? opts.find_identity() : caf::actor{};
  if (!id) {
    self->quit(make_error(storage_errc::no_storage_key, "identity actor not found"));
    return;
  }
  storage::kv_limits limits;
  limits.max_key = opts.kv_max_key;
  limits.max_value = opts.kv_max_value;
  limits.max_file = opts.kv_max_file;
  self->request(caf::actor_cast<identity_actor>(id), std::chrono::seconds(10),
                subkey_atom::value, static_cast<uint8_t>(subkey_purpose::storage))
      .await(
          [self, limits](bytes& key) {
            auto session =
                storage::kv_session::open(self->state.store->env(), key.data(), limits);
            sodium_memzero(key.data(), key.size());
            if (!session) {
              self->quit(to_caf(session.error()));
              return;
            }
            self->state.kv = std::move(*session);
          },
          [self](caf::error& err) { self->quit(std::move(err)); });
}

storage_actor::behavior_type storage_impl(self_ptr self,
                                          std::shared_ptr<journal_store> store,
                                          storage_options opts) {
  self->state.store = std::move(store);
  self->state.find_metrics = opts.find_metrics;
  self->state.kv_linger =
      std::chrono::duration_cast<caf::timespan>(opts.kv_commit_linger);
  if (opts.find_identity) open_sealed_store(self, opts);
  return {
      [self](append_atom, std::string& stream, uint64_t seq, bytes& data) {
        return on_append(self, stream, seq, data);
      },
      [self](snapshot_atom, std::string& stream, uint64_t seq, bytes& data) {
        return on_snapshot(self, stream, seq, data);
      },
      [self](load_atom, const std::string& stream) { return on_load(self, stream); },
      [self](flush_atom) { on_flush(self); },
      [self](phase_atom, uint8_t phase) { return on_phase(self, phase); },
      [self](kv_put_atom, uint8_t table, std::string& ns, bytes& key, bytes& value) {
        return on_kv_write(self, table == 1
                                     ? storage::kv_op::file_put(
                                         std::move(ns), std::move(key), std::move(value))
                                     : storage::kv_op::put(std::move(ns), std::move(key),
                                                           std::move(value)));
      },
      [self](kv_get_atom, uint8_t table, std::string& ns, bytes& key) {
        return on_kv_get(self, table, ns, key);
      },
      [self](kv_del_atom, uint8_t table, std::string& ns, bytes& key) {
        return on_kv_write(
            self, table == 1 ? storage::kv_op::file_del(std::move(ns), std::move(key))
                             : storage::kv_op::del(std::move(ns), std::move(key)));
      },
      [self](kv_get_many_atom, uint8_t table, std::string& ns, std::vector<bytes>& keys) {
        return on_kv_get_many(self, table, ns, keys);
      },
      [self](kv_batch_atom, std::vector<kv_write>& writes) {
        return on_kv_batch(self, writes);
      },
      [self](kv_list_atom, uint8_t table, const std::string& ns, const bytes& prefix,
             uint32_t limit, const bytes& cursor) {
        return on_kv_list(self, table, ns, prefix, limit, cursor);
      },
  };
}

}  // namespace

caf::expected<storage_actor> spawn_storage(caf::actor_system& sys, storage_options opts) {
  storage::store_options so;
  so.dir = opts.dir;
  so.map_size = opts.map_size;
  so.snapshots_kept = opts.snapshots_kept;
  auto store = journal_store::open(so);
  if (!store) return to_caf(store.error());
  auto ptr = std::make_shared<journal_store>(std::move(*store));
  if (opts.detached)
    return sys.spawn<caf::detached>(storage_impl, std::move(ptr), std::move(opts));
  return sys.spawn(storage_impl, std::move(ptr), std::move(opts));
}

}  // namespace nz
