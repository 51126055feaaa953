// nz_storage_tool: inspect or damage a stopped node's storage environment.
//
//   nz_storage_tool stats <db-dir>
//   nz_storage_tool corrupt-snapshot <db-dir> <stream>
//   nz_storage_tool corrupt-entry <db-dir> <stream> <seq>
//
// <db-dir> is the LMDB environment directory, normally <data>/db. The node must
// be stopped: the tool opens the environment itself. Exit status 0 on success,
// 1 with a message on stderr otherwise.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <sys/stat.h>

#include <fmt/format.h>

#include "storage/fault_injection.hpp"
#include "storage/journal_store.hpp"

namespace {

using namespace nz::storage;

constexpr const char* usage =
    "usage: nz_storage_tool stats <db-dir>\n"
    "       nz_storage_tool corrupt-snapshot <db-dir> <stream>\n"
    "       nz_storage_tool corrupt-entry <db-dir> <stream> <seq>\n"
    "\n"
    "  stats             print per-stream last seq, journal range and snapshots\n"
    "  corrupt-snapshot  flip a payload byte of the stream's newest snapshot\n"
    "                    (checksum left stale; the next load falls back)\n"
    "  corrupt-entry     flip a payload byte of one journal entry\n"
    "\n"
    "<db-dir> is a stopped node's <data>/db directory.\n";

int fail(const std::string& msg) {
  std::fprintf(stderr, "nz_storage_tool: %s\n", msg.c_str());
  return 1;
}

int fail(const store_error& err) {
  return fail(fmt::format("{}: {}", to_string(err.code), err.message));
}

/// Refuses to create a fresh environment in a mistyped directory.
bool is_environment(const std::string& dir) {
  struct stat st;
  return ::stat((dir + "/data.mdb").c_str(), &st) == 0;
}

int cmd_stats(const std::string& dir) {
  store_options opts;
  opts.dir = dir;
  opts.map_size = 0;
  auto store = journal_store::open(opts);
  if (!store) return fail(store.error());
  auto st = store->stats();
  if (!st) return fail(st.error());
  std::printf("environment %s: map %zu bytes, used %zu bytes, page %zu\n", dir.c_str(),
              st->env.map_size, st->env.used_bytes, st->env.page_size);
  for (auto& s : st->streams) {
    std::string snaps;
    for (auto& sn : s.snapshots) snaps += fmt::format(" {}({}B)", sn.seq, sn.bytes);
    std::printf(
        "stream %s: last_seq %llu, journal %llu entries from seq %llu, "
        "snapshots:%s\n",
        s.stream.c_str(), static_cast<unsigned long long>(s.last_seq),
        static_cast<unsigned long long>(s.journal_entries),
        static_cast<unsigned long long>(s.first_journal_seq),
        snaps.empty() ? " none" : snaps.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view{argv[1]} == "--help"
      || std::string_view{argv[1]} == "-h") {
    std::fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  std::string_view cmd = argv[1];
  if (argc < 3) return fail(std::string{"missing <db-dir>\n"} + usage);
  std::string dir = argv[2];
  if (!is_environment(dir)) return fail("no LMDB environment (data.mdb) in " + dir);
  if (cmd == "stats" && argc == 3) return cmd_stats(dir);
  if (cmd == "corrupt-snapshot" && argc == 4) {
    auto seq = corrupt_newest_snapshot(dir, argv[3]);
    if (!seq) return fail(seq.error());
    std::printf("corrupted snapshot of '%s' at seq %llu\n", argv[3],
                static_cast<unsigned long long>(*seq));
    return 0;
  }
  if (cmd == "corrupt-entry" && argc == 5) {
    char* end = nullptr;
    auto seq = std::strtoull(argv[4], &end, 10);
    if (end == argv[4] || *end != '\0')
      return fail(std::string{"bad seq '"} + argv[4] + "'");
    if (auto st = corrupt_journal_entry(dir, argv[3], seq); !st) return fail(st.error());
    std::printf("corrupted journal entry of '%s' at seq %llu\n", argv[3],
                static_cast<unsigned long long>(seq));
    return 0;
  }
  return fail(std::string{"unknown command or wrong arguments\n"} + usage);
}
