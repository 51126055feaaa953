// The line every benchmark prints at its start and end: the UTC time and the
// load average, so that its figures can be read against how busy the machine
// was (docs/benchmarks.md, "How to read the figures").
#pragma once

#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

namespace nz::bench {

/// Prints "<program>: <when> <UTC time>, /proc/loadavg: <its line>".
inline void print_clock(const char* program, const char* when) {
  char stamp[32];
  std::time_t t = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  std::string load;
  std::ifstream f{"/proc/loadavg"};
  std::getline(f, load);
  std::printf("%s: %s %s, /proc/loadavg: %s\n", program, when, stamp, load.c_str());
}

}  // namespace nz::bench
