// nz_noise_vector_gen OUT [PROTOCOL...]: writes Noise test vectors made by our
// own implementation (random keys, prologues and payloads from libsodium) in
// the common JSON format, for cross-checking against other implementations
// (tests/vectors/README.md). Defaults to every pattern with 25519, ChaChaPoly
// and BLAKE2b. Not run by CTest.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <sodium.h>

#include "actors/peer/noise/handshake_state.hpp"
#include "actors/peer/noise/hex.hpp"

using namespace nz::peer::noise;

namespace {

std::vector<uint8_t> random_bytes(size_t n) {
  std::vector<uint8_t> out(n);
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

bool emit(std::ostream& out, const std::string& name, bool first) {
  auto proto = parse_protocol_name(name);
  if (!proto) {
    std::cerr << name << ": " << proto.error().message << '\n';
    return false;
  }
  const handshake_pattern& p = *proto->pattern;
  auto is = random_bytes(32), rs = random_bytes(32), ie = random_bytes(32),
       re = random_bytes(32);
  auto prologue = random_bytes(randombytes_uniform(40));
  auto ikp = keypair::from_private(is.data());
  auto rkp = keypair::from_private(rs.data());
  const bool pre_i = !p.pre_initiator.empty();
  const bool pre_r = !p.pre_responder.empty();

  handshake_config ic;
  ic.protocol_name = name;
  ic.my_role = role::initiator;
  ic.prologue = prologue;
  ic.local_static = ikp.clone();
  ic.local_ephemeral = keypair::from_private(ie.data());
  if (pre_r) ic.remote_static = rkp.public_key_bytes;
  handshake_config rc;
  rc.protocol_name = name;
  rc.my_role = role::responder;
  rc.prologue = prologue;
  rc.local_static = rkp.clone();
  rc.local_ephemeral = keypair::from_private(re.data());
  if (pre_i) rc.remote_static = ikp.public_key_bytes;
  auto init = handshake_state::create(std::move(ic));
  auto resp = handshake_state::create(std::move(rc));
  if (!init || !resp) return false;

  std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> msgs;
  std::optional<transport_ciphers> ti, tr;
  std::vector<uint8_t> hash;
  for (size_t i = 0; i < p.messages.size() + 4; ++i) {
    auto payload = random_bytes(randombytes_uniform(48));
    const bool from_i = i % 2 == 0 || (ti && p.one_way);
    std::vector<uint8_t> ct;
    if (!ti) {
      auto w = (from_i ? *init : *resp).write_message(payload);
      if (!w || !(from_i ? *resp : *init).read_message(*w)) return false;
      ct = *w;
      if (init->is_finished()) {
        auto a = init->split();
        auto b = resp->split();
        if (!a || !b) return false;
        hash = a->handshake_hash;
        ti.emplace(std::move(*a));
        tr.emplace(std::move(*b));
      }
    } else {
      auto w = (from_i ? ti->send : tr->send).encrypt({}, payload);
      if (!w || !(from_i ? tr->recv : ti->recv).decrypt({}, *w)) return false;
      ct = *w;
    }
    msgs.emplace_back(payload, ct);
  }
  out << (first ? "" : ",\n") << "    {\n"
      << "      \"protocol_name\": \"" << name << "\",\n"
      << "      \"init_prologue\": \"" << hex_encode(prologue) << "\",\n"
      << "      \"init_static\": \"" << hex_encode(is) << "\",\n"
      << "      \"init_ephemeral\": \"" << hex_encode(ie) << "\",\n";
  if (pre_r)
    out << "      \"init_remote_static\": \"" << hex_encode(rkp.public_key_bytes)
        << "\",\n";
  out << "      \"resp_prologue\": \"" << hex_encode(prologue) << "\",\n"
      << "      \"resp_static\": \"" << hex_encode(rs) << "\",\n"
      << "      \"resp_ephemeral\": \"" << hex_encode(re) << "\",\n";
  if (pre_i)
    out << "      \"resp_remote_static\": \"" << hex_encode(ikp.public_key_bytes)
        << "\",\n";
  out << "      \"handshake_hash\": \"" << hex_encode(hash) << "\",\n"
      << "      \"messages\": [\n";
  for (size_t i = 0; i < msgs.size(); ++i)
    out << "        {\"payload\": \"" << hex_encode(msgs[i].first)
        << "\", \"ciphertext\": \"" << hex_encode(msgs[i].second) << "\"}"
        << (i + 1 < msgs.size() ? ",\n" : "\n");
  out << "      ]\n    }";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || sodium_init() < 0) {
    std::cerr << "usage: nz_noise_vector_gen OUT [PROTOCOL...]\n";
    return 2;
  }
  std::vector<std::string> names;
  for (int i = 2; i < argc; ++i) names.emplace_back(argv[i]);
  if (names.empty())
    for (const auto& p : all_patterns())
      names.push_back("Noise_" + p.name + "_25519_ChaChaPoly_BLAKE2b");
  std::ofstream out{argv[1]};
  out << "{\n  \"vectors\": [\n";
  bool first = true;
  for (const auto& name : names) {
    if (!emit(out, name, first)) {
      std::cerr << "nz_noise_vector_gen: failed on " << name << '\n';
      return 1;
    }
    first = false;
  }
  out << "\n  ]\n}\n";
  std::cout << names.size() << " vectors written to " << argv[1] << '\n';
  return out ? 0 : 1;
}
