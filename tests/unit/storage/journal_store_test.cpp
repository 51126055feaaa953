#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "storage/journal_store.hpp"
#include "support/temp_dir.hpp"

using namespace nz::storage;

namespace {

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

store_options options_for(const nz::test::temp_dir& tmp) {
  store_options opts;
  opts.dir = tmp.str() + "/db";
  opts.map_size = size_t{64} << 20;
  return opts;
}

journal_store open_store(const store_options& opts) {
  auto st = journal_store::open(opts);
  REQUIRE(st);
  return std::move(*st);
}

stream_record rec(const std::string& stream, uint64_t seq) {
  return {stream, seq, bytes_of(stream + "#" + std::to_string(seq))};
}

}  // namespace

TEST_CASE("appended entries load back in order, also after reopening the environment") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto opts = options_for(tmp);
  {
    auto store = open_store(opts);
    REQUIRE(store.append_batch({rec("node_info", 1), rec("node_info", 2)}));
    REQUIRE(store.append_batch({rec("node_info", 3)}));
    auto loaded = store.load("node_info");
    REQUIRE(loaded);
    CHECK(loaded->snapshot_seq == 0);
    REQUIRE(loaded->journal.size() == 3);
    CHECK(loaded->journal[2].payload == bytes_of("node_info#3"));
  }
  auto store = open_store(opts);
  auto last = store.last_seq("node_info");
  REQUIRE(last);
  CHECK(*last == 3);
  auto loaded = store.load("node_info");
  REQUIRE(loaded);
  REQUIRE(loaded->journal.size() == 3);
  for (uint64_t i = 0; i < 3; ++i) {
    CHECK(loaded->journal[i].seq == i + 1);
    CHECK(loaded->journal[i].payload == bytes_of("node_info#" + std::to_string(i + 1)));
  }
  CHECK(loaded->warnings.empty());
  REQUIRE(store.append_batch({rec("node_info", 4)}));
}

TEST_CASE("a sequence gap rejects the whole batch and writes nothing") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto store = open_store(options_for(tmp));
  REQUIRE(store.append_batch({rec("a", 1)}));
  auto st = store.append_batch({rec("a", 2), rec("b", 1), rec("a", 4)});
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::sequence_gap);
  CHECK(st.error().message.find("'a'") != std::string::npos);
  CHECK(st.error().message.find("expected seq 3, got 4") != std::string::npos);
  CHECK(*store.last_seq("a") == 1);
  CHECK(*store.last_seq("b") == 0);
  CHECK(store.load("b")->journal.empty());
  CHECK_FALSE(store.append_batch({rec("c", 2)}));  // first entry must be 1
  CHECK_FALSE(store.append_batch({rec("a", 1)}));  // no rewrites
}

TEST_CASE("invalid and hostile stream names are rejected") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto store = open_store(options_for(tmp));
  std::vector<std::string> bad{"",
                               "Upper",
                               "with space",
                               "slash/x",
                               std::string(65, 'a'),
                               std::string("nul\0x", 5),
                               "\xff\xfe",
                               "a\x01"};
  for (auto& name : bad) {
    CAPTURE(name);
    auto st = store.append_batch({stream_record{name, 1, {}}});
    REQUIRE_FALSE(st);
    CHECK(st.error().code == store_errc::invalid_argument);
    auto l = store.load(name);
    REQUIRE_FALSE(l);
    CHECK(l.error().code == store_errc::invalid_argument);
  }
  CHECK(store.append_batch({stream_record{std::string(64, 'z'), 1, {}}}));
  CHECK(store.append_batch({stream_record{"a-b_c.9", 1, {}}}));
}

TEST_CASE("payloads over the configured limit are rejected") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto opts = options_for(tmp);
  opts.max_entry_bytes = 10;
  auto store = open_store(opts);
  auto st = store.append_batch({stream_record{"s", 1, std::vector<uint8_t>(11)}});
  REQUIRE_FALSE(st);
  CHECK(st.error().code == store_errc::limit_exceeded);
}

TEST_CASE("many interleaved streams keep their own sequences") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto store = open_store(options_for(tmp));
  const int streams = 20;
  const uint64_t per_stream = 30;
  // Names chosen so that some are prefixes of others ("s1", "s1.x", "s10").
  auto name = [](int i) {
    return i % 3 == 0 ? "s" + std::to_string(i) + ".x" : "s" + std::to_string(i);
  };
  for (uint64_t seq = 1; seq <= per_stream; seq += 3) {
    std::vector<stream_record> batch;
    for (uint64_t k = seq; k < seq + 3; ++k)
      for (int i = 0; i < streams; ++i) batch.push_back(rec(name(i), k));
    REQUIRE(store.append_batch(batch));
  }
  REQUIRE(store.write_snapshot({"s1", 10, bytes_of("snap")}));
  for (int i = 0; i < streams; ++i) {
    auto loaded = store.load(name(i));
    REQUIRE(loaded);
    uint64_t base = name(i) == "s1" ? 10 : 0;
    CHECK(loaded->snapshot_seq == base);
    REQUIRE(loaded->journal.size() == per_stream - base);
    CHECK(loaded->journal.front().seq == base + 1);
    CHECK(loaded->journal.back().payload == bytes_of(name(i) + "#30"));
  }
  auto stats = store.stats();
  REQUIRE(stats);
  CHECK(stats->streams.size() == static_cast<size_t>(streams));
  CHECK(stats->commits == 11);
}

