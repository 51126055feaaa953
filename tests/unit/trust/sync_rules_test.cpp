// sync_rules: every rejection reason, all-or-nothing batches, already-known
// assertions and re-encoding attacks.
#include <doctest/doctest.h>

#include "actors/trust/core/sync_rules.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

struct fixture {
  test_key me = key(1), a = key(2), b = key(3), c = key(4), stranger = key(5);
  pubkey s = key(9).pk, s2 = key(10).pk;
  issuer_book book;
  trust_set ts{me.pk};

  fixture() { trust(a, level::high); }
  void trust(const test_key& k, level lvl) {
    REQUIRE(ts.apply(book.set_level(me, k.pk, lvl)) == apply_status::applied);
  }
  batch_verdict check(const std::vector<signed_assertion>& xs, int64_t now = t0) {
    return check_batch(ts, xs, now);
  }
  // The single rejection's reason code of a one-assertion batch.
  std::string reason(const signed_assertion& x, int64_t now = t0) {
    auto v = check({x}, now);
    CHECK_FALSE(v.accepted);
    REQUIRE(v.rejected.size() == 1);
    CHECK(v.rejected[0].index == 0);
    CHECK_FALSE(v.rejected[0].message.empty());
    return v.rejected[0].reason_code;
  }
  void apply_all(const batch_verdict& v) {
    REQUIRE(v.accepted);
    for (const auto& x : v.to_apply) REQUIRE(ts.apply(x) == apply_status::applied);
  }
};

}  // namespace

TEST_CASE_FIXTURE(fixture,
                  "a batch of good assertions is accepted whole and applies cleanly") {
  auto v = check({book.set_level(a, s, level::high), book.delegate(a, s, 1, level::low),
                  book.set_level(a, s2, level::low), book.revoke(a, key(11).pk)});
  CHECK(v.accepted);
  CHECK(v.rejected.empty());
  CHECK(v.to_apply.size() == 4);
  CHECK(v.already_known == 0);
  apply_all(v);
  CHECK(check({}).accepted);
}

TEST_CASE_FIXTURE(fixture, "a bad signature is rejected as bad_signature") {
  auto x = book.set_level(a, s, level::high);
  x.sig[10] ^= 1;
  CHECK(reason(x) == "bad_signature");
  auto y = book.set_level(a, s, level::high);
  y.a.lvl = level::ultimate;  // edited after signing
  CHECK(reason(y) == "bad_signature");
}

TEST_CASE_FIXTURE(
    fixture, "malformed fields and exceeded limits are rejected before the signature") {
  auto x = book.set_level(a, s, level::high);
  x.a.depth = 2;
  CHECK(reason(x) == "malformed");
  assertion big;
  big.subject = s;
  big.lvl = level::low;
  big.created_ms = t0;
  big.labels = {{"k", std::string(1000, 'v')}};
  CHECK(reason(book.make(a, big)) == "limit");
}

TEST_CASE_FIXTURE(
    fixture, "assertions by keys trusted below medium are rejected as unknown_issuer") {
  CHECK(reason(book.set_level(stranger, s, level::high)) == "unknown_issuer");
  trust(b, level::low);
  CHECK(reason(book.set_level(b, s, level::high)) == "unknown_issuer");
  trust(b, level::medium);
  CHECK(check({book.set_level(b, s, level::high)}).accepted);
  REQUIRE(ts.apply(book.revoke(me, b.pk)) == apply_status::applied);
  auto v = check({book.set_level(b, s, level::high)});
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].reason_code == "unknown_issuer");
  CHECK(v.rejected[0].message.find("revoked") != std::string::npos);
}

TEST_CASE_FIXTURE(
    fixture, "replayed, equal and non-increasing seqs are rejected as replayed_seq") {
  auto first = book.set_level(a, s, level::low);
  auto second = book.set_level(a, s, level::high);
  apply_all(check({first, second}));
  // An old assertion replayed (superseded, so not "already known").
  CHECK(reason(first) == "replayed_seq");
  // A different assertion under an already used seq (equivocation).
  assertion other;
  other.subject = s2;
  other.lvl = level::high;
  other.issuer_seq = second.a.issuer_seq;
  other.created_ms = t0;
  CHECK(reason(book.make(a, other)) == "replayed_seq");
  // Within a batch: seqs must increase per issuer; a duplicate is a replay.
  auto x = book.set_level(a, s2, level::low);
  auto y = book.set_level(a, s2, level::high);
  auto v = check({y, x});
  CHECK_FALSE(v.accepted);
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].index == 1);
  CHECK(v.rejected[0].reason_code == "replayed_seq");
  v = check({x, x});
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].index == 1);
}

TEST_CASE_FIXTURE(fixture, "expired assertions are rejected, at the boundary too") {
  auto ttl = ts.bounds().default_ttl_ms;
  auto x = book.set_level(a, s, level::high, 1000);  // default TTL ends at 1000 + ttl
  CHECK(reason(x, 1000 + ttl) == "expired");
  CHECK(check({x}, 1000 + ttl - 1).accepted);
  auto y = book.set_level(a, s2, level::high, t0 - 10, t0);
  CHECK(reason(y, t0) == "expired");
  CHECK(check({y}, t0 - 1).accepted);
  // Revocations never expire.
  CHECK(check({book.revoke(a, s, 0)}, t0 + 100 * day).accepted);
}

