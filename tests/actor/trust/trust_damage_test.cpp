// Damaged logs: with the node stopped, one byte of a stored (sealed) chain
// entry is flipped directly in LMDB (the "kv" database, key
// "<ns>" 0x00 <8-byte big-endian seq>). The restarted trust actor refuses to
// serve and names the entry; the audit actor keeps the damaged chain as
// evidence and continues after it; other namespaces still read fine.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <lmdb.h>

#include "messages/kv_api.hpp"
#include "runtime/sealed_log/chain_scan.hpp"
#include "storage/lmdb_env.hpp"
#include "storage/sealed/kv_keys.hpp"
#include "trust_support.hpp"

using namespace nz;
using namespace nz::test;

namespace {

const std::string other_ns = "app.notes";
const bytes other_key{'h', 'e', 'l', 'l', 'o'};
const bytes other_value{'w', 'o', 'r', 'l', 'd'};

/// Flips one bit of byte `offset` of the stored value of (ns, key) in the
/// "kv" database. REQUIRES: nobody else has the environment open.
void flip_stored_byte(const std::string& dir, const std::string& ns, const bytes& key,
                      size_t offset) {
  auto env = storage::lmdb_env::open(dir, 0, 4);
  REQUIRE(env);
  auto db = env->open_db("kv");
  REQUIRE(db);
  {
    auto txn = storage::write_txn::begin(*env);
    REQUIRE(txn);
    auto k = storage::make_kv_key(ns, storage::as_bytes(key));
    MDB_val mk{k.size(), k.data()};
    MDB_val mv{0, nullptr};
    REQUIRE(mdb_get(txn->handle(), *db, &mk, &mv) == 0);
    auto* p = static_cast<const uint8_t*>(mv.mv_data);
    bytes value(p, p + mv.mv_size);
    REQUIRE(offset < value.size());
    value[offset] ^= 0x01;
    REQUIRE(txn->put(*db, storage::as_bytes(k), storage::as_bytes(value)));
    REQUIRE(txn->commit());
  }
  env->close();
}

/// Deletes the record (ns, key) from the "kv" database. REQUIRES: as above.
void delete_stored_record(const std::string& dir, const std::string& ns,
                          const bytes& key) {
  auto env = storage::lmdb_env::open(dir, 0, 4);
  REQUIRE(env);
  auto db = env->open_db("kv");
  REQUIRE(db);
  {
    auto txn = storage::write_txn::begin(*env);
    REQUIRE(txn);
    auto k = storage::make_kv_key(ns, storage::as_bytes(key));
    auto existed = txn->del(*db, storage::as_bytes(k));
    REQUIRE(existed);
    REQUIRE(*existed);
    REQUIRE(txn->commit());
  }
  env->close();
}

struct damage_fixture : trust_fixture {
  std::vector<keypair> ks;

  damage_fixture() {
    for (uint8_t i = 0; i < 4; ++i) ks.push_back(keypair::from_tag(60 + i));
  }

  storage_actor typed_storage() { return caf::actor_cast<storage_actor>(storage); }

  void put_other_record() {
    auto ok =
        ask<bool>(typed_storage(), kv_put_atom::value, static_cast<uint8_t>(kv_table::kv),
                  other_ns, other_key, other_value);
    REQUIRE(ok);
    CHECK(*ok);
  }

  void check_other_record() {
    auto v = ask<bytes>(typed_storage(), kv_get_atom::value,
                        static_cast<uint8_t>(kv_table::kv), other_ns, other_key);
    REQUIRE(v);
    CHECK(*v == other_value);
  }

  /// Writes four entries, stops trust and storage, flips a byte of entry 2 and
  /// starts both again.
  void damage_entry_2() {
    start_trust();
    for (auto& k : ks) must_assert(set_level_req(k.hex(), 2));
    put_other_record();
    crash_trust();
    stop_storage();
    flip_stored_byte(db_dir(), "nz.trust.log", sealed_log::seq_key(2), 30);
    start_storage();
    start_trust();
  }

  /// Writes four entries with a snapshot at 4, stops trust and storage,
  /// deletes entry 4 and starts both again.
  void truncate_entry_4() {
    opts.snapshot_every = 2;
    start_trust();
    for (auto& k : ks) must_assert(set_level_req(k.hex(), 2));
    crash_trust();
    stop_storage();
    delete_stored_record(db_dir(), "nz.trust.log", sealed_log::seq_key(4));
    start_storage();
    start_trust();
    REQUIRE(recovery_note("trust") == "trust log damaged: truncated");
  }

