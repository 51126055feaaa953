// Child processes of the peer benchmark: the receiving node (`--receiver`) and
// the plain-C baseline (`--raw`), each a copy of this binary on pipes; and the
// benchmark's fatal-error exit.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "bench/peer/peer_node.hpp"

namespace nz::bench {

/// Prints "nz_bench_peer: <what>", removes the directory set with
/// set_cleanup_dir (if any) and ends the process with status 1. Receivers see
/// EOF on their stdin and end themselves.
[[noreturn]] void die(const std::string& what);

/// The temp directory die() removes.
void set_cleanup_dir(std::string dir);

/// This executable's path (/proc/self/exe).
std::string self_exe();

/// A child process with its stdin and stdout on pipes (posix_spawn: safe while
/// the actor system's threads run).
struct child_proc {
  pid_t pid = -1;
  FILE* to = nullptr;
  FILE* from = nullptr;

  static child_proc spawn(const std::vector<std::string>& args);
  std::string read_line();
  /// Sends one command line, returns the answer line.
  std::string ask(const std::string& cmd);
  /// Closes stdin, waits; the exit status (128 + signal if killed).
  int wait();
};

/// The receiving node: a copy of this binary run with --receiver.
struct receiver {
  child_proc proc;
  uint16_t gate_port = 0;
  uint16_t sink_port = 0;

  /// (resident bytes, memory mappings) of the receiving process.
  std::pair<uint64_t, uint64_t> rss();
  /// (established, all) sessions of the receiving node's manager.
  std::pair<uint64_t, uint64_t> sessions();
  /// Polls until the receiver has `established` established sessions and no
  /// others (dies after 60 s).
  void await_sessions(uint64_t established);
  std::string metrics();
  /// Asks it to quit; dies unless it does so cleanly.
  void quit();
};

receiver start_receiver(const std::string& exe, uint64_t max_sessions, peer_limits lim);

struct raw_result {
  double seconds = 0;
  uint64_t opened = 0;
};

/// Baseline (b) in a fresh process (`--raw`).
raw_result run_raw(const std::string& exe, size_t plain, uint64_t frames);

/// The `--raw <plaintext bytes> <frames>` child: baseline (b), one line out.
int raw_main(int argc, char** argv);

/// `--core <payload bytes> <messages> [handshakes]`: the pure core baselines
/// alone, for profiling (no actors, no sockets).
int core_main(int argc, char** argv);

}  // namespace nz::bench
