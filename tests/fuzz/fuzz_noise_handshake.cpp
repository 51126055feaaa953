// libFuzzer target: arbitrary bytes as a handshake message read by the Noise
// core (actors/peer/noise/handshake_state). The first byte picks the scenario:
//   0  XX responder reads message 1        3  IK responder reads message 1
//   1  XX initiator reads message 2        4  IK initiator reads message 2
//   2  XX responder reads message 3        5  NN initiator reads message 2
// The messages before the fuzzed one are genuine, made with fixed keys so every
// run is reproducible. A read must fail cleanly or succeed; after a failure the
// state must be unchanged (the genuine message is then still accepted).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/peer/noise/handshake_state.hpp"

using namespace nz::peer::noise;

namespace {

keypair fixed_key(uint8_t seed) {
  uint8_t sk[32];
  for (int i = 0; i < 32; ++i) sk[i] = static_cast<uint8_t>(seed + i);
  return keypair::from_private(sk);
}

handshake_state make(const std::string& pattern, role r) {
  auto is = fixed_key(1), rs = fixed_key(2);
  handshake_config c;
  c.protocol_name = "Noise_" + pattern + "_25519_ChaChaPoly_BLAKE2b";
  c.my_role = r;
  c.prologue = {'n', 'z'};
  const bool ini = r == role::initiator;
  c.local_static = ini ? is.clone() : rs.clone();
  c.local_ephemeral = fixed_key(ini ? 3 : 4);
  if (pattern == "IK" && ini) c.remote_static = rs.public_key_bytes;
  auto hs = handshake_state::create(std::move(c));
  if (!hs) std::abort();
  return std::move(*hs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned scenario = data[0] % 6;
  const bytes_view msg{data + 1, size - 1};
  const std::string pattern = scenario <= 2 ? "XX" : scenario <= 4 ? "IK" : "NN";
  auto init = make(pattern, role::initiator);
  auto resp = make(pattern, role::responder);
  // Which message index is fuzzed: 0, 1 or 2.
  const size_t target = scenario == 0 || scenario == 3 ? 0 : scenario == 2 ? 2 : 1;
  for (size_t i = 0;; ++i) {
    auto& writer = i % 2 == 0 ? init : resp;
    auto& reader = i % 2 == 0 ? resp : init;
    auto genuine =
        writer.write_message(bytes_view{reinterpret_cast<const uint8_t*>("p"), 1});
    if (!genuine) std::abort();
    if (i == target) {
      const auto before = reader.handshake_hash();
      auto r = reader.read_message(msg);
      if (!r) {
        if (reader.handshake_hash() != before || reader.message_index() != i)
          std::abort();
        if (!reader.read_message(*genuine)) std::abort();  // state unchanged
      }
      return 0;
    }
    if (!reader.read_message(*genuine)) std::abort();
  }
}
