// nz_bench_idle_caf: the RSS baseline for an idle node. It runs the same CAF
// runtime nzcore runs (our message types registered, the middleman loaded,
// scheduler.max-threads 2, one trivial actor published on 127.0.0.1 like the
// admin gate) but none of our actors, prints its pid and "ready", and sleeps.
//
//   nz_bench_idle_caf [seconds=5]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>

#include "messages/register_types.hpp"

namespace {

caf::behavior echo(caf::event_based_actor*) {
  return {[](int x) { return x; }};
}

}  // namespace

int main(int argc, char** argv) {
  long secs = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 5;
  if (secs <= 0) {
    std::fprintf(stderr, "usage: nz_bench_idle_caf [seconds>0]\n");
    return 2;
  }
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  int rc = 0;
  {
    caf::actor_system sys{cfg};
    auto hdl = sys.spawn(echo);
    auto port = sys.middleman().publish(hdl, 0, "127.0.0.1", true);
    if (!port) {
      std::fprintf(stderr, "publish: %s\n", sys.render(port.error()).c_str());
      rc = 1;
    } else {
      std::printf("pid %d port %u\nready\n", static_cast<int>(::getpid()),
                  static_cast<unsigned>(*port));
      std::fflush(stdout);
      std::this_thread::sleep_for(std::chrono::seconds(secs));
      sys.middleman().unpublish(hdl, *port);
    }
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
  }
  return rc;
}
