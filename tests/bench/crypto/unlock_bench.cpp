// Unlock cost of the identity key file: open_key_file (parse excluded; guarded
// key allocation, Argon2id, XChaCha20-Poly1305 open, wipes) against a raw
// crypto_pwhash with the same passphrase, salt and parameters, interleaved in
// the same run. 5 runs each, median. `--sensitive` adds the 1 GiB preset
// (about 3.4 s per call on the project machine).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <sodium.h>

#include "bench/support/bench_stats.hpp"
#include "runtime/crypto/key_file.hpp"

using namespace nz::crypto;

namespace {

using namespace nz::bench;

bool bench(const char* name, kdf_params params, int runs) {
  secret_string pw;
  if (!pw.assign("correct horse battery staple")) return false;
  identity_seed seed;
  randombytes_buf(seed.write().data(), seed.size());
  std::vector<uint8_t> image;
  if (auto st = seal_key_file(image, seed, pw, params); !st) {
    std::fprintf(stderr, "%s: seal failed: %s\n", name, st.error().message.c_str());
    return false;
  }
  key_file_header h;
  if (!parse_key_file(h, image.data(), image.size())) return false;

  std::vector<double> ours;
  std::vector<double> raw;
  for (int i = 0; i < runs; ++i) {
    auto t0 = clock_type::now();
    identity_seed out;
    if (!open_key_file(out, h, pw)) return false;
    ours.push_back(ms_since(t0));

    unsigned char key[32];
    auto r = pw.read();
    t0 = clock_type::now();
    if (crypto_pwhash(key, sizeof(key), reinterpret_cast<const char*>(r.data()), r.size(),
                      h.salt.data(), params.opslimit, params.memlimit,
                      crypto_pwhash_ALG_ARGON2ID13)
        != 0)
      return false;
    raw.push_back(ms_since(t0));
    sodium_memzero(key, sizeof(key));
  }
  double m_ours = median(ours);
  double m_raw = median(raw);
  std::printf(
      "%-12s ops=%-2llu mem=%8.0f KiB  open_key_file %9.3f ms  crypto_pwhash %9.3f ms"
      "  ratio %.3f\n",
      name, static_cast<unsigned long long>(params.opslimit),
      static_cast<double>(params.memlimit) / 1024, m_ours, m_raw, m_ours / m_raw);
  std::fflush(stdout);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool sensitive = argc > 1 && std::strcmp(argv[1], "--sensitive") == 0;
  if (argc > 1 && !sensitive) {
    std::fprintf(stderr, "usage: nz_bench_unlock [--sensitive]\n");
    return 2;
  }
  if (sodium_init() < 0) return 1;
  constexpr int runs = 5;
  std::printf("nz_bench_unlock: median of %d runs each, interleaved\n", runs);
  bool ok = bench("min", kdf_params::minimum(), runs)
            && bench("interactive", kdf_params::interactive(), runs)
            && bench("moderate", kdf_params::moderate(), runs)
            && (!sensitive || bench("sensitive", kdf_params::sensitive(), runs));
  return ok ? 0 : 1;
}
