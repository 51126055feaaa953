// How a benchmark gives up: one line "<program>: <why>" on stderr and exit
// status 1, so that a run that could not measure what it claims prints no
// figures. Each benchmark names itself once, at the start of main(), with
// set_program(); until then the line starts with "nz_bench".
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace nz::bench {

/// The name die() prints (static storage: a string literal).
inline const char*& program_name() {
  static const char* name = "nz_bench";
  return name;
}

inline void set_program(const char* name) {
  program_name() = name;
}

[[noreturn]] inline void die(const std::string& what) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s: %s\n", program_name(), what.c_str());
  std::exit(1);
}

}  // namespace nz::bench