TEST_CASE_FIXTURE(fixture,
                  "a batch over max_batch is refused whole without examining it") {
  std::vector<signed_assertion> xs;
  xs.reserve(101);
  for (int i = 0; i < 101; ++i) xs.push_back(book.set_level(a, s, level::low));
  xs[0].sig[0] ^= 1;  // would be bad_signature, but is never looked at
  auto v = check(xs);
  CHECK_FALSE(v.accepted);
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].reason_code == "batch_too_large");
  CHECK(v.rejected[0].index == 100);
  CHECK(v.rejected[0].message == "batch of 101 assertions exceeds max_batch 100");
  xs.pop_back();
  xs[0].sig[0] ^= 1;
  CHECK(check(xs).accepted);
}

TEST_CASE_FIXTURE(fixture,
                  "a subject with max_third_party_per_subject issuers is flooded") {
  limits l;
  l.max_third_party_per_subject = 2;
  ts.set_bounds(l);
  trust(b, level::high);
  trust(c, level::high);
  auto v = check({book.set_level(a, s, level::low), book.set_level(b, s, level::low),
                  book.set_level(c, s, level::low)});
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].index == 2);
  CHECK(v.rejected[0].reason_code == "subject_flooded");
  CHECK(v.rejected[0].message.find("max_third_party_per_subject") != std::string::npos);
  apply_all(check({book.set_level(a, s, level::low)}));
  apply_all(check({book.set_level(b, s, level::low)}));
  CHECK(reason(book.set_level(c, s, level::low)) == "subject_flooded");
  // Issuers already holding a record may update it.
  CHECK(check({book.set_level(a, s, level::high)}).accepted);
  // Records that expired no longer occupy a place.
  auto later = t0 + ts.bounds().default_ttl_ms;
  CHECK(check({book.set_level(c, s, level::low, later - 1)}, later).accepted);
}

TEST_CASE_FIXTURE(fixture, "grants about a revoked key are rejected as revoked_subject") {
  REQUIRE(ts.apply(book.revoke(me, s)) == apply_status::applied);
  CHECK(reason(book.set_level(a, s, level::high)) == "revoked_subject");
  CHECK(reason(book.delegate(a, s, 1, level::low)) == "revoked_subject");
  CHECK(check({book.revoke(a, s)}).accepted);  // agreeing is fine
  // Within one batch: an issuer's revoke, then its grant about the same key.
  auto v = check({book.revoke(a, s2), book.set_level(a, s2, level::high)});
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].index == 1);
  CHECK(v.rejected[0].reason_code == "revoked_subject");
}

TEST_CASE_FIXTURE(fixture,
                  "assertions about the issuer itself are rejected as self_subject") {
  CHECK(reason(book.set_level(a, a.pk, level::ultimate)) == "self_subject");
}

TEST_CASE_FIXTURE(fixture,
                  "one bad assertion rejects the whole batch and nothing is applied") {
  auto good1 = book.set_level(a, s, level::high);
  auto bad = book.set_level(stranger, s2, level::high);
  auto good2 = book.set_level(a, s2, level::high);
  auto before = ts;
  auto v = check({good1, bad, good2});
  CHECK_FALSE(v.accepted);
  CHECK(v.to_apply.empty());
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].index == 1);
  CHECK(ts == before);
  // Every bad assertion is listed, so counts per reason are derivable.
  auto forged = good2;
  forged.sig[0] ^= 1;
  v = check({good1, bad, forged, book.set_level(a, a.pk, level::low)});
  CHECK(v.rejected.size() == 3);
  auto counts = count_by_reason(v);
  CHECK(counts
        == std::vector<std::pair<std::string, size_t>>{
            {"bad_signature", 1}, {"self_subject", 1}, {"unknown_issuer", 1}});
}

TEST_CASE_FIXTURE(fixture,
                  "an assertion already applied is counted as known, not rejected") {
  auto x = book.set_level(a, s, level::high);
  apply_all(check({x}));
  auto y = book.set_level(a, s2, level::high);
  auto v = check({x, y});
  CHECK(v.accepted);
  CHECK(v.already_known == 1);
  REQUIRE(v.to_apply.size() == 1);
  CHECK(v.to_apply[0] == y);
  // The same assertion with a different signature is not known.
  auto z = x;
  z.sig[5] ^= 1;
  CHECK(reason(z) == "bad_signature");
}

TEST_CASE_FIXTURE(fixture, "re-encoded assertions never pass as the original") {
  auto x = book.set_level(a, s, level::medium);
  apply_all(check({x}));
  // Any field changed while keeping the signature: the signature fails.
  auto raised = x;
  raised.a.lvl = level::ultimate;
  CHECK(reason(raised) == "bad_signature");
  auto relabeled = x;
  relabeled.a.labels = {{"a", "b"}};
  CHECK(reason(relabeled) == "bad_signature");
  // A fresh grant about a key this node revoked stays powerless.
  REQUIRE(ts.apply(book.revoke(me, s2)) == apply_status::applied);
  CHECK(reason(book.set_level(a, s2, level::high)) == "revoked_subject");
}

TEST_CASE_FIXTURE(fixture,
                  "own assertions restored from elsewhere follow the own rules") {
  limits l;
  l.max_trusted = 2;  // a is already trusted
  ts.set_bounds(l);
  auto v = check(
      {book.set_level(me, b.pk, level::high), book.set_level(me, c.pk, level::high)});
  REQUIRE(v.rejected.size() == 1);
  CHECK(v.rejected[0].index == 1);
  CHECK(v.rejected[0].reason_code == "limit");
  // Own assertions need no trusted issuer and use only their explicit expiry.
  auto old = book.set_level(me, a.pk, level::low, 0);
  CHECK(check({old}, t0 + 10 * day).accepted);
}
