// data_dir: the lock, the RUNNING marker, the admin token and crash reports, on
// real files in a temp directory.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <string>

#include <sys/stat.h>

#include "runtime/node/data_dir.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using nz::data_dir;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat sb;
  REQUIRE(::stat(path.c_str(), &sb) == 0);
  return sb.st_mode & 0777;
}

bool is_hex(const std::string& s) {
  for (unsigned char c : s)
    if (!std::isxdigit(c) || std::isupper(c)) return false;
  return true;
}

struct dir_fixture {
  nz::test::temp_dir tmp{"nz-data-dir"};
  std::string root = tmp.str() + "/data";
};

}  // namespace

TEST_CASE_FIXTURE(dir_fixture, "open creates the directory tree with mode 0700") {
  data_dir d{root};
  bool locked = true;
  REQUIRE_FALSE(d.open(locked));
  CHECK_FALSE(locked);
  for (auto sub : {"", "/db", "/logs", "/crash"}) {
    auto p = root + sub;
    CAPTURE(p);
    CHECK(fs::is_directory(p));
    CHECK(mode_of(p) == 0700);
  }
  CHECK(fs::exists(root + "/LOCK"));
  CHECK(d.path("db") == root + "/db");
  CHECK(d.root() == root);
}

TEST_CASE_FIXTURE(dir_fixture, "a second data_dir on the same path reports it locked") {
  data_dir first{root};
  bool locked = true;
  REQUIRE_FALSE(first.open(locked));
  {
    data_dir second{root};
    auto err = second.open(locked);
    REQUIRE(err);
    CHECK(locked);
    CHECK(err->find(root) != std::string::npos);
  }
  // The first one still holds the lock after the failed attempt.
  data_dir third{root};
  CHECK(third.open(locked));
  CHECK(locked);
}

TEST_CASE_FIXTURE(dir_fixture, "the lock is released when the data_dir is destroyed") {
  bool locked = false;
  {
    data_dir first{root};
    REQUIRE_FALSE(first.open(locked));
  }
  data_dir second{root};
  CHECK_FALSE(second.open(locked));
  CHECK_FALSE(locked);
}

TEST_CASE_FIXTURE(dir_fixture,
                  "open fails without the locked flag when the path cannot be created") {
  data_dir d{tmp.str() + "/missing/parent/data"};
  bool locked = true;
  auto err = d.open(locked);
  REQUIRE(err);
  CHECK_FALSE(locked);
  CHECK(err->find("missing") != std::string::npos);
}

TEST_CASE_FIXTURE(dir_fixture, "the running marker is written, read back and removed") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  CHECK_FALSE(d.previous_marker());
  REQUIRE_FALSE(d.write_marker("pid=42 started=1000\n"));
  CHECK(d.previous_marker() == std::string{"pid=42 started=1000\n"});
  CHECK(mode_of(root + "/RUNNING") == 0600);
  REQUIRE_FALSE(d.write_marker("pid=43"));
  CHECK(d.previous_marker() == std::string{"pid=43"});
  d.remove_marker();
  CHECK_FALSE(d.previous_marker());
  d.remove_marker();  // removing twice is harmless
  CHECK_FALSE(fs::exists(root + "/RUNNING"));
}

TEST_CASE_FIXTURE(dir_fixture, "a new token has 64 hex characters and mode 0600") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  std::string token;
  std::string note;
  REQUIRE_FALSE(d.load_or_create_token(token, note));
  CHECK(token.size() == 64);
  CHECK(is_hex(token));
  CHECK(note.empty());
  auto p = root + "/admin.token";
  CHECK(mode_of(p) == 0600);
  CHECK(nz::read_small_file(p) == token + "\n");
}

TEST_CASE_FIXTURE(dir_fixture, "an existing token is reused") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  std::string first;
  std::string second;
  std::string note;
  REQUIRE_FALSE(d.load_or_create_token(first, note));
  REQUIRE_FALSE(d.load_or_create_token(second, note));
  CHECK(first == second);
  CHECK(note.empty());
}

