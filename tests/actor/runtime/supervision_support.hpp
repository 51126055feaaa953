// Test children and a fixture for the supervision actor tests: workers that
// count their starts, record their exits in order and can quit, crash, ignore
// exit requests or never answer.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>

#include "messages/atoms.hpp"
#include "messages/core_errors.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "support/actor_fixture.hpp"

namespace nz::test {

/// (ping) -> uint64_t generation of the answering instance.
using ping_atom = caf::atom_constant<caf::atom("ping")>;
/// (quit) -> the worker exits normally.
using quit_atom = caf::atom_constant<caf::atom("quitnow")>;
/// (boom) -> the worker throws.
using boom_atom = caf::atom_constant<caf::atom("boom")>;
/// (hold) -> never answered.
using hold_atom = caf::atom_constant<caf::atom("hold")>;

struct worker_log {
  /// Starts per name, counting the first one.
  std::map<std::string, uint64_t> starts;
  /// Names in the order their instances terminated.
  std::vector<std::string> exits;
};

struct worker_opts {
  restart_type restart = restart_type::permanent;
  /// Ignores exit requests (only exit_reason::kill ends it).
  bool stubborn = false;
  caf::timespan shutdown_timeout = std::chrono::seconds(5);
  /// The first `failing_starts` start attempts return an error.
  int failing_starts = 0;
};

inline caf::behavior worker(caf::event_based_actor* self, std::string name,
                            uint64_t generation, std::shared_ptr<worker_log> log,
                            bool stubborn) {
  self->set_exception_handler(exception_to_error);
  self->attach_functor([log, name](const caf::error&) { log->exits.push_back(name); });
  if (stubborn) self->set_exit_handler([](caf::exit_msg&) {});
  return {
      [generation](ping_atom) { return generation; },
      [self](quit_atom) { self->quit(); },
      [](boom_atom) -> uint64_t { throw std::runtime_error("boom"); },
      [self](hold_atom) {
        auto rp = self->make_response_promise<uint64_t>();
        // Keeps the promise alive (and unanswered) as long as the actor lives.
        self->attach_functor([rp](const caf::error&) {});
        return rp;
      },
      [](phase_atom, uint8_t p) { return p; },
  };
}

inline child_spec worker_spec(const std::string& name, std::shared_ptr<worker_log> log,
                              worker_opts opts = {}) {
  child_spec cs;
  cs.name = name;
  cs.restart = opts.restart;
  cs.shutdown_timeout = opts.shutdown_timeout;
  auto failures_left = std::make_shared<int>(opts.failing_starts);
  cs.start = [name, log, opts,
              failures_left](caf::actor_system& sys) -> caf::expected<caf::actor> {
    if (*failures_left > 0) {
      --*failures_left;
      return caf::make_error(caf::sec::runtime_error, "start refused by the test");
    }
    auto generation = ++log->starts[name];
    return sys.spawn(worker, name, generation, log, opts.stubborn);
  };
  return cs;
}

inline restart_policy test_policy(
    size_t max_restarts = 10,
    std::chrono::milliseconds base = std::chrono::milliseconds{10}) {
  restart_policy p;
  p.max_restarts = max_restarts;
  p.window = std::chrono::seconds(10);
  p.backoff_base = base;
  p.backoff_max = std::chrono::seconds(1);
  return p;
}

inline bool is(const caf::error& err, core_errc code) {
  return err.category() == core_category && err.code() == static_cast<uint8_t>(code);
}

struct supervision_fixture : actor_fixture {
  std::shared_ptr<service_registry> reg = std::make_shared<service_registry>();
  std::shared_ptr<worker_log> log = std::make_shared<worker_log>();
  /// Actors to kill at the end of the test (trees end with their root).
  std::vector<caf::actor> owned;

  supervision_fixture() { log::set_stderr(false); }

  ~supervision_fixture() {
    for (auto& h : owned) self->send_exit(h, caf::exit_reason::kill);
    sched.run();
  }

  caf::actor supervise(supervisor_spec spec, const std::string& parent = {}) {
    auto h = spawn_supervisor(sys, std::move(spec), reg, parent);
    owned.push_back(h);
    sched.run();
    return h;
  }

  service_entry entry(const std::string& name) const {
    for (auto& e : reg->entries())
      if (e.name == name) return e;
    FAIL("no registry entry named " << name);
    return {};
  }

  /// Crashes the current instance of `name` (as chaos tooling would).
  void crash(const std::string& name) {
    auto h = reg->get(name);
    REQUIRE(h);
    self->send_exit(h, make_error(core_errc::chaos_crash));
    sched.run();
  }

  uint64_t generation(const std::string& name) {
    auto h = reg->get(name);
    REQUIRE(h);
    auto g = ask<uint64_t>(h, ping_atom::value);
    REQUIRE(g);
    return *g;
  }

  /// The exit reason of `h` if it has terminated (it must be monitored by self).
  std::optional<caf::error> down_reason() {
    std::optional<caf::error> out;
    if (!self->mailbox().empty())
      self->receive([&](caf::down_msg& dm) { out = dm.reason; });
    return out;
  }
};

}  // namespace nz::test
