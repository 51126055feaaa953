#include "actors/peer/session/binding.hpp"

#include <sodium.h>

#include <cstring>

#include "actors/identity/newzone_derivation.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::peer {

static_assert(crypto_sign_PUBLICKEYBYTES == 32 && crypto_sign_BYTES == 64,
              "Ed25519 sizes");
static_assert(binding_len <= max_binding_len);

std::vector<uint8_t> binding_message(const noise::public_key& static_pk,
                                     uint16_t protocol_version) {
  std::vector<uint8_t> out(binding_domain.size() + 1 + static_pk.size() + 2);
  uint8_t* p = out.data();
  std::memcpy(p, binding_domain.data(), binding_domain.size());
  p += binding_domain.size();
  *p++ = 0;
  std::memcpy(p, static_pk.data(), static_pk.size());
  p += static_pk.size();
  p[0] = static_cast<uint8_t>(protocol_version >> 8);
  p[1] = static_cast<uint8_t>(protocol_version);
  return out;
}

std::vector<uint8_t> encode_binding(const ed25519_public_key& ed25519_pk,
                                    const ed25519_signature& signature,
                                    uint16_t protocol_version, uint32_t features) {
  std::vector<uint8_t> out(binding_len);
  uint8_t* p = out.data();
  p[0] = static_cast<uint8_t>(protocol_version >> 8);
  p[1] = static_cast<uint8_t>(protocol_version);
  p[2] = static_cast<uint8_t>(features >> 24);
  p[3] = static_cast<uint8_t>(features >> 16);
  p[4] = static_cast<uint8_t>(features >> 8);
  p[5] = static_cast<uint8_t>(features);
  std::memcpy(p + 6, ed25519_pk.data(), ed25519_pk.size());
  std::memcpy(p + 6 + 32, signature.data(), signature.size());
  return out;
}

session_result<binding> verify_binding(noise::bytes_view payload,
                                       const noise::public_key& remote_static) {
  if (payload.size > max_binding_len) {
    return make_session_error(session_errc::too_long, "binding over 256 bytes");
  }
  if (payload.size != binding_len) {
    return make_session_error(session_errc::malformed,
                              "binding is not " + std::to_string(binding_len) + " bytes");
  }
  crypto::ensure_sodium();
  const uint8_t* p = payload.data;
  binding out;
  out.protocol_version = static_cast<uint16_t>((p[0] << 8) | p[1]);
  out.features = (uint32_t{p[2]} << 24) | (uint32_t{p[3]} << 16) | (uint32_t{p[4]} << 8)
                 | uint32_t{p[5]};
  std::memcpy(out.ed25519_public.data(), p + 6, 32);
  const uint8_t* sig = p + 6 + 32;
  const auto msg = binding_message(remote_static, out.protocol_version);
  if (crypto_sign_verify_detached(sig, msg.data(), msg.size(), out.ed25519_public.data())
      != 0) {
    return make_session_error(session_errc::bad_binding,
                              "binding signature does not verify for the static key");
  }
  out.node_id = node_id_of(out.ed25519_public);
  return out;
}

std::string node_id_of(const ed25519_public_key& ed25519_pk) {
  return identity::node_id_hex(ed25519_pk.data());
}

}  // namespace nz::peer
