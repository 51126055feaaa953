// Ed25519 signing and strict verification of assertions (libsodium).
//
// verify() uses crypto_sign_verify_detached, which in libsodium >= 1.0.18
// refuses: a non-canonical S (S >= L, e.g. S + L of a valid signature), an R or
// public key of small order, and a non-canonical public key encoding. So each
// (key, message) has at most the signatures the signer chose to make, and an
// attacker cannot derive a second valid signature from a first.
//
// Thread rules: pure functions; safe from any thread.
#pragma once

#include "actors/trust/core/assertion.hpp"

#include <cstddef>
#include <cstdint>

namespace nz::trust {

/// Signs signing_bytes(a). REQUIRES: secret_key points at a 64-byte Ed25519
/// secret key (libsodium layout: seed | public key) whose public key is
/// a.issuer. For tests, tools and the trust actor (which holds the key in
/// guarded memory).
signed_assertion sign(const assertion& a, const uint8_t* secret_key);

/// True if s.sig is a valid strict Ed25519 signature of signing_bytes(s.a) by
/// s.a.issuer.
[[nodiscard]] bool verify(const signed_assertion& s);

/// Strict detached verification of any message (bundles use it).
[[nodiscard]] bool verify_detached(const sig64& sig, const uint8_t* msg, size_t size,
                                   const pubkey& pk);

/// Detached signature of any message. REQUIRES: as for sign().
sig64 sign_detached(const uint8_t* msg, size_t size, const uint8_t* secret_key);

}  // namespace nz::trust
