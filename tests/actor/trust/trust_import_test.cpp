// Bundle import into the trust actor: admission under the sync rules (all of a
// bundle or nothing), the delegation cap on imported trust, and the expiry of
// foreign assertions on the injected clock.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "trust_support.hpp"

using namespace nz;
using namespace nz::test;

namespace {

/// A node that trusts the foreign key `fk` at MEDIUM and delegates to it
/// (depth 1, capped at MEDIUM): its assertions are admitted and count.
struct delegating_fixture : trust_fixture {
  keypair fk = keypair::from_tag(2);

  delegating_fixture() {
    start_trust();
    must_assert(set_level_req(fk.hex(), medium));
    must_assert(delegate_req(fk.hex(), 1, medium));
  }

  /// The rejection lines of importing `xs` (signed by fk), which must be refused.
  std::vector<std::string> refused(const std::vector<trust::signed_assertion>& xs) {
    auto before = list();
    REQUIRE(before);
    auto rep = import(make_bundle(fk, *now, xs));
    REQUIRE(rep);
    CHECK_FALSE(rep->accepted);
    CHECK(rep->applied == 0);
    CHECK(rep->exporter == fk.node_id());
    auto after = list();
    REQUIRE(after);
    // Nothing of a refused batch is applied.
    CHECK(caf::deep_to_string(*after) == caf::deep_to_string(*before));
    auto lg = log();
    REQUIRE(lg);
    CHECK(lg->entries == 2);
    return rep->rejected;
  }
};

}  // namespace

TEST_CASE_FIXTURE(delegating_fixture,
                  "a bundle from a delegated issuer is imported and capped by the "
                  "delegation") {
  auto t = keypair::from_tag(3);
  auto own = own_id();
  auto bundle = make_bundle(
      fk, *now,
      {signed_by(fk, trust::kind::set_level, t.pk, 1, *now, trust::level::high)});
  auto rep = import(bundle);
  REQUIRE(rep);
  CHECK(rep->accepted);
  CHECK(rep->exporter == fk.node_id());
  CHECK(rep->applied == 1);
  CHECK(rep->already_known == 0);
  CHECK(rep->rejected.empty());
  auto v = eval(t.hex());
  REQUIRE(v);
  CHECK(v->level == medium);  // fk says HIGH, the delegation caps it at MEDIUM
  CHECK_FALSE(v->revoked);
  REQUIRE(v->path.size() == 2);
  CHECK(v->path[0].kind == "delegate");
  CHECK(v->path[0].issuer == own);
  CHECK(v->path[0].subject == fk.node_id());
  CHECK(v->path[0].max_level == medium);
  CHECK(v->path[1].kind == "set_level");
  CHECK(v->path[1].issuer == fk.node_id());
  CHECK(v->path[1].subject == t.node_id());
  CHECK(v->path[1].level == high);
  CHECK(v->path[1].issuer_seq == 1);
  auto ls = list();
  REQUIRE(ls);
  REQUIRE(ls->size() == 3);
  CHECK(ls->back().issuer == fk.node_id());
  CHECK(ls->back().subject == t.node_id());
  auto lg = log();
  REQUIRE(lg);
  CHECK(lg->entries == 3);
  CHECK(lg->broken.empty());
  REQUIRE(lg->tail.size() == 3);
  CHECK(lg->tail[2].issuer == fk.node_id());
  CHECK(lg->tail[2].log_seq == 3);
  // The same bundle again changes nothing.
  rep = import(bundle);
  REQUIRE(rep);
  CHECK(rep->accepted);
  CHECK(rep->applied == 0);
  CHECK(rep->already_known == 1);
  CHECK(log()->entries == 3);
  // Without the delegation the foreign word no longer counts.
  must_assert(remove_req(fk.hex()));
  v = eval(t.hex());
  REQUIRE(v);
  CHECK(v->level == 0);
  CHECK(v->path.empty());
}

TEST_CASE_FIXTURE(delegating_fixture,
                  "one bad signature among valid ones refuses the whole bundle") {
  std::vector<trust::signed_assertion> xs;
  for (uint8_t i = 0; i < 3; ++i)
    xs.push_back(signed_by(fk, trust::kind::set_level, keypair::from_tag(30 + i).pk,
                           i + 1, *now, trust::level::high));
  xs[1].sig[7] ^= 0x01;
  auto rejected = refused(xs);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].rfind("index 1: bad_signature: ", 0) == 0);
  auto v = eval(keypair::from_tag(30).hex());
  REQUIRE(v);
  CHECK(v->level == 0);
}

