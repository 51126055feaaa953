// A monitor that is taken back when its owner's state goes away.
//
// CAF 0.17 keeps a monitor as an attachable on the *observed* actor, and that
// attachable holds a weak reference to the observer. When the observer ends
// first, nothing removes it: the observed actor collects one attachable per
// observer it ever had, and each keeps the whole dead observer's memory (its
// actor object and control block, 1.5-3.5 KB for a peer link or session)
// allocated until the observed actor ends. A short-lived actor that monitors a
// long-lived one (a peer link its gate, a session its manager, a service call
// its caller) thus leaks on every run.
//
// scoped_monitor monitors in its constructor and demonitors in its destructor.
// Keep it in the observer's state: a stateful actor destroys its state when it
// terminates (whatever the reason: quit, an exit message, an exception), so
// the monitor is removed exactly when it stops being of use.
//
// Thread rules: constructed and destroyed by the observer (on its own thread);
// detaching from the observed actor is thread-safe in CAF.
#pragma once

#include <utility>

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/default_attachable.hpp>

namespace nz {

class scoped_monitor {
 public:
  scoped_monitor() = default;

  /// Monitors `observed` for `self` (as self->monitor(observed)); nothing if
  /// `observed` is invalid.
  template <class Self, class Handle>
  scoped_monitor(Self* self, const Handle& observed)
      : observer_(self->address()),
        observed_(caf::actor_cast<caf::actor_addr>(observed)) {
    if (observed_) self->monitor(observed);
  }

  scoped_monitor(scoped_monitor&& other) noexcept
      : observer_(std::move(other.observer_)), observed_(std::move(other.observed_)) {
    other.observed_ = nullptr;
  }

  scoped_monitor& operator=(scoped_monitor&& other) noexcept {
    if (this != &other) {
      release();
      observer_ = std::move(other.observer_);
      observed_ = std::move(other.observed_);
      other.observed_ = nullptr;
    }
    return *this;
  }

  scoped_monitor(const scoped_monitor&) = delete;
  scoped_monitor& operator=(const scoped_monitor&) = delete;

  ~scoped_monitor() { release(); }

  /// Removes the monitor now (if the observed actor still runs).
  void release() {
    if (!observed_) return;
    if (auto ptr = caf::actor_cast<caf::strong_actor_ptr>(observed_)) {
      caf::default_attachable::observe_token tk{observer_,
                                                caf::default_attachable::monitor};
      ptr->get()->detach(tk);
    }
    observed_ = nullptr;
  }

  /// The monitored actor's address (invalid if none).
  const caf::actor_addr& observed() const { return observed_; }

 private:
  caf::actor_addr observer_;
  caf::actor_addr observed_;
};

}  // namespace nz