  void check_refused() {
    auto ls = list();
    REQUIRE_FALSE(ls);
    CHECK(has_code(ls.error(), trust_errc::damaged));
    auto text = sys.render(ls.error());
    INFO(text);
    CHECK(contains(text, "damaged at entry 2"));
    auto v = eval(ks[0].hex());
    REQUIRE_FALSE(v);
    CHECK(has_code(v.error(), trust_errc::damaged));
    auto a = tassert(set_level_req(keypair::from_tag(70).hex(), 1));
    REQUIRE_FALSE(a);
    CHECK(has_code(a.error(), trust_errc::damaged));
    auto x = ask<bytes>(trust, trust_export_atom::value);
    REQUIRE_FALSE(x);
    CHECK(has_code(x.error(), trust_errc::damaged));
    for (bool verify : {true, false}) {
      auto lg = log(verify, 1000);
      REQUIRE(lg);
      CHECK(lg->entries == 4);
      CHECK(lg->first_bad_seq == 2);
      INFO(lg->broken);
      CHECK(lg->broken.rfind("entry 2: sealed record failed to open", 0) == 0);
      REQUIRE(lg->tail.size() == 1);
      CHECK(lg->tail[0].log_seq == 1);
    }
  }
};

}  // namespace

TEST_CASE_FIXTURE(damage_fixture,
                  "a flipped byte in trust log entry 2 is named and nothing is served") {
  opts.snapshot_every = 1000;
  damage_entry_2();
  check_refused();
  check_other_record();
  bool warned = false;
  for (auto& w : reg->warnings()) warned |= contains(w, "trust log damaged at entry 2");
  CHECK(warned);
  // Nothing was overwritten: another restart finds the same damage.
  crash_trust();
  start_trust();
  check_refused();
}

TEST_CASE_FIXTURE(damage_fixture,
                  "a snapshot past the damaged entry does not hide the damage") {
  opts.snapshot_every = 2;
  damage_entry_2();
  check_refused();
  check_other_record();
}

TEST_CASE_FIXTURE(audit_fixture,
                  "a damaged audit chain is kept as evidence and continued after") {
  start_audit();
  for (int i = 1; i <= 3; ++i)
    REQUIRE(record("auth_failure", "c" + std::to_string(i), ""));
  crash_audit();
  stop_storage();
  flip_stored_byte(db_dir(), "nz.audit", sealed_log::seq_key(2), 30);
  start_storage();
  start_audit();
  auto page = read(0, 0);
  REQUIRE(page);
  INFO(page->broken);
  CHECK(page->broken.rfind("entry 2: sealed record failed to open", 0) == 0);
  CHECK(page->total == 4);
  // Record 2 does not open; the others are shown, then the damage event.
  REQUIRE(page->events.size() == 3);
  CHECK(page->events[0].seq == 1);
  CHECK(page->events[1].seq == 3);
  CHECK(page->events[2].seq == 4);
  CHECK(page->events[2].kind == "audit_damaged");
  CHECK(page->events[2].source == "audit");
  auto seq = record("lockout", "c1", "");
  REQUIRE(seq);
  CHECK(*seq == 5);
  bool warned = false;
  for (auto& w : reg->warnings()) warned |= contains(w, "audit log damaged");
  CHECK(warned);
}

TEST_CASE_FIXTURE(damage_fixture, "a log truncated behind its snapshot is damaged") {
  truncate_entry_4();
  auto ls = list();
  REQUIRE_FALSE(ls);
  CHECK(has_code(ls.error(), trust_errc::damaged));
  auto text = sys.render(ls.error());
  INFO(text);
  CHECK(contains(text, "damaged at entry 4"));
  CHECK(contains(text, "the log ends at 3 but the trust snapshot covers 4 entries"));
  auto lg = log(true, 1000);
  REQUIRE(lg);
  CHECK(lg->entries == 3);
  CHECK(lg->tail.size() == 3);
}

// Regression: the refusal points the operator at `trust log --verify`, which once
// reported a log truncated behind its snapshot as intact.
TEST_CASE_FIXTURE(damage_fixture,
                  "log --verify names the truncation that the actor refuses on") {
  truncate_entry_4();
  REQUIRE_FALSE(list());
  auto lg = log(true, 1000);
  REQUIRE(lg);
  CHECK(lg->first_bad_seq == 4);
  CHECK_FALSE(lg->broken.empty());
}
