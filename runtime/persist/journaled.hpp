// Snapshot + journal replay for a stateful actor (docs/architecture.md, "Replay").
//
// A journaled<S> lives in an actor's state. S is a pure value type with:
//   void apply(const nz::bytes& change);          // deterministic
//   nz::bytes encode() const;                     // full snapshot
//   static bool decode(const nz::bytes&, S& out); // false on malformed input
// Protocol:
// - recover(): before the actor serves anything it loads (await) the newest valid
//   snapshot and the journal after it from the storage actor and replays them.
//   Failure to load quits the actor with the error: it never starts empty.
// - commit(change, on_durable): applies the change in memory and journals it; the
//   caller acknowledges its client only in on_durable, which runs once storage
//   reports the entry durable. Reads use after_durable() so that nobody observes
//   a change before it is durable. If storage fails an append, the actor quits
//   (the restarted instance replays exactly the durable state).
// - A snapshot is written every `snapshot_every` changes and on the periodic tick
//   (`snapshot_interval`, the actor forwards tick_atom to on_tick()), and by flush()
//   in the shutdown flush phase.
// Include only from .cpp files (heavy CAF headers).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "messages/core_errors.hpp"
#include "messages/storage_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/persist/journal_options.hpp"
#include "runtime/supervision/service_registry.hpp"

namespace nz {

template <class S>
class journaled {
 public:
  S state;

  uint64_t applied_seq() const { return applied_seq_; }
  uint64_t durable_seq() const { return durable_seq_; }
  uint64_t snapshot_seq() const { return snapshot_seq_; }
  const std::string& recovery_note() const { return recovery_note_; }

  /// Loads and replays; calls on_ready() when the actor may serve. REQUIRES: the
  /// actor does not handle other messages before (the load is awaited).
  template <class Self>
  void recover(Self* self, std::shared_ptr<service_registry> reg, journal_options opts,
               std::function<void()> on_ready) {
    opts_ = std::move(opts);
    reg_ = std::move(reg);
    storage_ = caf::actor_cast<storage_actor>(reg_->get("storage"));
    if (!storage_) {
      self->quit(make_error(core_errc::service_unavailable, "storage (for recovery)"));
      return;
    }
    self->request(storage_, opts_.storage_timeout, load_atom::value, opts_.stream)
        .await(
            [this, self, on_ready](load_result& r) {
              if (auto err = replay(r)) {
                log::error("replay", "{}: {}", opts_.stream, self->system().render(err));
                self->quit(err);
                return;
              }
              reg_->set_recovery(opts_.stream, recovery_note_);
              schedule_tick(self);
              on_ready();
            },
            [this, self](caf::error& err) {
              log::error("replay", "{}: cannot load state: {}", opts_.stream,
                         self->system().render(err));
              self->quit(std::move(err));
            });
  }

  /// Applies `change` and journals it; runs on_durable once it is durable.
  template <class Self>
  void commit(Self* self, bytes change, std::function<void()> on_durable) {
    state.apply(change);
    auto seq = ++applied_seq_;
    ++since_snapshot_;
    if (on_durable) waiters_.emplace_back(seq, std::move(on_durable));
    self->request(storage_, opts_.storage_timeout, append_atom::value, opts_.stream, seq,
                  std::move(change))
        .then(
            [this, self](uint64_t durable) {
              durable_seq_ = durable;
              run_waiters();
              if (since_snapshot_ >= opts_.snapshot_every) snapshot(self, nullptr);
            },
            [this, self](caf::error& err) {
              log::error("replay", "{}: journal append failed: {}", opts_.stream,
                         self->system().render(err));
              self->quit(std::move(err));
            });
  }

  /// Runs fn once every change applied so far is durable.
  void after_durable(std::function<void()> fn) {
    if (durable_seq_ >= applied_seq_)
      fn();
    else
      waiters_.emplace_back(applied_seq_, std::move(fn));
  }

