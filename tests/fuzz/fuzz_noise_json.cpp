// libFuzzer target: arbitrary bytes into the bounded JSON parser of the Noise
// vector runner (actors/peer/noise/json_lite), then the whole vector runner
// over whatever parsed, so that hostile vector files are covered too. Small
// limits keep each run cheap while still reaching every limit check.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

#include "actors/peer/noise/json_lite.hpp"
#include "actors/peer/noise/vector_runner.hpp"

using namespace nz::peer::noise;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  json_limits small;
  small.max_depth = 16;
  small.max_string = 512;
  small.max_values = 2000;
  auto doc = parse_json(text, small);
  if (doc && doc->find("vectors") != nullptr) {
    std::ostringstream out;
    (void)run_noise_vector_text(text, "fuzz", out);
  }
  (void)parse_json(text);  // default limits
  return 0;
}
