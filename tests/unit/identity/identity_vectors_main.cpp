// nz_identity_vectors: a line-oriented driver of the identity core for
// crosscheck.py. One output line per input line:
//   e2m <hex entropy>  -> <mnemonic>                  | ERR <code> <message>
//   m2e <mnemonic>     -> <hex entropy>               | ERR <code> <message>
//   derive <mnemonic>  -> <node id> <ed25519 pk hex> <x25519 pk hex>
//                         <ed25519 pk base64> <storage> <trust_log> <backup>
//                         <tokens>   (the four 32-byte subkeys in hex)
//                                                     | ERR <code> <message>
// Test-only: it prints secrets (entropy, subkeys) by design.
#include <sodium.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "actors/identity/bip39.hpp"
#include "actors/identity/newzone_derivation.hpp"

namespace {

using namespace nz::identity;

std::string hex(const uint8_t* p, size_t n) {
  std::string s(2 * n + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), p, n);
  s.pop_back();
  return s;
}

std::string err(const identity_status& st) {
  return std::string("ERR ") + to_string(st.error().code) + " " + st.error().message;
}

std::string e2m(const std::string& arg) {
  uint8_t entropy[64];
  size_t len = 0;
  if (sodium_hex2bin(entropy, sizeof(entropy), arg.data(), arg.size(), nullptr, &len,
                     nullptr)
      != 0) {
    return "ERR bad_hex entropy is not hex (at most 64 bytes)";
  }
  std::string phrase;
  auto st = entropy_to_mnemonic(phrase, entropy, len);
  return st ? phrase : err(st);
}

std::string m2e(const std::string& arg) {
  uint8_t entropy[bip39_max_entropy_bytes];
  size_t len = 0;
  auto st = mnemonic_to_entropy(entropy, len, arg);
  return st ? hex(entropy, len) : err(st);
}

std::string derive(const std::string& arg) {
  uint8_t entropy[bip39_max_entropy_bytes];
  size_t len = 0;
  if (auto st = mnemonic_to_entropy(entropy, len, arg); !st) {
    return err(st);
  }
  uint8_t seed[seed32_bytes];
  seed32_from_entropy(seed, entropy, len);
  identity_keys keys{};
  if (auto st = derive_identity(keys, seed); !st) {
    return err(st);
  }
  std::string line = node_id_hex(keys.ed25519_pk) + " " + hex(keys.ed25519_pk, 32) + " "
                     + hex(keys.x25519_pk, 32) + " " + to_base64(keys.ed25519_pk, 32);
  for (auto p : {subkey_purpose::storage, subkey_purpose::trust_log,
                 subkey_purpose::backup, subkey_purpose::tokens}) {
    uint8_t sub[32];
    if (auto st = derive_subkey(sub, sizeof(sub), seed, p); !st) {
      return err(st);
    }
    line += " " + hex(sub, sizeof(sub));
  }
  wipe(keys);
  sodium_memzero(seed, sizeof(seed));
  return line;
}

}  // namespace

int main() {
  if (sodium_init() < 0) {
    return 1;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto sp = line.find(' ');
    const std::string cmd = line.substr(0, sp);
    const std::string arg = sp == std::string::npos ? "" : line.substr(sp + 1);
    std::string answer;
    if (cmd == "e2m") {
      answer = e2m(arg);
    } else if (cmd == "m2e") {
      answer = m2e(arg);
    } else if (cmd == "derive") {
      answer = derive(arg);
    } else {
      answer = "ERR usage commands are e2m <hex>, m2e <mnemonic>, derive <mnemonic>";
    }
    std::cout << answer << '\n';
  }
  std::cout.flush();
  return 0;
}