  /// Writes a snapshot of the current state if anything changed since the last
  /// one; runs on_done (if any) when it is stored or nothing was to do.
  template <class Self>
  void snapshot(Self* self, std::function<void()> on_done) {
    if (applied_seq_ == snapshot_seq_ || snapshot_in_flight_) {
      if (on_done) after_durable(std::move(on_done));
      return;
    }
    auto seq = applied_seq_;
    snapshot_in_flight_ = true;
    since_snapshot_ = 0;
    self->request(storage_, opts_.storage_timeout, snapshot_atom::value, opts_.stream,
                  seq, state.encode())
        .then(
            [this, seq, on_done](uint64_t) {
              snapshot_seq_ = seq;
              snapshot_in_flight_ = false;
              if (on_done) on_done();
            },
            [this, self](caf::error& err) {
              log::error("replay", "{}: snapshot failed: {}", opts_.stream,
                         self->system().render(err));
              self->quit(std::move(err));
            });
  }

  /// The journaled actor's part in a shutdown phase (messages/storage_api.hpp):
  /// answers once pending changes are durable, after a final snapshot in the
  /// flush phase. The actor returns the promise from its phase_atom handler.
  template <class Self>
  caf::typed_response_promise<uint8_t> on_phase(Self* self, uint8_t phase) {
    auto rp = self->template make_response_promise<uint8_t>();
    auto done = [rp, phase]() mutable { rp.deliver(phase); };
    if (phase == static_cast<uint8_t>(shutdown_phase::flush))
      snapshot(self, done);
    else
      after_durable(done);
    return rp;
  }

  /// Periodic snapshot timer; the actor calls this from its tick_atom handler.
  template <class Self>
  void on_tick(Self* self) {
    if (applied_seq_ != snapshot_seq_) snapshot(self, nullptr);
    schedule_tick(self);
  }

 private:
  template <class Self>
  void schedule_tick(Self* self) {
    self->delayed_send(self, opts_.snapshot_interval, tick_atom::value);
  }

  caf::error replay(load_result& r) {
    S fresh = state;  // the configured, empty initial state
    if (r.snapshot_seq > 0 && !S::decode(r.snapshot, fresh))
      return make_error(core_errc::recovery_failed,
                        opts_.stream + ": snapshot " + std::to_string(r.snapshot_seq)
                            + " passed its checksum but does not decode");
    uint64_t seq = r.snapshot_seq;
    for (auto& e : r.journal) {
      if (e.seq != seq + 1)
        return make_error(core_errc::recovery_failed,
                          opts_.stream + ": journal gap after " + std::to_string(seq));
      fresh.apply(e.data);
      seq = e.seq;
    }
    state = std::move(fresh);
    applied_seq_ = durable_seq_ = seq;
    snapshot_seq_ = r.snapshot_seq;
    since_snapshot_ = r.journal.size();
    recovery_note_ = "snapshot at " + std::to_string(r.snapshot_seq) + " + "
                     + std::to_string(r.journal.size()) + " journal entries";
    for (auto& w : r.warnings) {
      log::warn("replay", "{}: {}", opts_.stream, w);
      recovery_note_ += "; " + w;
      reg_->add_warning(opts_.stream + ": " + w);
    }
    return caf::none;
  }

  void run_waiters() {
    while (!waiters_.empty() && waiters_.front().first <= durable_seq_) {
      auto fn = std::move(waiters_.front().second);
      waiters_.pop_front();
      fn();
    }
  }

  journal_options opts_;
  std::shared_ptr<service_registry> reg_;
  storage_actor storage_;
  uint64_t applied_seq_ = 0;
  uint64_t durable_seq_ = 0;
  uint64_t snapshot_seq_ = 0;
  uint64_t since_snapshot_ = 0;
  bool snapshot_in_flight_ = false;
  std::string recovery_note_;
  std::deque<std::pair<uint64_t, std::function<void()>>> waiters_;
};

}  // namespace nz
