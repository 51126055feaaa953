// trust_set: applying log entries, own-assertion admission, revocation rules,
// limits and node-id lookup.
#include <doctest/doctest.h>

#include <algorithm>

#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/trust_set.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

struct fixture {
  test_key me = key(1), alice = key(2), bob = key(3), carol = key(4);
  issuer_book book;
  trust_set ts{me.pk};

  // check_own, then apply: what the trust actor does for `trust set`.
  trust_status own(const signed_assertion& s) {
    auto st = ts.check_own(s.a, t0);
    if (st) REQUIRE(ts.apply(s) == apply_status::applied);
    return st;
  }
  assertion draft(kind k, const pubkey& about) {
    assertion a;
    a.k = k;
    a.issuer = me.pk;
    a.subject = about;
    a.issuer_seq = ts.next_own_seq();
    a.created_ms = t0;
    if (k == kind::set_level) a.lvl = level::medium;
    if (k == kind::delegate) {
      a.depth = 1;
      a.max_level = level::medium;
    }
    return a;
  }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "own set_level is recorded and the next seq advances") {
  CHECK(ts.next_own_seq() == 1);
  REQUIRE(own(book.set_level(me, alice.pk, level::high)));
  CHECK(ts.next_own_seq() == 2);
  REQUIRE(ts.own_record(alice.pk));
  CHECK(ts.own_record(alice.pk)->set_level->a.lvl == level::high);
  CHECK(ts.trusted_count() == 1);
  REQUIRE(own(book.set_level(me, alice.pk, level::low)));
  CHECK(ts.own_record(alice.pk)->set_level->a.lvl == level::low);
  CHECK(ts.trusted_count() == 1);
}

TEST_CASE_FIXTURE(fixture,
                  "check_own refuses a wrong seq, a foreign issuer and self assertions") {
  auto a = draft(kind::set_level, alice.pk);
  a.issuer_seq = 2;
  CHECK(ts.check_own(a, t0).code() == trust_errc::replayed_seq);
  a.issuer_seq = 1;
  CHECK(ts.check_own(a, t0));
  a.issuer = alice.pk;
  CHECK(ts.check_own(a, t0).code() == trust_errc::not_own);
  auto self = draft(kind::set_level, me.pk);
  CHECK(ts.check_own(self, t0).code() == trust_errc::self_subject);
  auto bad = draft(kind::set_level, alice.pk);
  bad.depth = 1;
  CHECK(ts.check_own(bad, t0).code() == trust_errc::malformed);
  auto late = draft(kind::set_level, alice.pk);
  late.created_ms = t0 - 10;
  late.expires_ms = t0;
  CHECK(ts.check_own(late, t0).code() == trust_errc::expired);
  late.expires_ms = t0 + 1;
  CHECK(ts.check_own(late, t0));
}

TEST_CASE_FIXTURE(
    fixture,
    "a revoked key stays revoked: set_level, delegate and re-revoke are refused") {
  REQUIRE(own(book.set_level(me, alice.pk, level::high)));
  REQUIRE(own(book.delegate(me, alice.pk, 2, level::high)));
  REQUIRE(own(book.revoke(me, alice.pk)));
  CHECK(ts.revoked_by_self(alice.pk));
  CHECK_FALSE(ts.own_record(alice.pk)->direct());  // the revoke empties the record
  CHECK(ts.trusted_count() == 0);
  CHECK(ts.own_delegates().empty());
  auto st = ts.check_own(draft(kind::set_level, alice.pk), t0);
  CHECK(st.code() == trust_errc::revoked_subject);
  CHECK(st.error().message.find("revocation is permanent") != std::string::npos);
  CHECK(ts.check_own(draft(kind::delegate, alice.pk), t0).code()
        == trust_errc::revoked_subject);
  CHECK(ts.check_own(draft(kind::revoke, alice.pk), t0).code()
        == trust_errc::revoked_subject);
  // remove never deletes a revocation: there is nothing to remove.
  CHECK(ts.check_own(draft(kind::remove, alice.pk), t0).code()
        == trust_errc::nothing_to_remove);
}

