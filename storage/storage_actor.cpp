#include "storage/storage_actor.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/metrics_api.hpp"
#include "storage/journal_store.hpp"
#include "storage/kv_session.hpp"

#include <sodium.h>

namespace nz {

namespace {

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

// -- metrics ------------------------------------------------------------------

template <class Atom>
void report(self_ptr self, Atom atom, const char* family, label_values labels,
            double value) {
  if (!self->state.find_metrics) return;
  auto m = self->state.find_metrics();
  if (!m) return;
  caf::anon_send(caf::actor_cast<metrics_actor>(m), atom, std::string{family},
                 std::move(labels), value);
}

void report_commit(self_ptr self, const std::vector<stream_record>& batch,
                   const stream_record* snap, const storage::commit_info& info,
                   double seconds) {
  report(self, add_atom::value, "nzcore_journal_commits_total", {}, 1.0);
  report(self, observe_atom::value, "nzcore_journal_commit_seconds", {}, seconds);
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

void schedule_flush(self_ptr self);

/// Applies every buffered kv write in one transaction and answers the
/// requesters (puts: true; deletes: whether the record existed).
void commit_kv_pending(self_ptr self) {
  auto& st = self->state;
  if (st.kv_pending.empty()) return;
  std::vector<storage::kv_op> ops;
  std::vector<caf::typed_response_promise<bool>> promises;
  ops.swap(st.kv_pending);
  promises.swap(st.kv_promises);
  std::vector<storage::kv_op_result> results;
  auto t0 = std::chrono::steady_clock::now();
  auto committed = st.kv->apply(ops, results);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  std::chrono::duration<double> dt = elapsed;
  if (st.kv_linger.count() > 0) {
    // Writes that arrived during the commit are queued before this flush;
    // the writers answered below can only queue theirs behind it. The flush
    // handler counts the former and sets the next target (on_flush).
    st.kv_counting = true;
    st.kv_answered = ops.size();
    st.kv_last_commit = std::chrono::duration_cast<caf::timespan>(elapsed);
    schedule_flush(self);
  }
  for (size_t i = 0; i < promises.size(); ++i) {
    if (!committed)
      promises[i].deliver(to_caf(committed.error()));
    else if (!results[i].status)
      promises[i].deliver(to_caf(results[i].status.error()));
    else
      promises[i].deliver(results[i].existed || ops[i].kind == storage::kv_op_kind::put
                          || ops[i].kind == storage::kv_op_kind::file_put);
  }
  for (auto& op : ops) storage::wipe(op.value);
  if (committed) {
    report(self, add_atom::value, "nzcore_journal_commits_total", {}, 1.0);
    report(self, observe_atom::value, "nzcore_journal_commit_seconds", {}, dt.count());
  }
}

void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (!st.flush_scheduled) {
    // Goes to the back of the mailbox: requests already queued join this commit.
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

caf::error no_kv_error() {
  return make_error(storage_errc::no_storage_key,
                    "sealed storage is not available (no storage key from the identity)");
}

/// Whether the buffered kv writes should be committed now: the group is as
/// large as the last one in flight, or waiting longer is not worth it.
bool kv_ready(self_ptr self) {
  auto& st = self->state;
  if (st.kv_counting) return false;  // the flush after the commit decides
  return st.kv_pending.size() >= st.kv_target || self->clock().now() >= st.kv_deadline;
}

/// Makes sure a flush arrives at kv_deadline (at most one such timer).
void arm_kv_timer(self_ptr self) {
  auto& st = self->state;
  if (st.kv_timer_armed) return;
  st.kv_timer_armed = true;
  // Anonymous (no sender), so that on_flush can tell it from schedule_flush's.
  // The member scheduled_anon_send of CAF 0.17 does pass a sender.
  auto delay = std::max(st.kv_deadline - self->clock().now(), caf::timespan{0});
  caf::delayed_anon_send(caf::actor_cast<storage_actor>(self), delay, flush_atom::value);
}

caf::result<bool> on_kv_write(self_ptr self, storage::kv_op op) {
  auto& st = self->state;
  if (!is_open(self)) return closed_error();
  if (!st.kv) return no_kv_error();
  st.kv_pending.push_back(std::move(op));
  auto rp = self->make_response_promise<bool>();
  st.kv_promises.push_back(rp);
  if (st.kv_counting || kv_ready(self))
    schedule_flush(self);
  else
    arm_kv_timer(self);
  return rp;
}

using many_reply = caf::result<bytes, std::vector<bytes>>;

/// A multi-get in one read transaction with one unlock of the key; the
/// returned error is empty on success.
caf::error read_many(self_ptr self, bool files, const std::string& ns,
                     const std::vector<bytes>& keys, bytes& found,
                     std::vector<bytes>& values) {
  if (auto res = self->state.kv->multi_get(files, ns, keys, found, values); !res)
    return to_caf(res.error());
  return {};
}

many_reply on_kv_get_many(self_ptr self, uint8_t table, std::string& ns,
                          std::vector<bytes>& keys) {
  auto& st = self->state;
  if (!is_open(self)) return closed_error();
  if (!st.kv) return no_kv_error();
  bool files = table == static_cast<uint8_t>(kv_table::files);
  // Nothing buffered to write: the store already holds everything that came
  // before this request.
  if (st.kv_pending.empty()) {
    bytes found;
    std::vector<bytes> values;
    if (auto err = read_many(self, files, ns, keys, found, values)) return err;
    return {std::move(found), std::move(values)};
  }
  auto rp = self->make_response_promise<bytes, std::vector<bytes>>();
  st.multi_reads.push_back({files, std::move(ns), std::move(keys), rp});
  return rp;
}

caf::result<bytes> on_kv_get(self_ptr self, uint8_t table, std::string& ns, bytes& key) {
  auto& st = self->state;
  if (!is_open(self)) return closed_error();
  if (!st.kv) return no_kv_error();
  st.read_files.push_back(table == static_cast<uint8_t>(kv_table::files));
  st.read_ns.push_back(std::move(ns));
  st.read_keys.push_back(std::move(key));
  auto rp = self->make_response_promise<bytes>();
  st.read_promises.push_back(rp);
  schedule_flush(self);
  return rp;
}

/// Serves every buffered read in one read transaction (after the writes of the
/// same flush, so a read queued behind a write sees it).
void serve_reads(self_ptr self) {
  auto& st = self->state;
  std::vector<storage_state::multi_read> multi;
  multi.swap(st.multi_reads);
  for (auto& r : multi) {
    bytes found;
    std::vector<bytes> values;
    if (auto err = read_many(self, r.files, r.ns, r.keys, found, values))
      r.promise.deliver(std::move(err));
    else
      r.promise.deliver(std::move(found), std::move(values));
  }
  if (st.read_keys.empty()) return;
  std::vector<bool> files;
  std::vector<std::string> ns;
  std::vector<bytes> keys;
  std::vector<caf::typed_response_promise<bytes>> promises;
  files.swap(st.read_files);
  ns.swap(st.read_ns);
  keys.swap(st.read_keys);
  promises.swap(st.read_promises);
  std::vector<bytes> values;
  std::vector<bool> found;
  std::vector<storage::store_status> status;
  auto res = st.kv->get_many(files, ns, keys, values, found, status);
  for (size_t i = 0; i < promises.size(); ++i) {
    if (!res)
      promises[i].deliver(to_caf(res.error()));
    else if (!status[i])
      promises[i].deliver(to_caf(status[i].error()));
    else if (!found[i])
      promises[i].deliver(make_error(
          storage_errc::not_found,
          "no "
              + storage::describe_record(
                  files[i] ? storage::record_domain::file : storage::record_domain::kv,
                  ns[i], storage::as_bytes(keys[i]))));
    else
      promises[i].deliver(std::move(values[i]));
  }
}

/// An atomic batch (messages/kv_api.hpp): the writes that reached the actor
/// before it commit first, then the batch alone in one transaction.
caf::result<bytes> on_kv_batch(self_ptr self, std::vector<kv_write>& writes) {
  auto& st = self->state;
  auto wipe_all = [&writes] {
    for (auto& w : writes) storage::wipe(w.value);
  };
  if (!is_open(self)) {
    wipe_all();
    return closed_error();
  }
  if (!st.kv) {
    wipe_all();
    return no_kv_error();
  }
  // Codes first, before any value leaves `writes` (which wipe_all covers).
  for (size_t i = 0; i < writes.size(); ++i) {
    auto& w = writes[i];
    if (w.op > static_cast<uint8_t>(kv_write_op::del)
        || w.table > static_cast<uint8_t>(kv_table::files)) {
      wipe_all();
      return make_error(storage_errc::limit_exceeded,
                        "batch op " + std::to_string(i) + " of "
                            + std::to_string(writes.size()) + ": unknown op "
                            + std::to_string(w.op) + " or table "
                            + std::to_string(w.table) + " (nothing written)");
    }
  }
  std::vector<storage::kv_op> ops;
  ops.reserve(writes.size());
  for (auto& w : writes) {
    bool files = w.table == static_cast<uint8_t>(kv_table::files);
    if (w.op == static_cast<uint8_t>(kv_write_op::put))
      ops.push_back(files ? storage::kv_op::file_put(std::move(w.ns), std::move(w.key),
                                                     std::move(w.value))
                          : storage::kv_op::put(std::move(w.ns), std::move(w.key),
                                                std::move(w.value)));
    else
      ops.push_back(files ? storage::kv_op::file_del(std::move(w.ns), std::move(w.key))
                          : storage::kv_op::del(std::move(w.ns), std::move(w.key)));
  }
  commit_kv_pending(self);
  bytes existed;
  auto t0 = std::chrono::steady_clock::now();
  auto res = st.kv->batch(ops, existed);
  std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
  for (auto& op : ops) storage::wipe(op.value);
  if (!res) return to_caf(res.error());
  if (!ops.empty()) {
    report(self, add_atom::value, "nzcore_journal_commits_total", {}, 1.0);
    report(self, observe_atom::value, "nzcore_journal_commit_seconds", {}, dt.count());
  }
  return existed;
}

caf::result<kv_listing> on_kv_list(self_ptr self, uint8_t table, const std::string& ns,
                                   const bytes& prefix, uint32_t limit,
                                   const bytes& cursor) {
  auto& st = self->state;
  if (!is_open(self)) return closed_error();
  if (!st.kv) return no_kv_error();
  auto page = st.kv->list(table == static_cast<uint8_t>(kv_table::files), ns,
                          storage::as_bytes(prefix), limit, storage::as_bytes(cursor));
  if (!page) return to_caf(page.error());
  kv_listing out;
  for (auto& e : page->entries) {
    out.keys.push_back(std::move(e.key));
    out.sizes.push_back(e.size);
  }
  out.cursor = std::move(page->cursor);
  return out;
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
