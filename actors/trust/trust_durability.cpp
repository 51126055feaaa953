// The trust actor's changes: readiness, one change at a time, durability,
// snapshots and appends (actors/trust/trust_state.hpp).
#include "actors/trust/trust_state.hpp"

namespace nz::trust_actor_detail {

int64_t now_ms(self_ptr self) {
  return self->state.opts.now_ms();
}

trust::limits decode_limits() {
  trust::limits l;
  l.max_delegation_depth = 8;  // the maximum of nzcore.trust-max-depth
  return l;
}

caf::error core_error(const trust::trust_error& e) {
  switch (e.code) {
    case trust::trust_errc::malformed:
    case trust::trust_errc::self_subject:
    case trust::trust_errc::expired:
    case trust::trust_errc::not_own:
      return make_error(trust_errc::invalid_argument, e.message);
    case trust::trust_errc::limit:
    case trust::trust_errc::subject_flooded:
    case trust::trust_errc::batch_too_large:
      return make_error(trust_errc::limit_exceeded, e.message);
    case trust::trust_errc::revoked_subject:
      return make_error(trust_errc::revoked, e.message);
    case trust::trust_errc::unknown_node_id:
      return make_error(trust_errc::unknown_key, e.message);
    case trust::trust_errc::nothing_to_remove:
      return make_error(trust_errc::not_found, e.message);
    default:
      return make_error(trust_errc::invalid_argument, e.message);
  }
}

caf::error damaged_error(const trust_state& st) {
  return make_error(
      trust_errc::damaged,
      fmt::format("the trust log is damaged at entry {}: {}; the node refuses "
                  "to serve its trust state (see `nzctl trust log --verify`)",
                  st.damage->seq, st.damage->reason));
}

// -- readiness, serialisation, durability ---------------------------------------

void when_ready(self_ptr self, thunk fn) {
  if (self->state.ready)
    fn();
  else
    self->state.deferred.push_back(std::move(fn));
}

void run_next_op(self_ptr self) {
  auto& st = self->state;
  if (st.op_running || st.ops.empty()) return;
  st.op_running = true;
  auto fn = std::move(st.ops.front());
  st.ops.pop_front();
  fn();
}

void enqueue_op(self_ptr self, thunk fn) {
  self->state.ops.push_back(std::move(fn));
  run_next_op(self);
}

void after_durable(self_ptr self, thunk fn) {
  auto& st = self->state;
  if (st.op_running || !st.ops.empty())
    st.blocked_reads.push_back(std::move(fn));
  else if (st.durable_seq >= st.app.last_seq())
    fn();
  else
    st.waiters.emplace_back(st.app.last_seq(), std::move(fn));
}

void op_done(self_ptr self) {
  auto& st = self->state;
  st.op_running = false;
  run_next_op(self);
  if (st.op_running || !st.ops.empty() || st.blocked_reads.empty()) return;
  auto reads = std::move(st.blocked_reads);
  st.blocked_reads.clear();
  for (auto& fn : reads) after_durable(self, std::move(fn));
}

void run_waiters(self_ptr self) {
  auto& st = self->state;
  while (!st.waiters.empty() && st.waiters.front().first <= st.durable_seq) {
    auto fn = std::move(st.waiters.front().second);
    st.waiters.pop_front();
    fn();
  }
}

void write_snapshot(self_ptr self, thunk on_done) {
  auto& st = self->state;
  if (st.snapshot_in_flight || st.snapshot_seq == st.app.last_seq() || st.damage) {
    if (on_done) after_durable(self, std::move(on_done));
    return;
  }
  st.snapshot_in_flight = true;
  auto seq = st.app.last_seq();
  auto records = trust::split_snapshot({seq, st.app.head(), st.set->encode()});
  // The puts are queued behind the log entries they cover, and storage applies
  // puts in order, so the snapshot is never durable before them; its meta
  // record goes last. A failure only costs the snapshot (a start then replays
  // more of the log): it is logged and counted, never fatal.
  auto pending = std::make_shared<size_t>(records.size());
  auto failed = std::make_shared<std::string>();
  for (auto& [key, value] : records) {
    auto finish = [self, seq, on_done, pending, failed] {
      if (--*pending > 0) return;
      auto& st = self->state;
      st.snapshot_in_flight = false;
      if (failed->empty()) {
        st.snapshot_seq = seq;
      } else {
        log::warn("trust", "snapshot at {} not stored: {}", seq, *failed);
        metric_add(*st.reg, "nzcore_trust_snapshot_failures_total", {});
      }
      if (on_done) on_done();
    };
    sealed_log::put_record(self, st.storage, state_ns, std::move(key), std::move(value),
                           st.opts.storage_timeout, finish,
                           [self, failed, finish](caf::error err) {
                             if (failed->empty()) *failed = self->system().render(err);
                             finish();
                           });
  }
}

void append(self_ptr self, const trust::signed_assertion& sa,
            std::function<void(uint64_t)> on_durable) {
  auto& st = self->state;
  auto e = st.app.next(now_ms(self), trust::encode(sa));
  st.app.advance(e);
  auto status = st.set->apply(sa);
  if (status != trust::apply_status::applied)
    log::warn("trust", "log entry {} changed nothing ({})", e.seq,
              trust::to_string(status));
  auto seq = e.seq;
  sealed_log::put_record(
      self, st.storage, log_ns, sealed_log::seq_key(seq), chain::encode(e),
      st.opts.storage_timeout,
      [self, seq, on_durable] {
        auto& st = self->state;
        if (seq > st.durable_seq) st.durable_seq = seq;
        if (on_durable) on_durable(seq);
        run_waiters(self);
        if (st.durable_seq - st.snapshot_seq >= st.opts.snapshot_every)
          write_snapshot(self, nullptr);
      },
      [self](caf::error err) {
        // The restarted instance replays exactly what is durable.
        log::error("trust", "trust log append failed: {}", self->system().render(err));
        self->quit(std::move(err));
      });
}

}  // namespace nz::trust_actor_detail
