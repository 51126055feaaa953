// Helpers shared by the nz_crypto unit tests: passphrases and seeds from
// literals, a sealed key file at minimum KDF cost, whole-file I/O, and running
// a lambda in a forked child (for aborts and faults that must not hit the test
// process).
#pragma once

#include <csignal>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "runtime/crypto/key_file.hpp"
#include "runtime/crypto/secret_string.hpp"

namespace nz::crypto::test {

inline secret_string pass(std::string_view s) {
  secret_string out;
  REQUIRE(out.assign(s));
  return out;
}

/// A seed whose byte i is (i * 7 + tag).
inline identity_seed seed_pattern(uint8_t tag = 1) {
  identity_seed s;
  auto w = s.write();
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(i * 7 + tag);
  return s;
}

inline std::vector<uint8_t> seal_min(const identity_seed& seed, std::string_view pw) {
  std::vector<uint8_t> out;
  auto st = seal_key_file(out, seed, pass(pw), kdf_params::minimum());
  REQUIRE(st);
  return out;
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const void* data, size_t len) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(len));
  REQUIRE(out.good());
}

inline void write_bytes(const std::string& path, std::string_view s) {
  write_bytes(path, s.data(), s.size());
}

/// Runs `fn` in a forked child with stderr silenced; returns the wait status.
/// The child exits 0 when `fn` returns.
inline int run_in_child(const std::function<void()>& fn) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Default dispositions, so that the test framework's crash handlers do not
    // report the child's expected abort or fault as a failing test.
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE}) ::signal(sig, SIG_DFL);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
    }
    fn();
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

inline bool child_exited_ok(int status) {
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace nz::crypto::test
