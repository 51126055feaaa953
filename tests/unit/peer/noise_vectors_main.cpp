// nz_noise_vectors FILE: runs the Noise test vectors in FILE (see
// actors/peer/noise/vector_runner.hpp) and exits 0 only when none failed and at
// least one passed, so that a file the runner wholly skips does not count as
// green.
#include <iostream>
#include <sstream>

#include "actors/peer/noise/vector_runner.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: nz_noise_vectors FILE\n";
    return 2;
  }
  std::ostringstream report;
  int rc = nz::peer::noise::run_noise_vectors(argv[1], report);
  const std::string text = report.str();
  std::cout << text;
  if (rc != 0) return rc;
  // The last line is "N passed, N failed, N skipped".
  auto start = text.rfind('\n', text.size() - 2);
  std::istringstream last{text.substr(start == std::string::npos ? 0 : start + 1)};
  unsigned long passed = 0;
  last >> passed;
  if (passed == 0) {
    std::cerr << "nz_noise_vectors: no vector in " << argv[1] << " ran\n";
    return 1;
  }
  return 0;
}
