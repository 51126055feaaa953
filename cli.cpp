#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <iostream>
using namespace caf;
using echo_actor = typed_actor<replies_to<int>::with<int>>;
int main(int, char** argv) {
  actor_system_config cfg; cfg.load<io::middleman>(); cfg.set("scheduler.max-threads", 1);
  actor_system sys{cfg};
  auto e = sys.middleman().remote_actor<echo_actor>("127.0.0.1", atoi(argv[1]));
  if (!e) return 6;
  int rc = 1;
  scoped_actor self{sys};
  self->request(*e, std::chrono::seconds(3), 41).receive([&](int x) { rc = x == 42 ? 0 : 2; }, [&](error&) { rc = 3; });
  return rc;
}