TEST_CASE("a snapshot must lie between the newest snapshot and the last seq") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto store = open_store(options_for(tmp));
  REQUIRE(store.append_batch({rec("s", 1), rec("s", 2), rec("s", 3)}));
  CHECK(store.write_snapshot({"s", 4, {}}).error().code == store_errc::sequence_gap);
  CHECK(store.write_snapshot({"s", 0, {}}).error().code == store_errc::sequence_gap);
  REQUIRE(store.write_snapshot({"s", 3, bytes_of("x")}));
  CHECK_FALSE(store.write_snapshot({"s", 2, {}}));
  // A snapshot may cover appends of the same commit.
  auto both = store.commit({rec("s", 4), rec("s", 5)}, nullptr);
  REQUIRE(both);
  stream_record snap{"s", 6, bytes_of("six")};
  auto r = store.commit({rec("s", 6)}, &snap);
  REQUIRE(r);
  CHECK(r->entries == 1);
  CHECK(r->snapshot_bytes > 3);
}

TEST_CASE("snapshots truncate only the journal the oldest retained snapshot covers") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto store = open_store(options_for(tmp));
  auto append_to = [&](uint64_t last) {
    std::vector<stream_record> batch;
    for (uint64_t s = *store.last_seq("s") + 1; s <= last; ++s)
      batch.push_back(rec("s", s));
    REQUIRE(store.append_batch(batch));
  };
  append_to(60);
  REQUIRE(store.write_snapshot({"s", 60, bytes_of("state@60")}));
  append_to(120);
  REQUIRE(store.write_snapshot({"s", 120, bytes_of("state@120")}));
  append_to(135);
  auto stats = store.stats();
  REQUIRE(stats);
  REQUIRE(stats->streams.size() == 1);
  auto& s = stats->streams[0];
  CHECK(s.last_seq == 135);
  CHECK(s.first_journal_seq == 61);  // entries 61..135 kept for a fallback to 60
  CHECK(s.journal_entries == 75);
  REQUIRE(s.snapshots.size() == 2);
  CHECK(s.snapshots[0].seq == 60);

  REQUIRE(store.write_snapshot({"s", 130, bytes_of("state@130")}));
  stats = store.stats();
  CHECK(stats->streams[0].snapshots.size() == 2);
  CHECK(stats->streams[0].snapshots[0].seq == 120);
  CHECK(stats->streams[0].first_journal_seq == 121);

  auto loaded = store.load("s");
  REQUIRE(loaded);
  CHECK(loaded->snapshot_seq == 130);
  CHECK(loaded->snapshot == bytes_of("state@130"));
  REQUIRE(loaded->journal.size() == 5);
  CHECK(loaded->journal.front().seq == 131);
  // After truncation the stream continues at last seq + 1.
  CHECK_FALSE(store.append_batch({rec("s", 1)}));
  CHECK(store.append_batch({rec("s", 136)}));
}

TEST_CASE("the number of retained snapshots is configurable") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto opts = options_for(tmp);
  opts.snapshots_kept = 1;
  auto store = open_store(opts);
  REQUIRE(store.append_batch({rec("s", 1), rec("s", 2)}));
  REQUIRE(store.write_snapshot({"s", 2, bytes_of("two")}));
  auto stats = store.stats();
  CHECK(stats->streams[0].journal_entries == 0);
  CHECK(stats->streams[0].snapshots.size() == 1);
  auto loaded = store.load("s");
  REQUIRE(loaded);
  CHECK(loaded->snapshot_seq == 2);
  CHECK(loaded->journal.empty());
  CHECK(*store.last_seq("s") == 2);
  CHECK(store.append_batch({rec("s", 3)}));
}

TEST_CASE("a closed store answers every call with closed") {
  nz::test::temp_dir tmp{"nz-journal"};
  auto store = open_store(options_for(tmp));
  store.close();
  CHECK(store.append_batch({rec("s", 1)}).error().code == store_errc::closed);
  CHECK(store.load("s").error().code == store_errc::closed);
  CHECK(store.stats().error().code == store_errc::closed);
}
