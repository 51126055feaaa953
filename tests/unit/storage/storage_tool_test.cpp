// Drives the nz_storage_tool binary the way integration tests will.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <cstdio>
#include <string>
#include <vector>

#include "storage/journal_store.hpp"
#include "support/temp_dir.hpp"

using namespace nz::storage;

namespace {

struct run_result {
  int status = -1;
  std::string out;
};

/// Runs the tool with `args` (shell-quoted by the caller), stdout+stderr.
run_result run_tool(const std::string& args) {
  run_result r;
  std::string cmd = std::string{NZ_STORAGE_TOOL} + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("the storage tool prints stats and corrupts the newest snapshot on request") {
  nz::test::temp_dir tmp{"nz-tool"};
  store_options opts;
  opts.dir = tmp.str() + "/db";
  opts.map_size = size_t{16} << 20;
  {
    auto store = journal_store::open(opts);
    REQUIRE(store);
    for (uint64_t seq = 1; seq <= 6; ++seq)
      REQUIRE(store->append_batch({{"node_info", seq, bytes_of("e")}}));
    REQUIRE(store->write_snapshot({"node_info", 3, bytes_of("s3")}));
    REQUIRE(store->write_snapshot({"node_info", 5, bytes_of("s5")}));
  }
  auto stats = run_tool("stats " + opts.dir);
  CHECK(stats.status == 0);
  CHECK(stats.out.find("stream node_info: last_seq 6, journal 3 entries from seq 4")
        != std::string::npos);

  auto bad = run_tool("corrupt-snapshot " + opts.dir + " nosuch");
  CHECK(bad.status == 1);
  CHECK(bad.out.find("has no snapshot") != std::string::npos);

  auto ok = run_tool("corrupt-snapshot " + opts.dir + " node_info");
  CHECK(ok.status == 0);
  CHECK(ok.out.find("seq 5") != std::string::npos);

  auto store = journal_store::open(opts);
  REQUIRE(store);
  auto l = store->load("node_info");
  REQUIRE(l);
  CHECK(l->snapshot_seq == 3);
  CHECK(l->journal.size() == 3);
  CHECK(l->warnings.size() == 1);
}

TEST_CASE("the storage tool fails with a message on a directory without an environment") {
  nz::test::temp_dir tmp{"nz-tool"};
  auto r = run_tool("stats " + tmp.str() + "/missing");
  CHECK(r.status == 1);
  CHECK(r.out.find("no LMDB environment") != std::string::npos);
  CHECK(run_tool("").status == 1);
  CHECK(run_tool("frobnicate " + tmp.str()).status == 1);
}
