// A request pump for benchmark drivers: keeps `window` requests in flight from
// one event-based actor until `total` have succeeded or one has failed, then
// sends the number of successes (uint64_t) to `report` and quits.
//
// `issue(i, done)` sends request i (0-based) and calls `done(true)` on a good
// reply or `done(false)` after printing why it failed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <caf/event_based_actor.hpp>

namespace nz::bench {

using issue_fn = std::function<void(uint64_t i, std::function<void(bool ok)> done)>;

inline void pump_requests(caf::event_based_actor* self, uint64_t total, uint64_t window,
                          caf::actor report, issue_fn issue) {
  struct state {
    uint64_t sent = 0;
    uint64_t ok = 0;
    bool stopped = false;
  };
  auto st = std::make_shared<state>();
  auto next = std::make_shared<std::function<void()>>();
  auto finish = [self, st, next, report] {
    st->stopped = true;
    self->send(report, st->ok);
    *next = nullptr;  // break the self-reference
    self->quit();
  };
  *next = [st, next, total, issue, finish] {
    if (st->stopped || st->sent == total) return;
    issue(st->sent++, [st, next, total, finish](bool ok) {
      if (st->stopped) return;
      if (!ok || ++st->ok == total)
        finish();
      else
        (*next)();
    });
  };
  if (total == 0) {
    finish();
    return;
  }
  for (uint64_t i = 0; i < window && i < total; ++i) (*next)();
}

}  // namespace nz::bench
