// evaluator: effective trust through own word, delegation chains, caps, depth,
// cycles, expiry boundaries and revocations, with the justifying path.
#include <doctest/doctest.h>

#include "actors/trust/core/evaluator.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

struct fixture {
  test_key me = key(1), a = key(2), b = key(3), c = key(4), d = key(5);
  pubkey s = key(9).pk;  // the subject most tests ask about
  issuer_book book;
  trust_set ts{me.pk};

  void log(const signed_assertion& x) { REQUIRE(ts.apply(x) == apply_status::applied); }
  // This node trusts k at `lvl` and lets it vouch `depth` deep up to `max`.
  void trust_delegate(const test_key& k, level lvl, uint8_t depth, level max) {
    log(book.set_level(me, k.pk, lvl));
    log(book.delegate(me, k.pk, depth, max));
  }
  verdict at(const pubkey& who, int64_t now = t0) {
    return effective_trust(ts, who, now);
  }
};

std::vector<kind> kinds(const verdict& v) {
  std::vector<kind> out;
  for (const auto& h : v.path) out.push_back(h.k);
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(fixture, "a key nobody spoke about is unknown with an empty path") {
  auto v = at(s);
  CHECK(v.lvl == level::unknown);
  CHECK_FALSE(v.revoked);
  CHECK(v.path.empty());
  CHECK(at(me.pk).lvl == level::ultimate);
}

TEST_CASE_FIXTURE(fixture, "this node's own set_level decides, with itself as the path") {
  log(book.set_level(me, s, level::high));
  auto v = at(s);
  CHECK(v.lvl == level::high);
  REQUIRE(v.path.size() == 1);
  CHECK(v.path[0] == hop{me.pk, s, kind::set_level, level::high, 1});
}

TEST_CASE_FIXTURE(fixture, "a trusted delegate's set_level counts, capped by max_level") {
  trust_delegate(a, level::high, 1, level::medium);
  log(book.set_level(a, s, level::ultimate));
  auto v = at(s);
  CHECK(v.lvl == level::medium);
  CHECK(kinds(v) == std::vector<kind>{kind::delegate, kind::set_level});
  CHECK(v.path[0].issuer == me.pk);
  CHECK(v.path[0].lvl == level::medium);  // a delegate hop shows its max_level
  CHECK(v.path[1].issuer == a.pk);
  CHECK(v.path[1].lvl == level::ultimate);
}

TEST_CASE_FIXTURE(
    fixture,
    "a delegate alone confers no trust: the delegate must be trusted >= medium") {
  log(book.delegate(me, a.pk, 2, level::high));
  log(book.set_level(a, s, level::high));
  CHECK(at(s).lvl == level::unknown);
  log(book.set_level(me, a.pk, level::low));
  CHECK(at(s).lvl == level::unknown);
  log(book.set_level(me, a.pk, level::medium));
  CHECK(at(s).lvl == level::high);
}

TEST_CASE_FIXTURE(fixture,
                  "delegation chains extend only as deep as the remaining depth") {
  trust_delegate(a, level::high, 1, level::high);
  log(book.set_level(a, b.pk, level::high));
  log(book.delegate(a, b.pk, 3, level::high));
  log(book.set_level(b, s, level::high));
  CHECK(at(b.pk).lvl == level::high);
  CHECK(at(s).lvl == level::unknown);  // depth 1: a may vouch, not delegate

  log(book.delegate(me, a.pk, 2, level::high));
  auto v = at(s);
  CHECK(v.lvl == level::high);
  CHECK(kinds(v) == std::vector<kind>{kind::delegate, kind::delegate, kind::set_level});

  // b's own delegation of c is cut: remaining = min(2 - 1, 3) = 1.
  log(book.set_level(b, c.pk, level::high));
  log(book.delegate(b, c.pk, 4, level::high));
  log(book.set_level(c, d.pk, level::high));
  CHECK(at(d.pk).lvl == level::unknown);
}

TEST_CASE_FIXTURE(fixture, "no chain is longer than max_delegation_depth") {
  limits l;
  l.max_delegation_depth = 2;
  ts = trust_set{me.pk, l};
  trust_delegate(a, level::high, 2, level::high);
  log(book.set_level(a, b.pk, level::high));
  log(book.delegate(a, b.pk, 2, level::high));
  log(book.set_level(b, c.pk, level::high));
  log(book.delegate(b, c.pk, 2, level::high));
  log(book.set_level(c, s, level::high));
  CHECK(at(c.pk).lvl == level::high);
  CHECK(at(s).lvl == level::unknown);
}

TEST_CASE_FIXTURE(fixture, "caps multiply along a path: the lowest max_level wins") {
  trust_delegate(a, level::ultimate, 3, level::high);
  log(book.set_level(a, b.pk, level::high));
  log(book.delegate(a, b.pk, 2, level::ultimate));
  log(book.set_level(b, s, level::ultimate));
  CHECK(at(s).lvl == level::high);
  log(book.delegate(a, b.pk, 2, level::medium));
  CHECK(at(s).lvl == level::medium);
}

TEST_CASE_FIXTURE(fixture, "a delegator may count through a closer delegator's word") {
  trust_delegate(a, level::high, 2, level::high);
  log(book.set_level(a, b.pk, level::medium));
  log(book.delegate(a, b.pk, 1, level::medium));
  log(book.set_level(b, s, level::high));
  auto v = at(s);
  CHECK(v.lvl == level::medium);
  REQUIRE(v.path.size() == 3);
  CHECK(v.path[1].issuer == a.pk);
  CHECK(v.path[1].subject == b.pk);
}

TEST_CASE_FIXTURE(fixture, "delegation cycles terminate") {
  trust_delegate(a, level::high, 4, level::high);
  log(book.set_level(a, b.pk, level::high));
  log(book.delegate(a, b.pk, 4, level::high));
  log(book.set_level(b, a.pk, level::high));
  log(book.delegate(b, a.pk, 4, level::high));
  log(book.set_level(b, c.pk, level::high));
  log(book.delegate(b, c.pk, 4, level::high));
  log(book.set_level(c, a.pk, level::high));
  log(book.delegate(c, a.pk, 4, level::high));
  log(book.set_level(c, s, level::medium));
  evaluator ev{ts, t0};
  CHECK(ev.delegator_count() == 3);
  CHECK(ev.effective_trust(s).lvl == level::medium);
  CHECK(ev.effective_trust(s).path.size() == 4);
}

TEST_CASE_FIXTURE(fixture, "the best level over all paths wins") {
  trust_delegate(a, level::high, 1, level::high);
  trust_delegate(b, level::high, 1, level::high);
  log(book.set_level(a, s, level::low));
  log(book.set_level(b, s, level::high));
  auto v = at(s);
  CHECK(v.lvl == level::high);
  CHECK(v.path.back().issuer == b.pk);
}

TEST_CASE_FIXTURE(fixture,
                  "ties go to the shorter path, then to the smaller issuer key") {
  trust_delegate(a, level::high, 2, level::high);
  trust_delegate(b, level::high, 2, level::high);
  log(book.set_level(a, s, level::medium));
  log(book.set_level(b, s, level::medium));
  auto smaller = a.pk < b.pk ? a.pk : b.pk;
  CHECK(at(s).path.back().issuer == smaller);

  // c, two hops away, also says medium: a one-hop path still wins.
  log(book.set_level(a, c.pk, level::high));
  log(book.delegate(a, c.pk, 1, level::high));
  log(book.set_level(c, s, level::medium));
  CHECK(at(s).path.size() == 2);
}

TEST_CASE_FIXTURE(fixture, "a better cap through a longer path is found") {
  trust_delegate(a, level::high, 1, level::low);
  trust_delegate(b, level::high, 2, level::high);
  log(book.set_level(b, a.pk, level::high));
  log(book.delegate(b, a.pk, 1, level::high));
  log(book.set_level(a, s, level::high));
  auto v = at(s);
  CHECK(v.lvl == level::high);
  CHECK(v.path.size() == 3);
  CHECK(v.path[0].subject == b.pk);
}

TEST_CASE_FIXTURE(fixture, "this node's own word overrides what delegates say") {
  trust_delegate(a, level::high, 1, level::high);
  log(book.set_level(a, s, level::high));
  log(book.set_level(me, s, level::low));
  CHECK(at(s).lvl == level::low);
  log(book.set_level(me, s, level::unknown));  // explicit distrust
  CHECK(at(s).lvl == level::unknown);
  CHECK(at(s).path.size() == 1);
  // ... also over a delegate's revocation.
  log(book.revoke(a, s));
  log(book.set_level(me, s, level::medium));
  auto v = at(s);
  CHECK(v.lvl == level::medium);
  CHECK_FALSE(v.revoked);
}

TEST_CASE_FIXTURE(fixture, "a revocation by a counted delegate revokes the subject") {
  trust_delegate(a, level::high, 1, level::high);
  trust_delegate(b, level::high, 1, level::high);
  log(book.set_level(a, s, level::ultimate));
  log(book.revoke(b, s));
  auto v = at(s);
  CHECK(v.revoked);
  CHECK(v.lvl == level::unknown);
  CHECK(kinds(v) == std::vector<kind>{kind::delegate, kind::revoke});
  CHECK(v.path.back().issuer == b.pk);
  // A revocation by a key that does not count changes nothing.
  log(book.revoke(c, d.pk));
  log(book.set_level(a, d.pk, level::high));
  CHECK(at(d.pk).lvl == level::high);
}

TEST_CASE_FIXTURE(fixture,
                  "revoking a delegate after delegating to it removes its influence") {
  trust_delegate(a, level::high, 2, level::high);
  log(book.set_level(a, s, level::high));
  log(book.set_level(a, b.pk, level::high));
  log(book.delegate(a, b.pk, 1, level::high));
  log(book.set_level(b, c.pk, level::high));
  CHECK(at(s).lvl == level::high);
  CHECK(at(c.pk).lvl == level::high);
  log(book.revoke(me, a.pk));
  auto v = at(a.pk);
  CHECK(v.revoked);
  REQUIRE(v.path.size() == 1);
  CHECK(v.path[0].k == kind::revoke);
  CHECK(at(s).lvl == level::unknown);
  CHECK(at(c.pk).lvl == level::unknown);
  CHECK(evaluator(ts, t0).delegator_count() == 0);
}

TEST_CASE_FIXTURE(fixture, "a delegator revoked by a closer delegator does not count") {
  trust_delegate(a, level::high, 2, level::high);
  trust_delegate(c, level::high, 2, level::high);
  log(book.set_level(a, b.pk, level::high));
  log(book.delegate(a, b.pk, 1, level::high));
  log(book.set_level(b, s, level::high));
  CHECK(at(s).lvl == level::high);
  log(book.revoke(c, b.pk));
  CHECK(at(b.pk).revoked);
  CHECK(at(s).lvl == level::unknown);
}

TEST_CASE_FIXTURE(fixture, "own assertions expire exactly at expires_ms") {
  log(book.set_level(me, s, level::high, t0 - 10, t0 + 100));
  CHECK(at(s, t0 + 99).lvl == level::high);
  CHECK(at(s, t0 + 100).lvl == level::unknown);

  log(book.set_level(me, a.pk, level::high));
  log(book.delegate(me, a.pk, 1, level::high, t0 - 10, t0 + 50));
  log(book.set_level(a, b.pk, level::high));
  CHECK(at(b.pk, t0 + 49).lvl == level::high);
  CHECK(at(b.pk, t0 + 50).lvl == level::unknown);
}

TEST_CASE_FIXTURE(fixture,
                  "foreign assertions without expiry live default_ttl_ms from creation") {
  trust_delegate(a, level::high, 1, level::high);
  int64_t created = t0 - 1000;
  log(book.set_level(a, s, level::high, created));
  auto end = created + ts.bounds().default_ttl_ms;
  CHECK(at(s, end - 1).lvl == level::high);
  CHECK(at(s, end).lvl == level::unknown);
  // An explicit expiry replaces the default, also beyond it.
  log(book.set_level(a, s, level::medium, created, end + day));
  CHECK(at(s, end + day - 1).lvl == level::medium);
  CHECK(at(s, end + day).lvl == level::unknown);
}

TEST_CASE_FIXTURE(fixture, "an evaluator answers like the free function for every key") {
  trust_delegate(a, level::high, 3, level::high);
  log(book.set_level(a, b.pk, level::medium));
  log(book.delegate(a, b.pk, 2, level::medium));
  log(book.set_level(b, c.pk, level::high));
  log(book.revoke(b, d.pk));
  evaluator ev{ts, t0};
  for (const auto& k : ts.known_keys()) {
    auto x = ev.effective_trust(k), y = at(k);
    CHECK(x.lvl == y.lvl);
    CHECK(x.revoked == y.revoked);
    CHECK(x.path == y.path);
  }
  CHECK(ev.delegator_cap(b.pk) == level::medium);
  CHECK(ev.delegator_cap(c.pk) == level::unknown);
}

TEST_CASE("a 10,000-subject graph evaluates every subject") {
  // Not a timing test (see docs/trust.md for measured costs): checks that the
  // indexes give the right answers at scale.
  auto me = key(1);
  issuer_book book;
  limits l;
  trust_set ts{me.pk, l};
  std::vector<test_key> delegates;
  for (uint8_t i = 0; i < 10; ++i) {
    delegates.push_back(key(static_cast<uint8_t>(100 + i)));
    REQUIRE(ts.apply(book.set_level(me, delegates.back().pk, level::high))
            == apply_status::applied);
    REQUIRE(ts.apply(book.delegate(me, delegates.back().pk, 1, level::high))
            == apply_status::applied);
  }
  std::vector<pubkey> subjects;
  for (uint32_t i = 0; i < 10000; ++i) {
    pubkey pk{};
    for (int j = 0; j < 4; ++j) pk[j] = static_cast<uint8_t>(i >> (8 * j));
    pk[31] = 0x77;  // not real keys: the evaluator never checks subject keys
    subjects.push_back(pk);
    auto& by = delegates[i % delegates.size()];
    assertion a;
    a.k = kind::set_level;
    a.issuer = by.pk;
    a.subject = pk;
    a.lvl = i % 2 ? level::medium : level::high;
    a.created_ms = t0 - 1000;
    REQUIRE(ts.apply(book.make(by, a)) == apply_status::applied);
  }
  evaluator ev{ts, t0};
  for (uint32_t i = 0; i < subjects.size(); ++i) {
    auto v = ev.effective_trust(subjects[i]);
    CHECK(v.lvl == (i % 2 ? level::medium : level::high));
  }
}
