#include "actors/peer/noise/x25519.hpp"

#include <cstring>

#include <sodium.h>

#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::peer::noise {

keypair keypair::from_private(const uint8_t* private_key) {
  crypto::ensure_sodium();
  keypair kp;
  {
    auto w = kp.private_key.write();
    std::memcpy(w.data(), private_key, dh_len);
    crypto_scalarmult_base(kp.public_key_bytes.data(), w.data());
  }  // the view closes before kp may be moved
  return kp;
}

keypair keypair::generate(const random_fn& rng) {
  crypto::ensure_sodium();
  keypair kp;
  {
    auto w = kp.private_key.write();
    if (rng)
      rng(w.data(), dh_len);
    else
      randombytes_buf(w.data(), dh_len);
    crypto_scalarmult_base(kp.public_key_bytes.data(), w.data());
  }
  return kp;
}

keypair keypair::clone() const {
  auto r = private_key.read();
  return from_private(r.data());
}

noise_status x25519_dh(const keypair& local, const public_key& remote, uint8_t* out) {
  crypto::ensure_sodium();
  int rc;
  {
    auto sk = local.private_key.read();
    rc = crypto_scalarmult(out, sk.data(), remote.data());
  }
  if (rc != 0 || sodium_is_zero(out, dh_len) == 1) {
    sodium_memzero(out, dh_len);
    return make_error(noise_errc::bad_dh, "DH output is all zero (low-order public key)");
  }
  return {};
}

}  // namespace nz::peer::noise
