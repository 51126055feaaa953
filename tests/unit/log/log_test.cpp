#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

#include <doctest/doctest.h>

#include "runtime/log/log.hpp"
#include "runtime/log/redacted.hpp"
#include "support/temp_dir.hpp"

namespace lg = nz::log;

namespace {

/// Puts the process-wide logger in a known state and restores it afterwards.
struct quiet_logger {
  quiet_logger() {
    lg::set_stderr(false);
    lg::close_file();
    lg::set_level(lg::level::trace);
    lg::set_format(lg::format::text);
    lg::clear_secrets();
    lg::clear_recent();
  }
  ~quiet_logger() {
    lg::close_file();
    lg::clear_secrets();
    lg::clear_recent();
    lg::set_level(lg::level::info);
    lg::set_format(lg::format::text);
    lg::set_stderr(true);
  }
};

std::string last_line() {
  auto xs = lg::recent();
  return xs.empty() ? std::string{} : xs.back();
}

bool contains(const std::string& s, std::string_view needle) {
  return s.find(needle) != std::string::npos;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in{path};
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("levels parse from strings in any case") {
  CHECK(lg::parse_level("TRACE") == lg::level::trace);
  CHECK(lg::parse_level("debug") == lg::level::debug);
  CHECK(lg::parse_level("Info") == lg::level::info);
  CHECK(lg::parse_level("warn") == lg::level::warn);
  CHECK(lg::parse_level("warning") == lg::level::warn);
  CHECK(lg::parse_level("error") == lg::level::error);
  CHECK_FALSE(lg::parse_level("verbose").has_value());
  CHECK(lg::parse_format("JSON") == lg::format::json);
  CHECK_FALSE(lg::parse_format("xml").has_value());
}

TEST_CASE_FIXTURE(quiet_logger,
                  "lines below the level are dropped, and the level changes at runtime") {
  lg::set_level(lg::level::warn);
  lg::info("t", "dropped {}", 1);
  lg::debug("t", "dropped {}", 2);
  lg::warn("t", "kept {}", 3);
  lg::error("t", "kept {}", 4);
  auto xs = lg::recent();
  REQUIRE(xs.size() == 2);
  CHECK(contains(xs[0], "WARN  [t] kept 3"));
  CHECK(contains(xs[1], "ERROR [t] kept 4"));
  lg::set_level(lg::level::trace);
  lg::trace("t", "now {}", "visible");
  CHECK(contains(last_line(), "TRACE [t] now visible"));
}

TEST_CASE_FIXTURE(quiet_logger,
                  "a registered secret never appears in text or JSON lines") {
  const std::string secret = "s3cr3t-Passphrase!";
  REQUIRE(lg::add_secret(secret));
  for (auto f : {lg::format::text, lg::format::json}) {
    lg::set_format(f);
    lg::info("auth", "before{}after", secret);
    CHECK_FALSE(contains(last_line(), secret));
    CHECK(contains(last_line(), "before[REDACTED]after"));
    lg::info("auth", "as hex {:02x}", fmt::join(secret, ""));
    CHECK(contains(last_line(), "as hex [REDACTED]"));
    lg::info(secret, "in the component");
    CHECK_FALSE(contains(last_line(), secret));
  }
  lg::clear_secrets();
  lg::info("auth", "{}", secret);
  CHECK(contains(last_line(), secret));
}

TEST_CASE_FIXTURE(quiet_logger,
                  "sensitive keys are scrubbed and wrappers print <redacted>") {
  lg::info("op", "login user=alice password=hunter22 ok");
  CHECK(contains(last_line(), "user=alice password=[REDACTED] ok"));
  lg::set_format(lg::format::json);
  lg::info("op", R"(body {{"token":"abc.def"}})");
  CHECK(contains(last_line(), R"(body {\"token\":\"[REDACTED]\"})"));
  lg::info("op", "key {}", nz::secret_string{"raw key bytes"});
  CHECK(contains(last_line(), "key <redacted>"));
}

TEST_CASE_FIXTURE(quiet_logger, "JSON lines escape control characters in the message") {
  lg::set_format(lg::format::json);
  lg::info("c\"omp", "a\nb\x01\"c\\");
  auto line = last_line();
  CHECK(
      contains(line, R"("level":"info","component":"c\"omp","msg":"a\nb\u0001\"c\\"})"));
  CHECK(line.front() == '{');
  CHECK_FALSE(contains(line, "\n"));
}

TEST_CASE_FIXTURE(quiet_logger, "a format error is logged instead of thrown") {
  lg::vlog(lg::level::info, "t", "{:d}", fmt::make_format_args("not a number"));
  CHECK(contains(last_line(), "<log format error"));
}

TEST_CASE_FIXTURE(quiet_logger, "the recent ring keeps the last 200 lines") {
  for (int i = 0; i < 250; ++i) lg::info("ring", "line {}", i);
  auto xs = lg::recent();
  REQUIRE(xs.size() == lg::recent_capacity);
  CHECK(contains(xs.front(), "line 50"));
  CHECK(contains(xs.back(), "line 249"));
}

TEST_CASE_FIXTURE(quiet_logger,
                  "the file sink is created with mode 0600 and appended to") {
  nz::test::temp_dir dir{"nzlog"};
  auto path = dir.str() + "/node.log";
  REQUIRE_FALSE(lg::open_file(path));
  lg::info("f", "first");
  lg::close_file();
  REQUIRE_FALSE(lg::open_file(path));
  lg::info("f", "second");
  lg::close_file();
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto lines = read_lines(path);
  REQUIRE(lines.size() == 2);
  CHECK(contains(lines[0], "[f] first"));
  CHECK(contains(lines[1], "[f] second"));
}

TEST_CASE_FIXTURE(quiet_logger,
                  "an existing log file with loose permissions is narrowed to 0600") {
  nz::test::temp_dir dir{"nzlog"};
  auto path = dir.str() + "/node.log";
  std::ofstream{path} << "old\n";
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  REQUIRE_FALSE(lg::open_file(path));
  lg::close_file();
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE_FIXTURE(quiet_logger,
                  "opening a file in a missing directory returns an error") {
  auto ec = lg::open_file("/nonexistent-nz-dir/x.log");
  CHECK(ec);
  CHECK(ec == std::errc::no_such_file_or_directory);
}

TEST_CASE_FIXTURE(quiet_logger, "lines from concurrent threads stay intact") {
  nz::test::temp_dir dir{"nzlog"};
  auto path = dir.str() + "/node.log";
  REQUIRE_FALSE(lg::open_file(path));
  REQUIRE(lg::add_secret("thread-shared-secret"));
  constexpr int threads = 4;
  constexpr int per_thread = 500;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([t] {
      for (int i = 0; i < per_thread; ++i)
        lg::info("worker", "thread {} line {} thread-shared-secret {}", t, i,
                 std::string(40, static_cast<char>('a' + t)));
    });
  for (auto& th : pool) th.join();
  lg::close_file();
  auto lines = read_lines(path);
  REQUIRE(lines.size() == threads * per_thread);
  std::vector<int> next(threads, 0);
  for (const auto& line : lines) {
    int t = -1;
    int i = -1;
    auto pos = line.find("[worker] thread ");
    REQUIRE(pos != std::string::npos);
    REQUIRE(std::sscanf(line.c_str() + pos, "[worker] thread %d line %d", &t, &i) == 2);
    REQUIRE(t >= 0);
    REQUIRE(t < threads);
    CHECK(i == next[static_cast<size_t>(t)]++);  // per-thread order kept
    auto tail = "[REDACTED] " + std::string(40, static_cast<char>('a' + t));
    CHECK(line.size() >= tail.size());
    CHECK(line.compare(line.size() - tail.size(), tail.size(), tail) == 0);
  }
}