TEST_CASE_FIXTURE(delegating_fixture, "a batch of 101 assertions is batch_too_large") {
  std::vector<trust::signed_assertion> xs;
  for (uint64_t i = 0; i < 101; ++i)
    xs.push_back(signed_by(fk, trust::kind::set_level,
                           keypair::from_tag(static_cast<uint8_t>(100 + i)).pk, i + 1,
                           *now, trust::level::low));
  auto rejected = refused(xs);
  REQUIRE(rejected.size() == 1);
  CHECK(contains(rejected[0], "batch_too_large"));
  CHECK(contains(rejected[0], "101 assertions exceeds max_batch 100"));
  // 100 is the limit, not over it.
  xs.pop_back();
  auto rep = import(make_bundle(fk, *now, xs));
  REQUIRE(rep);
  CHECK(rep->accepted);
  CHECK(rep->applied == 100);
  CHECK(log()->entries == 102);
  CHECK(list()->size() == 102);
}

TEST_CASE_FIXTURE(delegating_fixture,
                  "a replayed issuer_seq with different content is replayed_seq") {
  auto t1 = keypair::from_tag(3);
  auto t2 = keypair::from_tag(4);
  auto rep = import(make_bundle(
      fk, *now,
      {signed_by(fk, trust::kind::set_level, t1.pk, 1, *now, trust::level::high)}));
  REQUIRE(rep);
  REQUIRE(rep->accepted);
  CHECK(log()->entries == 3);
  // Same seq, another subject; same seq, same subject, another level.
  for (auto& x :
       {signed_by(fk, trust::kind::set_level, t2.pk, 1, *now, trust::level::high),
        signed_by(fk, trust::kind::set_level, t1.pk, 1, *now, trust::level::low)}) {
    auto before = list();
    auto r = import(make_bundle(fk, *now, {x}));
    REQUIRE(r);
    CHECK_FALSE(r->accepted);
    REQUIRE(r->rejected.size() == 1);
    CHECK(r->rejected[0].rfind("index 0: replayed_seq: ", 0) == 0);
    CHECK(caf::deep_to_string(*list()) == caf::deep_to_string(*before));
  }
  CHECK(log()->entries == 3);
  auto v = eval(t1.hex());
  REQUIRE(v);
  CHECK(v->level == medium);
}

TEST_CASE_FIXTURE(delegating_fixture, "an expired assertion is refused as expired") {
  auto t = keypair::from_tag(3);
  // Explicit expiry in the past.
  auto rejected = refused({signed_by(fk, trust::kind::set_level, t.pk, 1, *now - 2000,
                                     trust::level::high, *now - 1000)});
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].rfind("index 0: expired: ", 0) == 0);
  // Expiry exactly now counts as expired.
  rejected = refused({signed_by(fk, trust::kind::set_level, t.pk, 1, *now - 2000,
                                trust::level::high, *now)});
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].rfind("index 0: expired: ", 0) == 0);
  // No expiry, but older than the default TTL of a foreign assertion (24 h).
  rejected = refused({signed_by(fk, trust::kind::set_level, t.pk, 1,
                                *now - 24LL * 3600 * 1000, trust::level::high)});
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].rfind("index 0: expired: ", 0) == 0);
}

TEST_CASE_FIXTURE(delegating_fixture,
                  "assertions by an issuer below MEDIUM are unknown_issuer") {
  auto g = keypair::from_tag(5);
  auto t = keypair::from_tag(3);
  auto xs = std::vector<trust::signed_assertion>{
      signed_by(g, trust::kind::set_level, t.pk, 1, *now, trust::level::high)};
  for (int round = 0; round < 2; ++round) {
    auto before = list();
    auto rep = import(make_bundle(g, *now, xs));
    REQUIRE(rep);
    CHECK_FALSE(rep->accepted);
    CHECK(rep->exporter == g.node_id());
    REQUIRE(rep->rejected.size() == 1);
    CHECK(rep->rejected[0].rfind("index 0: unknown_issuer: ", 0) == 0);
    CHECK(caf::deep_to_string(*list()) == caf::deep_to_string(*before));
    // Trusting g at LOW is not enough.
    if (round == 0) must_assert(set_level_req(g.hex(), low));
  }
  CHECK(log()->entries == 3);
}

TEST_CASE_FIXTURE(delegating_fixture,
                  "a foreign assertion counts until one ms before its expiry") {
  auto t = keypair::from_tag(3);
  auto t0 = *now;
  auto rep = import(make_bundle(fk, t0,
                                {signed_by(fk, trust::kind::set_level, t.pk, 1, t0,
                                           trust::level::high, t0 + 1000)}));
  REQUIRE(rep);
  REQUIRE(rep->accepted);
  *now = t0 + 999;
  auto v = eval(t.hex());
  REQUIRE(v);
  CHECK(v->level == medium);
  CHECK(v->path.size() == 2);
  *now = t0 + 1000;
  v = eval(t.hex());
  REQUIRE(v);
  CHECK(v->level == 0);
  CHECK(v->path.empty());
}