TEST_CASE_FIXTURE(
    fixture, "apply ignores set_level about a revoked key, whatever its bytes or seq") {
  auto old_set = book.set_level(me, alice.pk, level::high);
  REQUIRE(own(old_set));
  REQUIRE(own(book.revoke(me, alice.pk)));
  // Replaying the older assertion is stale; a fresh one (higher seq, as if
  // forged into the log) is ignored as revoked_subject.
  CHECK(ts.apply(old_set) == apply_status::stale_seq);
  auto fresh = book.set_level(me, alice.pk, level::ultimate);
  CHECK(ts.apply(fresh) == apply_status::revoked_subject);
  CHECK(ts.revoked_by_self(alice.pk));
  CHECK(effective_trust(ts, alice.pk, t0).revoked);
  // ... and a remove leaves the revocation in place.
  CHECK(ts.apply(book.remove(me, alice.pk)) == apply_status::applied);
  CHECK(ts.revoked_by_self(alice.pk));
}

TEST_CASE_FIXTURE(fixture, "remove deletes own set_level and delegate") {
  REQUIRE(own(book.set_level(me, alice.pk, level::high)));
  REQUIRE(own(book.delegate(me, alice.pk, 1, level::low)));
  CHECK(ts.own_delegates().count(alice.pk) == 1);
  REQUIRE(own(book.remove(me, alice.pk)));
  CHECK(ts.own_record(alice.pk) == nullptr);
  CHECK(ts.own_delegates().empty());
  CHECK(ts.trusted_count() == 0);
  CHECK(ts.check_own(draft(kind::remove, alice.pk), t0).code()
        == trust_errc::nothing_to_remove);
}

TEST_CASE_FIXTURE(fixture, "max_trusted bounds subjects with a direct assertion") {
  limits l;
  l.max_trusted = 3;
  ts = trust_set{me.pk, l};
  for (uint8_t i = 10; i < 13; ++i)
    REQUIRE(own(book.set_level(me, key(i).pk, level::low)));
  auto st = ts.check_own(draft(kind::set_level, key(13).pk), t0);
  CHECK(st.code() == trust_errc::limit);
  CHECK(st.error().message.find("max_trusted 3") != std::string::npos);
  CHECK(ts.check_own(draft(kind::delegate, key(13).pk), t0).code() == trust_errc::limit);
  // Changing an existing subject and revoking new ones stay possible.
  CHECK(ts.check_own(draft(kind::set_level, key(10).pk), t0));
  CHECK(ts.check_own(draft(kind::revoke, key(13).pk), t0));
  REQUIRE(own(book.remove(me, key(10).pk)));
  CHECK(ts.check_own(draft(kind::set_level, key(13).pk), t0));
}

TEST_CASE_FIXTURE(fixture, "check_own reports label and depth limits by name") {
  auto a = draft(kind::delegate, alice.pk);
  a.depth = 5;
  auto st = ts.check_own(a, t0);
  CHECK(st.code() == trust_errc::limit);
  CHECK(st.error().message == "delegation depth 5 exceeds limit 4");
  auto b = draft(kind::set_level, alice.pk);
  b.labels = {{"k", std::string(300, 'v')}};
  CHECK(ts.check_own(b, t0).error().message == "label value size 300 exceeds limit 256");
}

TEST_CASE_FIXTURE(fixture,
                  "foreign records keep the latest assertion per kind and issuer") {
  auto s1 = book.set_level(alice, carol.pk, level::low);
  auto s2 = book.set_level(alice, carol.pk, level::high);
  CHECK(ts.apply(s1) == apply_status::applied);
  CHECK(ts.apply(s2) == apply_status::applied);
  CHECK(ts.apply(s1) == apply_status::stale_seq);
  CHECK(ts.foreign_record(alice.pk, carol.pk)->set_level == s2);
  CHECK(ts.highest_seq(alice.pk) == 2);
  CHECK(ts.issuers_about(carol.pk)->count(alice.pk) == 1);
  CHECK(ts.apply(book.delegate(alice, carol.pk, 1, level::low)) == apply_status::applied);
  CHECK(ts.delegates_of(alice.pk)->count(carol.pk) == 1);
  CHECK(ts.apply(book.remove(alice, carol.pk)) == apply_status::applied);
  CHECK(ts.foreign_record(alice.pk, carol.pk) == nullptr);
  CHECK(ts.delegates_of(alice.pk) == nullptr);
  CHECK(ts.issuers_about(carol.pk) == nullptr);
  // A foreign revoke is permanent for that issuer and subject.
  CHECK(ts.apply(book.revoke(alice, carol.pk)) == apply_status::applied);
  CHECK(ts.apply(book.set_level(alice, carol.pk, level::high))
        == apply_status::revoked_subject);
  CHECK(ts.apply(book.remove(alice, carol.pk)) == apply_status::applied);
  CHECK(ts.foreign_record(alice.pk, carol.pk)->revoke);
}

