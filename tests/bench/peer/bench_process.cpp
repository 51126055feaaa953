#include "bench/peer/bench_process.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "bench/peer/pure_core.hpp"
#include "bench/peer/raw_stream.h"
#include "bench/support/bench_stats.hpp"

extern char** environ;

namespace nz::bench {

namespace {

/// This process's temp directory (storage), removed by die() too.
std::string g_cleanup_dir;

}  // namespace

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "nz_bench_peer: %s\n", what.c_str());
  std::fflush(stdout);
  std::error_code ec;
  if (!g_cleanup_dir.empty()) std::filesystem::remove_all(g_cleanup_dir, ec);
  std::_Exit(1);  // receivers see EOF on stdin and end themselves
}

void set_cleanup_dir(std::string dir) {
  g_cleanup_dir = std::move(dir);
}

std::string self_exe() {
  char buf[4096];
  auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) die("readlink /proc/self/exe failed");
  return std::string(buf, static_cast<size_t>(n));
}

// -- child_proc -----------------------------------------------------------------------

child_proc child_proc::spawn(const std::vector<std::string>& args) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) die("pipe2 failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  child_proc c;
  if (posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), environ) != 0)
    die("posix_spawn " + args[0] + " failed");
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  c.to = ::fdopen(in[1], "w");
  c.from = ::fdopen(out[0], "r");
  return c;
}

std::string child_proc::read_line() {
  char buf[512];
  if (!std::fgets(buf, sizeof buf, from)) return {};
  std::string s{buf};
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string child_proc::ask(const std::string& cmd) {
  std::fprintf(to, "%s\n", cmd.c_str());
  std::fflush(to);
  return read_line();
}

int child_proc::wait() {
  if (to) std::fclose(to);
  to = nullptr;
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (from) std::fclose(from);
  from = nullptr;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// -- receiver -------------------------------------------------------------------------

namespace {

/// Asks the receiver `word` and parses its reply "<word> N M".
std::pair<uint64_t, uint64_t> ask_pair(child_proc& proc, const std::string& word) {
  unsigned long long x = 0, y = 0;
  auto line = proc.ask(word);
  if (std::sscanf(line.c_str(), (word + " %llu %llu").c_str(), &x, &y) != 2)
    die("receiver " + word + ": " + line);
  return {x, y};
}

}  // namespace

std::pair<uint64_t, uint64_t> receiver::rss() {
  return ask_pair(proc, "rss");
}

std::pair<uint64_t, uint64_t> receiver::sessions() {
  return ask_pair(proc, "sessions");
}

void receiver::await_sessions(uint64_t established) {
  auto t0 = clock_type::now();
  for (;;) {
    auto [e, a] = sessions();
    if (e == established && a == established) return;
    if (seconds_since(t0) > 60)
      die("receiver: " + std::to_string(e) + " established / " + std::to_string(a)
          + " sessions, expected " + std::to_string(established));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string receiver::metrics() {
  return proc.ask("metrics");
}

void receiver::quit() {
  auto bye = proc.ask("quit");
  int rc = proc.wait();
  if (bye != "bye" || rc != 0)
    die("receiver did not quit cleanly (" + bye + ", rc " + std::to_string(rc) + ")");
}

receiver start_receiver(const std::string& exe, uint64_t max_sessions, peer_limits lim) {
  receiver r;
  r.proc = child_proc::spawn(
      {exe, "--receiver", std::to_string(max_sessions), to_string(lim)});
  auto line = r.proc.read_line();
  unsigned g = 0, s = 0;
  int pid = 0;
  if (std::sscanf(line.c_str(), "ready %u %u %d", &g, &s, &pid) != 3)
    die("receiver did not start: '" + line + "'");
  r.gate_port = static_cast<uint16_t>(g);
  r.sink_port = static_cast<uint16_t>(s);
  return r;
}

raw_result run_raw(const std::string& exe, size_t plain, uint64_t frames) {
  auto c =
      child_proc::spawn({exe, "--raw", std::to_string(plain), std::to_string(frames)});
  auto line = c.read_line();
  int rc = c.wait();
  raw_result r;
  unsigned long long opened = 0;
  if (rc != 0 || std::sscanf(line.c_str(), "raw %lf %llu", &r.seconds, &opened) != 2)
    die("raw baseline failed: '" + line + "', rc " + std::to_string(rc));
  r.opened = opened;
  return r;
}

int raw_main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: nz_bench_peer --raw <plaintext bytes> <frames>\n");
    return 2;
  }
  auto plain = static_cast<size_t>(std::strtoull(argv[2], nullptr, 10));
  auto frames = std::strtoull(argv[3], nullptr, 10);
  double seconds = 0;
  uint64_t opened = 0;
  if (plain == 0 || frames == 0
      || nz_raw_sealed_stream(plain, frames, &seconds, &opened) != 0)
    return 1;
  std::printf("raw %.9f %llu\n", seconds, static_cast<unsigned long long>(opened));
  return 0;
}

int core_main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: nz_bench_peer --core <payload bytes> <messages> [handshakes]\n");
    return 2;
  }
  if (sodium_init() < 0) die("sodium_init failed");
  auto size = static_cast<size_t>(std::strtoull(argv[2], nullptr, 10));
  auto n = std::strtoull(argv[3], nullptr, 10);
  uint64_t bad = 0;
  double rate = core_frame_rate(size, n, bad);
  std::printf("core size=%zu frames=%llu rate=%.0f/s bad=%llu\n", size,
              static_cast<unsigned long long>(n), rate,
              static_cast<unsigned long long>(bad));
  if (argc > 4) {
    auto h = std::strtoull(argv[4], nullptr, 10);
    double hr = core_handshake_rate(h);
    std::printf("core_hs handshakes=%llu rate=%.0f/s (%.0f us each)\n",
                static_cast<unsigned long long>(h), hr, 1e6 / hr);
  }
  return bad == 0 ? 0 : 1;
}

}  // namespace nz::bench
