// The storage actor's sealed kv requests (storage_state.hpp says how the
// actor's files divide the work).
#include "storage/storage_state.hpp"

namespace nz::storage_actor_detail {

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
    report_commit_time(self, dt.count());
  }
}

caf::error no_kv_error() {
  return make_error(storage_errc::no_storage_key,
                    "sealed storage is not available (no storage key from the identity)");
}

bool kv_ready(self_ptr self) {
  auto& st = self->state;
  if (st.kv_counting) return false;  // the flush after the commit decides
  return st.kv_pending.size() >= st.kv_target || self->clock().now() >= st.kv_deadline;
}

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

namespace {

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

}  // namespace

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
    report_commit_time(self, dt.count());
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

}  // namespace nz::storage_actor_detail