TEST_CASE_FIXTURE(fixture,
                  "apply reports malformed and self assertions without changing state") {
  auto bad = book.set_level(alice, carol.pk, level::low);
  bad.a.depth = 3;
  auto before = ts;
  CHECK(ts.apply(bad) == apply_status::malformed);
  CHECK(ts == before);
  CHECK(ts.apply(book.set_level(alice, alice.pk, level::high))
        == apply_status::self_subject);
  CHECK(ts.foreign_record(alice.pk, alice.pk) == nullptr);
  CHECK(std::string(to_string(apply_status::stale_seq)) == "stale_seq");
}

TEST_CASE_FIXTURE(fixture, "a full subject drops expired foreign records to make room") {
  limits l;
  l.max_third_party_per_subject = 2;
  ts = trust_set{me.pk, l};
  auto x = key(20), y = key(21), z = key(22);
  CHECK(ts.apply(book.set_level(x, carol.pk, level::low, 0, 10))
        == apply_status::applied);
  CHECK(ts.apply(book.revoke(y, carol.pk, 0)) == apply_status::applied);
  CHECK(ts.issuers_about(carol.pk)->size() == 2);
  // z's assertion is created at 10: x's record (expired at 10) makes room, y's
  // revocation is kept.
  CHECK(ts.apply(book.set_level(z, carol.pk, level::low, 10)) == apply_status::applied);
  CHECK(ts.foreign_record(x.pk, carol.pk) == nullptr);
  CHECK(ts.foreign_record(y.pk, carol.pk));
  CHECK(ts.foreign_record(z.pk, carol.pk));
  CHECK(ts.highest_seq(x.pk) == 1);  // replay protection survives the drop
}

TEST_CASE_FIXTURE(fixture, "node ids find every known key, by full id or unique prefix") {
  CHECK(*ts.find_node_id(node_id_of(me.pk)) == me.pk);
  auto id = node_id_of(carol.pk);
  CHECK(code_of(ts.find_node_id(id)) == trust_errc::unknown_node_id);
  REQUIRE(ts.apply(book.set_level(alice, carol.pk, level::low)) == apply_status::applied);
  CHECK(*ts.find_node_id(id) == carol.pk);
  CHECK(*ts.find_node_id(node_id_of(alice.pk)) == alice.pk);
  CHECK(*ts.find_node_id(id.substr(0, 8)) == carol.pk);
  std::string upper = id;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(*ts.find_node_id(upper) == carol.pk);
  CHECK(code_of(ts.find_node_id(id.substr(0, 7))) == trust_errc::unknown_node_id);
  CHECK(code_of(ts.find_node_id("zzzzzzzz")) == trust_errc::unknown_node_id);
  CHECK(code_of(ts.find_node_id(id + "0")) == trust_errc::unknown_node_id);
  CHECK(node_id_of(carol.pk).size() == 64);
}

TEST_CASE_FIXTURE(fixture, "an ambiguous node-id prefix is refused") {
  // Seeds 52890 and 55470 (found offline) give keys whose node ids share the
  // first 8 hex characters, "b87ed735".
  auto counter_key = [](uint32_t c) {
    std::array<uint8_t, 32> seed{};
    for (int i = 0; i < 4; ++i) seed[i] = static_cast<uint8_t>(c >> (8 * i));
    seed[31] = 0xa5;
    test_key k;
    crypto_sign_seed_keypair(k.pk.data(), k.sk.data(), seed.data());
    return k;
  };
  auto p = counter_key(52890), q = counter_key(55470);
  REQUIRE(node_id_of(p.pk).substr(0, 8) == "b87ed735");
  REQUIRE(node_id_of(q.pk).substr(0, 8) == "b87ed735");
  REQUIRE(ts.apply(book.set_level(alice, p.pk, level::low)) == apply_status::applied);
  CHECK(*ts.find_node_id("b87ed735") == p.pk);
  REQUIRE(ts.apply(book.set_level(alice, q.pk, level::low)) == apply_status::applied);
  auto r = ts.find_node_id("b87ed735");
  CHECK(code_of(r) == trust_errc::unknown_node_id);
  CHECK(r.error().message.find("ambiguous") != std::string::npos);
  CHECK(*ts.find_node_id(node_id_of(q.pk)) == q.pk);
  auto longer = node_id_of(q.pk).substr(0, 12);
  if (node_id_of(p.pk).substr(0, 12) != longer) CHECK(*ts.find_node_id(longer) == q.pk);
}