TEST_CASE_FIXTURE(dir_fixture,
                  "a token readable by others is tightened to 0600 with a note") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  std::string token;
  std::string note;
  REQUIRE_FALSE(d.load_or_create_token(token, note));
  auto p = root + "/admin.token";
  REQUIRE(::chmod(p.c_str(), 0644) == 0);
  std::string again;
  REQUIRE_FALSE(d.load_or_create_token(again, note));
  CHECK(again == token);
  CHECK(mode_of(p) == 0600);
  CHECK(note.find("0600") != std::string::npos);
}

TEST_CASE_FIXTURE(dir_fixture,
                  "a token file written by hand is used without its newline") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  std::string mine(40, 'a');
  REQUIRE_FALSE(nz::write_file_atomic(root + "/admin.token", mine + "\r\n", 0600));
  std::string token;
  std::string note;
  REQUIRE_FALSE(d.load_or_create_token(token, note));
  CHECK(token == mine);
  CHECK(note.empty());
}

TEST_CASE_FIXTURE(dir_fixture,
                  "a too short token is replaced by a fresh one with a note") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  REQUIRE_FALSE(nz::write_file_atomic(root + "/admin.token", "short\n", 0600));
  std::string token;
  std::string note;
  REQUIRE_FALSE(d.load_or_create_token(token, note));
  CHECK(token.size() == 64);
  CHECK(is_hex(token));
  CHECK(note.find("too short") != std::string::npos);
  CHECK(nz::read_small_file(root + "/admin.token") == token + "\n");
}

TEST_CASE_FIXTURE(dir_fixture, "a crash report is written under crash/ with mode 0600") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  auto p = d.write_crash_report("unclean shutdown detected\n");
  REQUIRE_FALSE(p.empty());
  CHECK(fs::path(p).parent_path() == fs::path(root + "/crash"));
  CHECK(fs::path(p).extension() == ".txt");
  CHECK(nz::read_small_file(p) == std::string{"unclean shutdown detected\n"});
  CHECK(mode_of(p) == 0600);
  size_t files = 0;
  for (auto& e : fs::directory_iterator(root + "/crash")) {
    static_cast<void>(e);
    ++files;
  }
  CHECK(files == 1);  // no temp file left behind
}

TEST_CASE_FIXTURE(dir_fixture,
                  "a crash report that cannot be written returns an empty path") {
  data_dir d{root};  // never opened: crash/ does not exist
  CHECK(d.write_crash_report("x").empty());
}

TEST_CASE_FIXTURE(dir_fixture, "the admin port file holds the port and can be removed") {
  data_dir d{root};
  bool locked = false;
  REQUIRE_FALSE(d.open(locked));
  REQUIRE_FALSE(d.write_port(4711));
  CHECK(nz::read_small_file(root + "/admin.port") == std::string{"4711\n"});
  d.remove_port();
  CHECK_FALSE(fs::exists(root + "/admin.port"));
}

TEST_CASE_FIXTURE(
    dir_fixture, "write_file_atomic replaces the file and reports errors with the path") {
  auto p = tmp.str() + "/f";
  REQUIRE_FALSE(nz::write_file_atomic(p, "one", 0640));
  CHECK(mode_of(p) == 0640);
  REQUIRE_FALSE(nz::write_file_atomic(p, "two", 0600));
  CHECK(nz::read_small_file(p) == std::string{"two"});
  CHECK(mode_of(p) == 0600);
  auto bad = tmp.str() + "/no/such/dir/f";
  auto err = nz::write_file_atomic(bad, "x", 0600);
  REQUIRE(err);
  CHECK(err->find(tmp.str() + "/no/such/dir") != std::string::npos);
}

TEST_CASE_FIXTURE(dir_fixture,
                  "read_small_file stops at max_size and reports missing files") {
  auto p = tmp.str() + "/big";
  REQUIRE_FALSE(nz::write_file_atomic(p, std::string(100, 'x'), 0600));
  CHECK(nz::read_small_file(p, 10) == std::string(10, 'x'));
  CHECK(nz::read_small_file(p)->size() == 100);
  CHECK_FALSE(nz::read_small_file(tmp.str() + "/nope"));
}
