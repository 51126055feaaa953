// The trust log: chain payloads, verification of the whole log and rebuild.
#include <doctest/doctest.h>

#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/trust_log.hpp"
#include "runtime/chain/appender.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;
namespace chain = nz::chain;

namespace {

struct fixture {
  test_key me = key(1), a = key(2);
  issuer_book book;
  std::vector<signed_assertion> log;
  std::vector<std::vector<uint8_t>> stored;
  chain::appender app{std::string{log_domain}};

  void append(const signed_assertion& s) {
    auto e = app.next(t0 + static_cast<int64_t>(log.size()), make_payload(s));
    stored.push_back(chain::encode(e));
    app.advance(e);
    log.push_back(s);
  }
  fixture() {
    append(book.set_level(me, a.pk, level::high));
    append(book.delegate(me, a.pk, 1, level::high));
    append(book.set_level(a, key(9).pk, level::medium));
    append(book.revoke(me, key(10).pk));
  }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "a payload is the encoded signed assertion and parses back") {
  auto p = make_payload(log[0]);
  CHECK(p == encode(log[0]));
  auto back = parse_payload(p.data(), p.size());
  REQUIRE(back);
  CHECK(*back == log[0]);
  p.push_back(1);
  CHECK(code_of(parse_payload(p.data(), p.size())) == trust_errc::malformed);
}

TEST_CASE_FIXTURE(fixture, "an intact log verifies and yields its assertions and head") {
  auto r = verify_log(stored);
  CHECK_FALSE(r.broken);
  CHECK(r.assertions == log);
  CHECK(r.last_seq == 4);
  CHECK(r.head == app.head());
}

TEST_CASE_FIXTURE(fixture,
                  "a changed assertion byte is named at its entry as a bad signature") {
  // Re-encode entry 3 with a raised level (valid encoding, same signature) and
  // re-chain everything after it, as an attacker with write access would.
  auto forged = log;
  forged[2].a.lvl = level::ultimate;
  chain::appender app2{std::string{log_domain}};
  std::vector<std::vector<uint8_t>> xs;
  for (const auto& s : forged) {
    auto e = app2.next(0, make_payload(s));
    xs.push_back(chain::encode(e));
    app2.advance(e);
  }
  auto r = verify_log(xs);
  REQUIRE(r.broken);
  CHECK(r.broken->seq == 3);
  CHECK(r.broken->reason.find("seq 3: bad signature by ") == 0);
  CHECK(r.assertions.size() == 2);
}

TEST_CASE_FIXTURE(fixture, "chain damage is named by the chain verifier") {
  auto xs = stored;
  xs.erase(xs.begin() + 1);
  auto r = verify_log(xs);
  REQUIRE(r.broken);
  CHECK(r.broken->reason == "seq 2: gap: expected seq 2, found 3");

  xs = stored;
  xs[1].back() ^= 1;  // a signature byte: entry 2 still decodes, entry 3's prev breaks
  r = verify_log(xs);
  REQUIRE(r.broken);
  CHECK(r.broken->seq == 2);  // the signature check catches it first
  CHECK(r.broken->reason.find("bad signature") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "a payload that is not an assertion is named") {
  auto e = app.next(0, {1, 2, 3});
  auto xs = stored;
  xs.push_back(chain::encode(e));
  auto r = verify_log(xs);
  REQUIRE(r.broken);
  CHECK(r.broken->seq == 5);
  CHECK(r.broken->reason.find("seq 5: payload: ") == 0);
  CHECK(r.assertions.size() == 4);
}

TEST_CASE_FIXTURE(fixture, "a log of another chain domain does not verify") {
  chain::appender other{"nz-audit-log"};
  std::vector<std::vector<uint8_t>> xs;
  for (const auto& s : log) {
    auto e = other.next(0, make_payload(s));
    xs.push_back(chain::encode(e));
    other.advance(e);
  }
  auto r = verify_log(xs);
  REQUIRE(r.broken);
  CHECK(r.broken->seq == 2);
}

TEST_CASE_FIXTURE(fixture, "rebuild from the log equals the incrementally applied set") {
  trust_set ts{me.pk};
  for (const auto& s : log) REQUIRE(ts.apply(s) == apply_status::applied);
  CHECK(rebuild(log, me.pk) == ts);
  CHECK(rebuild(verify_log(stored).assertions, me.pk) == ts);
}

TEST_CASE_FIXTURE(fixture, "verification can resume from a known head") {
  log_verifier v;
  REQUIRE(v.feed(stored[0].data(), stored[0].size()));
  REQUIRE(v.feed(stored[1].data(), stored[1].size()));
  auto r = verify_log({stored[2], stored[3]}, limits{}, 3, v.head());
  CHECK_FALSE(r.broken);
  CHECK(r.assertions.size() == 2);
}
