#include "actors/trust/core/signature.hpp"

#include <sodium.h>

#include "actors/trust/core/assertion_codec.hpp"

namespace nz::trust {

sig64 sign_detached(const uint8_t* msg, size_t size, const uint8_t* secret_key) {
  sodium_ready();
  sig64 sig{};
  crypto_sign_detached(sig.data(), nullptr, msg, size, secret_key);
  return sig;
}

bool verify_detached(const sig64& sig, const uint8_t* msg, size_t size,
                     const pubkey& pk) {
  sodium_ready();
  return crypto_sign_verify_detached(sig.data(), msg, size, pk.data()) == 0;
}

signed_assertion sign(const assertion& a, const uint8_t* secret_key) {
  auto msg = signing_bytes(a);
  return signed_assertion{a, sign_detached(msg.data(), msg.size(), secret_key)};
}

bool verify(const signed_assertion& s) {
  auto msg = signing_bytes(s.a);
  return verify_detached(s.sig, msg.data(), msg.size(), s.a.issuer);
}

}  // namespace nz::trust
