#include "bench/trust/bench_drivers.hpp"

#include <chrono>
#include <cstdio>
#include <utility>

#include <sodium.h>

#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/system_messages.hpp>

#include "bench/support/actor_wait.hpp"
#include "bench/support/bench_stats.hpp"
#include "bench/support/request_pump.hpp"
#include "bench/trust/bench_setup.hpp"
#include "messages/identity_api.hpp"
#include "messages/trust_api.hpp"

namespace nz::bench {

caf::behavior append_driver(caf::event_based_actor* self, caf::actor trust,
                            std::shared_ptr<const std::vector<std::string>> subjects,
                            size_t first, uint64_t n, uint64_t window,
                            std::shared_ptr<std::vector<double>> lat, caf::actor done) {
  pump_requests(self, n, window, done, [=](uint64_t i, auto ok) {
    nz::trust_assert_request req;
    req.kind = "set_level";
    req.subject = (*subjects)[first + i];
    req.level = static_cast<uint8_t>(1 + i % 3);
    auto t0 = clock_type::now();
    self->request(trust, request_timeout, nz::trust_assert_atom::value, std::move(req))
        .then(
            [=](nz::trust_entry& e) {
              if (lat) lat->push_back(us_since(t0));
              bool good = e.log_seq > 0 && e.kind == "set_level";
              if (!good) std::fprintf(stderr, "trust_assert: unexpected entry\n");
              ok(good);
            },
            [self, ok](caf::error& err) {
              std::fprintf(stderr, "trust_assert failed: %s\n",
                           self->system().render(err).c_str());
              ok(false);
            });
  });
  return {[](caf::unit_t) {}};
}

caf::behavior eval_driver(caf::event_based_actor* self, caf::actor trust,
                          std::shared_ptr<const std::vector<std::string>> subjects,
                          std::shared_ptr<const std::vector<uint32_t>> idx, uint64_t n,
                          uint64_t window, caf::actor done) {
  pump_requests(self, n, window, done, [=](uint64_t i, auto ok) {
    const auto& hex = (*subjects)[(*idx)[i % idx->size()]];
    self->request(trust, request_timeout, nz::trust_eval_atom::value, hex)
        .then(
            [hex, ok](nz::trust_verdict& v) {
              bool good = v.subject_key == hex;
              if (!good) std::fprintf(stderr, "trust_eval: verdict about another key\n");
              ok(good);
            },
            [self, ok](caf::error& err) {
              std::fprintf(stderr, "trust_eval failed: %s\n",
                           self->system().render(err).c_str());
              ok(false);
            });
  });
  return {[](caf::unit_t) {}};
}

caf::behavior sign_driver(caf::event_based_actor* self, caf::actor id,
                          std::shared_ptr<const bytes> msg, uint64_t n, uint64_t window,
                          caf::actor done) {
  pump_requests(self, n, window, done, [=](uint64_t, auto ok) {
    self->request(id, request_timeout, nz::sign_atom::value, *msg)
        .then([ok](bytes& sig) { ok(sig.size() == crypto_sign_BYTES); },
              [self, ok](caf::error& err) {
                std::fprintf(stderr, "sign failed: %s\n",
                             self->system().render(err).c_str());
                ok(false);
              });
  });
  return {[](caf::unit_t) {}};
}

uint64_t collect(caf::scoped_actor& self, const char* what) {
  uint64_t got = 0;
  bool any = false;
  self->receive(
      [&](uint64_t x) {
        got = x;
        any = true;
      },
      [&](caf::down_msg& d) {
        die(std::string{what} + ": an actor went down: " + caf::to_string(d.reason));
      },
      caf::after(std::chrono::seconds(120)) >> [] {});
  if (!any) die(std::string{what} + ": no result within 120 s");
  return got;
}

}  // namespace nz::bench
