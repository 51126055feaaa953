// nztest_journal_writer — test-only: the workload of the kill -9 durability test.
//   nztest_journal_writer --data DIR            append ledger entries forever,
//                                               printing "ACK <n>" once each is durable
//   nztest_journal_writer --data DIR --verify   print "COUNT <n>" of the replayed state
// It runs the real storage actor (detached, group commit) and a journaled actor
// (tests/support/ledger_actor), exactly the replay path stateful node actors use.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <sys/stat.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/register_types.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/storage_actor.hpp"
#include "support/ledger_actor.hpp"

namespace {

constexpr uint64_t in_flight = 32;

caf::behavior driver(caf::event_based_actor* self, nz::test::ledger_actor ledger,
                     uint64_t start) {
  auto next = std::make_shared<uint64_t>(start + 1);
  auto send_one = std::make_shared<std::function<void()>>();
  *send_one = [self, ledger, next, send_one] {
    auto value = (*next)++;
    self->request(ledger, std::chrono::seconds(30), nz::append_atom::value, value)
        .then(
            [send_one](uint64_t acked) {
              std::printf("ACK %llu\n", static_cast<unsigned long long>(acked));
              (*send_one)();
            },
            [self](caf::error& err) {
              std::fprintf(stderr, "append failed: %s\n", to_string(err).c_str());
              self->quit(err);
            });
  };
  for (uint64_t i = 0; i < in_flight; ++i) (*send_one)();
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  std::string data;
  bool verify = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc)
      data = argv[++i];
    else if (std::strcmp(argv[i], "--verify") == 0)
      verify = true;
    else {
      std::fprintf(stderr, "usage: nztest_journal_writer --data DIR [--verify]\n");
      return 2;
    }
  }
  if (data.empty()) {
    std::fprintf(stderr, "usage: nztest_journal_writer --data DIR [--verify]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  auto reg = std::make_shared<nz::service_registry>();
  ::mkdir(data.c_str(), 0700);
  nz::storage_options so;
  so.dir = data + "/db";
  auto storage = nz::spawn_storage(sys, so);
  if (!storage) {
    std::fprintf(stderr, "storage: %s\n", sys.render(storage.error()).c_str());
    return 1;
  }
  reg->declare("storage", "", "worker");
  reg->set_running("storage", caf::actor_cast<caf::actor>(*storage));
  nz::journal_options jo;
  jo.stream = "ledger";
  jo.snapshot_every = 500;
  auto ledger_hdl = nz::test::spawn_ledger(sys, reg, jo);
  auto ledger = caf::actor_cast<nz::test::ledger_actor>(*ledger_hdl);
  uint64_t count = 0;
  int rc = 0;
  {
    caf::scoped_actor self{sys};
    self->request(ledger, std::chrono::seconds(60), nz::get_atom::value)
        .receive([&](uint64_t c, uint64_t) { count = c; },
                 [&](caf::error& err) {
                   std::fprintf(stderr, "recovery failed: %s\n", sys.render(err).c_str());
                   rc = 1;
                 });
    if (rc == 0 && verify) {
      std::printf("COUNT %llu\n", static_cast<unsigned long long>(count));
    } else if (rc == 0) {
      std::printf("RECOVERED %llu\n", static_cast<unsigned long long>(count));
      auto d = sys.spawn(driver, ledger, count);
      self->monitor(d);
      self->receive([](caf::down_msg&) {});  // runs until killed or an append fails
      rc = 1;
    }
  }
  caf::anon_send_exit(ledger, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(*storage, caf::exit_reason::user_shutdown);
  return rc;
}
