// Recovery from damaged records, injected through the fault_injection seam on a
// closed environment (LMDB forbids opening one environment twice per process).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "storage/fault_injection.hpp"
#include "storage/journal_store.hpp"
#include "support/temp_dir.hpp"

using namespace nz::storage;

namespace {

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

/// Writes node_info entries 1..135 with snapshots at 60 and 120; the state is
/// the sum of the seqs so far, so a replay can be checked.
struct recovery_fixture {
  nz::test::temp_dir tmp{"nz-recovery"};
  store_options opts;

  recovery_fixture() {
    opts.dir = tmp.str() + "/db";
    opts.map_size = size_t{64} << 20;
    auto store = open();
    uint64_t sum = 0;
    for (uint64_t seq = 1; seq <= 135; ++seq) {
      sum += seq;
      REQUIRE(store.append_batch({{"node_info", seq, bytes_of(std::to_string(seq))}}));
      if (seq == 60 || seq == 120)
        REQUIRE(store.write_snapshot({"node_info", seq, bytes_of(std::to_string(sum))}));
    }
  }

  journal_store open() {
    auto st = journal_store::open(opts);
    REQUIRE(st);
    return std::move(*st);
  }

  /// Rebuilds the state from a load result.
  static uint64_t replay(const loaded_stream& l) {
    uint64_t sum = l.snapshot.empty()
                       ? 0
                       : std::stoull(std::string(l.snapshot.begin(), l.snapshot.end()));
    for (auto& e : l.journal)
      sum += std::stoull(std::string(e.payload.begin(), e.payload.end()));
    return sum;
  }
};

constexpr uint64_t expected_sum = 135 * 136 / 2;

}  // namespace

TEST_CASE_FIXTURE(recovery_fixture,
                  "an intact store loads the newest snapshot and its tail") {
  auto store = open();
  auto l = store.load("node_info");
  REQUIRE(l);
  CHECK(l->snapshot_seq == 120);
  CHECK(l->journal.size() == 15);
  CHECK(l->warnings.empty());
  CHECK(replay(*l) == expected_sum);
}

TEST_CASE_FIXTURE(
    recovery_fixture,
    "a corrupt newest snapshot falls back to the previous one and says so") {
  auto seq = corrupt_newest_snapshot(opts.dir, "node_info");
  REQUIRE(seq);
  CHECK(*seq == 120);
  auto store = open();
  auto l = store.load("node_info");
  REQUIRE(l);
  CHECK(l->snapshot_seq == 60);
  CHECK(l->journal.size() == 75);
  CHECK(l->fallbacks == 1);
  REQUIRE(l->warnings.size() == 1);
  CHECK(l->warnings[0]
        == "snapshot of 'node_info' at seq 120 is corrupt (checksum mismatch); fell back "
           "to seq 60 (replaying 75 entries)");
  CHECK(replay(*l) == expected_sum);
}

TEST_CASE_FIXTURE(recovery_fixture,
                  "a damaged snapshot is dropped by the next one, never kept in place of "
                  "a good one: a second damage still falls back") {
  REQUIRE(corrupt_newest_snapshot(opts.dir, "node_info"));  // 120
  {
    auto store = open();
    REQUIRE(store.write_snapshot(
        {"node_info", 130, bytes_of(std::to_string(uint64_t{130} * 131 / 2))}));
    auto stats = store.stats();
    REQUIRE(stats);
    REQUIRE(stats->streams.size() == 1);
    auto& snaps = stats->streams[0].snapshots;
    REQUIRE(snaps.size() == 2);  // 60 and 130: the damaged 120 is gone
    CHECK(snaps[0].seq == 60);
    CHECK(snaps[1].seq == 130);
    CHECK(stats->streams[0].first_journal_seq == 61);
  }
  REQUIRE(corrupt_newest_snapshot(opts.dir, "node_info"));  // 130
  auto store = open();
  auto l = store.load("node_info");
  REQUIRE(l);
  CHECK(l->snapshot_seq == 60);  // the journal behind 60 was kept
  CHECK(l->journal.size() == 75);
  CHECK(l->fallbacks == 1);
  CHECK(replay(*l) == expected_sum);
}

TEST_CASE_FIXTURE(recovery_fixture,
                  "a corrupt journal entry is a hard error naming its seq") {
  REQUIRE(corrupt_journal_entry(opts.dir, "node_info", 125));
  auto store = open();
  auto l = store.load("node_info");
  REQUIRE_FALSE(l);
  CHECK(l.error().code == store_errc::corrupt_record);
  CHECK(l.error().message
        == "journal entry of 'node_info' at seq 125 is corrupt (checksum mismatch)");
}

TEST_CASE_FIXTURE(recovery_fixture,
                  "a corrupt journal entry the fallback needs is not skipped either") {
  REQUIRE(corrupt_journal_entry(opts.dir, "node_info", 70));
  auto store = open();
  auto l = store.load("node_info");  // newest snapshot is fine: 70 is not needed
  REQUIRE(l);
  CHECK(l->snapshot_seq == 120);
  store.close();
  REQUIRE(corrupt_newest_snapshot(opts.dir, "node_info"));
  store = open();
  l = store.load("node_info");
  REQUIRE_FALSE(l);
  CHECK(l.error().code == store_errc::corrupt_record);
  CHECK(l.error().message.find("seq 70") != std::string::npos);
}

TEST_CASE(
    "a lone corrupt snapshot without journal is a recovery failure, not empty state") {
  nz::test::temp_dir tmp{"nz-recovery"};
  store_options opts;
  opts.dir = tmp.str() + "/db";
  opts.map_size = size_t{16} << 20;
  {
    auto store = journal_store::open(opts);
    REQUIRE(store);
    REQUIRE(store->append_batch({{"s", 1, bytes_of("a")}, {"s", 2, bytes_of("b")}}));
    REQUIRE(store->write_snapshot({"s", 2, bytes_of("ab")}));  // truncates 1..2
  }
  REQUIRE(corrupt_newest_snapshot(opts.dir, "s"));
  auto store = journal_store::open(opts);
  REQUIRE(store);
  auto l = store->load("s");
  REQUIRE_FALSE(l);
  CHECK(l.error().code == store_errc::recovery_failed);
  // A stream that never existed is simply empty.
  auto fresh = store->load("never");
  REQUIRE(fresh);
  CHECK(fresh->journal.empty());
  CHECK(fresh->snapshot_seq == 0);
}

TEST_CASE("fault injection refuses unknown streams and entries") {
  nz::test::temp_dir tmp{"nz-recovery"};
  store_options opts;
  opts.dir = tmp.str() + "/db";
  opts.map_size = size_t{16} << 20;
  { REQUIRE(journal_store::open(opts)); }
  auto r = corrupt_newest_snapshot(opts.dir, "nope");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == store_errc::invalid_argument);
  CHECK_FALSE(corrupt_journal_entry(opts.dir, "nope", 1));
  CHECK_FALSE(corrupt_newest_snapshot(opts.dir, "BAD NAME"));
}
