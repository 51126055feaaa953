// Seed corpus writer for the Noise fuzz targets: valid inputs for each
// scenario of nz_fuzz_noise_handshake and a small vector file for
// nz_fuzz_noise_json. Run as
//   build-fuzz/bin/nz_fuzz_noise_seeds build-fuzz/corpus
// (writes into <dir>/nz_fuzz_noise_handshake and <dir>/nz_fuzz_noise_json).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "actors/peer/noise/handshake_state.hpp"

using namespace nz::peer::noise;

namespace {

keypair fixed_key(uint8_t seed) {
  uint8_t sk[32];
  for (int i = 0; i < 32; ++i) sk[i] = static_cast<uint8_t>(seed + i);
  return keypair::from_private(sk);
}

/// The genuine handshake messages of `pattern` with the fuzz target's keys.
std::vector<std::vector<uint8_t>> messages(const std::string& pattern) {
  std::vector<handshake_state> hs;
  for (role r : {role::initiator, role::responder}) {
    handshake_config c;
    c.protocol_name = "Noise_" + pattern + "_25519_ChaChaPoly_BLAKE2b";
    c.my_role = r;
    c.prologue = {'n', 'z'};
    const bool ini = r == role::initiator;
    c.local_static = fixed_key(ini ? 1 : 2);
    c.local_ephemeral = fixed_key(ini ? 3 : 4);
    if (pattern == "IK" && ini) c.remote_static = fixed_key(2).public_key_bytes;
    auto h = handshake_state::create(std::move(c));
    if (!h) std::abort();
    hs.push_back(std::move(*h));
  }
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; !hs[0].is_finished(); ++i) {
    auto m =
        hs[i % 2].write_message(bytes_view{reinterpret_cast<const uint8_t*>("p"), 1});
    if (!m || !hs[1 - i % 2].read_message(*m)) std::abort();
    out.push_back(*m);
  }
  return out;
}

void write(const std::filesystem::path& p, uint8_t scenario,
           const std::vector<uint8_t>& m) {
  std::ofstream f{p, std::ios::binary};
  f.put(static_cast<char>(scenario));
  f.write(reinterpret_cast<const char*>(m.data()),
          static_cast<std::streamsize>(m.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: nz_fuzz_noise_seeds DIR\n";
    return 2;
  }
  const std::filesystem::path dir{argv[1]};
  const auto hs_dir = dir / "nz_fuzz_noise_handshake";
  const auto js_dir = dir / "nz_fuzz_noise_json";
  std::filesystem::create_directories(hs_dir);
  std::filesystem::create_directories(js_dir);
  auto xx = messages("XX");
  auto ik = messages("IK");
  auto nn = messages("NN");
  write(hs_dir / "xx1", 0, xx[0]);
  write(hs_dir / "xx2", 1, xx[1]);
  write(hs_dir / "xx3", 2, xx[2]);
  write(hs_dir / "ik1", 3, ik[0]);
  write(hs_dir / "ik2", 4, ik[1]);
  write(hs_dir / "nn2", 5, nn[1]);
  std::ofstream{js_dir / "nn.json"}
      << R"({"vectors":[{"protocol_name":"Noise_NN_25519_ChaChaPoly_BLAKE2b",)"
         R"("init_prologue":"4a6f686e2047616c74","init_ephemeral":)"
         R"("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",)"
         R"("resp_prologue":"4a6f686e2047616c74","resp_ephemeral":)"
         R"("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",)"
         R"("messages":[{"payload":"4c75","ciphertext":"00"}],"x":[1.5e3,true,null,"\u00e9"]}]})";
  std::cout << "seeds written to " << dir << '\n';
  return 0;
}
