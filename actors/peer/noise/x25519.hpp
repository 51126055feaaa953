// The Noise DH functions for Curve25519 (Noise revision 34, section 12.1) over
// libsodium's crypto_scalarmult: GENERATE_KEYPAIR and DH. DH refuses an all-zero
// output, which is what a low-order public key from the peer produces; Noise
// allows either behaviour and we take the strict one.
//
// Thread rules: a keypair is used by one thread at a time; the functions are
// otherwise stateless.
#pragma once

#include "actors/peer/noise/noise_error.hpp"
#include "actors/peer/noise/noise_types.hpp"
#include "runtime/crypto/secret.hpp"

#include <cstdint>
#include <functional>

namespace nz::peer::noise {

/// Fills `out` with `size` random bytes. The sans-I/O core takes its randomness
/// from the caller; the default is libsodium's randombytes_buf.
using random_fn = std::function<void(uint8_t* out, size_t size)>;

/// A Curve25519 key pair; the private key is in guarded memory. Move-only.
struct keypair {
  crypto::secret<dh_len> private_key;
  public_key public_key_bytes{};

  /// The pair for a given 32-byte private key (clamping happens inside
  /// X25519, so any 32 bytes are a valid private key).
  static keypair from_private(const uint8_t* private_key);
  /// GENERATE_KEYPAIR() with `rng`, or randombytes_buf when rng is empty.
  static keypair generate(const random_fn& rng = {});
  /// An independent copy (a new guarded buffer).
  keypair clone() const;
};

/// DH(key_pair, public_key) into `out` (dh_len bytes). Errors: bad_dh when the
/// result is all zero (a low-order `remote`). On error `out` is zeroed.
[[nodiscard]] noise_status x25519_dh(const keypair& local, const public_key& remote,
                                     uint8_t* out);

}  // namespace nz::peer::noise
